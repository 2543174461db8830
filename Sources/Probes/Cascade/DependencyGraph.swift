/// The services and upstreams of a config as a graph: an edge runs from an entry to each
/// entry it `dependsOn` (its upstreams).
///
/// Nodes are numbered in file order. Everything the cascade analysis asks per snapshot
/// (transitive upstreams and downstreams, topological order) is computed once here, so an
/// analysis of a thousand nodes costs about a millisecond.
///
/// - Important: The graph never rejects input. Names in `dependsOn` that name no entry are
///   ignored, a repeated dependency counts once, and a repeated entry name keeps only its
///   first entry (the config validator reports all three). Cycles are kept and reported by
///   ``cycles(limit:)``.
public struct DependencyGraph: Sendable {
    /// Node names in file order; a node's index is its position here.
    public let names: [String]
    private let indexByName: [String: Int]
    /// Direct upstreams per node, in the order of its `dependsOn`.
    private let upstreamLists: [[Int]]
    /// Direct downstreams per node, in file order.
    private let downstreamLists: [[Int]]
    /// Nodes reachable through one edge or more, without the node itself.
    let upstreamClosure: [NodeSet]
    let downstreamClosure: [NodeSet]
    /// Strongly connected component of each node; a node is on a cycle when its component
    /// has other members or it depends on itself.
    let component: [Int]
    let componentSizes: [Int]
    /// Node indices, upstreams before their downstreams, ties in file order.
    public let topologicalIndices: [Int]

    /// Builds the graph from entries in file order.
    public init(nodes: [(name: String, dependsOn: [String])]) {
        var names: [String] = []
        var indexByName: [String: Int] = [:]
        var declared: [[String]] = []
        for node in nodes where indexByName[node.name] == nil {
            indexByName[node.name] = names.count
            names.append(node.name)
            declared.append(node.dependsOn)
        }
        var upstreams = [[Int]](repeating: [], count: names.count)
        var downstreams = [[Int]](repeating: [], count: names.count)
        for (i, dependsOn) in declared.enumerated() {
            var seen = Set<Int>()
            for name in dependsOn {
                guard let j = indexByName[name], seen.insert(j).inserted else { continue }
                upstreams[i].append(j)
                downstreams[j].append(i)
            }
        }
        self.names = names
        self.indexByName = indexByName
        self.upstreamLists = upstreams
        self.downstreamLists = downstreams

        let (component, componentCount) = Self.stronglyConnectedComponents(upstreams)
        var sizes = [Int](repeating: 0, count: componentCount)
        for c in component { sizes[c] += 1 }
        self.component = component
        self.componentSizes = sizes
        var members = [[Int]](repeating: [], count: componentCount)
        for (v, c) in component.enumerated() { members[c].append(v) }
        // Tarjan numbers components upstreams first, so one pass each way fills the closures.
        self.upstreamClosure = Self.closure(
            edges: upstreams, component: component, members: members,
            order: Array(0..<componentCount), capacity: names.count)
        self.downstreamClosure = Self.closure(
            edges: downstreams, component: component, members: members,
            order: Array((0..<componentCount).reversed()), capacity: names.count)
        self.topologicalIndices = Self.topologicalOrder(upstreams: upstreams, downstreams: downstreams)
    }

    /// Builds the graph from the config's entries.
    public init(services: [ServiceConfig]) {
        self.init(nodes: services.map { (name: $0.name, dependsOn: $0.dependsOn) })
    }

    /// Number of nodes.
    public var count: Int { names.count }

    /// The index of the node with this name.
    public func index(of name: String) -> Int? { indexByName[name] }

    /// Direct upstreams of a node, in the order of its `dependsOn`.
    public func upstreams(of index: Int) -> [Int] {
        upstreamLists.indices.contains(index) ? upstreamLists[index] : []
    }

    /// Direct downstreams (dependents) of a node, in file order.
    public func downstreams(of index: Int) -> [Int] {
        downstreamLists.indices.contains(index) ? downstreamLists[index] : []
    }

    /// Every node this one depends on directly or indirectly, in file order, never itself.
    public func transitiveUpstreams(of index: Int) -> [Int] {
        upstreamClosure.indices.contains(index) ? upstreamClosure[index].members : []
    }

    /// Every node that depends on this one directly or indirectly, in file order, never itself.
    public func transitiveDownstreams(of index: Int) -> [Int] {
        downstreamClosure.indices.contains(index) ? downstreamClosure[index].members : []
    }

    /// Whether `upstream` is reachable from `node` by following `dependsOn` (O(1)).
    public func isUpstream(_ upstream: Int, of node: Int) -> Bool {
        upstreamClosure.indices.contains(node) && upstreamClosure[node].contains(upstream)
    }

    /// Direct upstreams by name; empty for an unknown name.
    public func upstreams(of name: String) -> [String] { names(upstreams(of: index(of: name) ?? -1)) }

    /// Direct downstreams by name; empty for an unknown name.
    public func downstreams(of name: String) -> [String] { names(downstreams(of: index(of: name) ?? -1)) }

    /// Transitive upstreams by name, in file order; empty for an unknown name.
    public func transitiveUpstreams(of name: String) -> [String] {
        names(transitiveUpstreams(of: index(of: name) ?? -1))
    }

    /// Transitive downstreams by name, in file order; empty for an unknown name.
    public func transitiveDownstreams(of name: String) -> [String] {
        names(transitiveDownstreams(of: index(of: name) ?? -1))
    }

    /// Node names, upstreams before their downstreams, ties in file order. Nodes on a cycle
    /// (and those that depend on one) have no such place; they come last, in file order.
    public var topologicalOrder: [String] { names(topologicalIndices) }

    /// Whether a node is on a dependency cycle (including depending on itself).
    public func isOnCycle(_ index: Int) -> Bool {
        guard component.indices.contains(index) else { return false }
        return componentSizes[component[index]] > 1 || upstreamLists[index].contains(index)
    }

    private func names(_ indices: [Int]) -> [String] { indices.map { names[$0] } }
}

extension DependencyGraph {
    /// Tarjan's algorithm without recursion (a 10,000-deep chain must not overflow a task's
    /// stack). Components are numbered in the order they complete: every component reachable
    /// from another through `edges` gets the smaller number.
    static func stronglyConnectedComponents(_ edges: [[Int]]) -> (component: [Int], count: Int) {
        let n = edges.count
        var order = [Int](repeating: -1, count: n)
        var low = [Int](repeating: 0, count: n)
        var onStack = [Bool](repeating: false, count: n)
        var component = [Int](repeating: -1, count: n)
        var stack: [Int] = []
        var work: [(node: Int, edge: Int)] = []
        var next = 0
        var count = 0
        for root in 0..<n where order[root] < 0 {
            order[root] = next
            low[root] = next
            next += 1
            stack.append(root)
            onStack[root] = true
            work.append((root, 0))
            while let (v, e) = work.last {
                if e < edges[v].count {
                    work[work.count - 1].edge += 1
                    let w = edges[v][e]
                    if order[w] < 0 {
                        order[w] = next
                        low[w] = next
                        next += 1
                        stack.append(w)
                        onStack[w] = true
                        work.append((w, 0))
                    } else if onStack[w] {
                        low[v] = min(low[v], order[w])
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last { low[parent.node] = min(low[parent.node], low[v]) }
                guard low[v] == order[v] else { continue }
                while let w = stack.popLast() {
                    onStack[w] = false
                    component[w] = count
                    if w == v { break }
                }
                count += 1
            }
        }
        return (component, count)
    }

    /// Per node, the nodes reachable through `edges` (one edge or more), without the node.
    /// `order` must list components so that every component comes after those it reaches.
    private static func closure(
        edges: [[Int]], component: [Int], members: [[Int]], order: [Int], capacity: Int
    ) -> [NodeSet] {
        var reach = [NodeSet](repeating: NodeSet(), count: members.count)
        for c in order {
            var set = NodeSet()
            for v in members[c] {
                for u in edges[v] {
                    set.insert(u)
                    if component[u] != c { set.formUnion(reach[component[u]]) }
                }
            }
            reach[c] = set
        }
        return (0..<capacity).map { v in
            var set = reach[component[v]]
            set.remove(v)
            return set
        }
    }

    /// Kahn's algorithm taking the ready node declared first each time.
    private static func topologicalOrder(upstreams: [[Int]], downstreams: [[Int]]) -> [Int] {
        var waiting = upstreams.map(\.count)
        var ready = MinHeap()
        for (v, w) in waiting.enumerated() where w == 0 { ready.push(v) }
        var order: [Int] = []
        order.reserveCapacity(upstreams.count)
        var placed = [Bool](repeating: false, count: upstreams.count)
        while let v = ready.pop() {
            order.append(v)
            placed[v] = true
            for d in downstreams[v] {
                waiting[d] -= 1
                if waiting[d] == 0 { ready.push(d) }
            }
        }
        for v in upstreams.indices where !placed[v] { order.append(v) }
        return order
    }
}

/// A binary min-heap of node indices.
private struct MinHeap {
    private var items: [Int] = []

    mutating func push(_ value: Int) {
        items.append(value)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Int? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        guard !items.isEmpty else { return top }
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count, items[left] < items[smallest] { smallest = left }
            if right < items.count, items[right] < items[smallest] { smallest = right }
            guard smallest != parent else { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
