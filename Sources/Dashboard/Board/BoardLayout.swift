/// Where each part of the board goes for a terminal size and UI state.
///
/// 80x24 is the design point: two header rows, the table, one footer row; the detail pane opens
/// over the table. From 34 rows it opens below the table instead, and from 140 columns it is
/// always shown beside the table.
public struct BoardLayout: Sendable, Hashable {
    /// The smallest terminal the board draws itself in; below it a notice says so.
    public static let minimumWidth = 60
    /// See ``minimumWidth``.
    public static let minimumHeight = 12
    /// From this width the detail pane sits beside the table.
    public static let sideBySideWidth = 140
    /// From this height an opened detail pane goes below the table rather than over it.
    public static let stackedHeight = 34

    /// Whether the terminal is below the minimum (nothing else is drawn then).
    public var isTooSmall: Bool
    /// Overall state, counts, clock (first row) and root causes (second row).
    public var header: Rect
    /// The banner row under the header (what the demo is playing), when there is one.
    public var banner: Rect?
    /// The services table, its column header included.
    public var table: Rect
    /// The detail pane, when shown.
    public var detail: Rect?
    /// Whether the detail pane covers the table.
    public var detailCoversTable: Bool
    /// Key hints, or the filter prompt.
    public var footer: Rect
    /// Everything between the header (and banner) and the footer: where the incidents view goes.
    public var body: Rect

    /// The layout for `size` and `state`; `banner` adds a row under the header for it.
    public init(size: TerminalSize, state: BoardState, banner: Bool = false) {
        let width = max(0, size.width)
        let height = max(0, size.height)
        isTooSmall = width < Self.minimumWidth || height < Self.minimumHeight
        header = Rect(x: 0, y: 0, width: width, height: 2)
        self.banner = banner ? Rect(x: 0, y: 2, width: width, height: 1) : nil
        footer = Rect(x: 0, y: max(0, height - 1), width: width, height: 1)
        let top = banner ? 3 : 2
        let body = Rect(x: 0, y: top, width: width, height: max(0, height - top - 1))
        self.body = body
        detailCoversTable = false
        if width >= Self.sideBySideWidth {
            let detailWidth = max(56, width / 3)
            let parts = body.split(columns: [.fill, .fixed(detailWidth)], spacing: 1)
            table = parts[0]
            detail = parts[1]
        } else if state.detailOpen || state.focus == .detail {
            if height >= Self.stackedHeight {
                let parts = body.split(rows: [.fill, .percent(50)])
                table = parts[0]
                detail = parts[1]
            } else {
                table = body
                detail = body
                detailCoversTable = true
            }
        } else {
            table = body
            detail = nil
        }
    }

    /// Whether the detail pane is on screen.
    public var showsDetail: Bool { detail != nil }

    /// Table rows that fit below its column header: how far PgUp/PgDn move.
    public var visibleTableRows: Int {
        detailCoversTable ? 0 : Table.visibleRowCount(height: table.height)
    }
}
