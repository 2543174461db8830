import Foundation

/// Burn rates of one SLI over the standard windows and the SLO window.
public struct BurnRates: Sendable, Equatable {
    /// Over 5 minutes.
    public var fiveMinutes: Double
    /// Over 30 minutes.
    public var thirtyMinutes: Double
    /// Over 1 hour (the one time to exhaustion uses).
    public var oneHour: Double
    /// Over 2 hours.
    public var twoHours: Double
    /// Over 6 hours.
    public var sixHours: Double
    /// Over 1 day.
    public var oneDay: Double
    /// Over 3 days.
    public var threeDays: Double
    /// Over the whole SLO window.
    public var sloWindow: Double

    /// Every window with its label (`5m` … `3d`, then the SLO window's), shortest first.
    public func labelled(sloWindowSeconds: Int64) -> [(window: String, burnRate: Double)] {
        let values = [fiveMinutes, thirtyMinutes, oneHour, twoHours, sixHours, oneDay, threeDays]
        return zip(SLIWindow.standardSeconds, values).map { (SLIWindow.label(seconds: $0), $1) }
            + [(SLIWindow.label(seconds: sloWindowSeconds), sloWindow)]
    }
}

/// The state of one SLI of one service at a moment: what the dashboard and `slo` report show.
public struct SLIStatus: Sendable, Equatable {
    /// Which SLI.
    public var sli: SLIKind
    /// Objective in percent.
    public var objective: Double
    /// The SLO window in seconds, as served.
    public var windowSeconds: Int64
    /// Good/total over the SLO window, with its coverage.
    public var counts: WindowCounts
    /// 1 − (bad/total)/(1 − objective) over the SLO window; negative when overspent.
    public var budgetRemaining: Double
    /// Burn rates over the standard windows and the SLO window.
    public var burnRates: BurnRates
    /// Time until the budget is spent at the current 1 h burn rate; `nil` when not burning.
    public var timeToExhaustion: Duration?
}

/// Both SLIs of one service.
public struct ServiceSLOStatus: Sendable, Equatable {
    /// The service's name.
    public var service: String
    /// Good probes among all probes.
    public var availability: SLIStatus
    /// Probes within the latency threshold (not over it) among good probes.
    public var latency: SLIStatus
}

/// The availability and latency SLIs of every probed service, their budgets and burn rates.
///
/// Owned by one task (the Monitor); every query takes `now`, never reads the system clock, and
/// moves the counters' clock forward, so queries are `mutating`.
public struct SLOBook: Sendable {
    /// A burn-rate rule worked out once for a service's policy: its factor and where its windows
    /// sit among the kept windows.
    struct RulePlan: Sendable {
        var rule: BurnRateRule
        var threshold: Double
        var longIndex: Int
        var shortIndex: Int
        var longSeconds: Double
        var shortSeconds: Double
    }

    struct Entry: Sendable {
        var name: String
        var policy: SLOPolicy
        var rulePlans: [RulePlan]
        /// How long after an SLI's last bad event no rule's long window can still hold it: the
        /// longest long window plus the coarsest bucket (a window's oldest bucket straddles its edge).
        var quietAfterSeconds: Int64
        /// Good probes over this latency are bad for the latency SLI (``LatencySLO/isSlow(_:)``).
        var threshold: Duration
        /// Both SLIs' counters, in one ring of three counters a bucket.
        var counters: RollingSLI

        /// No bad event of either SLI inside any rule's long window at `t`: every burn rate is zero.
        func isQuiet(at t: Int64) -> Bool {
            max(counters.lastFailedSeconds, counters.lastSlowSeconds) < t - quietAfterSeconds
        }

        func objective(_ sli: SLIKind) -> Double {
            sli == .availability ? policy.objective : policy.latency.objective
        }
    }

    var entries: [Entry] = []
    var indices: [String: Int] = [:]

    /// A book for every service that has a probe, with its effective SLO policy.
    public init(services: [ServiceConfig]) {
        self.init(policies: services.filter { $0.probe != nil }.map { ($0.name, $0.slo) })
    }

    /// A book for the named services and their policies (later duplicates are ignored).
    /// `wideCounters` for weighted aggregates of more than 31 events in 10 s (``SLILayout``).
    public init(policies: [(service: String, policy: SLOPolicy)], wideCounters: Bool = false) {
        var layouts: [[Int64]: SLILayout] = [:]
        // Services with the same policy share one plan array, so a scan over all of them keeps it
        // in cache instead of missing on a copy per service.
        var plansByRules: [String: [RulePlan]] = [:]
        entries.reserveCapacity(policies.count)
        indices.reserveCapacity(policies.count)
        for (name, policy) in policies where indices[name] == nil {
            let rules = policy.alerts.burnRateRules
            let extra = rules.flatMap { [$0.longWindow, $0.shortWindow] }
            let key = [SLIWindow.seconds(policy.window)] + extra.map(SLIWindow.seconds).sorted()
            let layout =
                layouts[key]
                ?? SLILayout(sloWindow: policy.window, extraWindows: extra, wideCounters: wideCounters)
            layouts[key] = layout
            indices[name] = entries.count
            let planKey =
                "\(policy.window)|"
                + rules.map {
                    "\($0.name),\($0.severity),\($0.longWindow),\($0.shortWindow),\($0.budgetConsumed)"
                }.joined(separator: ";")
            let plans =
                plansByRules[planKey]
                ?? rules.map { rule in
                    RulePlan(
                        rule: rule, threshold: rule.burnRate(sloWindow: policy.window),
                        longIndex: layout.windowIndex(seconds: SLIWindow.seconds(rule.longWindow)) ?? 0,
                        shortIndex: layout.windowIndex(seconds: SLIWindow.seconds(rule.shortWindow)) ?? 0,
                        longSeconds: rule.longWindow.seconds, shortSeconds: rule.shortWindow.seconds)
                }
            plansByRules[planKey] = plans
            entries.append(
                Entry(
                    name: name, policy: policy, rulePlans: plans,
                    quietAfterSeconds: Int64(plans.map(\.longSeconds).max() ?? 0) + SLILayout.resolutions[2],
                    threshold: policy.latency.threshold,
                    counters: RollingSLI(layout: layout)))
        }
    }

    /// Names of the services in the book, in config order.
    public var services: [String] { entries.map(\.name) }

    /// The SLO policy of a service.
    public func policy(of service: String) -> SLOPolicy? { indices[service].map { entries[$0].policy } }

    /// Bytes held by all counters (layouts are shared and not counted).
    public var memoryFootprint: Int {
        entries.reduce(0) { $0 + $1.counters.memoryFootprint }
    }

    // MARK: Recording

    /// Counts a probe result in both SLIs of its service (ignored for services not in the book).
    public mutating func record(_ result: ProbeResult) {
        record(
            service: result.service, available: result.status.isAvailable, latency: result.latency,
            at: result.startedAt)
    }

    /// Counts one probe: availability always, latency (not slow?) when it was good.
    public mutating func record(service: String, available: Bool, latency: Duration, at time: Date) {
        guard let i = indices[service] else { return }
        let t = SLIWindow.seconds(time)
        let slow = available && LatencySLO.isSlow(latency, threshold: entries[i].threshold)
        entries[i].counters.record(available: available, slow: slow, at: t)
    }

    /// Counts a weighted aggregate in one SLI: `total` events of which `good` were good, at a time
    /// (used by `slo simulate`; not handed to the store).
    public mutating func record(service: String, sli: SLIKind, good: Int, total: Int, at time: Date) {
        guard let i = indices[service] else { return }
        let t = SLIWindow.seconds(time)
        entries[i].counters.record(good: good, total: total, at: t, sli: sli)
    }

    /// Gives `target` the counters of `source` (both in the book, with the same policy): for
    /// filling many services with the same synthetic history at the cost of one.
    mutating func copySLIs(from source: String, to target: String) {
        guard let i = indices[source], let j = indices[target], entries[i].policy == entries[j].policy else { return }
        entries[j].counters = entries[i].counters
    }

    /// Rebuilds one SLI of a service from stored aggregates (see ``RollingSLI/restore(_:now:)``).
    public mutating func restore(service: String, sli: SLIKind, aggregates: [SLIAggregate], now: Date) {
        guard let i = indices[service] else { return }
        let t = SLIWindow.seconds(now)
        entries[i].counters.restore(aggregates, now: t, sli: sli)
    }

    // MARK: Queries

    /// Good/total of one SLI over a window (the SLO window when `nil`).
    public mutating func counts(service: String, sli: SLIKind, window: Duration? = nil, now: Date) -> WindowCounts? {
        guard let i = indices[service] else { return nil }
        let seconds = window.map(SLIWindow.seconds) ?? entries[i].counters.layout.sloWindowSeconds
        return counts(at: i, sli: sli, seconds: seconds, now: SLIWindow.seconds(now))
    }

    /// Index of a service, for repeated queries without a name lookup.
    func index(of service: String) -> Int? { indices[service] }

    mutating func counts(at i: Int, sli: SLIKind, seconds: Int64, now t: Int64) -> WindowCounts {
        entries[i].counters.counts(overSeconds: seconds, now: t, sli: sli)
    }

    /// Burn rate of one SLI over a window.
    public mutating func burnRate(service: String, sli: SLIKind, window: Duration, now: Date) -> Double? {
        guard let i = indices[service] else { return nil }
        let c = counts(at: i, sli: sli, seconds: SLIWindow.seconds(window), now: SLIWindow.seconds(now))
        let objective = sli == .availability ? entries[i].policy.objective : entries[i].policy.latency.objective
        return ErrorBudget.burnRate(c, objective: objective)
    }

    /// Budgets and burn rates of one service.
    public mutating func status(of service: String, now: Date) -> ServiceSLOStatus? {
        guard let i = indices[service] else { return nil }
        return status(at: i, now: SLIWindow.seconds(now))
    }

    /// Budgets and burn rates of every service, in config order.
    public mutating func statuses(now: Date) -> [ServiceSLOStatus] {
        let t = SLIWindow.seconds(now)
        return entries.indices.map { status(at: $0, now: t) }
    }

    mutating func status(at i: Int, now t: Int64) -> ServiceSLOStatus {
        withEntry(i) { entry in
            ServiceSLOStatus(
                service: entry.name,
                availability: Self.status(
                    of: &entry.counters, sli: .availability,
                    objective: entry.policy.objective, now: t),
                latency: Self.status(
                    of: &entry.counters, sli: .latency,
                    objective: entry.policy.latency.objective, now: t))
        }
    }

    /// Runs `body` on one entry in place (reading `entries[i].x` can copy the whole entry).
    mutating func withEntry<R>(_ i: Int, _ body: (inout Entry) -> R) -> R { body(&entries[i]) }

    static func status(of counters: inout RollingSLI, sli kind: SLIKind, objective: Double, now t: Int64) -> SLIStatus {
        let layout = counters.layout
        return withUnsafeTemporaryAllocation(of: WindowCounts.self, capacity: layout.windows.count) { buffer in
            counters.keptCounts(now: t, sli: kind, into: buffer)
            let standard = layout.standardWindowIndices
            func rate(_ n: Int) -> Double { ErrorBudget.burnRate(buffer[standard[n]], objective: objective) }
            let whole = buffer[layout.sloWindowIndex]
            let rates = BurnRates(
                fiveMinutes: rate(0), thirtyMinutes: rate(1), oneHour: rate(2), twoHours: rate(3),
                sixHours: rate(4), oneDay: rate(5), threeDays: rate(6),
                sloWindow: ErrorBudget.burnRate(whole, objective: objective))
            let remaining = ErrorBudget.remaining(whole, objective: objective)
            let w = layout.sloWindowSeconds
            return SLIStatus(
                sli: kind, objective: objective, windowSeconds: w, counts: whole, budgetRemaining: remaining,
                burnRates: rates,
                timeToExhaustion: ErrorBudget.timeToExhaustion(
                    remaining: remaining, burnRate: rates.oneHour,
                    windowSeconds: w))
        }
    }
}
