// Cascade analysis on a 1,000-node estate: two failing upstreams and their victims, and the worst
// case of everything down at once.
import Benchmark
import Foundation
import Probes

struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A layered estate: 50 upstreams, then services each depending on 1–3 earlier nodes.
func estate(_ count: Int) -> (DependencyGraph, [String: Duration]) {
    var rng = SplitMix(state: 42)
    var nodes: [(name: String, dependsOn: [String])] = []
    for i in 0..<count {
        var deps: [String] = []
        if i >= 50 {
            for _ in 0..<(1 + Int(rng.next() % 3)) { deps.append("n\(Int(rng.next() % UInt64(i)))") }
        }
        nodes.append(("n\(i)", Array(Set(deps)).sorted()))
    }
    let intervals = Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, Duration.seconds(10)) })
    return (DependencyGraph(nodes: nodes), intervals)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(3), maxIterations: 2000)
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let (graph, intervals) = estate(1000)
    let analyzer = CascadeAnalyzer(graph: graph, probeIntervals: intervals)

    var twoRoots: [String: CascadeObservation] = [:]
    for name in graph.names { twoRoots[name] = .healthy }
    for root in ["n3", "n17"] {
        twoRoots[root] = .unhealthy(since: t0)
        for victim in graph.transitiveDownstreams(of: root) { twoRoots[victim] = .unhealthy(since: t0 + 5) }
    }
    let allDown = Dictionary(uniqueKeysWithValues: graph.names.map { ($0, CascadeObservation.unhealthy(since: t0)) })

    Benchmark("cascade analysis, 1,000 nodes, 2 roots (goal ~1 ms)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(analyzer.analyze(twoRoots, now: t0 + 60)) }
    }
    Benchmark("cascade analysis, 1,000 nodes, all down (goal ~1 ms)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(analyzer.analyze(allDown, now: t0 + 60)) }
    }
}
