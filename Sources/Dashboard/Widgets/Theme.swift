import Probes

/// What the terminal can show: Unicode or ASCII glyphs, colour or none.
///
/// Without colour (`NO_COLOR`, `--no-color`) styles keep bold, dim, reverse and underline; every
/// colour-coded state also has a glyph or text, so nothing is lost.
public struct Theme: Sendable, Hashable {
    /// The characters to draw with.
    public var glyphs: Glyphs
    /// Whether colours are shown.
    public var usesColor: Bool

    /// Creates a theme.
    public init(glyphs: Glyphs = .unicode, usesColor: Bool = true) {
        self.glyphs = glyphs
        self.usesColor = usesColor
    }

    /// Unicode and colour.
    public static let standard = Theme()
    /// ASCII and no colour: the most a dumb terminal is assumed to handle.
    public static let plain = Theme(glyphs: .ascii, usesColor: false)

    /// The theme for a process environment: ASCII unless the locale is UTF-8, no colour when `NO_COLOR`
    /// is set to a non-empty value (no-color.org) or `noColor` is requested.
    ///
    /// - Parameters:
    ///   - environment: the process environment (`LC_ALL`, `LC_CTYPE`, `LANG` and `NO_COLOR` are read).
    ///   - noColor: the `--no-color` flag.
    ///   - terminalHasColor: whether the terminal reports colour support.
    public init(environment: [String: String], noColor: Bool = false, terminalHasColor: Bool = true) {
        let noColorSet = !(environment["NO_COLOR"] ?? "").isEmpty
        self.init(
            glyphs: Theme.localeIsUTF8(environment) ? .unicode : .ascii,
            usesColor: terminalHasColor && !noColor && !noColorSet
        )
    }

    /// Whether the locale variables name a UTF-8 codeset, in POSIX precedence (the first set one wins).
    public static func localeIsUTF8(_ environment: [String: String]) -> Bool {
        for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
            if let value = environment[name], !value.isEmpty {
                let lowered = value.lowercased()
                return lowered.contains("utf-8") || lowered.contains("utf8")
            }
        }
        return false
    }

    /// `style` as this theme shows it: colours dropped when colour is off.
    public func resolve(_ style: Style) -> Style {
        usesColor ? style : style.withoutColor
    }

    /// The style of a probe status glyph; `down` is also bold so it stands out without colour.
    public func style(for status: ProbeStatus) -> Style {
        switch status {
        case .up: resolve(.fg(.green))
        case .degraded: resolve(.fg(.yellow))
        case .down: resolve(Style(foreground: .red, attributes: .bold))
        case .unknown: resolve(.fg(.magenta))
        }
    }

    /// The status glyph as a styled span.
    public func statusSpan(_ status: ProbeStatus) -> Span {
        Span(glyphs.status(status), style: style(for: status))
    }

    /// Style of headers (table header, block titles).
    public var headerStyle: Style { Style(attributes: .bold) }

    /// Style laid over the selected row: reverse video, which needs no colour.
    public var selectionStyle: Style { Style(attributes: .reverse) }

    /// Style of borders.
    public var borderStyle: Style { resolve(.fg(.blue)) }

    /// Style of secondary text.
    public var dimStyle: Style { Style(attributes: .dim) }
}
