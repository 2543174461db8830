extension BudgetBar {
    /// The bar and percentage as one line of at most `width` columns, for a table cell: the
    /// percentage alone when there is no room for a bar of at least two cells.
    public func line(width: Int) -> Line {
        let glyphs = theme.glyphs
        let text = label
        let labelWidth = max(4, text.displayWidth)
        let frame = glyphs.barOpen.displayWidth + glyphs.barClose.displayWidth
        let cells = width - labelWidth - 1 - frame
        let padded = String(repeating: " ", count: max(0, labelWidth - text.displayWidth)) + text
        guard cells >= 2 else { return Line(text, style: style) }
        let filled = remaining.map { BudgetBar.filledCells(remaining: $0, cells: cells) } ?? 0
        var spans: [Span] = []
        if !glyphs.barOpen.isEmpty { spans.append(Span(glyphs.barOpen, style: theme.dimStyle)) }
        if filled > 0 { spans.append(Span(String(repeating: glyphs.barFilled, count: filled), style: style)) }
        if cells > filled {
            spans.append(Span(String(repeating: glyphs.barEmpty, count: cells - filled), style: theme.dimStyle))
        }
        if !glyphs.barClose.isEmpty { spans.append(Span(glyphs.barClose, style: theme.dimStyle)) }
        spans.append(Span(" " + padded, style: style))
        return Line(spans)
    }
}

extension Sparkline {
    /// The newest values that fit in `width` columns as one line, right-aligned; a gap is a space.
    public func line(width: Int) -> Line {
        guard width > 0, !glyphs.sparkLevels.isEmpty else { return Line("") }
        let shown = values.suffix(width)
        let top =
            maximum
            ?? shown.reduce(0) { current, value in
                guard let value, value.isFinite else { return current }
                return max(current, value)
            }
        var text = String(repeating: " ", count: width - shown.count)
        for value in shown {
            if let level = Sparkline.level(of: value, maximum: top, levels: glyphs.sparkLevels.count) {
                text += glyphs.sparkLevels[level]
            } else {
                text += " "
            }
        }
        return Line(text, style: style)
    }
}

extension Screen {
    /// Row `y` as a line of styled spans (cells of one style merged), for drawing a widget's output
    /// into a scrolling list.
    public func line(row y: Int) -> Line {
        guard y >= 0, y < height else { return Line("") }
        var spans: [Span] = []
        for x in 0..<width {
            let cell = self[x: x, y: y]
            if cell.isContinuation { continue }
            if let last = spans.last, last.style == cell.style {
                spans[spans.count - 1].text += cell.symbol
            } else {
                spans.append(Span(cell.symbol, style: cell.style))
            }
        }
        return Line(spans)
    }
}
