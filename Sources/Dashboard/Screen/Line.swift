/// A piece of text in one style.
public struct Span: Sendable, Hashable {
    /// The text; may hold any characters, undisplayable ones are skipped when drawn.
    public var text: String
    /// How it is drawn.
    public var style: Style

    /// Creates a span.
    public init(_ text: String, style: Style = .plain) {
        self.text = text
        self.style = style
    }

    /// Columns the text occupies.
    public var displayWidth: Int { text.displayWidth }
}

/// Where a line sits in a wider area.
public enum Alignment: Sendable, Hashable {
    /// Flush with the left edge.
    case left
    /// In the middle (rounded to the left).
    case center
    /// Flush with the right edge.
    case right
}

/// One row of styled spans.
public struct Line: Sendable, Hashable, ExpressibleByStringLiteral {
    /// The spans, left to right.
    public var spans: [Span]
    /// Placement when drawn into a wider area.
    public var alignment: Alignment

    /// Creates a line from spans.
    public init(_ spans: [Span], alignment: Alignment = .left) {
        self.spans = spans
        self.alignment = alignment
    }

    /// Creates a line of one span.
    public init(_ text: String, style: Style = .plain, alignment: Alignment = .left) {
        self.init([Span(text, style: style)], alignment: alignment)
    }

    /// Creates a plain line from a literal.
    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// Columns the whole line occupies.
    public var displayWidth: Int { spans.reduce(0) { $0 + $1.displayWidth } }

    /// The line's text without styles.
    public var plainText: String { spans.map(\.text).joined() }

    /// The line cut to at most `width` columns; when something is cut, `ellipsis` (in the style of the
    /// span it follows) marks it, if it fits. Never splits a wide glyph.
    public func truncated(toWidth width: Int, ellipsis: String) -> Line {
        guard displayWidth > width else { return self }
        let ellipsisWidth = ellipsis.displayWidth
        let budget = ellipsisWidth < width ? width - ellipsisWidth : max(0, width)
        var kept: [Span] = []
        var used = 0
        var lastStyle = spans.first?.style ?? .plain
        outer: for span in spans {
            var text = ""
            lastStyle = span.style
            for character in span.text {
                let glyphWidth = character.displayWidth ?? 0
                if used + glyphWidth > budget {
                    if !text.isEmpty { kept.append(Span(text, style: span.style)) }
                    break outer
                }
                text.append(character)
                used += glyphWidth
            }
            kept.append(Span(text, style: span.style))
        }
        if ellipsisWidth < width, ellipsisWidth > 0 {
            kept.append(Span(ellipsis, style: lastStyle))
        }
        return Line(kept, alignment: alignment)
    }
}

extension String {
    /// The text cut to at most `width` columns, with `ellipsis` marking the cut when it fits.
    public func truncated(toWidth width: Int, ellipsis: String) -> String {
        Line(self).truncated(toWidth: width, ellipsis: ellipsis).plainText
    }
}
