/// Lines of styled text drawn top-down into an area: a label, a message, an error text.
public struct Paragraph: Sendable, Hashable {
    /// The lines, top to bottom.
    public var lines: [Line]
    /// When set, a line wider than the area is cut with this marker (otherwise it is simply clipped).
    public var ellipsis: String?
    /// Whether long lines wrap at spaces (or anywhere in a word longer than the area) instead of clipping.
    public var wraps: Bool

    /// Creates a paragraph from lines.
    public init(_ lines: [Line], ellipsis: String? = nil, wraps: Bool = false) {
        self.lines = lines
        self.ellipsis = ellipsis
        self.wraps = wraps
    }

    /// Creates a paragraph from text; newlines start new lines.
    public init(
        _ text: String, style: Style = .plain, alignment: Alignment = .left, ellipsis: String? = nil,
        wraps: Bool = false
    ) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            Line(String($0), style: style, alignment: alignment)
        }
        self.init(lines, ellipsis: ellipsis, wraps: wraps)
    }

    /// The lines as they are laid out in `width` columns (wrapped when ``wraps`` is set).
    public func layout(width: Int) -> [Line] {
        guard wraps else { return lines }
        return lines.flatMap { $0.wrapped(toWidth: width) }
    }

    /// Draws the lines that fit, from the top of `area`.
    public func render(in area: Rect, on screen: inout Screen) {
        guard !area.isEmpty else { return }
        for (index, line) in layout(width: area.width).prefix(area.height).enumerated() {
            let shown = ellipsis.map { line.truncated(toWidth: area.width, ellipsis: $0) } ?? line
            screen.put(shown, in: area, y: area.y + index)
        }
    }
}

extension Line {
    /// The line broken into lines of at most `width` columns, at spaces where possible.
    public func wrapped(toWidth width: Int) -> [Line] {
        guard width > 0, displayWidth > width else { return [self] }
        var glyphs: [(character: Character, style: Style, width: Int)] = []
        for span in spans {
            for character in span.text {
                guard let glyphWidth = character.displayWidth else { continue }
                glyphs.append((character, span.style, glyphWidth))
            }
        }
        var result: [Line] = []
        var start = 0
        while start < glyphs.count {
            var end = start
            var used = 0
            var lastSpace: Int?
            while end < glyphs.count, used + glyphs[end].width <= width {
                if glyphs[end].character == " " { lastSpace = end }
                used += glyphs[end].width
                end += 1
            }
            if end == start {
                // A glyph wider than the whole area: skip it rather than loop forever.
                end = start + 1
            } else if end < glyphs.count, glyphs[end].character != " ", let space = lastSpace, space > start {
                end = space
            }
            result.append(Line(Line.spans(of: glyphs[start..<end]), alignment: alignment))
            start = end
            while start < glyphs.count, glyphs[start].character == " " { start += 1 }
        }
        return result.isEmpty ? [Line("", alignment: alignment)] : result
    }

    private static func spans(of glyphs: ArraySlice<(character: Character, style: Style, width: Int)>) -> [Span] {
        var spans: [Span] = []
        for glyph in glyphs {
            if let last = spans.last, last.style == glyph.style {
                spans[spans.count - 1].text.append(glyph.character)
            } else {
                spans.append(Span(String(glyph.character), style: glyph.style))
            }
        }
        return spans
    }
}
