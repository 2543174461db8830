import Foundation

/// Spent error budget charged to its causes. Every bad event of a service (a failed probe for
/// availability, a slow one for latency) in a minute when the service was a victim of an incident
/// is charged to that incident's root; of two roots at once, half to each; all other bad events
/// to the service itself (``own``). Built from the history's minute counts and incident records,
/// so `slo` can split what it reports spent without keeping anything more per probe.
public struct BudgetLedger: Sendable {
    /// The cause of bad events no incident explains.
    public static let own = "own"

    /// Bad events by service, SLI and cause.
    public private(set) var bad: [String: [SLIKind: [String: Double]]] = [:]

    /// - Parameters:
    ///   - aggregates: the history's minute counts (of the SLO window).
    ///   - incidents: the incidents whose victims' spells may fall in those minutes.
    ///   - now: the end of open spells.
    ///   - windowStart: where each service's SLO window begins; minutes before it are not counted
    ///     (services left out count every minute given).
    public init(
        aggregates: [String: [MinuteAggregate]], incidents: [IncidentRecord], now: Date,
        windowStart: [String: Date] = [:]
    ) {
        // Which roots each service was a victim of, minute by minute. A minute the spell only
        // touches counts whole: minute counts are as fine as the history goes.
        var roots: [String: [Int64: Set<String>]] = [:]
        for incident in incidents {
            for spell in incident.victims where spell.service != incident.root {
                let end = spell.left ?? incident.closed ?? now
                let first = MinuteAggregate.minute(of: spell.joined)
                let last = max(first, MinuteAggregate.minute(of: end))
                for minute in first...last {
                    roots[spell.service, default: [:]][minute, default: []].insert(incident.root)
                }
            }
        }
        for (service, minutes) in aggregates {
            var availability: [String: Double] = [:]
            var latency: [String: Double] = [:]
            let firstMinute = windowStart[service].map(MinuteAggregate.minute(of:)) ?? .min
            for aggregate in minutes where aggregate.minute >= firstMinute {
                let failed = Double(aggregate.availabilityTotal - aggregate.availabilityGood)
                let slow = Double(aggregate.latencyTotal - aggregate.latencyGood)
                guard failed > 0 || slow > 0 else { continue }
                let causes = roots[service]?[aggregate.minute].map { $0.sorted() } ?? []
                if causes.isEmpty {
                    availability[Self.own, default: 0] += failed
                    latency[Self.own, default: 0] += slow
                } else {
                    for cause in causes {
                        availability[cause, default: 0] += failed / Double(causes.count)
                        latency[cause, default: 0] += slow / Double(causes.count)
                    }
                }
            }
            bad[service] = [.availability: availability, .latency: latency]
        }
    }

    /// `spent` (the share of the window's budget that `slo` reports spent, 1 − remaining) split
    /// by cause in proportion to the bad events each caused; the parts add up to `spent`.
    public func spentBy(service: String, sli: SLIKind, spent: Double) -> [String: Double] {
        let causes = bad[service]?[sli] ?? [:]
        let total = causes.values.reduce(0, +)
        guard total > 0, spent.isFinite else { return [Self.own: spent.isFinite ? spent : 0] }
        return causes.mapValues { spent * $0 / total }
    }

    /// Each service's availability events in its SLO window ending `now`, for
    /// ``cost(of:aggregates:sli:now:totals:objective:)``; a service whose history covers less than
    /// ``SLIStatus/meaningfulCoverage`` of its window is left out (its budget is not meaningful yet,
    /// so neither is a share of it).
    public static func windowTotals(
        aggregates: [String: [MinuteAggregate]], windows: [String: TimeInterval],
        now: Date
    ) -> [String: Double] {
        var totals: [String: Double] = [:]
        for (name, minutes) in aggregates {
            guard let window = windows[name], window > 0 else { continue }
            let start = MinuteAggregate.minute(of: now.addingTimeInterval(-window))
            let inWindow = minutes.filter { $0.minute >= start && $0.availabilityTotal > 0 }
            guard Double(inWindow.count) >= window / 60 * SLIStatus.meaningfulCoverage else { continue }
            totals[name] = Double(inWindow.reduce(Int64(0)) { $0 + $1.availabilityTotal })
        }
        return totals
    }

    /// Each record's availability cost to every service it touched (``cost(of:aggregates:sli:now:totals:objective:)``
    /// with `config`'s windows and objectives), by incident id.
    public static func availabilityCosts(
        of records: [IncidentRecord], config: ProbesConfig,
        aggregates: [String: [MinuteAggregate]], now: Date
    ) -> [String: [String: Double]] {
        let services = Dictionary(config.services.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let totals = windowTotals(aggregates: aggregates, windows: services.mapValues(\.slo.window.seconds), now: now)
        var out: [String: [String: Double]] = [:]
        for record in records {
            out[record.id] = cost(
                of: record, aggregates: aggregates, sli: .availability, now: now, totals: { totals[$0] ?? 0 },
                objective: { services[$0]?.slo.objective })
        }
        return out
    }

    /// What one incident cost each service it touched, as a share of that service's window budget
    /// for the SLI: the bad events charged to its root in the minutes the service was its victim
    /// (the root's own bad events for the root), over the window's events and its allowance.
    /// - Parameters:
    ///   - totals: each service's events in its SLO window, by SLI.
    ///   - objective: each service's objective (percent) for the SLI.
    public static func cost(
        of incident: IncidentRecord, aggregates: [String: [MinuteAggregate]], sli: SLIKind, now: Date,
        totals: (String) -> Double, objective: (String) -> Double?
    ) -> [String: Double] {
        var out: [String: Double] = [:]
        let ledger = BudgetLedger(aggregates: aggregates, incidents: [incident], now: now)
        var touched = Set(incident.victimNames)
        touched.insert(incident.root)
        for service in touched {
            guard let objective = objective(service), objective < 100 else { continue }
            let total = totals(service)
            guard total > 0 else { continue }
            let charged: Double
            if service == incident.root {
                // The root's own bad minutes while its incident lasted.
                let first = MinuteAggregate.minute(of: incident.onset)
                let last = MinuteAggregate.minute(of: incident.closed ?? now)
                charged = (aggregates[service] ?? []).filter { (first...last).contains($0.minute) }.reduce(0.0) {
                    $0
                        + Double(
                            sli == .availability
                                ? $1.availabilityTotal - $1.availabilityGood
                                : $1.latencyTotal - $1.latencyGood)
                }
            } else {
                charged = ledger.bad[service]?[sli]?[incident.root] ?? 0
            }
            out[service] = charged / total / (1 - objective / 100)
        }
        return out
    }
}
