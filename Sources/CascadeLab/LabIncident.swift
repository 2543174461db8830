import Foundation

/// The kinds of incident the lab injects.
public enum LabIncidentKind: String, Sendable, CaseIterable, Codable {
    /// An upstream stops answering (connection refused).
    case down = "down"
    /// An upstream slows past its dependents' patience, then stops.
    case slowThenDown = "slow-then-down"
    /// An upstream slows (800 ms against a 500 ms threshold) and stays up.
    case slowOnly = "slow-only"
    /// An upstream fails and answers in turns, faster than `downAfter` probes.
    case flapping = "flapping"
    /// Two upstreams, neither behind the other, stop at once.
    case twoRoots = "two-roots"
    /// A dependent breaks on its own, then, a minute and a half later, its upstream stops.
    case victimFirst = "victim-broke-first"
    /// A vendor without a health endpoint stops; only its dependents show it.
    case probeless = "probe-less-vendor"
    /// The root recovers ten seconds before its direct dependents do.
    case rootRecoversFirst = "root-recovers-first"
    /// The direct dependents switch to a fallback half a minute before the root recovers.
    case victimsRecoverFirst = "victims-recover-first"
    /// No incident: one probe of one healthy service fails once.
    case noise = "noise"
}

/// What a node does for a while.
enum LabMode: Sendable, Equatable {
    /// Refuses connections.
    case down
    /// Answers after this many milliseconds of its own.
    case slow(Double)
    /// Broken by itself (refuses connections), whatever its upstreams do.
    case broken
    /// Still answers errors although its upstreams are back (a stuck pool).
    case lingering
    /// Ignores its upstreams' failures (a fallback path).
    case fallback
}

/// One node in one mode from `from` to `to` (seconds after the start).
struct LabFault: Sendable {
    var node: Int
    var mode: LabMode
    var from: Double
    var to: Double
}

/// One injected incident: its faults and the truth the engine is scored against.
public struct LabIncident: Sendable {
    public var kind: LabIncidentKind
    public var seed: UInt64
    var faults: [LabFault] {
        didSet { faultsByNode = Self.index(faults) }
    }
    /// The faults of each node, for the behaviour model's many look-ups.
    private(set) var faultsByNode: [Int: [LabFault]] = [:]
    /// The nodes that are the root causes.
    public var roots: Set<Int>
    /// The nodes whose trouble the roots explain.
    public var victims: Set<Int>
    /// When the first fault begins, in seconds after the start.
    public var faultStart: Double
    /// When the roots' faults end.
    public var faultEnd: Double
    /// When the last root's fault begins: from then on (and a goal's time later) the analysis
    /// should name every root.
    public var lastRootStart: Double {
        roots.compactMap { root in faults.filter { $0.node == root }.map(\.from).min() }.max() ?? faultStart
    }
    /// How long the run goes on after the faults end, for every alert to resolve.
    public static let coolDown = 200.0
    /// Healthy probing before the first fault.
    public static let warmUp = 60.0

    init(
        kind: LabIncidentKind, seed: UInt64, faults: [LabFault], roots: Set<Int>, victims: Set<Int>,
        faultStart: Double, faultEnd: Double
    ) {
        self.kind = kind
        self.seed = seed
        self.faults = faults
        self.roots = roots
        self.victims = victims
        self.faultStart = faultStart
        self.faultEnd = faultEnd
        faultsByNode = Self.index(faults)
    }

    private static func index(_ faults: [LabFault]) -> [Int: [LabFault]] {
        Dictionary(grouping: faults, by: \.node)
    }

    /// The end of the run.
    public var end: Double { (faults.map(\.to).max() ?? faultEnd) + Self.coolDown }

    /// Draws an incident of `kind` on `estate`; `nil` when the estate has no node it fits.
    public static func make(_ kind: LabIncidentKind, on estate: LabEstate, seed: UInt64) -> LabIncident? {
        var random = LabRandom(seed: seed)
        let start = warmUp + random.unit() * 10
        let length = 60 + random.unit() * 60
        let probed = estate.nodes.indices.filter { estate.nodes[$0].probed }
        // Probed nodes with a probed dependent: worth an incident.
        let upstreams = probed.filter { estate.dependents(of: $0).contains { estate.nodes[$0].probed } }
        func incident(_ faults: [LabFault], roots: Set<Int>, end: Double) -> LabIncident {
            var victims: Set<Int> = []
            for root in roots { victims.formUnion(estate.downstream(of: root)) }
            victims.subtract(roots)
            return LabIncident(
                kind: kind, seed: seed, faults: faults, roots: roots, victims: victims, faultStart: start,
                faultEnd: end)
        }
        switch kind {
        case .down:
            guard !upstreams.isEmpty else { return nil }
            let root = random.pick(upstreams)
            return incident(
                [LabFault(node: root, mode: .down, from: start, to: start + length)], roots: [root],
                end: start + length)
        case .slowThenDown:
            guard !upstreams.isEmpty else { return nil }
            let root = random.pick(upstreams)
            let slowFor = 20 + random.unit() * 30
            return incident(
                [
                    LabFault(node: root, mode: .slow(1200), from: start, to: start + slowFor),
                    LabFault(node: root, mode: .down, from: start + slowFor, to: start + slowFor + length),
                ], roots: [root], end: start + slowFor + length)
        case .slowOnly:
            guard !upstreams.isEmpty else { return nil }
            let root = random.pick(upstreams)
            return incident(
                [LabFault(node: root, mode: .slow(800), from: start, to: start + length)], roots: [root],
                end: start + length)
        case .flapping:
            guard !upstreams.isEmpty else { return nil }
            let root = random.pick(upstreams)
            let interval = estate.nodes[root].interval.seconds
            // Down for less than a probe interval at a time, then up as long.
            let spell = interval * (0.6 + random.unit() * 0.3)
            var faults: [LabFault] = []
            var t = start
            while t < start + length {
                faults.append(LabFault(node: root, mode: .down, from: t, to: t + spell))
                t += 2 * spell
            }
            return incident(faults, roots: [root], end: t)
        case .twoRoots:
            let pairs = upstreams.flatMap { a in upstreams.map { (a, $0) } }.filter { a, b in
                a < b && !estate.graph.isUpstream(b, of: a) && !estate.graph.isUpstream(a, of: b)
            }
            guard !pairs.isEmpty else { return nil }
            let (a, b) = random.pick(pairs)
            return incident(
                [
                    LabFault(node: a, mode: .down, from: start, to: start + length),
                    LabFault(node: b, mode: .down, from: start + random.unit() * 5, to: start + length),
                ], roots: [a, b], end: start + length)
        case .victimFirst:
            let pairs = upstreams.flatMap { u in
                estate.dependents(of: u).filter { estate.nodes[$0].probed }.map { (u, $0) }
            }
            guard !pairs.isEmpty else { return nil }
            let (root, victim) = random.pick(pairs)
            let later = start + 90
            return incident(
                [
                    LabFault(node: victim, mode: .broken, from: start, to: later + length),
                    LabFault(node: root, mode: .down, from: later, to: later + length),
                ], roots: [root, victim], end: later + length)
        case .probeless:
            let vendors = estate.nodes.indices.filter { v in
                !estate.nodes[v].probed && estate.dependents(of: v).filter { estate.nodes[$0].probed }.count >= 2
            }
            guard !vendors.isEmpty else { return nil }
            let root = random.pick(vendors)
            return incident(
                [LabFault(node: root, mode: .down, from: start, to: start + length)], roots: [root],
                end: start + length)
        case .rootRecoversFirst:
            guard !upstreams.isEmpty else { return nil }
            let root = random.pick(upstreams)
            let lingering = estate.dependents(of: root).map {
                LabFault(node: $0, mode: .lingering, from: start + length, to: start + length + 10)
            }
            return incident(
                [LabFault(node: root, mode: .down, from: start, to: start + length)] + lingering,
                roots: [root], end: start + length)
        case .victimsRecoverFirst:
            guard !upstreams.isEmpty else { return nil }
            let root = random.pick(upstreams)
            let fallback = estate.dependents(of: root).map {
                LabFault(node: $0, mode: .fallback, from: start + length - 30, to: start + length + 1)
            }
            return incident(
                [LabFault(node: root, mode: .down, from: start, to: start + length)] + fallback,
                roots: [root], end: start + length)
        case .noise:
            guard !probed.isEmpty else { return nil }
            let node = random.pick(probed)
            let n = estate.nodes[node]
            // Exactly one of its probes: the first at or after `start`.
            let interval = n.interval.seconds
            let k = ((start - n.phase) / interval).rounded(.up)
            let at = n.phase + k * interval
            return LabIncident(
                kind: kind, seed: seed, faults: [LabFault(node: node, mode: .down, from: at - 0.01, to: at + 0.01)],
                roots: [], victims: [], faultStart: at, faultEnd: at + 0.01)
        }
    }
}
