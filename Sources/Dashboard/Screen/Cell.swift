/// One of the eight ANSI colours, or the terminal's own default.
///
/// A small palette on purpose: it is what every terminal an on-call engineer meets over ssh can show.
public enum Color: Int, Sendable, Hashable, CaseIterable {
    /// The terminal's own foreground or background.
    case `default` = -1
    /// ANSI 0.
    case black = 0
    /// ANSI 1.
    case red
    /// ANSI 2.
    case green
    /// ANSI 3.
    case yellow
    /// ANSI 4.
    case blue
    /// ANSI 5.
    case magenta
    /// ANSI 6.
    case cyan
    /// ANSI 7.
    case white
}

/// Text attributes that do not depend on colour, so they survive `NO_COLOR`.
public struct TextAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    /// Creates attributes from their raw bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Bold (often also brighter).
    public static let bold = TextAttributes(rawValue: 1 << 0)
    /// Dim (faint).
    public static let dim = TextAttributes(rawValue: 1 << 1)
    /// Foreground and background swapped.
    public static let reverse = TextAttributes(rawValue: 1 << 2)
    /// Underlined.
    public static let underline = TextAttributes(rawValue: 1 << 3)
}

/// How a cell is drawn: colours from the palette plus attributes.
public struct Style: Sendable, Hashable {
    /// Foreground colour.
    public var foreground: Color
    /// Background colour.
    public var background: Color
    /// Bold, dim, reverse, underline.
    public var attributes: TextAttributes

    /// Creates a style; everything defaults to the terminal's own look.
    public init(foreground: Color = .default, background: Color = .default, attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    /// The terminal's default look.
    public static let plain = Style()

    /// This style with `other` laid over it: its non-default colours win, attributes add up.
    public func patched(with other: Style) -> Style {
        Style(
            foreground: other.foreground == .default ? foreground : other.foreground,
            background: other.background == .default ? background : other.background,
            attributes: attributes.union(other.attributes)
        )
    }

    /// This style with both colours reset, for `NO_COLOR`; attributes are kept.
    public var withoutColor: Style { Style(attributes: attributes) }

    /// Shorthand for a foreground colour.
    public static func fg(_ color: Color) -> Style { Style(foreground: color) }

    /// This style with extra attributes.
    public func adding(_ extra: TextAttributes) -> Style {
        Style(foreground: foreground, background: background, attributes: attributes.union(extra))
    }
}

/// One terminal cell: a grapheme cluster, its display width and its style.
///
/// A wide glyph occupies two cells: the first holds the glyph with width 2, the second is a
/// *continuation* cell (empty symbol, width 0) that is never written to the terminal on its own.
public struct Cell: Sendable, Hashable {
    /// The grapheme cluster shown in this cell; empty for a continuation cell.
    public var symbol: String
    /// Display width: 1 or 2 for a glyph, 0 for the continuation of a wide glyph.
    public var width: Int
    /// How the cell is drawn.
    public var style: Style

    /// Creates a cell. Callers normally go through ``Screen`` writes, which keep wide glyphs consistent.
    public init(symbol: String, width: Int, style: Style = .plain) {
        self.symbol = symbol
        self.width = width
        self.style = style
    }

    /// A space in the default style.
    public static let blank = Cell(symbol: " ", width: 1)

    /// A space in `style`.
    public static func blank(_ style: Style) -> Cell { Cell(symbol: " ", width: 1, style: style) }

    /// The second cell of a wide glyph.
    public static func continuation(_ style: Style) -> Cell { Cell(symbol: "", width: 0, style: style) }

    /// Whether this is the second cell of a wide glyph.
    public var isContinuation: Bool { width == 0 }

    /// Same bytes, width and style. Byte equality rather than canonical equivalence: it is what the
    /// terminal receives, and the frame diff compares every cell, so it must be quick.
    public static func == (lhs: Cell, rhs: Cell) -> Bool {
        lhs.width == rhs.width && lhs.style == rhs.style && lhs.symbol.utf8.elementsEqual(rhs.symbol.utf8)
    }

    /// Hashes what ``==`` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(width)
        hasher.combine(style)
        for byte in symbol.utf8 { hasher.combine(byte) }
    }
}
