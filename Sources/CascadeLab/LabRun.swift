import Foundation
import Probes

/// How the engine did on one incident.
public struct LabOutcome: Sendable, Codable {
    public var kind: LabIncidentKind
    public var seed: UInt64
    /// The analysis ranked the true roots first (all of them, for two roots) at the end of the fault.
    public var rootAtRank1: Bool
    /// Seconds from the first fault to a true root's first unsuppressed alert; `nil` when none came.
    public var timeToRootAlert: Double?
    /// The goal for that time: two of the root's probe intervals plus its timeout (for a root
    /// without a probe, its dependents' longest).
    public var rootAlertGoal: Double
    /// Alerts of victims that went out unsuppressed.
    public var victimPages: Int
    /// Unsuppressed alerts of services that are neither a root nor a victim.
    public var phantomPages: Int
    /// Firing alerts with no `resolved` by the end of the run.
    public var missingResolves: Int
    /// What the analysis named, for a failing case.
    public var named: [String]

    /// The incident met every goal that applies to its kind.
    public var passed: Bool {
        if kind == .noise { return phantomPages == 0 && missingResolves == 0 }
        return rootAtRank1 && victimPages == 0 && phantomPages == 0 && missingResolves == 0
            && (timeToRootAlert.map { $0 <= rootAlertGoal } ?? (kind == .flapping))
    }
}

/// Runs the real engine (Monitor: SLIs, cascade analysis, alert routing) on a virtual clock against
/// a simulated estate: no network, no sleeping.
public enum LabRun {
    /// The engine's start, a fixed instant so that runs repeat exactly.
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// The longest the run goes on after the faults end, waiting for every alert to resolve (a
    /// `page-6h` burn-rate alert waits for its 30-minute short window).
    public static let longestCoolDown = 2400.0

    /// Plays one incident on `estate` and scores it.
    /// - Parameter log: when given, receives every probe result that is not `up` and every alert,
    ///   one line each (`--replay` prints them).
    public static func play(
        _ incident: LabIncident, on estate: LabEstate, config: ProbesConfig, log: ((String) -> Void)? = nil
    ) -> LabOutcome {
        var random = LabRandom(seed: incident.seed ^ 0xA5A5_A5A5)
        var monitor = Monitor(config: config)
        // As an agent that has been running for weeks: budgets and burn rates mean what they would.
        monitor.assumeHealthyHistory(days: 28, now: t0)
        var events: [AlertEvent] = []
        // What the analysis ranks first, every 5 s of the fault once every root has had a goal's
        // time to show.
        var samples: [[String]] = []
        var nextSample =
            incident.kind == .noise
            ? Double.infinity
            : incident.lastRootStart + goal(incident, estate: estate)
        let quietFrom = incident.end
        let giveUp = (incident.faults.map(\.to).max() ?? incident.faultEnd) + longestCoolDown
        var nextProbe = estate.nodes.map { $0.probed ? $0.phase : .infinity }
        // Results on their way, by arrival; small, so a sorted array does.
        var pending: [(arrival: Double, result: ProbeResult)] = []
        var open: [AlertKey: Int] = [:]
        var tick = 1.0
        while tick <= giveUp {
            for i in estate.nodes.indices where nextProbe[i] <= tick {
                while nextProbe[i] <= tick {
                    pending.append(probe(i, at: nextProbe[i], incident: incident, estate: estate, random: &random))
                    nextProbe[i] += estate.nodes[i].interval.seconds
                }
            }
            pending.sort { $0.arrival < $1.arrival }
            var taken = 0
            let before = events.count
            for (arrival, result) in pending where arrival <= tick {
                if let log, result.status != .up {
                    log(
                        String(format: "%7.1f ", arrival) + "\(result.service) \(result.status.rawValue) "
                            + "\(Int(result.latency.milliseconds)) ms \(result.failure?.rawValue ?? "")")
                }
                events += monitor.ingest(result, now: t0.addingTimeInterval(arrival))
                taken += 1
            }
            pending.removeFirst(taken)
            events += monitor.tick(now: t0.addingTimeInterval(tick))
            if let log {
                for event in events[before...] {
                    log(
                        String(format: "%7.1f ", event.time.timeIntervalSince(t0))
                            + "\(event.event.rawValue.uppercased()) "
                            + "\(event.alert.rawValue) \(event.service) root=\(event.rootCause ?? "-")"
                            + (event.suppressed ? " [suppressed]" : ""))
                }
            }
            if tick >= nextSample, tick < incident.faultEnd {
                // The tick has just brought the analysis up to date.
                samples.append(monitor.assessment.incidents.map(\.rootCause))
                nextSample += 5
            }
            for event in events[before...] {
                let key = AlertKey(service: event.service, kind: event.alert, rule: event.rule, sli: event.sli)
                if event.event == .firing {
                    open[key, default: 0] += 1
                } else if let n = open[key] {
                    open[key] = n > 1 ? n - 1 : nil
                }
            }
            if tick >= quietFrom, open.isEmpty { break }
            tick += 1
        }
        return score(
            incident, estate: estate, events: events, samples: samples, unresolved: open.values.reduce(0, +))
    }

    /// One probe of node `i` starting at `t`, and when its result reaches the engine.
    static func probe(
        _ i: Int, at t: Double, incident: LabIncident, estate: LabEstate, random: inout LabRandom
    ) -> (arrival: Double, result: ProbeResult) {
        let node = estate.nodes[i]
        let answer = LabBehaviour.answer(i, at: t, estate: estate, incident: incident, random: &random)
        let timeout = node.timeout.seconds * 1000
        let started = t0.addingTimeInterval(t)
        let latency = Duration.microseconds(Int64(answer.latencyMs * 1000))
        let result: ProbeResult
        if answer.latencyMs > timeout {
            result = ProbeResult(
                service: node.name, startedAt: started, status: .down, latency: .milliseconds(Int64(timeout)),
                error: "timeout", failure: .timeout)
        } else if answer.ok {
            result = ProbeResult(
                service: node.name, startedAt: started,
                status: LatencySLO.isSlow(latency, threshold: LabEstate.latencyThreshold) ? .degraded : .up,
                latency: latency)
        } else {
            result = ProbeResult(
                service: node.name, startedAt: started, status: .down, latency: latency, error: "HTTP 503",
                failure: answer.failure)
        }
        return (t + min(answer.latencyMs, timeout) / 1000, result)
    }

    /// Scores a run. The roots count as named at rank 1 when every sample that names anything
    /// ranks exactly the true roots first, and at least one does (a flapping root may show as
    /// recovered for a moment; a wrong name never passes).
    static func score(
        _ incident: LabIncident, estate: LabEstate, events: [AlertEvent], samples: [[String]], unresolved: Int
    ) -> LabOutcome {
        let rootNames = Set(incident.roots.map { estate.nodes[$0].name })
        let victimNames = Set(incident.victims.map { estate.nodes[$0].name })
        var firstRootAlert: Double?
        var victimPages = 0
        var phantomPages = 0
        for event in events where event.event == .firing && !event.suppressed {
            if rootNames.contains(event.service) {
                if firstRootAlert == nil { firstRootAlert = event.time.timeIntervalSince(t0) - incident.faultStart }
            } else if victimNames.contains(event.service) {
                victimPages += 1
            } else {
                phantomPages += 1
            }
        }
        let shown = samples.filter { !$0.isEmpty }
        let wrong = shown.first { Set($0.prefix(rootNames.count)) != rootNames }
        let named = wrong ?? shown.last ?? []
        return LabOutcome(
            kind: incident.kind, seed: incident.seed, rootAtRank1: !rootNames.isEmpty && !shown.isEmpty && wrong == nil,
            timeToRootAlert: firstRootAlert, rootAlertGoal: goal(incident, estate: estate),
            victimPages: victimPages, phantomPages: phantomPages, missingResolves: unresolved,
            named: named)
    }

    /// Two probe intervals plus a timeout of the root (its dependents' for a root without a probe).
    static func goal(_ incident: LabIncident, estate: LabEstate) -> Double {
        var goal = 0.0
        for root in incident.roots {
            let node = estate.nodes[root]
            var probes = node.probed ? [node] : estate.dependents(of: root).map { estate.nodes[$0] }.filter(\.probed)
            if probes.isEmpty { probes = [node] }
            for p in probes { goal = max(goal, 2 * p.interval.seconds + p.timeout.seconds) }
        }
        return goal
    }
}

/// How a simulated node answers a request at a moment: its own work, then a call to each of its
/// upstreams (side by side) with a timeout, as the demo estate's services do. An upstream that
/// refuses or gives up makes the caller answer an error; a slow one makes it slow.
enum LabBehaviour {
    struct Answer {
        var ok: Bool
        var latencyMs: Double
        var failure: FailureKind?
    }

    static func mode(_ node: Int, at t: Double, incident: LabIncident) -> LabMode? {
        var found: LabMode?
        for fault in incident.faultsByNode[node] ?? [] where fault.from <= t && t < fault.to {
            found = fault.mode
        }
        return found
    }

    static func answer(
        _ node: Int, at t: Double, estate: LabEstate, incident: LabIncident, random: inout LabRandom
    ) -> Answer {
        let jitter = 0.85 + 0.3 * random.unit()
        let mode = mode(node, at: t, incident: incident)
        var latency = estate.nodes[node].ownLatencyMs * jitter
        switch mode {
        case .down?, .broken?: return Answer(ok: false, latencyMs: 1, failure: .refused)
        case .slow(let ms)?: latency = ms * jitter
        case .lingering?, .fallback?, nil: break
        }
        if mode != .fallback {
            // The upstreams are called side by side: the slowest decides.
            var slowest = 0.0
            for upstream in estate.nodes[node].dependsOn {
                let answer = Self.answer(upstream, at: t, estate: estate, incident: incident, random: &random)
                if !answer.ok { return Answer(ok: false, latencyMs: latency + answer.latencyMs, failure: .condition) }
                if answer.latencyMs > LabEstate.callTimeoutMs {
                    return Answer(ok: false, latencyMs: latency + LabEstate.callTimeoutMs, failure: .condition)
                }
                slowest = max(slowest, answer.latencyMs)
            }
            latency += slowest
        }
        if mode == .lingering { return Answer(ok: false, latencyMs: latency, failure: .condition) }
        return Answer(ok: true, latencyMs: latency)
    }
}
