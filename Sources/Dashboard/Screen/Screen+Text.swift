extension Screen {
    /// The frame as plain text, one string per row: each glyph once, continuation cells skipped, trailing
    /// spaces kept (so every row has the frame's display width).
    public var lines: [String] {
        (0..<height).map { row in
            var text = ""
            for column in 0..<width {
                let cell = cells[row * width + column]
                if !cell.isContinuation { text += cell.symbol }
            }
            return text
        }
    }

    /// The frame as plain text with trailing spaces removed from every row, rows joined by newlines.
    ///
    /// Every row is present, also empty ones, so the text still tells the frame's height.
    public var trimmedText: String {
        lines.map { line in
            var trimmed = Substring(line)
            while trimmed.last == " " { trimmed.removeLast() }
            return String(trimmed)
        }.joined(separator: "\n")
    }
}
