import Foundation

extension IncidentReport {
    // MARK: Words

    /// One paragraph a manager can read: what failed, what it took with it, when on-call was told,
    /// when it was over, and what it cost.
    public var summary: String {
        let r = record
        var parts: [String] = []
        var how = "\(r.root)\(r.inferred ? " (inferred from its dependents)" : "")"
        let slowAt = r.states.first { $0.state == .slow }?.time
        let downAt = r.states.first { $0.state == .down || $0.state == .inferred }?.time
        switch (slowAt, downAt) {
        case (let slow?, let down?): how += " was slow from \(time(slow)) and down from \(time(down))"
        case (let slow?, nil): how += " was slow from \(time(slow))"
        case (nil, let down?): how += " was down from \(time(down))"
        case (nil, nil): how += " was in trouble from \(time(r.onset))"
        }
        parts.append(how + ".")
        let victims = r.victimNames
        parts.append(
            victims.isEmpty
                ? "No other service fell with it."
                : "It took \(victims.count) service\(victims.count == 1 ? "" : "s") with it (\(victims.joined(separator: ", ")))."
        )
        let counts = r.alertCounts
        if let page = r.firstAlert {
            parts.append(
                "On-call was paged at \(time(page)), \(Self.span(page.timeIntervalSince(r.onset))) after onset "
                    + "(\(counts.sent) alert\(counts.sent == 1 ? "" : "s") sent, \(counts.suppressed) suppressed as its victims')."
            )
        } else {
            parts.append("No alert paged (\(counts.suppressed) suppressed).")
        }
        if let closed = r.closed {
            parts.append(
                (r.rootRecovered.map { "The root recovered at \(time($0)); " } ?? "")
                    + "the incident closed at \(time(closed)), after \(Self.span(r.duration(now: closed))).")
        } else {
            parts.append("It is still open after \(Self.span(r.duration(now: generatedAt))).")
        }
        let costly = impacts.compactMap { impact in impact.budgetCost.map { (impact.service, $0) } }
            .filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }
        if !costly.isEmpty {
            parts.append(
                "It cost " + costly.prefix(4).map { "\($0.0) \(Self.percent($0.1))" }.joined(separator: ", ")
                    + " of their availability budgets.")
        }
        return parts.joined(separator: " ")
    }

    /// The timeline's rows, oldest first.
    var timeline: [(time: Date, what: String)] {
        var rows: [(Date, Int, String)] = []
        for (index, change) in record.states.enumerated() {
            rows.append(
                (
                    change.time, 0,
                    index == 0
                        ? "onset: \(record.root) \(change.state.rawValue)"
                        : "\(record.root) \(change.state.rawValue)"
                ))
        }
        for victim in record.victims {
            rows.append((victim.joined, 1, "\(victim.service) falls with \(record.root)"))
            if let left = victim.left { rows.append((left, 1, "\(victim.service) is back")) }
        }
        if let page = record.firstAlert { rows.append((page, 2, "first page")) }
        if let closed = record.closed { rows.append((closed, 3, "closed: \(record.root) and every victim back")) }
        return rows.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { ($0.0, $0.2) }
    }

    // MARK: Markdown

    /// The review in Markdown; charts are linked as the SVG files ``charts`` names, beside it.
    public func markdown() -> String {
        var lines = [
            "# Incident \(record.id): \(record.root)", "",
            summary, "",
            "Times are in \(SVGChart.zoneName(timeZone, at: record.onset)). Report made \(time(generatedAt, date: true)).",
            "",
            "## Timeline", "",
            "| time | what |", "|---|---|",
        ]
        lines += timeline.map { "| \(time($0.time)) | \(Self.cell($0.what)) |" }
        lines += [
            "", "## Impact", "",
            "| service | role | minutes with failures | minutes slow | availability budget charged to \(record.root) |",
            "|---|---|---:|---:|---:|",
        ]
        lines += impacts.map { impact in
            "| \(impact.service) | \(impact.role) | \(impact.downMinutes) | \(impact.slowMinutes) | "
                + (impact.budgetCost.map(Self.percent) ?? "-") + " |"
        }
        lines += [
            "", "## Alerts", "",
            "| time | event | alert | service | paged |", "|---|---|---|---|---|",
        ]
        lines += record.alerts.map { alert in
            "| \(time(alert.time)) | \(alert.event.rawValue) | \(alert.alert.rawValue)\(alert.rule.map { " \($0)" } ?? "") "
                + "| \(alert.service) | \(alert.event == .resolved ? "-" : alert.suppressed ? "suppressed" : "sent") |"
        }
        if record.alerts.isEmpty { lines.append("| - | - | - | - | - |") }
        lines += ["", "## Charts", ""]
        lines += charts.map { "![\($0.chart.title)](\($0.fileName))" }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: HTML

    /// One self-contained page: the Markdown's content with the charts inline.
    public func html() -> String {
        func escape(_ text: String) -> String { SVGChart.escape(text) }
        var body = [
            "<h1>Incident \(escape(record.id)): \(escape(record.root))</h1>",
            "<p>\(escape(summary))</p>",
            "<p class=\"note\">Times are in \(escape(SVGChart.zoneName(timeZone, at: record.onset))). "
                + "Report made \(escape(time(generatedAt, date: true))).</p>",
            "<h2>Timeline</h2>", "<table><tr><th>time</th><th>what</th></tr>",
        ]
        body += timeline.map { "<tr><td>\(time($0.time))</td><td>\(escape($0.what))</td></tr>" }
        body += [
            "</table>", "<h2>Impact</h2>",
            "<table><tr><th>service</th><th>role</th><th>minutes with failures</th><th>minutes slow</th>"
                + "<th>availability budget charged to \(escape(record.root))</th></tr>",
        ]
        body += impacts.map { impact in
            "<tr><td>\(escape(impact.service))</td><td>\(impact.role)</td><td class=\"n\">\(impact.downMinutes)</td>"
                + "<td class=\"n\">\(impact.slowMinutes)</td><td class=\"n\">"
                + (impact.budgetCost.map(Self.percent) ?? "-") + "</td></tr>"
        }
        body += [
            "</table>", "<h2>Alerts</h2>",
            "<table><tr><th>time</th><th>event</th><th>alert</th><th>service</th><th>paged</th></tr>",
        ]
        body += record.alerts.map { alert in
            "<tr><td>\(time(alert.time))</td><td>\(alert.event.rawValue)</td><td>\(alert.alert.rawValue)"
                + "\(alert.rule.map { " " + escape($0) } ?? "")</td><td>\(escape(alert.service))</td><td>"
                + (alert.event == .resolved ? "-" : alert.suppressed ? "suppressed" : "sent") + "</td></tr>"
        }
        body += ["</table>", "<h2>Charts</h2>"]
        body += charts.map { "<figure>\($0.chart.svg())</figure>" }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Incident \(escape(record.id))</title>
            <style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}\
            table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}\
            td.n{text-align:right}.note{color:#666}figure{margin:1.5em 0}</style></head>
            <body>
            \(body.joined(separator: "\n"))
            </body></html>

            """
    }

    // MARK: JSON

    /// The record (as `incidents ID --format json` gives it), the summary and the impact table.
    public func json() -> String {
        var o = JSONText()
        o.add(
            "incident",
            raw: IncidentsReport.json(
                record, now: generatedAt,
                cost: Dictionary(
                    impacts.compactMap { impact in
                        impact.budgetCost.map { (impact.service, $0) }
                    }, uniquingKeysWith: { a, _ in a })))
        o.add("summary", summary)
        o.add(
            "impact",
            raw: "["
                + impacts.map { impact in
                    var i = JSONText()
                    i.add("service", impact.service)
                    i.add("role", impact.role)
                    i.add("downMinutes", impact.downMinutes)
                    i.add("slowMinutes", impact.slowMinutes)
                    i.add("budgetCost", impact.budgetCost.map { SLOReport.round($0, 6) })
                    return i.text
                }.joined(separator: ",") + "]")
        o.add("charts", strings: charts.map(\.fileName))
        return o.text
    }

    // MARK: Formatting

    func time(_ date: Date, date withDate: Bool = false) -> String {
        IncidentsReport.localTime(date, in: timeZone, withDate: withDate)
    }

    static func span(_ seconds: TimeInterval) -> String { IncidentsReport.duration(seconds) }

    static func percent(_ share: Double) -> String {
        String(format: share < 0.001 ? "%.2f %%" : "%.1f %%", share * 100)
    }

    static func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
}
