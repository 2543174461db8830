/// A frame: a `width`×`height` grid of ``Cell``s that views render into before the terminal sees it.
///
/// Writes keep wide glyphs whole: text is clipped by display width, a wide glyph that would cross the
/// right edge (or the clip rectangle) is replaced by a space, and overwriting either half of a wide
/// glyph blanks the other half, so a frame never holds half a character.
public struct Screen: Sendable, Hashable {
    /// Columns.
    public private(set) var width: Int
    /// Rows.
    public private(set) var height: Int
    /// Cells row by row; `cells[y * width + x]`.
    public private(set) var cells: [Cell]

    /// A blank frame of the given size (negative sizes become zero).
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    /// The whole frame as a rectangle.
    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at (`x`, `y`); a blank cell outside the frame.
    public subscript(x x: Int, y y: Int) -> Cell {
        guard x >= 0, x < width, y >= 0, y < height else { return .blank }
        return cells[y * width + x]
    }

    /// Blanks every cell.
    public mutating func clear(style: Style = .plain) {
        for index in cells.indices {
            cells[index] = .blank(style)
        }
    }

    /// Changes the size; the content is blanked because every frame is rendered whole anyway.
    public mutating func resize(width newWidth: Int, height newHeight: Int) {
        self = Screen(width: newWidth, height: newHeight)
    }

    /// Writes `text` starting at (`x`, `y`), one grapheme cluster per glyph, and returns the column after
    /// the last one drawn.
    ///
    /// Drawing stops at the right edge of `clip` (default: the whole frame) by display width. Control and
    /// format characters are skipped; a lone combining mark joins the glyph drawn before it.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil) -> Int {
        let bounds = clip.map { $0.intersection(area) } ?? area
        guard y >= bounds.y, y < bounds.bottom, !bounds.isEmpty else { return x }
        var column = x
        if DisplayWidth.isSimple(text) {
            // One glyph per scalar: no grapheme breaking needed (the common case, and the fast one).
            for scalar in text.unicodeScalars {
                let glyphWidth = DisplayWidth.simpleWidth(scalar.value)
                guard
                    place(
                        String(Character(scalar)), width: glyphWidth, column: &column, y: y, bounds: bounds,
                        style: style)
                else { break }
            }
            return column
        }
        var lastDrawn: Int?
        for character in text {
            guard let glyphWidth = character.displayWidth else { continue }
            if glyphWidth == 0 {
                if let index = lastDrawn {
                    cells[index].symbol.append(character)
                }
                continue
            }
            let start = column
            guard place(String(character), width: glyphWidth, column: &column, y: y, bounds: bounds, style: style)
            else { break }
            lastDrawn = start >= bounds.x ? y * width + start : nil
        }
        return column
    }

    /// Draws one glyph at `column` within `bounds` and advances `column`; `false` once the right edge
    /// is reached. Half a wide glyph is never drawn: where one would cross an edge, a space shows.
    private mutating func place(
        _ symbol: @autoclosure () -> String, width glyphWidth: Int, column: inout Int, y: Int,
        bounds: Rect, style: Style
    ) -> Bool {
        if column >= bounds.right { return false }
        if column + glyphWidth > bounds.right {
            if column >= bounds.x { setCell(.blank(style), x: column, y: y) }
            column = bounds.right
            return false
        }
        if column < bounds.x {
            // Cut off by the left edge: a wide glyph straddling it leaves a space behind.
            if column + glyphWidth > bounds.x { setCell(.blank(style), x: bounds.x, y: y) }
            column += glyphWidth
            return true
        }
        setCell(Cell(symbol: symbol(), width: glyphWidth, style: style), x: column, y: y)
        column += glyphWidth
        return true
    }

    /// Writes a line of styled spans starting at (`x`, `y`); returns the column after the last glyph.
    @discardableResult
    public mutating func put(_ line: Line, x: Int, y: Int, clip: Rect? = nil) -> Int {
        var column = x
        for span in line.spans {
            column = put(span.text, x: column, y: y, style: span.style, clip: clip)
        }
        return column
    }

    /// Writes `line` into row `y` of `area`, placed by the line's alignment and clipped to the area.
    public mutating func put(_ line: Line, in area: Rect, y: Int) {
        let free = area.width - line.displayWidth
        let offset: Int
        switch line.alignment {
        case .left: offset = 0
        case .center: offset = max(0, free / 2)
        case .right: offset = max(0, free)
        }
        put(line, x: area.x + offset, y: y, clip: area)
    }

    /// Fills `rect` with a narrow symbol (a space by default) in `style`.
    public mutating func fill(_ rect: Rect, with symbol: Character = " ", style: Style = .plain) {
        let target = rect.intersection(area)
        let cell = symbol.displayWidth == 1 ? Cell(symbol: String(symbol), width: 1, style: style) : .blank(style)
        for row in target.y..<target.bottom {
            for column in target.x..<target.right {
                setCell(cell, x: column, y: row)
            }
        }
    }

    /// Lays `style` over the cells of `rect` (see ``Style/patched(with:)``), keeping their symbols.
    public mutating func applyStyle(_ style: Style, to rect: Rect) {
        let target = rect.intersection(area)
        for row in target.y..<target.bottom {
            for column in target.x..<target.right {
                let index = row * width + column
                cells[index].style = cells[index].style.patched(with: style)
            }
        }
    }

    /// Replaces one cell of width 1 or 2, blanking the halves of wide glyphs it overlaps.
    mutating func setCell(_ cell: Cell, x: Int, y: Int) {
        guard y >= 0, y < height, x >= 0, x + max(1, cell.width) <= width, cell.width > 0 else { return }
        breakWideGlyph(x: x, y: y)
        if cell.width == 2 { breakWideGlyph(x: x + 1, y: y) }
        let index = y * width + x
        cells[index] = cell
        if cell.width == 2 { cells[index + 1] = .continuation(cell.style) }
    }

    /// Before (`x`, `y`) is overwritten: if it is half of a wide glyph, turns the other half into a space.
    private mutating func breakWideGlyph(x: Int, y: Int) {
        let index = y * width + x
        let cell = cells[index]
        if cell.isContinuation, x > 0 {
            cells[index - 1] = .blank(cells[index - 1].style)
        } else if cell.width == 2, x + 1 < width {
            cells[index + 1] = .blank(cell.style)
        }
    }
}
