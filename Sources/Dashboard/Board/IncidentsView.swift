import Foundation
import Probes

/// The incidents view (`i`): open incidents first, then the recently closed, one row each.
///
/// At 80 columns a row keeps its state, id, root, start and length; the victims and the alerts
/// paged and suppressed come with width, and at 160 the names of the services that fell.
struct IncidentsView {
    var theme: Theme
    var timeZone: TimeZone

    static let columns: [TableColumn] = [
        TableColumn("STATE", minWidth: 8, maxWidth: 11, priority: 9),
        TableColumn("INCIDENT", minWidth: 26, maxWidth: 34, priority: 10),
        TableColumn("ROOT", minWidth: 14, maxWidth: 22, priority: 8),
        TableColumn("STARTED", minWidth: 8, maxWidth: 8, priority: 7),
        TableColumn("LASTED", minWidth: 8, maxWidth: 8, priority: 6, alignment: .right),
        TableColumn("VICTIMS", minWidth: 7, maxWidth: 7, priority: 5, alignment: .right),
        TableColumn("PAGED", minWidth: 5, maxWidth: 5, priority: 4, alignment: .right),
        TableColumn("QUIET", minWidth: 5, maxWidth: 5, priority: 3, alignment: .right),
        TableColumn("WHO FELL", minWidth: 16, priority: 1),
    ]

    /// Incident rows that fit in the body: its border and the table's header take three.
    static func visibleRows(in body: Rect) -> Int { max(0, body.height - 3) }

    func render(snapshot: BoardSnapshot?, state: BoardState, in area: Rect, on screen: inout Screen) {
        guard !area.isEmpty else { return }
        screen.fill(area)
        let incidents = snapshot?.incidentRecords ?? []
        let open = incidents.filter(\.record.isOpen).count
        let title = Line([
            Span("Incidents", style: theme.headerStyle),
            Span(
                " \(theme.glyphs.separator) \(open) open \(theme.glyphs.separator) \(incidents.count - open) closed",
                style: theme.dimStyle),
        ])
        let block = Block(
            title: title, borderStyle: theme.resolve(Style(foreground: .cyan, attributes: .bold)),
            glyphs: theme.glyphs)
        block.render(in: area, on: &screen)
        let inner = block.inner(area)
        guard !inner.isEmpty, let snapshot else { return }
        let selected = state.selectedIncident.flatMap { id in incidents.firstIndex { $0.record.id == id } }
        let visible = Table.visibleRowCount(height: inner.height)
        let first = Table.scrollOffset(
            selected: selected, offset: state.incidentsOffset, visibleRows: visible,
            rowCount: incidents.count)
        let shown = incidents.isEmpty ? [] : Array(incidents[first..<min(incidents.count, first + visible)])
        var table = Table(columns: Self.columns, rows: shown.map { row($0.record, now: snapshot.time) }, theme: theme)
        table.selected = selected.map { $0 - first }
        table.render(in: inner, on: &screen)
        if incidents.isEmpty {
            let body = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: max(0, inner.height - 1))
            Paragraph(
                "no incidents since the board started", style: theme.dimStyle, alignment: .center,
                ellipsis: theme.glyphs.ellipsis
            )
            .render(in: body.centered(width: body.width, height: 1), on: &screen)
        }
    }

    private func row(_ record: IncidentRecord, now: Date) -> TableRow {
        let glyphs = theme.glyphs
        let stateCell: Line
        if record.isOpen {
            let status: ProbeStatus = record.state == .slow ? .degraded : record.state == .recovered ? .up : .down
            stateCell = Line([
                Span(glyphs.status(status) + " ", style: theme.style(for: status)),
                Span(record.state.rawValue, style: theme.style(for: status).adding(.bold)),
            ])
        } else {
            stateCell = Line([Span(glyphs.up + " ", style: theme.dimStyle), Span("closed", style: theme.dimStyle)])
        }
        let counts = record.alertCounts
        let fell = record.victimNames
        return TableRow([
            stateCell,
            Line(record.id, style: record.isOpen ? theme.headerStyle : .plain),
            Line(record.root + (record.inferred ? " (inferred)" : "")),
            Line(BoardFormat.clock(record.onset, timeZone: timeZone)),
            Line(IncidentsReport.duration(record.duration(now: now))),
            Line("\(fell.count)"),
            Line("\(counts.sent)", style: counts.sent > 0 ? theme.resolve(.fg(.red)) : theme.dimStyle),
            Line("\(counts.suppressed)", style: theme.dimStyle),
            Line(fell.isEmpty ? "-" : fell.joined(separator: ", "), style: theme.dimStyle),
        ])
    }
}
