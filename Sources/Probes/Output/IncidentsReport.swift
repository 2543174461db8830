import Foundation

/// `incidentboard incidents`: incident records as a table for people or JSON for scripts, and one
/// incident's timeline.
public struct IncidentsReport: Sendable {
    /// Newest onset first.
    public var records: [IncidentRecord]
    /// When the report was made (for the duration of open incidents).
    public var now: Date
    /// The time zone of the text's times.
    public var timeZone: TimeZone
    /// By incident id: what it cost each service it touched, as a share of that service's
    /// availability budget (``BudgetLedger/cost(of:aggregates:sli:now:totals:objective:)``).
    public var costs: [String: [String: Double]]

    public init(
        records: [IncidentRecord], now: Date, timeZone: TimeZone = .current,
        costs: [String: [String: Double]] = [:]
    ) {
        self.records = records.sorted { $0.onset > $1.onset }
        self.now = now
        self.timeZone = timeZone
        self.costs = costs
    }

    /// `loan-application 0.7% (+2 more)`: the service the incident cost most; `-` when unknown.
    func costText(_ id: String) -> String {
        guard let cost = costs[id], let top = cost.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) else {
            return "-"
        }
        let more = cost.filter { $0.value > 0 }.count - 1
        return top.key + " " + String(format: top.value < 0.001 ? "%.2f%%" : "%.1f%%", top.value * 100)
            + (more > 0 ? " (+\(more) more)" : "")
    }

    // MARK: Text

    /// One line per incident: id, root, state, start, duration, victims, alerts sent/suppressed.
    public func text() -> String {
        guard !records.isEmpty else { return "no incidents" }
        let rows = records.map { record -> [String] in
            let counts = record.alertCounts
            let victims = record.victimNames.count
            return [
                record.id, record.root + (record.inferred ? " (inferred)" : ""),
                record.isOpen ? "OPEN \(record.state.rawValue)" : "closed",
                localTime(record.onset, withDate: true), Self.duration(record.duration(now: now)),
                "\(victims) victim\(victims == 1 ? "" : "s")", "\(counts.sent) sent / \(counts.suppressed) suppressed",
                costText(record.id),
            ]
        }
        let header = ["ID", "ROOT", "STATE", "STARTED", "LASTED", "VICTIMS", "ALERTS", "BUDGET COST"]
        let widths = header.indices.map { column in (rows + [header]).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// The timeline of one incident, a line per moment, oldest first.
    public static func timelineText(
        _ record: IncidentRecord, now: Date, timeZone: TimeZone = .current,
        cost: [String: Double]? = nil
    ) -> String {
        let report = IncidentsReport(
            records: [record], now: now, timeZone: timeZone,
            costs: cost.map { [record.id: $0] } ?? [:])
        var lines = [
            "\(record.id): \(record.root)\(record.inferred ? " (inferred)" : "") "
                + (record.isOpen ? "open, \(record.state.rawValue)" : "closed")
                + ", \(Self.duration(record.duration(now: now))), \(record.victimNames.count) victims"
        ]
        if let cost = report.costs[record.id] ?? nil, !cost.isEmpty {
            lines.append(
                "  budget cost (availability): "
                    + cost.sorted { $0.value > $1.value }.map {
                        "\($0.key) " + String(format: $0.value < 0.001 ? "%.2f%%" : "%.1f%%", $0.value * 100)
                    }.joined(separator: ", "))
        }
        for moment in record.moments {
            lines.append("  " + report.localTime(moment.time, withDate: false) + "  " + moment.text)
        }
        return lines.joined(separator: "\n")
    }

    // MARK: JSON

    /// `{"incidents":[…]}`, newest first.
    public func json() -> String {
        "{\"incidents\":[" + records.map { Self.json($0, now: now, cost: costs[$0.id]) }.joined(separator: ",") + "]}"
    }

    /// One incident with its timeline, and what it cost each service when known.
    public static func json(_ record: IncidentRecord, now: Date, cost: [String: Double]? = nil) -> String {
        var o = JSONText()
        o.add("id", record.id)
        o.add("root", record.root)
        o.add("inferred", record.inferred)
        o.add("state", record.isOpen ? record.state.rawValue : "closed")
        o.add("onset", CheckReport.timestamp(record.onset))
        o.add("firstAlert", record.firstAlert.map(CheckReport.timestamp))
        o.add("rootRecovered", record.rootRecovered.map(CheckReport.timestamp))
        o.add("closed", record.closed.map(CheckReport.timestamp))
        o.add("durationSeconds", record.duration(now: now).rounded())
        o.add(
            "victims",
            raw: "["
                + record.victims.map { victim in
                    var v = JSONText()
                    v.add("service", victim.service)
                    v.add("joined", CheckReport.timestamp(victim.joined))
                    v.add("left", victim.left.map(CheckReport.timestamp))
                    return v.text
                }.joined(separator: ",") + "]")
        o.add(
            "states",
            raw: "["
                + record.states.map { change in
                    var c = JSONText()
                    c.add("time", CheckReport.timestamp(change.time))
                    c.add("state", change.state.rawValue)
                    return c.text
                }.joined(separator: ",") + "]")
        let counts = record.alertCounts
        if let cost {
            var c = JSONText()
            for (service, share) in cost.sorted(by: { $0.key < $1.key }) { c.add(service, SLOReport.round(share, 6)) }
            o.add("budgetCost", raw: c.text)
        }
        o.add("alertsSent", counts.sent)
        o.add("alertsSuppressed", counts.suppressed)
        o.add(
            "alerts",
            raw: "["
                + record.alerts.map { alert in
                    var a = JSONText()
                    a.add("time", CheckReport.timestamp(alert.time))
                    a.add("event", alert.event.rawValue)
                    a.add("alert", alert.alert.rawValue)
                    a.add("service", alert.service)
                    a.add("rule", alert.rule)
                    a.add("suppressed", alert.suppressed)
                    return a.text
                }.joined(separator: ",") + "]")
        return o.text
    }

    // MARK: Formatting

    /// `12 min`, `45 s`, `3 h 5 min`.
    public static func duration(_ seconds: TimeInterval) -> String {
        let whole = Int(max(0, min(seconds, 1e9)).rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return "\(whole / 60) min" }
        let minutes = (whole % 3600) / 60
        return "\(whole / 3600) h" + (minutes > 0 ? " \(minutes) min" : "")
    }

    /// `2026-12-06 23:40:12 +0900` or `23:40:12`, in the report's time zone.
    func localTime(_ date: Date, withDate: Bool) -> String {
        Self.localTime(date, in: timeZone, withDate: withDate)
    }

    /// `2026-12-06 23:40:12 +0900` or `23:40:12`, in `timeZone`.
    static func localTime(_ date: Date, in timeZone: TimeZone, withDate: Bool) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let clock = String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
        guard withDate else { return clock }
        let offset = timeZone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let zone = String(format: "%@%02d%02d", sign, abs(offset) / 3600, (abs(offset) % 3600) / 60)
        return String(format: "%04d-%02d-%02d ", c.year ?? 0, c.month ?? 0, c.day ?? 0) + clock + " " + zone
    }
}
