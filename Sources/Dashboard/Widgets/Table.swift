/// A column of a ``Table``.
public struct TableColumn: Sendable, Hashable {
    /// Header text.
    public var header: String
    /// Columns it needs to be worth showing; below this it is dropped rather than squeezed.
    public var minWidth: Int
    /// Columns it may grow to; `nil` lets it take whatever is left over (a name column).
    public var maxWidth: Int?
    /// Higher is kept longer: when the area is too narrow, the lowest-priority columns go first.
    public var priority: Int
    /// Placement of header and cells (numbers read best right-aligned).
    public var alignment: Alignment

    /// Creates a column.
    public init(
        _ header: String, minWidth: Int, maxWidth: Int? = nil, priority: Int = 0,
        alignment: Alignment = .left
    ) {
        self.header = header
        self.minWidth = max(0, minWidth)
        self.maxWidth = maxWidth.map { max($0, max(0, minWidth)) }
        self.priority = priority
        self.alignment = alignment
    }
}

/// A row of a ``Table``: one line per column, and a style under all of them.
public struct TableRow: Sendable, Hashable {
    /// One cell per column, in column order; missing cells are blank.
    public var cells: [Line]
    /// Laid under the cells' own styles.
    public var style: Style

    /// Creates a row.
    public init(_ cells: [Line], style: Style = .plain) {
        self.cells = cells
        self.style = style
    }
}

/// Rows under a header, with a selected row and scrolling.
///
/// The selected row is drawn in reverse video *and* marked with ``Glyphs/selection``, so selection
/// reads without colour. Cells too long for their column end in ``Glyphs/ellipsis``.
public struct Table: Sendable, Hashable {
    /// The columns, left to right.
    public var columns: [TableColumn]
    /// The rows, top to bottom.
    public var rows: [TableRow]
    /// Index of the selected row, if any.
    public var selected: Int?
    /// Index of the first row shown; adjusted when drawing so the selected row is visible.
    public var offset: Int
    /// Glyphs and styles.
    public var theme: Theme
    /// Blank columns between two columns.
    public var columnSpacing: Int

    /// Creates a table.
    public init(
        columns: [TableColumn], rows: [TableRow], selected: Int? = nil, offset: Int = 0,
        theme: Theme = .standard, columnSpacing: Int = 1
    ) {
        self.columns = columns
        self.rows = rows
        self.selected = selected
        self.offset = offset
        self.theme = theme
        self.columnSpacing = max(0, columnSpacing)
    }

    /// Columns the selection marker and its gap take at the left of every row.
    public var markerWidth: Int { theme.glyphs.selection.displayWidth + 1 }

    /// Rows of data that fit in an area of `height` rows (one goes to the header).
    public static func visibleRowCount(height: Int) -> Int { max(0, height - 1) }

    /// The first row to show so that `selected` is visible, moving as little as possible from `offset`,
    /// and never leaving blank rows at the end while earlier rows are hidden.
    public static func scrollOffset(selected: Int?, offset: Int, visibleRows: Int, rowCount: Int) -> Int {
        guard visibleRows > 0, rowCount > 0 else { return 0 }
        var first = min(max(0, offset), max(0, rowCount - visibleRows))
        if let selected {
            let row = min(max(0, selected), rowCount - 1)
            if row < first { first = row }
            if row >= first + visibleRows { first = row - visibleRows + 1 }
        }
        return first
    }

    /// The width of each column in `width` columns of space, or `nil` for a column dropped because the
    /// space is too narrow.
    ///
    /// Columns are dropped lowest priority first (the rightmost of equals first) until the minimum widths
    /// fit; the space left is handed out one cell per column per round, highest priority first, to every
    /// column below its maximum, so columns without a maximum end up with the rest. A single column left
    /// is given all the space, even below its minimum.
    public static func columnWidths(_ columns: [TableColumn], width: Int, spacing: Int) -> [Int?] {
        guard !columns.isEmpty, width > 0 else { return columns.map { _ in nil } }
        var kept = Array(columns.indices)
        let dropOrder = columns.indices.sorted {
            columns[$0].priority != columns[$1].priority ? columns[$0].priority < columns[$1].priority : $0 > $1
        }
        func needed(_ indices: [Int]) -> Int {
            indices.reduce(0) { $0 + columns[$1].minWidth } + spacing * max(0, indices.count - 1)
        }
        var nextDrop = 0
        while kept.count > 1, needed(kept) > width {
            let victim = dropOrder[nextDrop]
            nextDrop += 1
            kept.removeAll { $0 == victim }
        }
        var widths = [Int?](repeating: nil, count: columns.count)
        if kept.count == 1 {
            widths[kept[0]] = width
            return widths
        }
        var sizes = Dictionary(uniqueKeysWithValues: kept.map { ($0, columns[$0].minWidth) })
        var spare = width - needed(kept)
        let byPriority = kept.sorted {
            columns[$0].priority != columns[$1].priority ? columns[$0].priority > columns[$1].priority : $0 < $1
        }
        var growing = byPriority.filter { index in
            columns[index].maxWidth.map { $0 > columns[index].minWidth } ?? true
        }
        while spare > 0, !growing.isEmpty {
            for index in growing where spare > 0 {
                sizes[index, default: 0] += 1
                spare -= 1
            }
            growing.removeAll { index in
                columns[index].maxWidth.map { sizes[index, default: 0] >= $0 } ?? false
            }
        }
        for index in kept {
            widths[index] = sizes[index]
        }
        return widths
    }

    /// Draws the header in the first row of `area` and as many rows as fit below it.
    public func render(in area: Rect, on screen: inout Screen) {
        guard !area.isEmpty else { return }
        let glyphs = theme.glyphs
        let marker = min(markerWidth, area.width)
        let content = Rect(x: area.x + marker, y: area.y, width: area.width - marker, height: area.height)
        let widths = Table.columnWidths(columns, width: content.width, spacing: columnSpacing)
        var placed: [(column: Int, x: Int, width: Int)] = []
        var left = content.x
        for (index, width) in widths.enumerated() {
            guard let width else { continue }
            placed.append((index, left, width))
            left += width + columnSpacing
        }

        for (index, x, width) in placed {
            let header = Line(columns[index].header, style: theme.headerStyle, alignment: columns[index].alignment)
            let cellArea = Rect(x: x, y: area.y, width: width, height: 1)
            screen.put(header.truncated(toWidth: width, ellipsis: glyphs.ellipsis), in: cellArea, y: area.y)
        }

        let visible = Table.visibleRowCount(height: area.height)
        let first = Table.scrollOffset(selected: selected, offset: offset, visibleRows: visible, rowCount: rows.count)
        for (slot, rowIndex) in (first..<min(rows.count, first + visible)).enumerated() {
            let row = rows[rowIndex]
            let y = area.y + 1 + slot
            let rowArea = Rect(x: area.x, y: y, width: area.width, height: 1)
            screen.fill(rowArea, style: row.style)
            let isSelected = rowIndex == selected
            if isSelected {
                screen.put(glyphs.selection, x: area.x, y: y, style: row.style, clip: rowArea)
            }
            for (index, x, width) in placed {
                guard index < row.cells.count else { continue }
                var line = row.cells[index]
                line.spans = line.spans.map { Span($0.text, style: row.style.patched(with: $0.style)) }
                line.alignment = columns[index].alignment
                let cellArea = Rect(x: x, y: y, width: width, height: 1)
                screen.put(line.truncated(toWidth: width, ellipsis: glyphs.ellipsis), in: cellArea, y: y)
            }
            if isSelected {
                screen.applyStyle(theme.selectionStyle, to: rowArea)
            }
        }
    }
}
