import Foundation

/// Finds the root causes among the troubled nodes of a ``DependencyGraph``, what each one
/// takes down, and ranks them by blast radius (docs/ARCHITECTURE.md). Pure: no clock, no I/O.
///
/// The rules, for a node in trouble:
/// - It is explained by a troubled node upstream of it (transitively), unless its own trouble
///   began clearly before that upstream's: more than ``CascadePolicy/onsetMargin(upstreamInterval:)``
///   earlier. Unexplained, a failing node is a **root cause**; explained, it is **impacted**
///   and attributed to the root causes its explainers lead to (a diamond's bottom names the
///   top once).
/// - Slowness counts as trouble: a slow upstream explains downstream slowness, timeouts and the
///   service's own error answers, not a refused or broken connection (see ``CascadeObservation``).
///   A slow node that nothing upstream explains is a root cause although it is only slow
///   (``CascadeRole/slowRootCause``), with or without victims: every seed incident starts slow,
///   and that is when on-call needs the name. When it goes from slow to down its spell, and so
///   its onset and its victims, carry on: it stays the same incident.
/// - A declared dependency without a probe is inferred in trouble when two or more troubled
///   (failing or slow) nodes downstream of it, reached through troubled nodes only (a healthy node
///   in between says the trouble did not come that way), are otherwise unexplained and began together (their
///   onsets within the onset margin of each other). Its inferred onset is the earliest of that
///   pair; it then explains every unexplained downstream failure not clearly older. Nearer
///   dependencies are tried first and take their evidence with them; only probed failures
///   count as evidence, never another inference.
/// - Recovery. A root that recovers while its victims are still in trouble keeps them for a grace period
///   of ``CascadePolicy/recoveryGrace(victimInterval:)`` (two of the victim's probe intervals,
///   at least 30 s) and shows as ``CascadeRole/recoveredRootCause``. An on-call engineer wants
///   that: victims are only seen recovering at their next probe, and lifting suppression at the
///   instant the root recovers would page once per victim just as the incident ends. A victim
///   still failing after the grace period has a problem of its own (a stuck pool, a crashed
///   worker) and becomes a root cause, so it pages; so does one whose failure began after the
///   root recovered. The grace applies only when no upstream in trouble now explains the
///   victim. Victims that recover first simply leave the
///   incident; the root stays one with a smaller blast radius.
/// - Nodes on a dependency cycle (a config error) never crash the analysis: a failing node
///   whose explainers lead to no root cause is a root of its own.
public struct CascadeAnalyzer: Sendable {
    /// The graph analysed.
    public let graph: DependencyGraph
    /// The timing rules.
    public let policy: CascadePolicy
    /// Per node, whether it has a probe.
    private let probed: [Bool]
    /// Per node, its probe interval (zero without a probe).
    private let intervals: [Duration]
    /// Per node, its position among the names sorted, so outputs sort by name without
    /// comparing strings.
    private let nameRank: [Int]

    /// Creates an analyzer.
    /// - Parameters:
    ///   - probeIntervals: the probe interval of every node that has a probe, by name; a node
    ///     not listed is a declared dependency without a probe.
    public init(graph: DependencyGraph, probeIntervals: [String: Duration], policy: CascadePolicy = .standard) {
        self.graph = graph
        self.policy = policy
        self.probed = graph.names.map { probeIntervals[$0] != nil }
        self.intervals = graph.names.map { probeIntervals[$0] ?? .zero }
        var rank = [Int](repeating: 0, count: graph.count)
        for (position, index) in graph.names.indices.sorted(by: { graph.names[$0] < graph.names[$1] }).enumerated() {
            rank[index] = position
        }
        self.nameRank = rank
    }

    /// Creates an analyzer for a config: its graph, which entries have probes and their intervals.
    public init(config: ProbesConfig, policy: CascadePolicy = .standard) {
        var intervals: [String: Duration] = [:]
        for service in config.services where intervals[service.name] == nil {
            if let probe = service.probe { intervals[service.name] = probe.interval }
        }
        self.init(graph: DependencyGraph(services: config.services), probeIntervals: intervals, policy: policy)
    }

    /// Analyses one snapshot.
    /// - Parameters:
    ///   - observations: by node name. A probed node without one counts as healthy (no result
    ///     yet); observations of nodes without a probe, or of unknown names, are ignored.
    ///   - now: the snapshot's time, for the recovery grace period.
    public func analyze(_ observations: [String: CascadeObservation], now: Date) -> CascadeAssessment {
        var run = Analysis(analyzer: self, now: now)
        for (name, observation) in observations {
            guard let i = graph.index(of: name), probed[i] || observation.isJourneyEvidence else { continue }
            run.observe(i, observation)
        }
        return run.finish()
    }

    /// Analyses one snapshot with observations by node index (the Monitor keeps them so, and
    /// saves a hash per node). Entries past the graph's nodes and those of nodes without a
    /// probe are ignored; a missing one counts as healthy.
    public func analyze(byIndex observations: [CascadeObservation?], now: Date) -> CascadeAssessment {
        var run = Analysis(analyzer: self, now: now)
        for (i, observation) in observations.prefix(graph.count).enumerated() {
            guard let observation, probed[i] || observation.isJourneyEvidence else { continue }
            run.observe(i, observation)
        }
        return run.finish()
    }

    /// The mutable state of one analysis.
    private struct Analysis {
        enum Trouble { case none, slow, unhealthy }

        let analyzer: CascadeAnalyzer
        let graph: DependencyGraph
        let now: Date
        var trouble: [Trouble]
        var onset: [Date?]
        /// `onset` as seconds since the reference date, NaN when unknown, so that every
        /// comparison with an unknown onset is false without a branch.
        var onsetSeconds: [Double]
        /// Per node, whether its failure is of a kind a slow upstream can cause.
        var followsSlow: [Bool]
        var recoveredAt: [Date?]
        /// Per node, the onset margin it grants its downstreams, in seconds.
        var margin: [TimeInterval]
        var inferred: [Bool]
        var troubled: NodeSet
        var recovered: NodeSet
        /// Per troubled node, the nodes its trouble is attributed to (itself when unexplained).
        var roots: [[Int]]

        init(analyzer: CascadeAnalyzer, now: Date) {
            let n = analyzer.graph.count
            self.analyzer = analyzer
            self.graph = analyzer.graph
            self.now = now
            trouble = Array(repeating: .none, count: n)
            onset = Array(repeating: nil, count: n)
            onsetSeconds = Array(repeating: .nan, count: n)
            followsSlow = Array(repeating: true, count: n)
            recoveredAt = Array(repeating: nil, count: n)
            margin = analyzer.intervals.map { analyzer.policy.onsetMargin(upstreamInterval: $0) }
            inferred = Array(repeating: false, count: n)
            troubled = NodeSet(capacity: n)
            recovered = NodeSet(capacity: n)
            roots = Array(repeating: [], count: n)
        }

        mutating func observe(_ i: Int, _ observation: CascadeObservation) {
            onset[i] = observation.onset
            onsetSeconds[i] = observation.onset?.timeIntervalSinceReferenceDate ?? .nan
            followsSlow[i] = observation.canFollowSlowUpstream
            switch observation.health {
            case .healthy:
                if let at = observation.recoveredAt {
                    recoveredAt[i] = at
                    recovered.insert(i)
                }
            case .slow:
                trouble[i] = .slow
                troubled.insert(i)
            case .unhealthy:
                trouble[i] = .unhealthy
                troubled.insert(i)
            }
        }

        mutating func finish() -> CascadeAssessment {
            attribute()
            if inferProbelessDependencies() { attribute() }
            return assessment()
        }

        /// Whether `node`'s trouble began clearly before `upstream`'s.
        func clearlyBefore(_ node: Int, _ upstream: Int) -> Bool {
            onsetSeconds[node] - onsetSeconds[upstream] < -margin[upstream]
        }

        func explains(_ upstream: Int, _ node: Int) -> Bool {
            if clearlyBefore(node, upstream) { return false }
            if trouble[upstream] == .slow, trouble[node] == .unhealthy { return followsSlow[node] }
            return true
        }

        /// A recovered upstream still explains a failure that began before it recovered, for
        /// the victim's grace period.
        func stillExplains(recovered upstream: Int, _ node: Int) -> Bool {
            guard let at = recoveredAt[upstream], !clearlyBefore(node, upstream) else { return false }
            if let began = onset[node], began >= at { return false }
            let grace = analyzer.policy.recoveryGrace(victimInterval: analyzer.intervals[node])
            return now.timeIntervalSince(at) <= grace
        }

        /// One pass in topological order: every troubled node's explainers are settled before it.
        mutating func attribute() {
            roots = Array(repeating: [], count: graph.count)
            // foundFor[r] == v marks r as already among v's roots.
            var foundFor = [Int](repeating: -1, count: graph.count)
            for v in graph.topologicalIndices where trouble[v] != .none {
                var found: [Int] = []
                var explained = false
                graph.upstreamClosure[v].forEachCommonMember(with: troubled) { u in
                    // In a wide outage most explainers only repeat roots already found.
                    if explained, roots[u].allSatisfy({ foundFor[$0] == v }) { return }
                    guard explains(u, v) else { return }
                    explained = true
                    for r in roots[u] where foundFor[r] != v {
                        foundFor[r] = v
                        found.append(r)
                    }
                }
                if !explained {
                    graph.upstreamClosure[v].forEachCommonMember(with: recovered) { r in
                        guard foundFor[r] != v, stillExplains(recovered: r, v) else { return }
                        foundFor[r] = v
                        found.append(r)
                    }
                }
                // Explainers that lead nowhere only happen on a cycle: the node stands alone.
                roots[v] = found.isEmpty ? [v] : found
            }
        }

        /// Infers the probe-less dependencies; returns whether any was.
        mutating func inferProbelessDependencies() -> Bool {
            var claimed = NodeSet(capacity: graph.count)
            var any = false
            for p in graph.topologicalIndices.reversed() where !analyzer.probed[p] && trouble[p] == .none {
                // Evidence is trouble that can have come from p: reached through troubled (or
                // unprobed) nodes only. A healthy node in between says p's trouble did not pass there.
                var candidates: [Int] = []
                var seen = NodeSet(capacity: graph.count)
                var frontier = graph.downstreams(of: p)
                while let v = frontier.popLast() {
                    guard !seen.contains(v) else { continue }
                    seen.insert(v)
                    let inTrouble = trouble[v] != .none
                    guard inTrouble || !analyzer.probed[v] else { continue }
                    if inTrouble, analyzer.probed[v], roots[v] == [v], !claimed.contains(v) { candidates.append(v) }
                    frontier += graph.downstreams(of: v)
                }
                guard candidates.count >= 2 else { continue }
                candidates.sort { (onset[$0] ?? .distantPast) < (onset[$1] ?? .distantPast) }
                guard let start = togetherStart(candidates) else { continue }
                // Slow dependents together make a slow dependency; one failing makes it unhealthy.
                trouble[p] = candidates.contains { trouble[$0] == .unhealthy } ? .unhealthy : .slow
                troubled.insert(p)
                inferred[p] = true
                onset[p] = onset[candidates[start]]
                onsetSeconds[p] = onsetSeconds[candidates[start]]
                margin[p] = candidates.map { margin[$0] }.max() ?? margin[p]
                // Its evidence was not explained by any slow upstream, so neither is it.
                followsSlow[p] = false
                for v in candidates where !clearlyBefore(v, p) { claimed.insert(v) }
                any = true
            }
            return any
        }

        /// The position of the first of two onset-sorted candidates that failed together.
        func togetherStart(_ sorted: [Int]) -> Int? {
            for k in sorted.indices.dropLast() {
                let a = sorted[k]
                let b = sorted[k + 1]
                guard let first = onset[a], let second = onset[b] else { return k }
                if second.timeIntervalSince(first) <= max(margin[a], margin[b]) { return k }
            }
            return nil
        }

        func assessment() -> CascadeAssessment {
            let n = graph.count
            // A recovered root heads an incident only while a victim in trouble still leads to it.
            var confirmed = [Bool](repeating: false, count: n)
            for v in 0..<n where trouble[v] != .none {
                for r in roots[v] { confirmed[r] = true }
            }
            var roles = [CascadeRole](repeating: .healthy, count: n)
            var rootLists = [[Int]](repeating: [], count: n)
            var impacted = [[Int]](repeating: [], count: n)
            for v in 0..<n {
                if trouble[v] == .none {
                    if confirmed[v] {
                        roles[v] = .recoveredRootCause
                        rootLists[v] = [v]
                    } else {
                        roles[v] = analyzer.probed[v] ? .healthy : .unobserved
                    }
                    continue
                }
                let mine = roots[v]
                if mine == [v] || mine.isEmpty {
                    rootLists[v] = [v]
                    roles[v] = inferred[v] ? .inferredRootCause : trouble[v] == .slow ? .slowRootCause : .rootCause
                } else {
                    roles[v] = .impacted
                    rootLists[v] = mine
                    for r in mine { impacted[r].append(v) }
                }
            }
            let nodes = (0..<n).map { v in
                CascadeNodeAssessment(name: graph.names[v], role: roles[v], rootCauses: sortedNames(rootLists[v]))
            }
            var incidents: [CascadeIncident] = []
            for r in 0..<n where roles[r].isRootCause {
                let cause: CascadeIncident.Cause =
                    switch roles[r] {
                    case .slowRootCause: .slow
                    case .inferredRootCause: .inferred
                    case .recoveredRootCause: .recovered
                    default: .failing
                    }
                incidents.append(
                    CascadeIncident(
                        rootCause: graph.names[r], cause: cause,
                        impacted: sortedNames(impacted[r]), onset: onset[r]))
            }
            incidents.sort(by: Self.ranksBefore)
            return CascadeAssessment(nodes: nodes, incidents: incidents)
        }

        func sortedNames(_ indices: [Int]) -> [String] {
            let rank = analyzer.nameRank
            return indices.sorted { rank[$0] < rank[$1] }.map { graph.names[$0] }
        }

        static func ranksBefore(_ a: CascadeIncident, _ b: CascadeIncident) -> Bool {
            if a.blastRadius != b.blastRadius { return a.blastRadius > b.blastRadius }
            switch (a.onset, b.onset) {
            case let (x?, y?) where x != y: return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.rootCause < b.rootCause
            }
        }
    }
}
