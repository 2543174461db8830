import Foundation
import Probes

/// A generated estate: vendors at the bottom (some without a health endpoint), services over
/// them in layers, each with its own probe interval, timeout and phase.
///
/// Shapes come from how dependencies are drawn: a service depends on one to three nodes of the
/// layers below, preferring the shared vendors, so chains, diamonds and fan-in to one vendor all
/// occur.
public struct LabEstate: Sendable {
    /// One node.
    public struct Node: Sendable {
        public var name: String
        public var dependsOn: [Int]
        /// Without a probe: a declared dependency whose state the board infers.
        public var probed: Bool
        public var interval: Duration
        public var timeout: Duration
        /// When its first probe runs, in seconds after the start.
        public var phase: Double
        /// Its own work per request, in milliseconds (before any upstream call).
        public var ownLatencyMs: Double
    }

    public let nodes: [Node]
    /// The nodes' dependencies, with the same indices as ``nodes``.
    public let graph: DependencyGraph
    /// The latency threshold of every node's SLO.
    public static let latencyThreshold = Duration.milliseconds(500)
    /// How long a service waits for an upstream before it gives up with an error (as the demo
    /// estate's services do), in milliseconds.
    public static let callTimeoutMs = 1000.0

    /// Generates an estate of `size` nodes.
    public init(size: Int, random: inout LabRandom) {
        let count = max(size, 6)
        let vendorCount = max(3, count / 8)
        var nodes: [Node] = []
        let intervals: [Int64] = [2, 3, 5, 5, 10]
        func probeTiming(_ random: inout LabRandom) -> (Duration, Duration, Double) {
            let interval = random.pick(intervals)
            // The probe timeout stays over the call timeout, so a service that gives up on a slow
            // upstream answers its own error before its probe times out.
            let timeout = interval <= 2 ? 1500 : random.pick([1500, 2000] as [Int64])
            return (.seconds(interval), .milliseconds(timeout), random.unit() * Double(interval))
        }
        for v in 0..<vendorCount {
            let (interval, timeout, phase) = probeTiming(&random)
            // About one vendor in five has no health endpoint.
            let probed = v % 5 != 4
            nodes.append(
                Node(
                    name: "vendor-\(v)", dependsOn: [], probed: probed, interval: interval, timeout: timeout,
                    phase: phase, ownLatencyMs: 10 + random.unit() * 30))
        }
        for s in vendorCount..<count {
            let (interval, timeout, phase) = probeTiming(&random)
            var upstreams: Set<Int> = []
            let wanted = 1 + Int(random.next() % 3)
            for _ in 0..<wanted {
                // Half the edges go to a vendor (fan-in), half to an earlier service (chains, diamonds).
                let toVendor = random.unit() < 0.5 || s == vendorCount
                let target =
                    toVendor
                    ? Int(random.next() % UInt64(vendorCount))
                    : vendorCount + Int(random.next() % UInt64(s - vendorCount))
                upstreams.insert(target)
            }
            nodes.append(
                Node(
                    name: "svc-\(s)", dependsOn: upstreams.sorted(), probed: true, interval: interval, timeout: timeout,
                    phase: phase, ownLatencyMs: 5 + random.unit() * 20))
        }
        self.nodes = nodes
        // Names are unique and listed in order, so the graph's indices are the nodes'.
        graph = DependencyGraph(nodes: nodes.map { node in (node.name, node.dependsOn.map { nodes[$0].name }) })
    }

    /// The nodes that depend on `node` directly.
    public func dependents(of node: Int) -> [Int] { graph.downstreams(of: node) }

    /// Every node that depends on `node`, directly or not.
    public func downstream(of node: Int) -> Set<Int> { Set(graph.transitiveDownstreams(of: node)) }

    /// The estate as a probes.json document (``latencyThreshold``, the default policy otherwise).
    public func config() throws -> ProbesConfig {
        var services: [String] = []
        for node in nodes {
            let depends = node.dependsOn.map { "\"\(nodes[$0].name)\"" }.joined(separator: ",")
            var entry = "{\"name\":\"\(node.name)\",\"dependsOn\":[\(depends)]"
            if node.probed {
                entry +=
                    ",\"probe\":{\"type\":\"http\",\"url\":\"http://127.0.0.1:9/\(node.name)\","
                    + "\"interval\":\"\(Int(node.interval.seconds))s\","
                    + "\"timeout\":\"\(Int(node.timeout.seconds * 1000))ms\"}"
            }
            services.append(entry + "}")
        }
        let threshold = Int(Self.latencyThreshold.milliseconds)
        let json =
            "{\"slo\":{\"latency\":{\"threshold\":\"\(threshold)ms\"}},"
            + "\"services\":[\(services.joined(separator: ","))]}"
        return try ConfigLoader.load(data: Data(json.utf8), displayName: "cascade-lab.json", environment: [:])
    }
}
