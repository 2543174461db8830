import Foundation

/// The post-incident review of one incident: a summary, the timeline, the impact on every service
/// it touched with the budget it cost, the alerts as they were sent or suppressed, and charts of
/// latency, availability and budget from 10 minutes before to 10 minutes after. Markdown (charts
/// as SVG files beside it), one self-contained HTML file, or JSON.
public struct IncidentReport: Sendable {
    /// What the incident did to one service.
    public struct Impact: Sendable, Equatable {
        public var service: String
        /// `root` or `victim`.
        public var role: String
        /// Minutes with a failed probe, and minutes with a slow one, while the incident lasted.
        public var downMinutes: Int
        public var slowMinutes: Int
        /// Availability budget charged to the root, as a share of the service's window budget.
        public var budgetCost: Double?
    }

    /// A chart and the name of its file (`<id>-latency.svg`).
    public struct Chart: Sendable {
        public var name: String
        public var chart: SVGChart
        public var fileName: String
    }

    public var record: IncidentRecord
    public var generatedAt: Date
    public var timeZone: TimeZone
    public var impacts: [Impact]
    public var charts: [Chart]

    /// Minutes shown either side of the incident in the charts.
    public static let margin: TimeInterval = 600
    /// At most this many services are drawn in one chart (the root and the first victims).
    public static let servicesCharted = 5
    static let palette = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#8c564b"]

    /// - Parameters:
    ///   - aggregates: the history's minute counts since the SLO window before the chart starts.
    ///   - results: raw results per service (the history keeps the last few hundred).
    public init(
        record: IncidentRecord, config: ProbesConfig, aggregates: [String: [MinuteAggregate]],
        results: [String: [ProbeResult]], now: Date, timeZone: TimeZone = .current
    ) {
        self.record = record
        generatedAt = now
        self.timeZone = timeZone
        let services = ServicesByName(config.services)
        let end = record.closed ?? now
        let involved = [record.root] + record.victimNames.filter { $0 != record.root }

        let costs =
            BudgetLedger.availabilityCosts(of: [record], config: config, aggregates: aggregates, now: now)[
                record.id] ?? [:]
        let first = MinuteAggregate.minute(of: record.onset)
        let last = MinuteAggregate.minute(of: end)
        impacts = involved.map { service in
            let minutes = (aggregates[service] ?? []).filter { (first...last).contains($0.minute) }
            return Impact(
                service: service, role: service == record.root ? "root" : "victim",
                downMinutes: minutes.filter { $0.availabilityGood < $0.availabilityTotal }.count,
                slowMinutes: minutes.filter { $0.latencyGood < $0.latencyTotal }.count, budgetCost: costs[service])
        }

        let start = record.onset.addingTimeInterval(-Self.margin)
        let chartEnd = end.addingTimeInterval(Self.margin)
        var markers = [SVGChart.Marker(time: record.onset, label: "onset", color: "#d62728")]
        if let page = record.firstAlert { markers.append(.init(time: page, label: "first page", color: "#ff7f0e")) }
        if let back = record.rootRecovered {
            markers.append(.init(time: back, label: "root recovered", color: "#2ca02c"))
        }
        let charted = Array(involved.prefix(Self.servicesCharted))
        func color(_ index: Int) -> String { Self.palette[index % Self.palette.count] }

        var latency: [SVGChart.Series] = []
        for (index, service) in charted.enumerated() {
            let buckets = Self.latencyByMinute(results[service] ?? [], from: start, to: chartEnd)
            latency.append(.init(name: service, color: color(index), points: buckets.map { ($0.time, $0.p99) }))
            latency.append(
                .init(name: "", color: color(index), points: buckets.map { ($0.time, $0.p50) }, dashed: true))
        }
        let availability = charted.enumerated().map { index, service in
            SVGChart.Series(
                name: service, color: color(index),
                points: Self.minutes(from: start, to: chartEnd).map { minute in
                    let aggregate = aggregates[service]?.first { $0.minute == minute }
                    return (
                        Date(timeIntervalSince1970: Double(minute) * 60 + 30),
                        aggregate.flatMap { a in
                            a.availabilityTotal > 0
                                ? 100 * Double(a.availabilityGood) / Double(a.availabilityTotal) : nil
                        }
                    )
                })
        }
        let budget = charted.enumerated().map { index, service in
            SVGChart.Series(
                name: service, color: color(index),
                points: Self.budgetRemaining(
                    aggregates[service] ?? [], objective: services[service]?.slo.objective ?? 99.9,
                    window: services[service]?.slo.window.seconds ?? 28 * 86_400, from: start, to: chartEnd))
        }
        // Zoomed to what the budget did: a percent or two of burn is the story, not the 0–100 scale.
        let lowest = budget.flatMap { $0.points.compactMap(\.value) }.min() ?? 0
        let budgetRange = min(99, (lowest - 1).rounded(.down))...100
        let stem = record.id
        charts = [
            Chart(
                name: "latency",
                chart: SVGChart(
                    title: "Latency, p99 (solid) and p50 (dashed), per minute", yLabel: "latency (ms)", series: latency,
                    markers: markers, start: start, end: chartEnd, timeZone: timeZone), fileName: "\(stem)-latency.svg"),
            Chart(
                name: "availability",
                chart: SVGChart(
                    title: "Availability per minute", yLabel: "good probes (%)", series: availability, markers: markers,
                    start: start, end: chartEnd, yRange: 0...100, timeZone: timeZone),
                fileName: "\(stem)-availability.svg"),
            Chart(
                name: "budget",
                chart: SVGChart(
                    title: "Error budget remaining (availability, SLO window)", yLabel: "budget remaining (%)",
                    series: budget, markers: markers, start: start, end: chartEnd, yRange: budgetRange,
                    timeZone: timeZone),
                fileName: "\(stem)-budget.svg"),
        ]
    }

    // MARK: Data for the charts

    static func minutes(from start: Date, to end: Date) -> ClosedRange<Int64> {
        MinuteAggregate.minute(of: start)...max(MinuteAggregate.minute(of: start), MinuteAggregate.minute(of: end))
    }

    /// p50 and p99 of the available probes started in each minute; `nil` for a minute without any.
    static func latencyByMinute(_ results: [ProbeResult], from start: Date, to end: Date)
        -> [(time: Date, p50: Double?, p99: Double?)]
    {
        var byMinute: [Int64: [Double]] = [:]
        for result in results where result.startedAt >= start && result.startedAt <= end && result.status.isAvailable {
            byMinute[MinuteAggregate.minute(of: result.startedAt), default: []].append(result.latencyMilliseconds)
        }
        return minutes(from: start, to: end).map { minute in
            let time = Date(timeIntervalSince1970: Double(minute) * 60 + 30)
            guard let values = byMinute[minute]?.sorted(), !values.isEmpty else { return (time, nil, nil) }
            func quantile(_ q: Double) -> Double {
                values[min(values.count - 1, max(0, Int((q * Double(values.count)).rounded(.up)) - 1))]
            }
            return (time, quantile(0.5), quantile(0.99))
        }
    }

    /// Budget remaining (%) at the end of each minute, over the SLO window ending there.
    static func budgetRemaining(
        _ aggregates: [MinuteAggregate], objective: Double, window: TimeInterval,
        from start: Date, to end: Date
    ) -> [(time: Date, value: Double?)] {
        let windowMinutes = Int64(window / 60)
        let sorted = aggregates.sorted { $0.minute < $1.minute }
        return minutes(from: start, to: end).map { minute in
            let inWindow = sorted.filter { $0.minute > minute - windowMinutes && $0.minute <= minute }
            let total = inWindow.reduce(Int64(0)) { $0 + $1.availabilityTotal }
            let bad = inWindow.reduce(Int64(0)) { $0 + $1.availabilityTotal - $1.availabilityGood }
            let time = Date(timeIntervalSince1970: Double(minute + 1) * 60)
            guard total > 0, objective < 100 else { return (time, nil) }
            return (time, 100 * (1 - Double(bad) / Double(total) / (1 - objective / 100)))
        }
    }
}
