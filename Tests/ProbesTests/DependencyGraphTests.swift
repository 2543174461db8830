import Testing

@testable import Probes

@Suite("DependencyGraph")
struct DependencyGraphTests {
    /// The demo estate's shape: upstreams declared after some of their dependents on purpose.
    private let estate = DependencyGraph(nodes: [
        (name: "loan-application", dependsOn: ["credit-bureau", "auth-vendor"]),
        (name: "credit-bureau", dependsOn: []),
        (name: "card-issuance", dependsOn: ["credit-bureau", "card-network"]),
        (name: "auth-vendor", dependsOn: []),
        (name: "card-network", dependsOn: []),
        (name: "gift-payment", dependsOn: ["card-issuance"]),
    ])

    @Test func nodesKeepFileOrderAndIndices() {
        #expect(estate.count == 6)
        #expect(estate.names.first == "loan-application")
        #expect(estate.index(of: "auth-vendor") == 3)
        #expect(estate.index(of: "nope") == nil)
    }

    @Test func directUpstreamsAndDownstreams() {
        #expect(estate.upstreams(of: "loan-application") == ["credit-bureau", "auth-vendor"])
        #expect(estate.downstreams(of: "credit-bureau") == ["loan-application", "card-issuance"])
        #expect(estate.upstreams(of: "credit-bureau").isEmpty)
        #expect(estate.upstreams(of: "unknown").isEmpty)
        #expect(estate.downstreams(of: 99).isEmpty)
    }

    @Test func transitiveSetsInFileOrder() {
        #expect(estate.transitiveUpstreams(of: "gift-payment") == ["credit-bureau", "card-issuance", "card-network"])
        #expect(
            estate.transitiveDownstreams(of: "credit-bureau") == [
                "loan-application", "card-issuance", "gift-payment",
            ])
        #expect(estate.transitiveDownstreams(of: "gift-payment").isEmpty)
        let bureau = estate.index(of: "credit-bureau") ?? -1
        let gift = estate.index(of: "gift-payment") ?? -1
        #expect(estate.isUpstream(bureau, of: gift))
        #expect(!estate.isUpstream(gift, of: bureau))
        #expect(!estate.isUpstream(gift, of: gift))
    }

    @Test func unknownNamesAndRepeatsAreIgnored() {
        let graph = DependencyGraph(nodes: [
            (name: "a", dependsOn: ["ghost", "b", "b"]),
            (name: "b", dependsOn: []),
            (name: "a", dependsOn: ["c"]),
            (name: "c", dependsOn: []),
        ])
        #expect(graph.names == ["a", "b", "c"])
        #expect(graph.upstreams(of: "a") == ["b"])
        #expect(graph.downstreams(of: "c").isEmpty)
        #expect(graph.cycles().isEmpty)
    }

    @Test func buildsFromServiceConfigs() {
        let graph = DependencyGraph(services: [
            ServiceConfig(name: "bureau", probe: nil),
            ServiceConfig(name: "loans", dependsOn: ["bureau"], probe: nil),
        ])
        #expect(graph.upstreams(of: "loans") == ["bureau"])
    }

    @Test func topologicalOrderPutsUpstreamsFirstAndTiesInFileOrder() {
        #expect(
            estate.topologicalOrder == [
                "credit-bureau", "auth-vendor", "loan-application", "card-network", "card-issuance", "gift-payment",
            ])
        let independent = DependencyGraph(nodes: [
            (name: "z", dependsOn: []), (name: "y", dependsOn: []), (name: "x", dependsOn: []),
        ])
        #expect(independent.topologicalOrder == ["z", "y", "x"])
    }

    @Test func topologicalOrderPutsCyclicNodesLast() {
        let graph = DependencyGraph(nodes: [
            (name: "a", dependsOn: ["b"]),
            (name: "b", dependsOn: ["a"]),
            (name: "c", dependsOn: []),
            (name: "d", dependsOn: ["a"]),
        ])
        #expect(graph.topologicalOrder == ["c", "a", "b", "d"])
    }

    @Test func noCyclesInAnAcyclicGraph() {
        #expect(estate.cycles().isEmpty)
        for i in 0..<estate.count { #expect(!estate.isOnCycle(i)) }
    }

    @Test func twoCycle() {
        let graph = DependencyGraph(nodes: [
            (name: "x", dependsOn: []),
            (name: "a", dependsOn: ["b", "x"]),
            (name: "b", dependsOn: ["a"]),
        ])
        #expect(graph.cycles() == [["a", "b"]])
    }

    @Test func threeCycleStartsFromFirstDeclaredMemberInDependencyOrder() {
        // c is declared first: c → a → b → c.
        let graph = DependencyGraph(nodes: [
            (name: "c", dependsOn: ["a"]),
            (name: "b", dependsOn: ["c"]),
            (name: "a", dependsOn: ["b"]),
        ])
        #expect(graph.cycles() == [["c", "a", "b"]])
    }

    @Test func selfLoop() {
        let graph = DependencyGraph(nodes: [(name: "a", dependsOn: ["a"]), (name: "b", dependsOn: ["a"])])
        #expect(graph.cycles() == [["a"]])
        #expect(graph.isOnCycle(0))
        #expect(!graph.isOnCycle(1))
        #expect(graph.transitiveUpstreams(of: "a").isEmpty)
    }

    @Test func twoSeparateCycles() {
        let graph = DependencyGraph(nodes: [
            (name: "p", dependsOn: ["q"]),
            (name: "a", dependsOn: ["b"]),
            (name: "q", dependsOn: ["p"]),
            (name: "b", dependsOn: ["c"]),
            (name: "c", dependsOn: ["a"]),
        ])
        #expect(graph.cycles() == [["p", "q"], ["a", "b", "c"]])
    }

    @Test func overlappingCyclesEachOnce() {
        // a → b → a and a → b → c → a share the edge a → b.
        let graph = DependencyGraph(nodes: [
            (name: "a", dependsOn: ["b"]),
            (name: "b", dependsOn: ["a", "c"]),
            (name: "c", dependsOn: ["a"]),
        ])
        #expect(graph.cycles() == [["a", "b"], ["a", "b", "c"]])
    }

    @Test func completeGraphCyclesAreCountedAndCapped() {
        // K4 with both directions: 6 two-cycles, 8 three-cycles, 6 four-cycles.
        let names = ["a", "b", "c", "d"]
        let k4 = DependencyGraph(nodes: names.map { n in (name: n, dependsOn: names.filter { $0 != n }) })
        let all = k4.cycles()
        #expect(all.count == 20)
        #expect(Set(all.map { $0.joined(separator: ">") }).count == 20)
        #expect(all.allSatisfy { $0.first == $0.min() })
        // A dense 30-node tangle has astronomically many cycles; the cap keeps it finite.
        let many = (0..<30).map { "n\($0)" }
        let dense = DependencyGraph(nodes: many.map { n in (name: n, dependsOn: many.filter { $0 != n }) })
        #expect(dense.cycles(limit: 50).count == 50)
        #expect(dense.cycles(limit: 0).isEmpty)
    }

    @Test func cycleMembersSeeEachOtherUpstreamButNotThemselves() {
        let graph = DependencyGraph(nodes: [
            (name: "a", dependsOn: ["b"]),
            (name: "b", dependsOn: ["c"]),
            (name: "c", dependsOn: ["a"]),
            (name: "d", dependsOn: ["c"]),
        ])
        #expect(graph.transitiveUpstreams(of: "a") == ["b", "c"])
        #expect(graph.transitiveUpstreams(of: "d") == ["a", "b", "c"])
        #expect(graph.transitiveDownstreams(of: "a") == ["b", "c", "d"])
    }

    @Test func longChainBuildsWithoutRecursion() {
        let n = 5_000
        let graph = DependencyGraph(
            nodes: (0..<n).map { i in
                (name: "s\(i)", dependsOn: i == 0 ? [] : ["s\(i - 1)"])
            })
        #expect(graph.transitiveUpstreams(of: n - 1).count == n - 1)
        #expect(graph.topologicalIndices == Array(0..<n))
        #expect(graph.cycles().isEmpty)
    }

    @Test func emptyGraph() {
        let graph = DependencyGraph(nodes: [])
        #expect(graph.count == 0)
        #expect(graph.topologicalOrder.isEmpty)
        #expect(graph.cycles().isEmpty)
    }

    @Test func independentServicesHoldNoClosureWords() {
        let graph = DependencyGraph(nodes: (0..<1_000).map { (name: "s\($0)", dependsOn: [String]()) })
        #expect(graph.upstreamClosure.allSatisfy { $0.words.isEmpty })
        #expect(graph.downstreamClosure.allSatisfy { $0.words.isEmpty })
        // One edge far down the list: only the sets that hold a member have words.
        let edged = DependencyGraph(
            nodes: (0..<1_000).map { i in
                (name: "s\(i)", dependsOn: i == 5 ? ["s900"] : [String]())
            })
        #expect(edged.transitiveUpstreams(of: 5) == [900])
        #expect(edged.transitiveDownstreams(of: 900) == [5])
        #expect(edged.upstreamClosure[5].words.count == 900 / 64 + 1)
        #expect(edged.downstreamClosure[900].words.count == 1)
        #expect(edged.upstreamClosure.enumerated().allSatisfy { $0.offset == 5 || $0.element.words.isEmpty })
    }
}

@Suite("NodeSet")
struct NodeSetTests {
    @Test func growsOnInsertAndUnion() {
        var small = NodeSet()
        small.insert(3)
        var large = NodeSet(capacity: 10)
        large.insert(200)
        small.formUnion(large)
        #expect(small.members == [3, 200])
        #expect(small.contains(200) && !small.contains(199) && !small.contains(100_000))
        small.insert(-1)
        #expect(small.members == [3, 200])
    }

    @Test func equalityIgnoresTrailingEmptyWords() {
        var a = NodeSet()
        a.insert(1)
        var b = NodeSet()
        b.insert(1)
        b.insert(500)
        #expect(a != b)
        b.remove(500)
        #expect(a == b)
        #expect(b == a)
        b.remove(1)
        #expect(b == NodeSet())
        #expect(b.isEmpty)
    }

    @Test func intersectionOfDifferentLengths() {
        var a = NodeSet()
        [2, 70, 130].forEach { a.insert($0) }
        var b = NodeSet()
        b.insert(70)
        #expect(a.intersects(b) && b.intersects(a))
        var common: [Int] = []
        b.forEachCommonMember(with: a) { common.append($0) }
        #expect(common == [70])
        #expect(!a.intersects(NodeSet()))
    }
}
