import Foundation
import Probes

/// The detail pane of the selected service: state and cause, latency percentiles per window, SLIs
/// and burn rates, a budget burn-down chart, the upstream path to its root cause, its upstreams and
/// dependents, firing alerts, and the recent probes with their errors. Scrolls when focused.
struct DetailPane {
    var theme: Theme
    var timeZone: TimeZone

    /// Rows of the burn-down chart.
    static let chartRows = 4

    func render(
        service: ServiceSnapshot?, snapshot: BoardSnapshot?, state: BoardState, in area: Rect,
        on screen: inout Screen
    ) {
        guard !area.isEmpty else { return }
        screen.fill(area)
        let focused = state.focus == .detail
        var title: [Span] = [Span(service?.name ?? "detail", style: theme.headerStyle)]
        if let serviceTitle = service?.title, !serviceTitle.isEmpty {
            title.append(Span(" \(theme.glyphs.separator) " + serviceTitle))
        }
        let border = focused ? theme.resolve(Style(foreground: .cyan, attributes: .bold)) : theme.borderStyle
        let block = Block(title: Line(title), borderStyle: border, glyphs: theme.glyphs)
        block.render(in: area, on: &screen)
        let inner = block.inner(area).inset(horizontal: 1, vertical: 0)
        guard !inner.isEmpty else { return }
        let lines: [Line]
        if let service, let snapshot {
            lines = self.lines(for: service, in: snapshot, width: inner.width)
        } else {
            lines = [Line("no service selected", style: theme.dimStyle)]
        }
        let offset = DetailPane.clampedOffset(state.detailOffset, lineCount: lines.count, height: inner.height)
        Paragraph(Array(lines.dropFirst(offset)), ellipsis: theme.glyphs.ellipsis).render(in: inner, on: &screen)
        if lines.count > inner.height {
            let more = "\(offset + 1)-\(min(lines.count, offset + inner.height))/\(lines.count)"
            let bottom = Rect(x: area.x + 1, y: area.bottom - 1, width: max(0, area.width - 2), height: 1)
            screen.put(Line(" \(more) ", style: theme.dimStyle, alignment: .right), in: bottom, y: bottom.y)
        }
    }

    /// For a victim, its latency beside each root's (5 min p50/p99):
    /// `loan-application p50 1.2s p99 1.3s ← credit-bureau p50 1.2s p99 1.3s`.
    func latencyChain(of service: ServiceSnapshot, in snapshot: BoardSnapshot, width: Int) -> [Line] {
        guard service.role == .impacted, let own = service.latency5m else { return [] }
        let byName = Dictionary(snapshot.services.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        func figures(_ name: String, _ summary: LatencySummary?) -> [Span] {
            guard let summary else {
                return [Span(name, style: theme.headerStyle), Span(" --", style: theme.dimStyle)]
            }
            return [
                Span(name, style: theme.headerStyle),
                Span(" p50 ", style: theme.dimStyle), Span(BoardFormat.latency(summary.p50)),
                Span(" p99 ", style: theme.dimStyle), Span(BoardFormat.latency(summary.p99)),
            ]
        }
        var out: [Line] = []
        for (number, root) in service.rootCauses.enumerated() {
            // Two pieces, so that a narrow pane puts the root's figures on a line of their own.
            let pieces = [
                figures(service.name, own),
                [Span(theme.glyphs.causeArrow + " ", style: theme.dimStyle)] + figures(root, byName[root]?.latency5m),
            ]
            out += labelled(number == 0 ? "latency" : "", pieces: pieces, width: width)
        }
        return out
    }

    /// The scroll offset actually used: never past the last page.
    static func clampedOffset(_ offset: Int, lineCount: Int, height: Int) -> Int {
        min(max(0, offset), max(0, lineCount - max(1, height)))
    }

    /// Every line of the pane for `width` columns, top to bottom.
    func lines(for service: ServiceSnapshot, in snapshot: BoardSnapshot, width: Int) -> [Line] {
        let glyphs = theme.glyphs
        let table = ServicesTableView(theme: theme)
        let label = theme.headerStyle
        var lines: [Line] = []

        // State, cause and the last probe.
        var state: [Span] = [table.statusSpan(service), Span(" ")]
        state.append(
            Span(
                BoardFormat.statusWord(service.status),
                style: service.status.map(theme.style(for:))
                    ?? theme.dimStyle))
        let cause = table.causeCell(service, primaryRoot: ServicesTableView.primaryRootCauses(snapshot)[service.name])
        if !cause.spans.allSatisfy({ $0.text.isEmpty }) {
            state.append(Span("  "))
            state += cause.spans
        }
        if let interval = service.interval {
            state.append(Span("  every \(BoardFormat.window(interval))", style: theme.dimStyle))
        } else if !service.hasProbe {
            state.append(Span("  declared, not probed", style: theme.dimStyle))
        }
        lines.append(Line(state))
        if let last = service.lastResult {
            var spans = [
                Span("last probe ", style: theme.dimStyle),
                Span(BoardFormat.clock(last.startedAt, timeZone: timeZone)),
                Span("  " + BoardFormat.latency(last.latency)),
            ]
            if let error = last.error {
                spans.append(Span("  " + error, style: theme.resolve(.fg(last.status == .down ? .red : .yellow))))
            }
            lines.append(Line(spans))
        }
        // The fleet view: what each site's agent reports.
        if !service.sites.isEmpty {
            lines += siteLines(service.sites, partial: service.partialSites, now: snapshot.time, width: width)
        }
        lines.append(Line(""))

        // Where it sits in the graph.
        let paths = upstreamPaths(of: service, in: snapshot)
        if service.role.isRootCause {
            lines += labelled(
                "upstream path", [Span("none: this is the root cause", style: theme.dimStyle)],
                width: width)
        } else if !paths.isEmpty {
            for (number, path) in paths.enumerated() {
                var spans: [Span] = []
                for (step, name) in path.enumerated() {
                    if step > 0 { spans.append(Span(" \(glyphs.causeArrow) ", style: theme.dimStyle)) }
                    spans.append(Span(name, style: step == path.count - 1 ? theme.headerStyle : .plain))
                }
                lines += labelled(number == 0 ? "upstream path" : "", spans, width: width)
            }
        }
        lines += latencyChain(of: service, in: snapshot, width: width)
        lines += labelled("upstreams", pieces: neighbours(service.dependsOn, in: snapshot), width: width)
        lines += labelled("dependents", pieces: neighbours(service.dependents, in: snapshot), width: width)

        // Firing alerts, as the headless sink tells them.
        let alerts = snapshot.firing.filter { $0.service == service.name }
        if alerts.isEmpty {
            lines += labelled("alerts", [Span("none firing", style: theme.dimStyle)], width: width)
        } else {
            for (number, alert) in alerts.enumerated() {
                var spans = [
                    Span(alert.alert.rawValue, style: theme.resolve(Style(foreground: .red, attributes: .bold)))
                ]
                if let rule = alert.rule { spans.append(Span(" " + rule)) }
                spans.append(Span(" " + alert.severity.rawValue, style: theme.dimStyle))
                if alert.suppressed, let root = alert.rootCause {
                    spans.append(Span(" (suppressed: \(root))", style: theme.dimStyle))
                }
                lines += labelled(number == 0 ? "alerts" : "", spans, width: width)
            }
        }
        lines.append(Line(""))

        // Latency per window.
        if service.hasProbe {
            let header = ["", "p50", "p90", "p99", "max", "n"]
            lines.append(Line(Self.columns(header, widths: [10, 7, 7, 7, 7, 6]), style: label))
            for (name, summary) in [("5m", service.latency5m), ("1h", service.latency1h)] {
                let threshold = service.latencyThreshold
                var spans = [Span(Self.pad(" " + name, 10))]
                for value in [summary?.p50, summary?.p90, summary?.p99, summary?.max] {
                    let text = Self.pad(BoardFormat.latency(value), 7, right: true)
                    let slow = value.map { $0 > threshold } ?? false
                    spans.append(Span(text, style: slow ? theme.resolve(.fg(.yellow)) : .plain))
                }
                let count = summary.map { "\($0.count)" } ?? "0"
                spans.append(Span(Self.pad(count, 6, right: true), style: theme.dimStyle))
                lines.append(Line(spans))
            }
            lines.append(Line(" threshold \(BoardFormat.latency(service.latencyThreshold))", style: theme.dimStyle))
            lines.append(Line(""))
        }

        // SLIs, burn rates and the burn-down chart.
        if let availability = service.availability {
            lines.append(sliLine("availability", availability))
            let rates = availability.burnRates.labelled(sloWindowSeconds: availability.windowSeconds)
            let pieces = rates.prefix(7).map { window, rate in
                [Span(window + " ", style: theme.dimStyle), Span(BoardFormat.burn(rate), style: table.burnStyle(rate))]
            }
            lines += labelled("burn rate", pieces: pieces, width: width)
            if let exhaustion = availability.timeToExhaustion {
                lines.append(
                    Line([
                        Span(Self.pad("exhausted in", 14), style: label),
                        Span(BoardFormat.remaining(exhaustion), style: theme.resolve(.fg(.red))),
                        Span(" at the 1h burn rate", style: theme.dimStyle),
                    ]))
            }
            if let latency = service.latencySLI {
                lines.append(sliLine("latency SLI", latency))
            }
            lines.append(Line(""))
            lines += burnDown(service.budgetHistory, current: availability.budgetRemaining, width: width)
            lines.append(Line(""))
        }

        // A transaction's steps, then recent probes, newest first.
        if let result = service.lastResult { lines += stepLines(result, width: width) }
        if service.hasProbe {
            lines.append(Line("recent probes", style: label))
            if service.recent.isEmpty {
                lines.append(Line(" none yet", style: theme.dimStyle))
            }
            for result in service.recent.reversed() {
                var spans = [
                    Span(" " + BoardFormat.clock(result.startedAt, timeZone: timeZone) + " "),
                    theme.statusSpan(result.status),
                    Span(" " + Self.pad(BoardFormat.latency(result.latency), 6, right: true)),
                ]
                if let error = result.error {
                    spans.append(Span("  " + error, style: theme.resolve(.fg(result.status == .down ? .red : .yellow))))
                } else if let code = result.httpStatus {
                    spans.append(Span("  HTTP \(code)", style: theme.dimStyle))
                }
                lines.append(Line(spans))
            }
        }
        return lines
    }

    /// One row per site: glyph, site, latency, budget, HTTP status, and the age of stale data.
    /// A dark site shows `DARK since 04:31:02`; a site the quorum outvoted, `PARTIAL`.
    private func siteLines(_ sites: [SiteState], partial: [String], now: Date, width: Int) -> [Line] {
        let siteWidth = min(16, sites.map(\.site.displayWidth).max() ?? 0)
        let yellow = theme.resolve(Style(foreground: .yellow, attributes: .bold))
        return sites.enumerated().flatMap { number, site -> [Line] in
            var spans = [theme.statusSpan(site.status), Span(" " + Self.pad(site.site, siteWidth))]
            guard site.reporting else {
                let since = site.darkSince.map { " since " + BoardFormat.clock($0, timeZone: timeZone) } ?? ""
                spans.append(Span("  DARK" + since, style: yellow))
                return labelled(number == 0 ? "sites" : "", spans, width: width)
            }
            spans.append(Span(Self.pad(BoardFormat.latency(site.latency), 7, right: true)))
            if partial.contains(site.site) { spans.append(Span("  PARTIAL", style: yellow)) }
            if site.budgetRemaining != nil, !site.budgetMeaningful {
                // Not yet meaningful (the table's word for it, as narrow as the pane needs).
                spans.append(Span("  budget too new", style: theme.dimStyle))
            } else if let budget = site.budgetRemaining {
                let bar = BudgetBar(remaining: budget, theme: theme)
                spans.append(Span("  budget ", style: theme.dimStyle))
                spans.append(Span(Self.pad(bar.label, 4, right: true), style: bar.style))
            }
            if let code = site.httpStatus {
                spans.append(Span("  HTTP \(code)", style: theme.dimStyle))
            }
            if let sampled = site.sampledAt, now.timeIntervalSince(sampled) >= 30 {
                let age = Int(min(now.timeIntervalSince(sampled), 999_999))
                let text = age < 120 ? "\(age)s" : age < 7200 ? "\(age / 60)m" : "\(age / 3600)h"
                spans.append(Span("  \(text) old", style: theme.resolve(.fg(.yellow))))
            }
            return labelled(number == 0 ? "sites" : "", spans, width: width)
        }
    }

    private func sliLine(_ name: String, _ status: SLIStatus) -> Line {
        let counts = status.counts
        var spans = [
            Span(Self.pad(name, 14), style: theme.headerStyle),
            Span(BoardFormat.ratio(good: counts.good, total: counts.total)),
            Span(" of \(BoardFormat.objective(status.objective))", style: theme.dimStyle),
            Span("  budget "),
        ]
        if counts.total > 0, !status.budgetIsMeaningful {
            spans.append(Span("not yet meaningful", style: theme.dimStyle))
        } else {
            spans.append(
                Span(
                    BudgetBar(remaining: counts.total > 0 ? status.budgetRemaining : nil, theme: theme).label,
                    style: BudgetBar(remaining: status.budgetRemaining, theme: theme).style))
        }
        if counts.coverage < 0.999 {
            let percent = Int((max(0, counts.coverage) * 100).rounded(.down))
            spans.append(Span("  (\(percent)% of window seen)", style: theme.dimStyle))
        }
        return Line(spans)
    }

    /// The budget burn-down: a title with the span it covers, and the chart.
    private func burnDown(_ history: [Double], current: Double, width: Int) -> [Line] {
        let minutes = history.count
        let span = minutes >= 120 ? "\(minutes / 60)h" : "\(minutes)m"
        var lines = [
            Line([
                Span("error budget left", style: theme.headerStyle),
                Span(minutes > 0 ? ", last \(span)" : "", style: theme.dimStyle),
            ])
        ]
        guard minutes > 1 else {
            lines.append(Line(" not enough samples yet (one a minute)", style: theme.dimStyle))
            return lines
        }
        let low = min(0, history.min() ?? 0)
        let chartWidth = max(1, width - 6)
        var chart = Screen(width: width, height: Self.chartRows)
        let style = BudgetBar(remaining: current, theme: theme).style
        BurnDownChart(values: history.map { Optional($0) }, range: low...1, style: style, glyphs: theme.glyphs)
            .render(in: Rect(x: 5, y: 0, width: chartWidth, height: Self.chartRows), on: &chart)
        chart.put("100%", x: 0, y: 0, style: theme.dimStyle)
        chart.put(
            low < 0 ? BudgetBar(remaining: low, theme: theme).label : "0%", x: 0, y: Self.chartRows - 1,
            style: theme.dimStyle)
        for row in 0..<Self.chartRows {
            lines.append(chart.line(row: row))
        }
        return lines
    }

    /// The chains of upstreams from `service` to each of its root causes (shortest first), at most three.
    private func upstreamPaths(of service: ServiceSnapshot, in snapshot: BoardSnapshot) -> [[String]] {
        let targets = Set(service.rootCauses.filter { $0 != service.name })
        guard !targets.isEmpty else { return [] }
        var paths: [[String]] = []
        var previous: [String: String] = [service.name: service.name]
        var queue = [service.name]
        var head = 0
        while head < queue.count, paths.count < 3 {
            let current = queue[head]
            head += 1
            let upstreams = snapshot.services.firstIndex { $0.name == current }.map { snapshot.services[$0].dependsOn }
            for upstream in upstreams ?? [] where previous[upstream] == nil {
                previous[upstream] = current
                queue.append(upstream)
                if targets.contains(upstream) {
                    var path = [upstream]
                    var step = upstream
                    while let before = previous[step], before != step {
                        path.append(before)
                        step = before
                    }
                    paths.append(path.reversed())
                }
            }
        }
        return paths
    }

    private func neighbours(_ names: [String], in snapshot: BoardSnapshot) -> [[Span]] {
        guard !names.isEmpty else { return [[Span("none", style: theme.dimStyle)]] }
        let table = ServicesTableView(theme: theme)
        return names.map { name in
            guard let index = snapshot.services.firstIndex(where: { $0.name == name }) else {
                return [Span(name, style: theme.dimStyle)]
            }
            return [table.statusSpan(status: snapshot.services[index].status), Span(" " + name)]
        }
    }

    /// `label` in a 14-column gutter, then `spans` (cut with an ellipsis if too long).
    private func labelled(_ label: String, _ spans: [Span], width: Int) -> [Line] {
        labelled(label, pieces: [spans], width: width)
    }

    /// `label` in a 14-column gutter, then the pieces two spaces apart, wrapped between pieces.
    private func labelled(_ label: String, pieces: [[Span]], width: Int) -> [Line] {
        let gutter = 14
        let room = max(1, width - gutter)
        var rows: [[Span]] = [[]]
        var used = 0
        for piece in pieces {
            let pieceWidth = Line(piece).displayWidth
            if used > 0, used + 2 + pieceWidth > room {
                rows.append([])
                used = 0
            }
            if used > 0 {
                rows[rows.count - 1].append(Span("  "))
                used += 2
            }
            rows[rows.count - 1] += piece
            used += pieceWidth
        }
        return rows.enumerated().map { index, spans in
            Line([Span(Self.pad(index == 0 ? label : "", gutter), style: theme.headerStyle)] + spans)
        }
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.displayWidth))
        return right ? padding + text : text + padding
    }

    static func columns(_ texts: [String], widths: [Int]) -> String {
        zip(texts, widths).enumerated().map { index, pair in pad(pair.0, pair.1, right: index > 0) }.joined()
    }
}
