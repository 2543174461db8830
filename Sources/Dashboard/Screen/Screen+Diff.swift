/// One cell a backend must write to bring the terminal from the previous frame to the next.
public struct CellUpdate: Sendable, Hashable {
    /// Column.
    public var x: Int
    /// Row.
    public var y: Int
    /// What to write there (never a continuation cell; a wide glyph covers `x + 1` too).
    public var cell: Cell

    /// Creates an update.
    public init(x: Int, y: Int, cell: Cell) {
        self.x = x
        self.y = y
        self.cell = cell
    }
}

extension Screen {
    /// The cells that differ from `previous`, left to right and top to bottom, as ratatui's buffer diff.
    ///
    /// Continuation cells are never listed (their wide glyph writes them). After a wide glyph in
    /// `previous`, the next cell is listed even if it looks unchanged, because the terminal may have
    /// lost it when the wide glyph was overwritten. A frame of another size differs everywhere.
    public func updates(from previous: Screen?) -> [CellUpdate] {
        guard let previous, previous.width == width, previous.height == height else {
            return allUpdates()
        }
        var updates: [CellUpdate] = []
        for row in 0..<height {
            var invalidated = 0
            var toSkip = 0
            for column in 0..<width {
                let index = row * width + column
                let current = cells[index]
                let before = previous.cells[index]
                if !current.isContinuation, toSkip == 0, current != before || invalidated > 0 {
                    updates.append(CellUpdate(x: column, y: row, cell: current))
                }
                toSkip = max(0, current.width - 1)
                invalidated = max(max(current.width, before.width), invalidated) - 1
                invalidated = max(0, invalidated)
            }
        }
        return updates
    }

    /// Every glyph of the frame, for a full redraw.
    public func allUpdates() -> [CellUpdate] {
        var updates: [CellUpdate] = []
        updates.reserveCapacity(cells.count)
        for row in 0..<height {
            for column in 0..<width {
                let cell = cells[row * width + column]
                if !cell.isContinuation { updates.append(CellUpdate(x: column, y: row, cell: cell)) }
            }
        }
        return updates
    }
}
