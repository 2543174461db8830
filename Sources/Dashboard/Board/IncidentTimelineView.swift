import Foundation
import Probes

/// One incident (Enter in the incidents view): what happened in a line, a chart of the root's
/// latency through it with the onset, the first page and the root's recovery marked, then every
/// moment of its timeline, scrollable.
struct IncidentTimelineView {
    var theme: Theme
    var timeZone: TimeZone

    /// Rows above the chart (summary, times) and between the chart and the timeline (markers,
    /// axis, the timeline's heading).
    private static let linesAboveChart = 2
    private static let linesBelowChart = 3

    /// The chart's height in rows for an inside of `height` rows: a third of it, 4 to 12, less
    /// when the inside is too short for it and its markers; 0 when not even 2 rows are left.
    static func chartHeight(inner height: Int) -> Int {
        let rows = min(min(12, max(4, height / 3)), height - linesAboveChart - 2)
        return rows >= 2 ? rows : 0
    }

    /// The inside of the pane for a body area.
    private static func inner(_ body: Rect) -> Rect { body.inset(by: 1).inset(horizontal: 1, vertical: 0) }

    /// Rows of timeline that fit below the chart in `body`.
    func timelineHeight(in body: Rect) -> Int {
        let inner = Self.inner(body)
        return max(
            0,
            inner.height - Self.linesAboveChart - Self.chartHeight(inner: inner.height)
                - Self.linesBelowChart)
    }

    func render(
        _ incident: BoardIncident?, id: String, snapshot: BoardSnapshot?, state: BoardState, in area: Rect,
        on screen: inout Screen
    ) {
        guard !area.isEmpty else { return }
        screen.fill(area)
        let glyphs = theme.glyphs
        var title = [Span("Incident ", style: theme.headerStyle), Span(id, style: theme.headerStyle)]
        if let record = incident?.record {
            title.append(Span(" \(glyphs.separator) " + (record.isOpen ? "open" : "closed"), style: theme.dimStyle))
        }
        let block = Block(
            title: Line(title), borderStyle: theme.resolve(Style(foreground: .cyan, attributes: .bold)),
            glyphs: glyphs)
        block.render(in: area, on: &screen)
        let inner = Self.inner(area)
        guard !inner.isEmpty else { return }
        guard let incident, let snapshot else {
            Paragraph(
                "\(id) is no longer listed (Esc goes back)", style: theme.dimStyle,
                ellipsis: glyphs.ellipsis
            ).render(in: inner, on: &screen)
            return
        }
        let record = incident.record
        var y = inner.y
        screen.put(
            summary(record, now: snapshot.time).truncated(toWidth: inner.width, ellipsis: glyphs.ellipsis),
            x: inner.x, y: y, clip: inner)
        y += 1
        screen.put(
            times(record).truncated(toWidth: inner.width, ellipsis: glyphs.ellipsis), x: inner.x, y: y,
            clip: inner)
        y += 1
        let chartArea = Rect(x: inner.x, y: y, width: inner.width, height: Self.chartHeight(inner: inner.height))
        guard !chartArea.isEmpty else { return }
        renderChart(
            incident, threshold: snapshot.service(named: record.root)?.latencyThreshold, now: snapshot.time,
            in: chartArea, on: &screen)
        y = chartArea.bottom + 2
        guard y < inner.bottom else { return }
        screen.put(Line("TIMELINE", style: theme.headerStyle), x: inner.x, y: y, clip: inner)
        y += 1
        let lines = timelineLines(incident)
        let height = max(0, inner.bottom - y)
        let offset = DetailPane.clampedOffset(state.timelineOffset, lineCount: lines.count, height: height)
        let area = Rect(x: inner.x, y: y, width: inner.width, height: height)
        Paragraph(Array(lines.dropFirst(offset)), ellipsis: glyphs.ellipsis).render(in: area, on: &screen)
        if lines.count > height, height > 0 {
            let more = "\(offset + 1)-\(min(lines.count, offset + height))/\(lines.count)"
            let border = Rect(x: inner.x, y: inner.bottom, width: inner.width, height: 1)
            screen.put(Line(" \(more) ", style: theme.dimStyle, alignment: .right), in: border, y: border.y)
        }
    }

    /// `ROOT credit-bureau down · 12 min · 3 victims · 1 paged, 4 suppressed`.
    private func summary(_ record: IncidentRecord, now: Date) -> Line {
        let separator = Span(" \(theme.glyphs.separator) ", style: theme.dimStyle)
        let counts = record.alertCounts
        let stateStyle: Style
        switch record.state {
        case .slow: stateStyle = theme.resolve(Style(foreground: .yellow, attributes: .bold))
        case .down, .inferred: stateStyle = theme.resolve(Style(foreground: .red, attributes: .bold))
        case .recovered: stateStyle = theme.resolve(.fg(.green))
        }
        return Line([
            Span("ROOT ", style: stateStyle), Span(record.root, style: theme.headerStyle),
            Span(
                " " + (record.isOpen ? record.state.rawValue : "closed"),
                style: record.isOpen
                    ? stateStyle
                    : theme.dimStyle),
            separator, Span(IncidentsReport.duration(record.duration(now: now))),
            separator, Span("\(record.victimNames.count) victim\(record.victimNames.count == 1 ? "" : "s")"),
            separator, Span("\(counts.sent) paged, \(counts.suppressed) suppressed"),
        ])
    }

    /// `◆ onset 01:23:05  ▲ paged 01:23:40  ✔ root back 01:30:00  closed 01:31:10`.
    private func times(_ record: IncidentRecord) -> Line {
        func clock(_ date: Date?) -> String { date.map { BoardFormat.clock($0, timeZone: timeZone) } ?? "--" }
        let label = theme.dimStyle
        return Line([
            Span(marker(.onset).glyph + " onset ", style: label), Span(clock(record.onset)),
            Span("  " + marker(.firstPage).glyph + " paged ", style: label), Span(clock(record.firstAlert)),
            Span("  " + marker(.recovered).glyph + " root back ", style: label), Span(clock(record.rootRecovered)),
            Span("  closed ", style: label), Span(clock(record.closed)),
        ])
    }

    private enum Marker { case onset, firstPage, recovered }

    private func marker(_ kind: Marker) -> (glyph: String, style: Style) {
        let unicode = theme.glyphs.usesBraille
        switch kind {
        case .onset: return (unicode ? "◆" : "*", theme.resolve(Style(foreground: .red, attributes: .bold)))
        case .firstPage: return (unicode ? "▲" : "^", theme.resolve(Style(foreground: .magenta, attributes: .bold)))
        case .recovered: return (unicode ? "✔" : "+", theme.resolve(Style(foreground: .green, attributes: .bold)))
        }
    }

    /// The root's latency over the incident: a line of the slowest answer per column, failed
    /// probes as a red mark on the bottom row, the latency threshold dotted, then a row of markers
    /// and one of the times at either end.
    private func renderChart(
        _ incident: BoardIncident, threshold: Duration?, now: Date, in area: Rect,
        on screen: inout Screen
    ) {
        let glyphs = theme.glyphs
        let points = incident.trace.points
        let record = incident.record
        guard !points.isEmpty else {
            Paragraph(
                "no latency in memory for this incident (read back after a restart): "
                    + "`incidentboard report \(record.id)` draws it from the history",
                style: theme.dimStyle, ellipsis: glyphs.ellipsis
            ).render(in: area, on: &screen)
            return
        }
        let axisWidth = 6
        let plot = Rect(
            x: area.x + axisWidth + 1, y: area.y, width: max(0, area.width - axisWidth - 1),
            height: area.height)
        guard plot.width >= 4, plot.height >= 2 else { return }
        let start = min(points[0].time, record.onset)
        let end = max(points[points.count - 1].time, record.closed ?? now, start.addingTimeInterval(60))
        let span = end.timeIntervalSince(start)
        let perCell = glyphs.usesBraille ? 2 : 1
        let columns = plot.width * perCell
        func column(_ time: Date) -> Int {
            min(columns - 1, max(0, Int(time.timeIntervalSince(start) / span * Double(columns))))
        }
        // No more samples than probes: a column without a probe of its own shows its neighbours'
        // (the chart stretches the samples over the width), so the line stays unbroken.
        let samples = max(1, min(columns, points.count))
        func sample(_ time: Date) -> Int {
            min(samples - 1, max(0, Int(time.timeIntervalSince(start) / span * Double(samples))))
        }
        var slowest = [Double?](repeating: nil, count: samples)
        var failed = [Bool](repeating: false, count: plot.width)
        for point in points {
            if let ms = point.latencyMilliseconds {
                let s = sample(point.time)
                slowest[s] = max(slowest[s] ?? 0, Double(ms))
            } else {
                failed[column(point.time) / perCell] = true
            }
        }
        let thresholdMs = threshold.map { $0.milliseconds }
        let top = max(slowest.compactMap { $0 }.max() ?? 1, (thresholdMs ?? 0) * 1.25, 1)
        // Axis: the top value and zero.
        screen.put(
            Line(
                BoardFormat.latency(.milliseconds(Int64(top.rounded()))), style: theme.dimStyle,
                alignment: .right), in: Rect(x: area.x, y: area.y, width: axisWidth, height: 1), y: area.y)
        screen.put(
            Line("0", style: theme.dimStyle, alignment: .right),
            in: Rect(x: area.x, y: plot.bottom - 1, width: axisWidth, height: 1), y: plot.bottom - 1)
        for row in plot.y..<plot.bottom {
            screen.put(glyphs.vertical, x: plot.x - 1, y: row, style: theme.dimStyle)
        }
        if let thresholdMs, thresholdMs < top {
            let fromBottom = Int((thresholdMs / top * Double(plot.height - 1)).rounded())
            let row = plot.bottom - 1 - fromBottom
            for x in plot.x..<plot.right {
                screen.put(glyphs.usesBraille ? "┄" : ".", x: x, y: row, style: theme.dimStyle)
            }
            screen.put(
                Line("slo", style: theme.dimStyle, alignment: .right),
                in: Rect(x: area.x, y: row, width: axisWidth, height: 1), y: row)
        }
        BurnDownChart(values: slowest, range: 0...top, style: theme.resolve(.fg(.yellow)), glyphs: glyphs)
            .render(in: plot, on: &screen)
        for (x, isFailed) in failed.enumerated() where isFailed {
            screen.put(glyphs.down, x: plot.x + x, y: plot.bottom - 1, style: theme.style(for: .down).adding(.bold))
        }
        // Markers under the plot, then the times at either end.
        let markerRow = area.bottom
        let marks: [(Marker, Date?)] = [
            (.onset, record.onset), (.recovered, record.rootRecovered),
            (.firstPage, record.firstAlert),
        ]
        var taken: Set<Int> = []
        for (kind, time) in marks {
            guard let time, time >= start, time <= end else { continue }
            let (glyph, style) = marker(kind)
            // Two moments in one cell: the later one moves a cell right (or left at the edge).
            var x = column(time) / perCell
            while taken.contains(x), x + 1 < plot.width { x += 1 }
            while taken.contains(x), x > 0 { x -= 1 }
            taken.insert(x)
            screen.put(glyph, x: plot.x + x, y: markerRow, style: style)
        }
        let axis = Rect(x: plot.x, y: markerRow + 1, width: plot.width, height: 1)
        screen.put(Line(BoardFormat.clock(start, timeZone: timeZone), style: theme.dimStyle), in: axis, y: axis.y)
        screen.put(
            Line(
                "root latency, slowest per column; \(glyphs.down) failed", style: theme.dimStyle,
                alignment: .center), in: axis, y: axis.y)
        screen.put(
            Line(BoardFormat.clock(end, timeZone: timeZone), style: theme.dimStyle, alignment: .right),
            in: axis, y: axis.y)
    }

    /// `01:23:05  credit-bureau slow: onset`, a line per moment.
    func timelineLines(_ incident: BoardIncident) -> [Line] {
        incident.record.moments.map { moment in
            let style: Style
            if moment.text.hasPrefix("alert sent") {
                style = theme.resolve(Style(foreground: .red, attributes: .bold))
            } else if moment.text.hasPrefix("alert suppressed") || moment.text.hasPrefix("alert resolved") {
                style = theme.dimStyle
            } else if moment.text.hasPrefix("closed") || moment.text.hasSuffix("is back")
                || moment.text.hasSuffix("recovered")
            {
                style = theme.resolve(.fg(.green))
            } else {
                style = .plain
            }
            return Line([
                Span(BoardFormat.clock(moment.time, timeZone: timeZone) + "  ", style: theme.dimStyle),
                Span(moment.text, style: style),
            ])
        }
    }
}
