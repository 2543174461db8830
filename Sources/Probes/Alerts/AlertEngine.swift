import Foundation

/// The alert state machines of every service: `down` after consecutive failed probes, `latency`
/// when the last minute's p99 is over the threshold, and the multi-window multi-burn-rate rules of each
/// service's ``AlertPolicy`` on both SLIs. Transitions come back as ``AlertEvent``s.
///
/// Policies come from the ``SLOBook``; every evaluation takes its time, so a virtual clock works.
/// Every `firing` is followed by a `resolved` once the condition clears (or the service or rule
/// leaves the config).
public struct AlertEngine: Sendable {
    /// The window of the `latency` alert's p99: the last minute (the latency histograms are kept
    /// per minute, so in effect the current minute and the one before it). Short, so that a
    /// victim's latency alert resolves a minute or two after its root recovers; budgets over
    /// longer windows are the burn-rate rules' job.
    public static let latencyWindow: Duration = .seconds(60)

    /// The alerts of one service that are not quietly inactive.
    struct ServiceAlerts: Sendable {
        var down: AlertState?
        var latency: AlertState?
        /// Burn-rate states (a handful at most), found by SLI and rule name.
        var burn: [AlertState] = []

        var isEmpty: Bool { down == nil && latency == nil && burn.isEmpty }
        var all: [AlertState] { [down, latency].compactMap { $0 } + burn }
    }

    var services: [String: ServiceAlerts] = [:]

    /// An engine with no alert history.
    public init() {}

    /// Every alert that is not quietly inactive, by key.
    public var states: [AlertKey: AlertState] {
        var out: [AlertKey: AlertState] = [:]
        for alerts in services.values {
            for state in alerts.all { out[state.key] = state }
        }
        return out
    }

    /// Alerts that are firing now, ordered by key.
    public var firing: [AlertState] {
        services.values.flatMap { $0.all.filter { $0.phase == .firing } }.sorted { $0.key < $1.key }
    }

    // MARK: Evaluation

    /// Evaluates every alert of a result's service after the result was recorded.
    ///
    /// - Important: record `result` in `slo` and `latency` first; this only reads them.
    public mutating func evaluate(
        after result: ProbeResult, now: Date, slo: inout SLOBook,
        latency: LatencyBook
    ) -> [AlertEvent] {
        guard let index = slo.index(of: result.service) else { return [] }
        let policy = slo.entries[index].policy
        var events: [AlertEvent] = []
        var alerts = services[result.service] ?? ServiceAlerts()
        let had = !alerts.isEmpty
        evaluateDown(result, policy: policy, now: now, alerts: &alerts, into: &events)
        if policy.alerts.latencyAlert {
            evaluateLatency(
                service: result.service, policy: policy, now: now, latency: latency, alerts: &alerts,
                into: &events)
        }
        evaluateBurnRates(at: index, now: now, slo: &slo, alerts: &alerts, into: &events)
        if had || !alerts.isEmpty { services[result.service] = alerts.isEmpty ? nil : alerts }
        return events
    }

    /// Evaluates a service's burn-rate rules at `now` (for ticks without new results).
    public mutating func evaluateBurnRates(service: String, now: Date, slo: inout SLOBook) -> [AlertEvent] {
        guard let index = slo.index(of: service) else { return [] }
        var events: [AlertEvent] = []
        evaluateBurnRates(at: index, now: now, slo: &slo, into: &events)
        return events
    }

    /// Evaluates every service's burn-rate rules at `now`.
    public mutating func evaluateBurnRates(now: Date, slo: inout SLOBook) -> [AlertEvent] {
        var events: [AlertEvent] = []
        let t = SLIWindow.seconds(now)
        for index in slo.entries.indices {
            // The healthy majority: nothing bad in reach of any rule and no alert state to carry on.
            if slo.entries[index].isQuiet(at: t) && (services.isEmpty || services[slo.entries[index].name] == nil) {
                continue
            }
            evaluateBurnRates(at: index, now: now, slo: &slo, into: &events)
        }
        return events
    }

    private mutating func evaluateBurnRates(
        at index: Int, now: Date, slo: inout SLOBook,
        into events: inout [AlertEvent]
    ) {
        let service = slo.entries[index].name
        // Most services have nothing to remember; skip hashing their names when no one does.
        var alerts = services.isEmpty ? ServiceAlerts() : services[service] ?? ServiceAlerts()
        let had = !alerts.isEmpty
        evaluateBurnRates(at: index, now: now, slo: &slo, alerts: &alerts, into: &events)
        if had || !alerts.isEmpty { services[service] = alerts.isEmpty ? nil : alerts }
    }

    private func evaluateDown(
        _ result: ProbeResult, policy: SLOPolicy, now: Date, alerts: inout ServiceAlerts,
        into events: inout [AlertEvent]
    ) {
        let failed = !result.status.isAvailable
        guard failed || alerts.down != nil else { return }
        var state =
            alerts.down
            ?? AlertState(
                key: AlertKey(service: result.service, kind: .down), severity: .critical,
                since: now)
        let transition = state.evaluate(
            holds: failed, now: now, fireAfter: policy.alerts.downAfter,
            resolveAfter: policy.alerts.resolveAfter)
        if failed { state.observed = Double(state.badStreak) }
        if let transition {
            let summary: String
            switch transition {
            case .firing:
                let reason = result.error ?? "status \(result.status.rawValue)"
                summary = "\(result.service) down for \(state.badStreak) probes: \(reason)"
            case .resolved:
                let downFor = state.firedAt.map { " after \(Self.format(seconds: now.timeIntervalSince($0))) down" }
                summary = "\(result.service) up again\(downFor ?? "")"
            }
            events.append(
                AlertEvent(
                    time: now, event: transition, alert: .down, service: result.service,
                    severity: .critical, observed: state.observed, summary: summary))
        }
        alerts.down = Self.kept(state)
    }

    private func evaluateLatency(
        service: String, policy: SLOPolicy, now: Date, latency: LatencyBook,
        alerts: inout ServiceAlerts, into events: inout [AlertEvent]
    ) {
        let summary = latency.summary(service: service, window: Self.latencyWindow, now: now)
        let threshold = policy.latency.threshold
        let holds = summary.map { $0.p99 > threshold } ?? false
        guard holds || alerts.latency != nil else { return }
        var state =
            alerts.latency
            ?? AlertState(
                key: AlertKey(service: service, kind: .latency), severity: .warning,
                since: now)
        let p99 = summary.map { $0.p99.milliseconds }
        if holds || state.phase == .firing { state.observed = p99.map(Self.round2) }
        let transition = state.evaluate(
            holds: holds, now: now, fireAfter: policy.alerts.downAfter,
            resolveAfter: policy.alerts.resolveAfter)
        if let transition {
            let limit = Self.format(milliseconds: threshold.milliseconds)
            let window = SLIWindow.label(Self.latencyWindow)
            let text: String
            switch transition {
            case .firing:
                text = "\(service) p99 latency \(Self.format(milliseconds: p99 ?? 0)) over \(limit) (\(window))"
            case .resolved:
                let current = p99.map { ": \(Self.format(milliseconds: $0))" } ?? ": no good probes"
                text = "\(service) p99 latency back under \(limit) (\(window))\(current)"
            }
            events.append(
                AlertEvent(
                    time: now, event: transition, alert: .latency, service: service,
                    severity: .warning, observed: p99.map(Self.round2), summary: text))
        }
        alerts.latency = Self.kept(state)
    }

    private func evaluateBurnRates(
        at index: Int, now: Date, slo: inout SLOBook, alerts: inout ServiceAlerts,
        into events: inout [AlertEvent]
    ) {
        let t = SLIWindow.seconds(now)
        slo.withEntry(index) { entry in
            let plans = entry.rulePlans
            let service = entry.name
            let resolveAfter = entry.policy.alerts.resolveAfter
            let quietAfter = entry.quietAfterSeconds
            for sli in SLIKind.allCases {
                let objective = entry.objective(sli)
                // Nothing bad inside any rule's long window and nothing to remember: every burn
                // rate is zero, so the healthy majority costs a comparison, not a window sum.
                if entry.counters.lastBadSeconds(sli) < t - quietAfter
                    && !alerts.burn.contains(where: { $0.key.sli == sli })
                {
                    continue
                }
                withUnsafeTemporaryAllocation(
                    of: WindowCounts.self,
                    capacity: entry.counters.layout.windows.count
                ) { counts in
                    entry.counters.keptCounts(now: t, sli: sli, into: counts)
                    for r in plans.indices {
                        let check = BurnRateCheck(
                            threshold: plans[r].threshold, longWindow: plans[r].rule.longWindow,
                            shortWindow: plans[r].rule.shortWindow, longSeconds: plans[r].longSeconds,
                            shortSeconds: plans[r].shortSeconds, objective: objective,
                            long: counts[plans[r].longIndex], short: counts[plans[r].shortIndex])
                        let existing = alerts.burn.firstIndex {
                            $0.key.sli == sli && $0.key.rule == plans[r].rule.name
                        }
                        // The common case, nothing burning and nothing to remember, costs nothing more.
                        guard check.isActive || existing != nil else { continue }
                        Self.update(
                            burnRate: check, rule: plans[r].rule, sli: sli, service: service,
                            existing: existing, resolveAfter: resolveAfter, now: now,
                            alerts: &alerts, into: &events)
                    }
                }
            }
        }
    }

    private static func update(
        burnRate check: BurnRateCheck, rule: BurnRateRule, sli: SLIKind, service: String,
        existing: Int?, resolveAfter: Int, now: Date, alerts: inout ServiceAlerts,
        into events: inout [AlertEvent]
    ) {
        var state =
            existing.map { alerts.burn[$0] }
            ?? AlertState(
                key: AlertKey(service: service, kind: .burnRate, rule: rule.name, sli: sli),
                severity: rule.severity, since: now)
        if state.phase != .firing {
            state.severity = rule.severity
            state.burnRate = round6(check.threshold)
            state.window = check.windowLabel
        }
        state.observed = round2(check.longBurnRate)
        let transition = state.evaluate(holds: check.isActive, now: now, fireAfter: 1, resolveAfter: resolveAfter)
        if let transition {
            events.append(
                burnRateEvent(
                    state: state, transition: transition, check: check, rule: rule, sli: sli,
                    now: now))
        }
        switch (existing, kept(state)) {
        case (let i?, let kept?): alerts.burn[i] = kept
        case (let i?, nil): alerts.burn.remove(at: i)
        case (nil, let kept?): alerts.burn.append(kept)
        case (nil, nil): break
        }
    }

    private static func burnRateEvent(
        state: AlertState, transition: AlertTransition, check: BurnRateCheck,
        rule: BurnRateRule, sli: SLIKind, now: Date
    ) -> AlertEvent {
        let what = sli == .availability ? "error budget" : "latency budget"
        let rate = format(rate: check.longBurnRate)
        let limit = format(rate: check.threshold)
        let text: String
        switch transition {
        case .firing:
            text =
                "\(state.key.service) \(what) burning at \(rate)× over \(check.windowLabel) "
                + "(\(rule.name) ≥ \(limit)×)"
        case .resolved:
            text =
                "\(state.key.service) \(what) burn back under \(limit)× over \(check.windowLabel) "
                + "(\(rule.name)): \(rate)×"
        }
        return AlertEvent(
            time: now, event: transition, alert: .burnRate, service: state.key.service, severity: state.severity,
            rule: rule.name, sli: sli, window: check.windowLabel, burnRate: round6(check.threshold),
            observed: round2(check.longBurnRate), summary: text)
    }

    /// The state, unless it is inactive with nothing to remember.
    private static func kept(_ state: AlertState) -> AlertState? {
        state.phase == .inactive && state.badStreak == 0 ? nil : state
    }

    // MARK: Persistence and config changes

    /// The states worth keeping across a restart, ordered by key.
    public func exportStates() -> [AlertState] { states.values.sorted { $0.key < $1.key } }

    /// Takes back exported states. States of services or rules that are no longer in the book's
    /// policies are dropped; those that were firing come back as `resolved` events, so that no
    /// `firing` is left without its `resolved`.
    public mutating func restore(_ saved: [AlertState], now: Date, slo: SLOBook) -> [AlertEvent] {
        var events: [AlertEvent] = []
        for state in saved.sorted(by: { $0.key < $1.key }) {
            if Self.isConfigured(state.key, in: slo) {
                guard let kept = Self.kept(state) else { continue }
                var alerts = services[state.key.service] ?? ServiceAlerts()
                switch state.key.kind {
                case .down: alerts.down = kept
                case .latency: alerts.latency = kept
                case .burnRate:
                    alerts.burn.removeAll { $0.key == kept.key }
                    alerts.burn.append(kept)
                case .siteDark: continue
                }
                services[state.key.service] = alerts
            } else if state.phase == .firing {
                events.append(Self.retiredEvent(state, now: now))
            }
        }
        return events
    }

    /// Drops a service's alerts (it left the config), resolving those that were firing.
    public mutating func forget(service: String, now: Date) -> [AlertEvent] {
        let gone = services.removeValue(forKey: service)?.all ?? []
        return gone.filter { $0.phase == .firing }.sorted { $0.key < $1.key }.map { Self.retiredEvent($0, now: now) }
    }

    private static func isConfigured(_ key: AlertKey, in slo: SLOBook) -> Bool {
        guard let policy = slo.policy(of: key.service) else { return false }
        switch key.kind {
        case .down: return true
        case .latency: return policy.alerts.latencyAlert
        case .burnRate: return key.sli != nil && policy.alerts.burnRateRules.contains { $0.name == key.rule }
        case .siteDark: return false
        }
    }

    private static func retiredEvent(_ state: AlertState, now: Date) -> AlertEvent {
        let name = state.key.rule.map { "\(state.key.kind.rawValue) \($0)" } ?? state.key.kind.rawValue
        return AlertEvent(
            time: now, event: .resolved, alert: state.key.kind, service: state.key.service, severity: state.severity,
            rule: state.key.rule, sli: state.key.sli, window: state.window, burnRate: state.burnRate,
            observed: state.observed, summary: "\(state.key.service) \(name) alert resolved: no longer configured")
    }

    // MARK: Formatting

    static func round2(_ x: Double) -> Double { x.isFinite ? (x * 100).rounded() / 100 : 0 }
    static func round6(_ x: Double) -> Double { x.isFinite ? (x * 1e6).rounded() / 1e6 : 0 }

    static func format(rate: Double) -> String {
        guard rate.isFinite else { return "∞" }
        return rate >= 100 ? String(format: "%.0f", rate) : String(format: "%.1f", rate)
    }

    static func format(milliseconds ms: Double) -> String {
        if ms < 10 { return String(format: "%.2f ms", ms) }
        if ms < 100 { return String(format: "%.1f ms", ms) }
        return String(format: "%.0f ms", ms)
    }

    static func format(seconds: Double) -> String {
        let s = Int(max(0, min(seconds, 1e9)).rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return s % 60 == 0 ? "\(s / 60)m" : "\(s / 60)m\(s % 60)s" }
        if s < 86_400 { return (s % 3600) / 60 == 0 ? "\(s / 3600)h" : "\(s / 3600)h\((s % 3600) / 60)m" }
        return "\(s / 86_400)d\((s % 86_400) / 3600)h"
    }
}

/// One burn-rate rule checked against an SLI's long and short windows (SRE Workbook table 5-8):
/// active when both burn rates are at or over the rule's factor.
public struct BurnRateCheck: Sendable, Equatable {
    /// The factor for the SLO window (14.4 for 2 % of 30 days over 1 h).
    public var threshold: Double
    /// Burn rate over the long window.
    public var longBurnRate: Double
    /// Burn rate over the short window.
    public var shortBurnRate: Double
    /// The rule's long and short windows.
    public var longWindow: Duration
    /// The rule's short window.
    public var shortWindow: Duration
    /// Whether the long window holds more than a short window's worth of data: after a fresh
    /// start, a failure among the very first results has left the short window before any rule
    /// can fire, so one early failure never pages.
    public var hasEnoughData: Bool

    /// Checks a rule on an SLI's window counts.
    public init(
        rule: BurnRateRule, sloWindow: Duration, objective: Double, long: WindowCounts,
        short: WindowCounts
    ) {
        self.init(
            threshold: rule.burnRate(sloWindow: sloWindow), longWindow: rule.longWindow,
            shortWindow: rule.shortWindow, longSeconds: rule.longWindow.seconds,
            shortSeconds: rule.shortWindow.seconds, objective: objective, long: long, short: short)
    }

    /// Checks a rule whose factor and window lengths are already worked out.
    init(
        threshold: Double, longWindow: Duration, shortWindow: Duration, longSeconds: Double, shortSeconds: Double,
        objective: Double, long: WindowCounts, short: WindowCounts
    ) {
        self.threshold = threshold
        longBurnRate = ErrorBudget.burnRate(long, objective: objective)
        shortBurnRate = ErrorBudget.burnRate(short, objective: objective)
        self.longWindow = longWindow
        self.shortWindow = shortWindow
        hasEnoughData = long.coverage * max(longSeconds, 1) >= shortSeconds + 0.5
    }

    /// `long/short`, e.g. `1h/5m`.
    public var windowLabel: String { SLIWindow.label(longWindow) + "/" + SLIWindow.label(shortWindow) }

    /// Both windows at or over the factor, with enough data.
    public var isActive: Bool {
        hasEnoughData && threshold.isFinite && longBurnRate >= threshold && shortBurnRate >= threshold
    }
}
