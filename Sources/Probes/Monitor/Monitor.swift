import DequeModule
import Foundation

/// Owns all mutable engine state: SLIs, latency, alert state machines, the cascade analysis and
/// the history batch. One task drives it; every call takes the engine time, so tests and
/// replays run it on a virtual clock.
///
/// Alerts leave the Monitor attributed and, where the Alertmanager inhibit model says so,
/// suppressed. Every kind of alert (`down`, `latency`, `burn-rate`) is routed alike, so that the
/// root's alert comes first:
/// - A service with upstreams whose alert fires unsuppressed is held back briefly (as
///   Alertmanager's `group_wait` does) until each direct upstream has been probed once more since
///   its trouble began, at most ``groupWait``: a victim often crosses its threshold a probe before
///   its upstream does (its latency is the upstream's plus its own).
/// - A victim's alert is held until its root cause has had time to fire (the root's `downAfter`
///   probes from its onset, plus a timeout), then goes out suppressed as soon as the root fires,
///   or unsuppressed when the hold runs out with the root still silent.
/// - A probe-less root inferred from its dependents alerts only once the inference has held for
///   ``inferenceDelay`` (a probe of each dependent and its timeout), so one unlucky probe does
///   not invent a root; its victims are held at least that long.
///
/// Latency trouble, for the cascade, starts with a service's first slow probe (quick) and ends
/// only after ``slowSpellExitProbes`` fast probes in a row (no flapping on a latency that hovers
/// at the threshold). A service with upstreams that is slow with nothing upstream in trouble is
/// named a root only once its slowness has lasted its group wait (its upstreams probed again).
public struct Monitor: Sendable {
    /// What a monitor keeps beyond what its alerts, incidents, `/metrics` and history need.
    public enum Retention: Sendable, Equatable {
        /// Everything a screen shows: an hour of per-minute latency (p50–max over 5 min and 1 h,
        /// the per-minute sparkline) and three hours of budget samples (the burn-down chart).
        case board
        /// Only what alerts need: latency over ``AlertEngine/latencyWindow`` (two minutes kept),
        /// no budget samples. For an agent that never draws the board (`watch --headless`): at
        /// 10,000 services about 24 MB less. A detailed snapshot then has no 5 min or 1 h
        /// latency and no burn-down.
        case alerts

        /// The longest latency window kept.
        var latencyHorizon: Duration { self == .board ? .seconds(3600) : AlertEngine.latencyWindow }
        /// Whether the budget is sampled once a minute for the burn-down chart.
        var keepsBudgetSamples: Bool { self == .board }
    }

    public let config: ProbesConfig
    /// What this monitor keeps (``Retention``).
    public let retention: Retention
    private var slo: SLOBook
    private var latency: LatencyBook
    private var alerts: AlertEngine
    private let analyzer: CascadeAnalyzer
    private let services: ServicesByName
    private let dependents: [String: [String]]

    private var last: [String: ProbeResult] = [:]
    private var spells: [String: CascadeObservation] = [:]
    /// Per transaction that failed at a step naming an upstream: that upstream, since when, and
    /// when it stopped (``JourneyEvidence``).
    private var journeyBlame: [String: JourneyEvidence.Blame] = [:]
    /// Per slow service, fast probes in a row so far and the start of the first of them.
    private var fastRun: [String: (count: Int, since: Date)] = [:]
    /// Per service with upstreams, the group wait of its unsuppressed alerts, in seconds.
    private let groupWaits: [String: TimeInterval]
    /// Per probe-less dependency, how long an inference must hold before it alerts, in seconds.
    private let inferenceDelays: [String: TimeInterval]
    /// Probe-less dependencies inferred in trouble now, and since when.
    private var inferredSince: [String: Date] = [:]
    /// Per service, its latest results as fixed-size records (the detail pane and the sparkline).
    private var recent: [String: RecentResults] = [:]
    /// Per service, the budget remaining once a minute; single precision is finer than any chart.
    private var budgetHistory: [String: Deque<Float>] = [:]
    private var totals: [String: SLITotals] = [:]
    private var lastBudgetMinute: Int64 = .min

    /// The latest cascade analysis; recomputed only when some node changes health class.
    public private(set) var assessment: CascadeAssessment
    private var assessmentIsStale = true
    /// Whether the latest analysis left out slowness that had not settled yet.
    private var hasUnsettled = false

    /// Firing alerts the world has been told about, with the attribution they were told with.
    private var told: [AlertKey: AlertEvent] = [:]
    /// Firing alerts held back: victims waiting for their root cause's alert, and services with
    /// upstreams waiting out their group wait.
    private var held: [AlertKey: HeldAlert] = [:]

    private struct HeldAlert: Sendable {
        var event: AlertEvent
        var since: Date
        var until: Date
    }
    private var alertStateIsDirty = false
    /// Maintenance windows and silences: what keeps alerts quiet (``QuietBook``).
    public private(set) var quiet: QuietBook
    /// Firing alerts told quietly, told again when their quiet ends while they still fire.
    private var toldQuietly: Set<AlertKey> = []
    private var batch = HistoryBatch()
    /// The incidents, kept in step with every fresh assessment.
    public private(set) var incidents = IncidentLog()
    /// What a restore has to say (the wall clock behind the history), told once.
    private var restoreNotice: String?
    /// The latest alert transitions told, oldest first (the board's strip of them).
    private var transitions = Deque<AlertEvent>()
    /// Alert transitions the board is given at most.
    public static let transitionsKept = 12

    /// Results kept in memory per service for the detail pane.
    public static let recentKept = RecentResults.capacity
    /// Budget samples (one a minute) kept per service for the burn-down chart.
    public static let budgetSamplesKept = 180

    /// Fast probes in a row that end a service's latency trouble.
    public static let slowSpellExitProbes = 2
    /// The longest any alert is held back, in seconds.
    public static let longestHold: TimeInterval = 300

    /// Keys of the two rows of alert state in the store.
    static let engineStateKey = "alert-engine"
    static let toldStateKey = "alerts-told"

    public init(config: ProbesConfig, retention: Retention = .board) {
        self.config = config
        self.retention = retention
        let probed = config.services.filter { $0.probe != nil }
        slo = SLOBook(services: probed)
        latency = LatencyBook(
            services: probed.map(\.name),
            intervals: Dictionary(
                probed.compactMap { s in s.probe.map { (s.name, $0.interval) } },
                uniquingKeysWith: { a, _ in a }),
            horizon: retention.latencyHorizon)
        alerts = AlertEngine()
        quiet = QuietBook(config: config)
        analyzer = CascadeAnalyzer(config: config)
        services = ServicesByName(config.services)
        var deps: [String: [String]] = [:]
        for s in config.services { for up in s.dependsOn { deps[up, default: []].append(s.name) } }
        dependents = deps
        assessment = CascadeAssessment(nodes: [], incidents: [])
        // The time for every one of `names` with a probe to be probed once more and answer (or time
        // out), plus a second; nil when none has a probe.
        let services = self.services
        func nextProbeOfAll(_ names: [String]) -> TimeInterval? {
            let cycles = names.compactMap { services[$0]?.probe.map { $0.interval.seconds + $0.timeout.seconds + 1 } }
            return cycles.max().map { min($0, Self.longestHold) }
        }
        var waits: [String: TimeInterval] = [:]
        var delays: [String: TimeInterval] = [:]
        for s in config.services {
            // Direct upstreams only: trouble further up shows in them (or the analysis explains it
            // through a healthy middle, as it does for failures).
            waits[s.name] = nextProbeOfAll(s.dependsOn)
            if s.probe == nil { delays[s.name] = nextProbeOfAll(deps[s.name] ?? []) ?? 1 }
        }
        groupWaits = waits
        inferenceDelays = delays
    }

    /// How long an alert of `service` that fires unsuppressed is held back for its upstreams to be
    /// probed once more (zero for a service without upstreams).
    public func groupWait(for service: String) -> Duration {
        .milliseconds(Int64((groupWaits[service] ?? 0) * 1000))
    }

    /// How long a probe-less dependency must stay inferred in trouble before its alert fires.
    public func inferenceDelay(for dependency: String) -> Duration {
        .milliseconds(Int64((inferenceDelays[dependency] ?? 0) * 1000))
    }

    // MARK: Input

    /// Counts a probe result and returns the alert transitions it causes, attributed.
    public mutating func ingest(_ result: ProbeResult, now: Date) -> [AlertEvent] {
        guard let service = services[result.service] else { return [] }
        last[result.service] = result
        recent[result.service, default: RecentResults()].append(result, threshold: service.slo.latency.threshold)
        incidents.sample(result)
        batch.add(result, latencyThreshold: service.slo.latency.threshold)
        // An SLO correction: a window that asks for it keeps its minutes out of the SLIs (the
        // history still counts them).
        if quiet.isEmpty || !quiet.isExcludedFromSLO(result.service, at: result.startedAt) { slo.record(result) }
        latency.record(result)
        totals[result.service, default: SLITotals()].count(
            available: result.status.isAvailable, latency: result.latency, threshold: service.slo.latency.threshold)
        updateSpell(result, threshold: service.slo.latency.threshold)
        noteJourney(result)
        let raw = alerts.evaluate(after: result, now: now, slo: &slo, latency: latency)
        if !raw.isEmpty { alertStateIsDirty = true }
        var events = route(raw, now: now)
        if !events.isEmpty { observeIncidents(now: now) }
        incidents.attach(&events)
        quiet.mark(&events, now: now)
        quiet.note(events, quietly: &toldQuietly)
        remember(events)
        return events
    }

    /// Keeps the latest transitions for the board.
    private mutating func remember(_ events: [AlertEvent]) {
        for event in events {
            if transitions.count >= Self.transitionsKept { transitions.removeFirst() }
            transitions.append(event)
        }
    }

    /// Periodic work (about once a second): burn-rate windows roll on without new results,
    /// held alerts time out, inferred roots appear and clear, budgets are sampled.
    public mutating func tick(now: Date) -> [AlertEvent] {
        quiet.advance(to: now)
        let raw = alerts.evaluateBurnRates(now: now, slo: &slo)
        if !raw.isEmpty { alertStateIsDirty = true }
        refreshAssessment(now: now)
        var events = syncInferredRoots(now: now)
        events += route(raw, now: now)
        events += releaseHeld(now: now)
        if !events.isEmpty { observeIncidents(now: now) }
        incidents.attach(&events)
        quiet.mark(&events, now: now)
        events += quiet.endOfQuiet(told: told, quietly: &toldQuietly, now: now)
        quiet.note(events, quietly: &toldQuietly)
        remember(events)
        let minute = MinuteAggregate.minute(of: now)
        if minute != lastBudgetMinute && retention.keepsBudgetSamples {
            lastBudgetMinute = minute
            for status in slo.statuses(now: now) {
                var ring =
                    budgetHistory.removeValue(forKey: status.service)
                    ?? Deque(minimumCapacity: Self.budgetSamplesKept)
                if ring.count == Self.budgetSamplesKept { ring.removeFirst() }
                ring.append(Float(status.availability.budgetRemaining))
                budgetHistory[status.service] = ring
            }
        }
        return events
    }

    private mutating func updateSpell(_ result: ProbeResult, threshold: Duration) {
        let slow = result.status.isAvailable && LatencySLO.isSlow(result.latency, threshold: threshold)
        let observed = CascadeObservation(status: result.status, latencyOverThreshold: slow)
        let previous = spells[result.service]
        var next = previous ?? .healthy
        if observed.health != .healthy { fastRun[result.service] = nil }
        switch (previous?.health ?? .healthy, observed.health) {
        case (.healthy, .healthy):
            break
        case (.healthy, _):
            // Trouble back soon after a recovery is the same spell flapping: it keeps its onset,
            // or a flapping root would look newer than the victims it has been hurting all along.
            var onset = result.startedAt
            if let recovered = previous?.recoveredAt, let began = previous?.onset,
                let interval = services[result.service]?.probe?.interval,
                result.startedAt.timeIntervalSince(recovered) <= analyzer.policy.onsetMargin(upstreamInterval: interval)
            {
                onset = began
            }
            next = CascadeObservation(health: observed.health, onset: onset, failure: result.failure)
        case (.slow, .healthy):
            // Latency trouble ends after a few fast probes in a row, dated from the first of them.
            let run = fastRun[result.service].map { ($0.count + 1, $0.since) } ?? (1, result.startedAt)
            if run.0 >= Self.slowSpellExitProbes {
                fastRun[result.service] = nil
                next = .recovered(at: run.1, troubledSince: previous?.onset)
            } else {
                fastRun[result.service] = (run.0, run.1)
            }
        case (_, .healthy):
            next = .recovered(at: result.startedAt, troubledSince: previous?.onset)
        default:
            next.health = observed.health
            next.failure = result.failure
        }
        if previous?.health != next.health || previous == nil { assessmentIsStale = true }
        spells[result.service] = next
    }

    /// Keeps which upstream each transaction blames; a change re-runs the analysis. Blame that
    /// stopped is kept as a recovery for ``longestHold``, and blame back soon after keeps its onset
    /// (the same spell flapping), as a probed upstream's own spell would.
    private mutating func noteJourney(_ result: ProbeResult) {
        guard !result.steps.isEmpty || journeyBlame[result.service] != nil else { return }
        let previous = journeyBlame[result.service]
        if let upstream = JourneyEvidence.blamedUpstream(result) {
            if let previous, previous.upstream == upstream {
                guard let recovered = previous.recoveredAt else { return }
                let flapping =
                    result.startedAt.timeIntervalSince(recovered) <= analyzer.policy.minimumOnsetMargin.seconds
                journeyBlame[result.service] = JourneyEvidence.Blame(
                    upstream: upstream, onset: flapping ? previous.onset : result.startedAt)
            } else {
                journeyBlame[result.service] = JourneyEvidence.Blame(upstream: upstream, onset: result.startedAt)
            }
        } else {
            guard let previous else { return }
            if let recovered = previous.recoveredAt {
                guard result.startedAt.timeIntervalSince(recovered) > Self.longestHold else { return }
                journeyBlame[result.service] = nil
            } else {
                journeyBlame[result.service]?.recoveredAt = result.startedAt
            }
        }
        assessmentIsStale = true
    }

    private mutating func refreshAssessment(now: Date) {
        // Recovery grace periods and settling slowness end with time, not with results, so they
        // are re-examined on every refresh while one is on record.
        let hasRecovered = assessment.incidents.contains { $0.cause == .recovered }
        if assessmentIsStale || hasRecovered || hasUnsettled {
            assessment = settledAssessment(now: now)
            assessmentIsStale = false
        }
        observeIncidents(now: now)
    }

    /// Keeps the incident records in step with the assessment. Called after every refresh, and
    /// again before alerts are stamped with their incident: an alert just told opens its root's
    /// incident.
    private mutating func observeIncidents(now: Date) {
        // An inferred root becomes an incident when its inference has held as long as it must
        // before it pages: one unlucky round of dependents invents no incident either. A root with
        // upstreams does once its group wait has passed (as its alerts wait), or once it alerted:
        // a victim whose probe sees the outage before its upstream's does is a root for a moment.
        let told = self.told
        let inferredSince = self.inferredSince
        let inferenceDelays = self.inferenceDelays
        let groupWaits = self.groupWaits
        incidents.observe(assessment, now: now) { incident in
            let root = incident.rootCause
            if incident.inferred {
                return inferredSince[root].map { now.timeIntervalSince($0) >= (inferenceDelays[root] ?? 0) } ?? false
            }
            guard let wait = groupWaits[root], wait > 0, let onset = incident.onset else { return true }
            return now.timeIntervalSince(onset) >= wait || told.keys.contains { $0.service == root }
        }
        for root in incidents.open.keys where incidents.needsTrace(root: root) {
            guard let service = services[root] else { continue }
            incidents.startTrace(
                root: root,
                results: recent[root]?.results(
                    service: root, threshold: service.slo.latency.threshold) ?? [])
        }
    }

    /// The analysis, leaving out slowness whose cause is not settled yet: a service with upstreams
    /// that turned slow less than its group wait ago, with nothing upstream in trouble, is not
    /// named a root until its upstreams have been probed once more. A victim's latency is its
    /// upstream's plus its own, so it often crosses its threshold a probe before the upstream
    /// does; naming it for those seconds would put the wrong name at the top of the board.
    private mutating func settledAssessment(now: Date) -> CascadeAssessment {
        var observations =
            journeyBlame.isEmpty ? spells : JourneyEvidence.merge(spells, blames: Array(journeyBlame.values))
        var result = analyzer.analyze(observations, now: now)
        hasUnsettled = false
        for _ in 0..<observations.count {
            let unsettled = result.incidents.filter { incident in
                guard incident.cause == .slow, let onset = incident.onset,
                    let wait = groupWaits[incident.rootCause]
                else { return false }
                return now.timeIntervalSince(onset) < wait && !upstreamsClearedSince(onset, of: incident.rootCause)
            }
            guard !unsettled.isEmpty else { break }
            hasUnsettled = true
            // The root and what it explains wait together: left alone, its victims would settle
            // first and be named roots of their own.
            for incident in unsettled {
                observations[incident.rootCause] = .healthy
                for victim in incident.impacted { observations[victim] = .healthy }
            }
            result = analyzer.analyze(observations, now: now)
        }
        return result
    }

    // MARK: Attribution and suppression

    private var firingServices: Set<String> { Set(told.keys.map(\.service)) }

    /// Attributes raw transitions, holds victims whose root cause has not fired yet, and pairs
    /// every resolved with the firing that was told.
    private mutating func route(_ raw: [AlertEvent], now: Date) -> [AlertEvent] {
        // The analysis runs only when there is something to attribute (and once a tick), not
        // per result: at 10,000 services that is the difference between microseconds and
        // milliseconds per result.
        guard !raw.isEmpty else { return [] }
        refreshAssessment(now: now)
        var out = syncInferredRoots(now: now)
        for event in raw {
            let key = AlertKey(service: event.service, kind: event.alert, rule: event.rule, sli: event.sli)
            switch event.event {
            case .firing:
                let attribution = assessment.alertAttribution(service: event.service, firing: firingServices)
                if !attribution.suppressed {
                    var hold = HeldAlert(
                        event: event, since: now, until: now.addingTimeInterval(groupWaits[event.service] ?? 0))
                    hold.until = holdUntil(hold, now: now)
                    if hold.until > now {
                        held[key] = hold
                        continue
                    }
                }
                out.append(tell(event, key: key, attribution: pagingRoot(for: event.service, now: now, into: &out)))
            case .resolved:
                if held.removeValue(forKey: key) != nil { continue }
                guard let firing = told.removeValue(forKey: key) else { continue }
                var resolved = event
                resolved.rootCause = firing.rootCause
                resolved.suppressed = firing.suppressed
                out.append(resolved)
            }
        }
        out += releaseHeld(now: now)
        return out
    }

    /// The rule name of an alert raised under a root's name on behalf of its victims.
    public static let onBehalfRule = "dependents"

    /// The attribution of a victim's alert that is about to be told. When it would page although a
    /// probed root explains it (the root flaps faster than its `downAfter`, or has no alert for
    /// its kind of trouble), the root is paged instead, once, with an alert of its own
    /// (`down`, rule ``onBehalfRule``) that resolves when its incident ends; the victim's alert
    /// then goes out suppressed, as the inhibit model wants.
    private mutating func pagingRoot(for service: String, now: Date, into out: inout [AlertEvent])
        -> AlertAttribution
    {
        let attribution = assessment.alertAttribution(service: service, firing: firingServices)
        guard !attribution.suppressed, assessment.role(of: service) == .impacted, let root = attribution.rootCause,
            root != service, services[root]?.probe != nil, let incident = assessment.incident(rootCause: root)
        else { return attribution }
        let key = AlertKey(service: root, kind: .down, rule: Self.onBehalfRule)
        if told[key] == nil {
            let shown =
                incident.impacted.prefix(5).joined(separator: ", ")
                + (incident.impacted.count > 5 ? ", +\(incident.impacted.count - 5) more" : "")
            let event = AlertEvent(
                time: now, event: .firing, alert: .down, service: root, severity: .critical, rule: Self.onBehalfRule,
                observed: Double(incident.impacted.count),
                summary: "\(root) is the root cause of \(incident.impacted.count) failing dependents (\(shown)) "
                    + "before its own probe alerted")
            out.append(tell(event, key: key, attribution: AlertAttribution(rootCause: root, suppressed: false)))
        }
        return assessment.alertAttribution(service: service, firing: firingServices)
    }

    private mutating func tell(_ event: AlertEvent, key: AlertKey, attribution: AlertAttribution) -> AlertEvent {
        var told = event
        told.rootCause = attribution.rootCause
        told.suppressed = attribution.suppressed
        if let root = attribution.rootCause, root != event.service, !told.summary.contains("caused by") {
            told.summary += "; caused by \(root)"
        }
        self.told[key] = told
        alertStateIsDirty = true
        return told
    }

    /// Held alerts go out as soon as their root cause fires (suppressed), or when the hold runs out
    /// (unsuppressed: nobody else was paged). A held alert whose service turns out to be a victim
    /// is held until its root has had its chance to fire. One whose service is out of trouble again
    /// waits out its hold: if it resolves meanwhile, neither its `firing` nor its `resolved` is told.
    private mutating func releaseHeld(now: Date) -> [AlertEvent] {
        guard !held.isEmpty else { return [] }
        refreshAssessment(now: now)
        var out: [AlertEvent] = []
        for key in held.keys.sorted() {
            guard var hold = held[key] else { continue }
            let attribution = assessment.alertAttribution(service: hold.event.service, firing: firingServices)
            hold.until = holdUntil(hold, now: now)
            if attribution.suppressed || hold.until <= now {
                held[key] = nil
                var delayed = hold.event
                delayed.time = now
                out.append(tell(delayed, key: key, attribution: pagingRoot(for: delayed.service, now: now, into: &out)))
            } else {
                held[key] = hold
            }
        }
        return out
    }

    /// Until when a held alert waits: its group wait, which ends early once every direct upstream
    /// with a probe has been probed since the service's trouble began, and for a victim until each
    /// of its root causes has had time to fire, and never before a root's own held alert goes out
    /// (never more than ``longestHold`` after it was first held).
    private func holdUntil(_ hold: HeldAlert, now: Date) -> Date {
        let service = hold.event.service
        var until = hold.until
        if let spell = spells[service], spell.health != .healthy, let onset = spell.onset,
            !spell.canFollowSlowUpstream || upstreamsClearedSince(onset, of: service)
        {
            // Nothing upstream can still explain it: a refused or broken connection is the
            // service's own, and fresh, healthy upstreams explain nothing.
            until = now
        }
        if hasUnsettled, assessment.role(of: service) == .healthy, (spells[service]?.health ?? .healthy) != .healthy {
            // Left out of the analysis while the slowness it belongs to settles: wait for it.
            until = max(until, now.addingTimeInterval(1))
        }
        if assessment.role(of: service) == .impacted {
            for root in assessment.rootCauses(of: service) {
                if let deadline = rootAlertDeadline(root, victim: service, now: now) { until = max(until, deadline) }
                for (key, rootHold) in held where key.service == root {
                    until = max(until, rootHold.until.addingTimeInterval(1))
                }
            }
        }
        return min(until, hold.since.addingTimeInterval(Self.longestHold))
    }

    /// Whether every direct upstream of `service` with a probe has been probed since `onset` and is
    /// out of trouble: then nothing upstream can still explain the service's trouble, and its
    /// group wait need not run out.
    private func upstreamsClearedSince(_ onset: Date, of service: String) -> Bool {
        guard let config = services[service] else { return true }
        for upstream in config.dependsOn where services[upstream]?.probe != nil {
            guard let seen = last[upstream]?.startedAt, seen >= onset,
                (spells[upstream]?.health ?? .healthy) == .healthy
            else { return false }
        }
        return true
    }

    /// By when a root cause in trouble should have fired its own alert: a probed root within its
    /// `downAfter` probes of its onset plus a timeout; an inferred one once its inference delay
    /// has passed. A root that has just recovered (a flapping one, say) keeps its victim's alert
    /// for the victim's recovery grace: it fails again and fires, or the victim recovers, or the
    /// victim becomes a root of its own.
    private func rootAlertDeadline(_ root: String, victim: String, now: Date) -> Date? {
        guard let config = services[root] else { return nil }
        if assessment.incident(rootCause: root)?.cause == .recovered, let recovered = spells[root]?.recoveredAt {
            let interval = services[victim]?.probe?.interval ?? .zero
            return recovered.addingTimeInterval(analyzer.policy.recoveryGrace(victimInterval: interval))
        }
        guard let probe = config.probe else {
            let since = inferredSince[root] ?? now
            return since.addingTimeInterval((inferenceDelays[root] ?? 1) + 1)
        }
        let onset = assessment.incident(rootCause: root)?.onset ?? now
        let needed = Double(config.slo.alerts.downAfter) * probe.interval.seconds + probe.timeout.seconds + 1
        return onset.addingTimeInterval(min(needed, Self.longestHold))
    }

    /// A declared dependency without a probe has no alert of its own; while it is inferred to be
    /// the root cause, the Monitor raises one under its name, so its victims are suppressed and
    /// on-call is paged once, for it.
    private mutating func syncInferredRoots(now: Date) -> [AlertEvent] {
        var out: [AlertEvent] = []
        let inferred = Dictionary(
            assessment.incidents.filter(\.inferred).map { ($0.rootCause, $0) }, uniquingKeysWith: { a, _ in a })
        for name in inferredSince.keys where inferred[name] == nil { inferredSince[name] = nil }
        for (name, incident) in inferred.sorted(by: { $0.key < $1.key }) {
            let key = AlertKey(service: name, kind: .down)
            let since = inferredSince[name] ?? now
            inferredSince[name] = since
            // The inference must hold a while before it pages: one unlucky probe invents no root.
            guard told[key] == nil, now.timeIntervalSince(since) >= inferenceDelays[name] ?? 0 else { continue }
            let event = AlertEvent(
                time: now, event: .firing, alert: .down, service: name, severity: .critical,
                observed: Double(incident.impacted.count),
                summary: "\(name) inferred down: \(incident.impacted.count) dependents failing "
                    + "(\(incident.impacted.joined(separator: ", ")))")
            out.append(tell(event, key: key, attribution: AlertAttribution(rootCause: name, suppressed: false)))
        }
        for (key, firing) in told
        where key.rule == Self.onBehalfRule
            && assessment.incident(rootCause: key.service) == nil
        {
            told[key] = nil
            alertStateIsDirty = true
            out.append(
                AlertEvent(
                    time: now, event: .resolved, alert: .down, service: key.service, severity: firing.severity,
                    rule: Self.onBehalfRule, observed: 0,
                    summary: "\(key.service) no longer the root cause of failing dependents", rootCause: key.service,
                    suppressed: false))
        }
        for (key, firing) in told where services[key.service]?.probe == nil && inferred[key.service] == nil {
            told[key] = nil
            alertStateIsDirty = true
            out.append(
                AlertEvent(
                    time: now, event: .resolved, alert: .down, service: key.service, severity: firing.severity,
                    observed: 0, summary: "\(key.service) no longer inferred down", rootCause: key.service,
                    suppressed: false))
        }
        return out
    }

    // MARK: Persistence

    /// What to write to the history since the last call: results, minute counts and, when they
    /// changed, the alert states.
    public mutating func takeBatch() -> HistoryBatch {
        var out = batch
        batch = HistoryBatch()
        out.incidents = incidents.takeChanged()
        if alertStateIsDirty {
            alertStateIsDirty = false
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .secondsSince1970
            if let engine = try? encoder.encode(alerts.exportStates()),
                let told = try? encoder.encode(told.values.sorted { $0.service < $1.service })
            {
                out.alertStates[Self.engineStateKey] = engine
                out.alertStates[Self.toldStateKey] = told
            }
        }
        return out
    }

    /// Resumes from stored history: SLIs from the minute aggregates of the SLO window, latency
    /// and recent results from the raw results, alert states as they were (a firing alert stays
    /// firing without being told again).
    /// - Returns: transitions caused by the restore (alerts of services no longer configured).
    public mutating func restore(from store: HistoryStore, now: Date) throws(HistoryError) -> [AlertEvent] {
        let longest = config.services.map(\.slo.window).max() ?? SLOPolicy.standard.window
        let aggregates = try store.aggregates(since: now.addingTimeInterval(-longest.seconds))
        // Before the spells are rebuilt: the roots they name continue their open incidents.
        incidents.restore(
            try store.incidents(since: now.addingTimeInterval(-IncidentLog.restoredSpan)),
            usedIDs: try store.incidentIDs())
        let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
        // A wall clock stepped back since the history was written (an NTP step, a VM restored)
        // leaves minutes "in the future": the history moves back with the clock, so its latest
        // minute is now, nothing counted is lost and the rolling windows hold what they held.
        let nowMinute = MinuteAggregate.minute(of: now)
        let latestMinute = aggregates.values.compactMap { $0.map(\.minute).max() }.max() ?? nowMinute
        let shift = max(0, latestMinute - nowMinute)
        if shift > 0 {
            restoreNotice =
                "the wall clock is \(IncidentsReport.duration(Double(shift) * 60)) behind the history's latest "
                + "minute (stepped back?); the history is read as if it ended now, so no count is lost"
        }
        // The current minute is only partly past: its counts belong to the part up to now.
        func period(_ minute: Int64) -> Int64 { max(1, min(60, nowSeconds - minute * 60 + 1)) }
        for (service, stored) in aggregates where services[service]?.probe != nil {
            // The SLO correction of maintenance windows that ask for it.
            let minutes =
                services[service]?.maintenance.contains(where: \.excludeFromSLO) == true
                ? stored.filter { !quiet.isExcludedFromSLO(service, at: $0.date) } : stored
            let counts: [(SLIKind, KeyPath<MinuteAggregate, Int64>, KeyPath<MinuteAggregate, Int64>)] = [
                (.availability, \.availabilityGood, \.availabilityTotal), (.latency, \.latencyGood, \.latencyTotal),
            ]
            for (sli, good, total) in counts {
                slo.restore(
                    service: service, sli: sli,
                    aggregates: minutes.map {
                        SLIAggregate(
                            start: ($0.minute - shift) * 60, seconds: period($0.minute - shift),
                            good: Int($0[keyPath: good]), total: Int($0[keyPath: total]))
                    }, now: now)
            }
        }
        for service in config.services where service.probe != nil {
            var stored = try store.recentResults(service: service.name)
            if shift > 0 {
                for index in stored.indices {
                    stored[index].startedAt = stored[index].startedAt.addingTimeInterval(-Double(shift) * 60)
                }
            }
            for result in stored where now.timeIntervalSince(result.startedAt) < 3600 { latency.record(result) }
            for result in stored.suffix(Self.recentKept) {
                recent[service.name, default: RecentResults()].append(result, threshold: service.slo.latency.threshold)
                last[service.name] = result
                updateSpell(result, threshold: service.slo.latency.threshold)
            }
        }
        let states = try store.alertStates()
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        var events: [AlertEvent] = []
        if let data = states[Self.engineStateKey], let saved = try? decoder.decode([AlertState].self, from: data) {
            events = alerts.restore(saved, now: now, slo: slo)
        }
        if let data = states[Self.toldStateKey], let saved = try? decoder.decode([AlertEvent].self, from: data) {
            for event in saved {
                told[AlertKey(service: event.service, kind: event.alert, rule: event.rule, sli: event.sli)] = event
            }
        }
        // Alerts that fired quietly before the restart are told again when their quiet ends.
        quiet.replaceSilences(try store.silences())
        var stillFiring = told.values.sorted { $0.service < $1.service }
        quiet.mark(&stillFiring, now: now)
        quiet.note(stillFiring, quietly: &toldQuietly)
        var routed = route(events, now: now)
        if !routed.isEmpty { observeIncidents(now: now) }
        incidents.attach(&routed)
        quiet.mark(&routed, now: now)
        quiet.note(routed, quietly: &toldQuietly)
        remember(routed)
        return routed
    }

    /// Counts `days` of all-good probing before `now` for every probed service, at its probe rate,
    /// as if the engine had been running. For simulations (the cascade lab) that must behave as an agent with a history does:
    /// with a few minutes of data the budget is gone at the first failure, and the burn-rate
    /// rules wait until their long window holds more than a short window of data.
    public mutating func assumeHealthyHistory(days: Int, now: Date) {
        let nowSecond = Int64(now.timeIntervalSince1970.rounded(.down))
        let first = (nowSecond - Int64(days) * 86_400) / 3600 * 3600
        // Services with the same interval and policy get the same counts: work them out once.
        var done: [String: String] = [:]
        for service in config.services {
            guard let probe = service.probe else { continue }
            let shape = "\(probe.interval)|\(service.slo)"
            if let model = done[shape] {
                slo.copySLIs(from: model, to: service.name)
                continue
            }
            done[shape] = service.name
            let perSecond = 1 / max(probe.interval.seconds, 0.001)
            // One record per bucket of the SLIs' own tiers (an hour, 5 minutes, 10 seconds), as
            // real probing would have filled them: coarser records would drop out of a rule's
            // window in lumps and move its burn rate by steps that are not there.
            var t = first
            for (step, until) in [(Int64(3600), nowSecond - 86_400), (300, nowSecond - 3600), (10, nowSecond)] {
                while t + step <= until {
                    let probes = max(1, Int((Double(step) * perSecond).rounded()))
                    let at = Date(timeIntervalSince1970: TimeInterval(t))
                    for sli in SLIKind.allCases {
                        slo.record(service: service.name, sli: sli, good: probes, total: probes, at: at)
                    }
                    t += step
                }
            }
        }
    }

    /// The notice of the last restore, once (the wall clock found behind the history).
    public mutating func takeRestoreNotice() -> String? {
        defer { restoreNotice = nil }
        return restoreNotice
    }

    /// Alerts the world has been told are firing (they stay firing across a restart by design).
    public var firingCount: Int { told.count }

    // MARK: Output

    /// The board as of `now`.
    /// - Parameter detail: `false` leaves out what only a screen shows (latency percentiles,
    ///   sparkline, recent results, budget history): a `/metrics`-only board at 10,000 services
    ///   costs a fraction of the full one.
    public mutating func snapshot(now: Date, paused: Bool = false, detail: Bool = true) -> BoardSnapshot {
        quiet.advance(to: now)
        refreshAssessment(now: now)
        var rows: [ServiceSnapshot] = []
        rows.reserveCapacity(config.services.count)
        let firingByService = Dictionary(grouping: told.values, by: \.service)
        for service in config.services {
            let node = assessment.node(named: service.name)
            let role = node?.role ?? .unobserved
            var status = last[service.name]?.status
            if service.probe == nil { status = role == .inferredRootCause ? .down : nil }
            let sloStatus = service.probe == nil ? nil : slo.status(of: service.name, now: now)
            var row = ServiceSnapshot(
                name: service.name, title: service.title, group: service.group, dependsOn: service.dependsOn,
                dependents: dependents[service.name] ?? [], hasProbe: service.probe != nil, status: status,
                lastResult: last[service.name], role: role, rootCauses: node?.rootCauses ?? [],
                blastRadius: assessment.incident(rootCause: service.name)?.blastRadius ?? 0,
                availability: sloStatus?.availability, latencySLI: sloStatus?.latency,
                latency5m: detail ? latency.summary(service: service.name, window: .seconds(300), now: now) : nil,
                latency1h: detail ? latency.summary(service: service.name, window: .seconds(3600), now: now) : nil,
                sparkline: detail ? recent[service.name]?.availableLatencies() ?? [] : [],
                recent: detail
                    ? recent[service.name]?.results(service: service.name, threshold: service.slo.latency.threshold)
                        ?? []
                    : [],
                budgetHistory: detail ? budgetHistory[service.name]?.map(Double.init) ?? [] : [],
                firing: (firingByService[service.name] ?? []).map(\.alert),
                latencyThreshold: service.slo.latency.threshold, interval: service.probe?.interval)
            row.totals = totals[service.name] ?? SLITotals()
            if !quiet.isEmpty {
                row.maintenance = quiet.maintenance(of: service.name, at: now)
                row.silence = quiet.silence(of: service.name, at: now)
            }
            rows.append(row)
        }
        var firing = told.values.sorted { ($0.service, $0.alert.rawValue) < ($1.service, $1.alert.rawValue) }
        quiet.mark(&firing, now: now)
        var snapshot = BoardSnapshot(
            time: now, sloWindow: config.slo.window, services: rows, incidents: assessment.incidents,
            firing: firing, paused: paused)
        if detail {
            snapshot.incidentRecords = incidents.boardIncidents
            snapshot.transitions = Array(transitions)
        }
        return snapshot
    }

    /// Takes the silences as read again from the state file; alerts from now on are marked by them.
    public mutating func replaceSilences(_ silences: [Silence]) { quiet.replaceSilences(silences) }

    /// Per-service SLO status as of `now` (for `slo` reports and metrics).
    public mutating func sloStatuses(now: Date) -> [ServiceSLOStatus] { slo.statuses(now: now) }
}
