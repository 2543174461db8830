import Probes

/// The services table: one row per service, in the order ``BoardRows`` gives.
///
/// Column priorities keep, at 80 columns, the status and name, availability, p99, budget and
/// cause; p50, the latency sparkline and the budget bar come with width.
struct ServicesTableView {
    var theme: Theme

    /// The columns, left to right; priority decides which go first when the table is narrow.
    static let columns: [TableColumn] = [
        TableColumn("SERVICE", minWidth: 26, priority: 10),
        TableColumn("AVAIL", minWidth: 7, maxWidth: 7, priority: 8, alignment: .right),
        TableColumn("P50", minWidth: 5, maxWidth: 5, priority: 3, alignment: .right),
        TableColumn("P99", minWidth: 5, maxWidth: 5, priority: 7, alignment: .right),
        TableColumn("LATENCY", minWidth: 10, maxWidth: 30, priority: 4),
        TableColumn("BUDGET", minWidth: 5, maxWidth: 16, priority: 6, alignment: .right),
        TableColumn("BURN1h", minWidth: 6, maxWidth: 6, priority: 5, alignment: .right),
        TableColumn("CAUSE", minWidth: 14, maxWidth: 28, priority: 9),
    ]

    private enum Column: Int {
        case service, availability, p50, p99, sparkline, budget, burn, cause
    }

    func render(
        snapshot: BoardSnapshot?, rows: [BoardRow], state: BoardState, in area: Rect,
        on screen: inout Screen
    ) {
        guard !area.isEmpty else { return }
        let columns = Self.columns
        var table = Table(columns: columns, rows: [], theme: theme)
        let contentWidth = area.width - table.markerWidth
        let widths = Table.columnWidths(columns, width: contentWidth, spacing: table.columnSpacing)
        let visible = Table.visibleRowCount(height: area.height)
        let selectedIndex = state.selected.flatMap { name in
            rows.firstIndex { snapshot?.services[$0.index].name == name }
        }
        let first = Table.scrollOffset(
            selected: selectedIndex, offset: state.offset, visibleRows: visible, rowCount: rows.count)
        // Only the rows on screen are built: a thousand services cost no more than a screenful.
        let shown = rows.isEmpty ? [] : Array(rows[first..<min(rows.count, first + visible)])
        let primaryRoots = snapshot.map(Self.primaryRootCauses) ?? [:]
        if let snapshot {
            table.rows = shown.map { row in
                self.row(
                    snapshot.services[row.index], position: row.position, widths: widths,
                    primaryRoot: primaryRoots[snapshot.services[row.index].name])
            }
        }
        table.selected = selectedIndex.map { $0 - first }
        table.render(in: area, on: &screen)
        if rows.isEmpty {
            let message: String
            if snapshot == nil {
                message = "waiting for the first snapshot"
            } else if snapshot?.services.isEmpty == true {
                message = "no services in the config"
            } else if !state.filter.isEmpty {
                message = "no service matches \"\(state.filter)\" (Esc clears the filter)"
            } else {
                message = "no incidents: nothing failing (c shows every service)"
            }
            let body = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
            Paragraph(message, style: theme.dimStyle, alignment: .center, ellipsis: theme.glyphs.ellipsis)
                .render(in: body.centered(width: body.width, height: 1), on: &screen)
        }
    }

    /// For each victim, the root cause it is listed under: the first, by blast radius, that
    /// explains it (the one paged for).
    static func primaryRootCauses(_ snapshot: BoardSnapshot) -> [String: String] {
        var roots: [String: String] = [:]
        for incident in snapshot.incidents {
            for victim in incident.impacted where roots[victim] == nil {
                roots[victim] = incident.rootCause
            }
        }
        return roots
    }

    private func row(
        _ service: ServiceSnapshot, position: TreePosition?, widths: [Int?],
        primaryRoot: String?
    ) -> TableRow {
        let glyphs = theme.glyphs
        var cells = [Line](repeating: Line(""), count: Self.columns.count)
        func width(_ column: Column) -> Int? { widths[column.rawValue] }

        var name: [Span] = []
        if let position {
            let prefix = position.prefix(glyphs)
            if !prefix.isEmpty { name.append(Span(prefix, style: theme.dimStyle)) }
        }
        name.append(statusSpan(service))
        name.append(Span(" "))
        name.append(Span(service.name, style: service.role.isRootCause ? theme.headerStyle : .plain))
        if service.maintenance != nil {
            name.append(Span(" MAINT", style: theme.resolve(Style(foreground: .magenta, attributes: .bold))))
        }
        if service.silence != nil {
            name.append(Span(" SILENCED", style: theme.resolve(Style(foreground: .magenta, attributes: .bold))))
        }
        if let title = service.title, !title.isEmpty {
            name.append(Span("  " + title, style: theme.dimStyle))
        }
        cells[Column.service.rawValue] = Line(name)

        if let availability = service.availability {
            let counts = availability.counts
            let text = BoardFormat.ratio(good: counts.good, total: counts.total)
            let below = counts.total > 0 && counts.good / counts.total * 100 < availability.objective
            cells[Column.availability.rawValue] = Line(text, style: below ? theme.resolve(.fg(.red)) : .plain)
        } else {
            cells[Column.availability.rawValue] = Line("--", style: theme.dimStyle)
        }

        cells[Column.p50.rawValue] = latencyCell(service.latency5m?.p50, threshold: service.latencyThreshold)
        cells[Column.p99.rawValue] = latencyCell(service.latency5m?.p99, threshold: service.latencyThreshold)

        if let sparkWidth = width(.sparkline) {
            let values = service.sparkline.map { Optional($0.milliseconds) }
            let peak = values.compactMap { $0 }.max() ?? 0
            let scale = max(peak, service.latencyThreshold.milliseconds)
            let overThreshold = peak > service.latencyThreshold.milliseconds
            let style = theme.resolve(.fg(overThreshold ? .yellow : .cyan))
            cells[Column.sparkline.rawValue] = Sparkline(
                values: values, maximum: scale, style: style, glyphs: glyphs
            ).line(width: sparkWidth)
        }

        if let budgetWidth = width(.budget) {
            if let availability = service.availability, availability.counts.total > 0,
                !availability.budgetIsMeaningful
            {
                // A budget from a sliver of the window reads as a huge overspend; the detail pane says why.
                cells[Column.budget.rawValue] = Line("too new", style: theme.dimStyle)
            } else if let availability = service.availability, availability.counts.total > 0 {
                let remaining = availability.budgetRemaining
                cells[Column.budget.rawValue] = BudgetBar(remaining: remaining, theme: theme).line(width: budgetWidth)
            } else {
                cells[Column.budget.rawValue] = Line("--", style: theme.dimStyle)
            }
        }

        if let availability = service.availability, availability.counts.total > 0 {
            let burn = availability.burnRates.oneHour
            cells[Column.burn.rawValue] = Line(BoardFormat.burn(burn), style: burnStyle(burn))
        } else {
            cells[Column.burn.rawValue] = Line("--", style: theme.dimStyle)
        }

        cells[Column.cause.rawValue] = causeCell(service, primaryRoot: primaryRoot)
        return TableRow(cells)
    }

    func statusSpan(_ service: ServiceSnapshot) -> Span {
        statusSpan(status: service.status)
    }

    /// The status glyph; a dim `?` before the first probe or for a dependency without a probe.
    func statusSpan(status: ProbeStatus?) -> Span {
        guard let status else { return Span(theme.glyphs.unknown, style: theme.dimStyle) }
        return theme.statusSpan(status)
    }

    private func latencyCell(_ value: Duration?, threshold: Duration) -> Line {
        guard let value else { return Line("--", style: theme.dimStyle) }
        let style = value > threshold ? theme.resolve(Style(foreground: .yellow, attributes: .bold)) : .plain
        return Line(BoardFormat.latency(value), style: style)
    }

    /// 1 h burn: at the page rate (14.4 for 30 days) red and bold, over 1 yellow, quiet below.
    func burnStyle(_ rate: Double) -> Style {
        if rate >= 14.4 { return theme.resolve(Style(foreground: .red, attributes: .bold)) }
        if rate >= 6 { return theme.resolve(.fg(.red)) }
        if rate >= 1 { return theme.resolve(.fg(.yellow)) }
        return theme.dimStyle
    }

    /// `ROOT ×5`, `← credit-bureau`, `inferred ×2`, `ROOT slow`: why a service is in the state it is.
    func causeCell(_ service: ServiceSnapshot, primaryRoot: String?) -> Line {
        let glyphs = theme.glyphs
        let radius = service.blastRadius > 0 ? " \(glyphs.times)\(service.blastRadius)" : ""
        let red = theme.resolve(Style(foreground: .red, attributes: .bold))
        let yellow = theme.resolve(.fg(.yellow))
        switch service.role {
        case .healthy:
            // The fleet view: a failure the quorum outvoted is that site's view, not an outage.
            if !service.partialSites.isEmpty {
                return Line("PARTIAL " + service.partialSites.joined(separator: ","), style: yellow)
            }
            return Line("")
        case .unobserved:
            return Line("no probe", style: theme.dimStyle)
        case .rootCause:
            return Line("ROOT" + radius, style: red)
        case .slowRootCause:
            return Line([
                Span("ROOT" + radius, style: theme.resolve(Style(foreground: .yellow, attributes: .bold))),
                Span(" slow", style: yellow),
            ])
        case .inferredRootCause:
            return Line("inferred" + radius, style: red)
        case .recoveredRootCause:
            return Line("recovered" + radius, style: theme.resolve(.fg(.green)))
        case .impacted:
            guard let root = primaryRoot ?? service.rootCauses.first else { return Line("impacted", style: yellow) }
            let others = service.rootCauses.filter { $0 != root }.count
            var spans = [Span(glyphs.causeArrow + " " + root, style: yellow)]
            if others > 0 { spans.append(Span(" +\(others)", style: theme.dimStyle)) }
            return Line(spans)
        }
    }
}
