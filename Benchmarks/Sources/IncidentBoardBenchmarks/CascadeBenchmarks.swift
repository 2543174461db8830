import Foundation
import Probes

enum CascadeBenchmarks {
    /// A layered estate: 50 upstreams, then 950 services each depending on 1–3 earlier nodes.
    static func graph(_ count: Int) -> (DependencyGraph, [String: Duration]) {
        var rng = SplitMix(seed: 42)
        var nodes: [(name: String, dependsOn: [String])] = []
        for i in 0..<count {
            var deps: [String] = []
            if i >= 50 {
                for _ in 0..<(1 + Int(rng.next() % 3)) { deps.append("n\(Int(rng.next() % UInt64(i)))") }
            }
            nodes.append(("n\(i)", Array(Set(deps))))
        }
        let intervals = Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, Duration.seconds(10)) })
        return (DependencyGraph(nodes: nodes), intervals)
    }

    static func run() {
        let (graph, intervals) = graph(1000)
        let analyzer = CascadeAnalyzer(graph: graph, probeIntervals: intervals)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        // Two upstreams fail; everything below them follows.
        var observations: [String: CascadeObservation] = [:]
        for name in graph.names { observations[name] = .healthy }
        for root in ["n3", "n17"] {
            observations[root] = .unhealthy(since: t0)
            for victim in graph.transitiveDownstreams(of: root) {
                observations[victim] = .unhealthy(since: t0 + 5)
            }
        }
        let typical = Measurement.best { blackHole(analyzer.analyze(observations, now: t0 + 60)) }
        report("cascade analysis, 1,000 nodes, 2 roots", String(format: "%.3f ms", typical.wall.ms), goal: "~1 ms")
        let allDown = Dictionary(uniqueKeysWithValues: graph.names.map { ($0, CascadeObservation.unhealthy(since: t0)) })
        let worst = Measurement.best { blackHole(analyzer.analyze(allDown, now: t0 + 60)) }
        report("cascade analysis, 1,000 nodes, all down", String(format: "%.3f ms", worst.wall.ms), goal: "~1 ms")
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
