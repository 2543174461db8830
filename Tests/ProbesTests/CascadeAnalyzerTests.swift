import Foundation
import Testing

@testable import Probes

/// Shared fixtures: a virtual time line and compact graph builders.
enum CascadeFixture {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    /// Every node probed every `interval`, except those in `unprobed`.
    static func analyzer(
        _ nodes: [(String, [String])], unprobed: Set<String> = [], interval: Duration = .seconds(10),
        intervals: [String: Duration] = [:]
    ) -> CascadeAnalyzer {
        let graph = DependencyGraph(nodes: nodes.map { (name: $0.0, dependsOn: $0.1) })
        var probes: [String: Duration] = [:]
        for (name, _) in nodes where !unprobed.contains(name) { probes[name] = intervals[name] ?? interval }
        return CascadeAnalyzer(graph: graph, probeIntervals: probes)
    }

    static func down(_ seconds: Double, _ failure: FailureKind = .condition) -> CascadeObservation {
        .unhealthy(since: at(seconds), failure: failure)
    }

    /// Incident 3's estate: the credit bureau under loans and cards, cards under gift payment.
    static let bureauEstate: [(String, [String])] = [
        ("credit-bureau", []),
        ("auth-vendor", []),
        ("loan-application", ["credit-bureau", "auth-vendor"]),
        ("card-issuance", ["credit-bureau"]),
        ("gift-payment", ["card-issuance"]),
        ("deposit-event", ["auth-vendor"]),
    ]
}

@Suite("CascadeAnalyzer")
struct CascadeAnalyzerTests {
    typealias F = CascadeFixture

    @Test func singleRootWithChain() {
        let cascade = F.analyzer(F.bureauEstate).analyze(
            ["credit-bureau": F.down(0), "card-issuance": F.down(4), "gift-payment": F.down(9)], now: F.at(20))
        #expect(cascade.role(of: "credit-bureau") == .rootCause)
        #expect(cascade.rootCauses(of: "credit-bureau") == ["credit-bureau"])
        #expect(cascade.role(of: "card-issuance") == .impacted)
        #expect(cascade.rootCauses(of: "card-issuance") == ["credit-bureau"])
        #expect(cascade.rootCauses(of: "gift-payment") == ["credit-bureau"])
        #expect(cascade.role(of: "auth-vendor") == .healthy)
        #expect(cascade.rootCauses(of: "auth-vendor").isEmpty)
        #expect(
            cascade.incidents == [
                CascadeIncident(
                    rootCause: "credit-bureau", cause: .failing, impacted: ["card-issuance", "gift-payment"],
                    onset: F.at(0))
            ])
        #expect(cascade.incidents.first?.blastRadius == 2)
        #expect(cascade.incidents.first?.inferred == false)
    }

    @Test func diamondNamesTheTopOnce() {
        let analyzer = F.analyzer([("a", []), ("b", ["a"]), ("c", ["a"]), ("d", ["b", "c"])])
        let cascade = analyzer.analyze(
            ["a": F.down(0), "b": F.down(3), "c": F.down(5), "d": F.down(8)], now: F.at(10))
        #expect(cascade.rootCauseNames == ["a"])
        #expect(cascade.rootCauses(of: "d") == ["a"])
        #expect(cascade.incident(rootCause: "a")?.impacted == ["b", "c", "d"])
        #expect(cascade.incident(rootCause: "a")?.blastRadius == 3)
    }

    @Test func twoIndependentRootsAtOnce() {
        let cascade = F.analyzer(F.bureauEstate).analyze(
            [
                "credit-bureau": F.down(0), "card-issuance": F.down(2), "gift-payment": F.down(3),
                "auth-vendor": F.down(1), "deposit-event": F.down(4),
            ], now: F.at(10))
        #expect(cascade.rootCauseNames == ["credit-bureau", "auth-vendor"])
        #expect(cascade.incident(rootCause: "auth-vendor")?.impacted == ["deposit-event"])
        #expect(cascade.incident(rootCause: "credit-bureau")?.impacted == ["card-issuance", "gift-payment"])
    }

    @Test func serviceNeedingBothFailingRootsNamesBoth() {
        let cascade = F.analyzer(F.bureauEstate).analyze(
            ["credit-bureau": F.down(0), "auth-vendor": F.down(1), "loan-application": F.down(5)], now: F.at(10))
        #expect(cascade.rootCauses(of: "loan-application") == ["auth-vendor", "credit-bureau"])
        #expect(cascade.incident(rootCause: "credit-bureau")?.impacted == ["loan-application"])
        #expect(cascade.incident(rootCause: "auth-vendor")?.impacted == ["loan-application"])
    }

    @Test func failingBelowHealthyUpstreamsIsItsOwnRoot() {
        let cascade = F.analyzer(F.bureauEstate).analyze(["loan-application": F.down(0)], now: F.at(10))
        #expect(cascade.role(of: "loan-application") == .rootCause)
        #expect(cascade.rootCauses(of: "loan-application") == ["loan-application"])
        #expect(cascade.role(of: "credit-bureau") == .healthy)
        #expect(cascade.incidents.map(\.rootCause) == ["loan-application"])
        #expect(cascade.incidents.first?.impacted == [])
    }

    @Test func transitiveUpstreamExplainsThroughAHealthyMiddle() {
        // gift-payment → card-issuance (fine) → credit-bureau (down): still attributed upstream.
        let cascade = F.analyzer(F.bureauEstate).analyze(
            ["credit-bureau": F.down(0), "gift-payment": F.down(6)], now: F.at(10))
        #expect(cascade.rootCauses(of: "gift-payment") == ["credit-bureau"])
        #expect(cascade.role(of: "card-issuance") == .healthy)
    }

    @Test func onsetOrdering() {
        let analyzer = F.analyzer([("bureau", []), ("loans", ["bureau"])])
        let now = F.at(600)
        // Loans failed five minutes before the bureau: unrelated, two roots.
        let earlier = analyzer.analyze(["bureau": F.down(300), "loans": F.down(0)], now: now)
        #expect(earlier.role(of: "loans") == .rootCause)
        #expect(earlier.role(of: "bureau") == .rootCause)
        #expect(Set(earlier.rootCauseNames) == ["bureau", "loans"])
        // Failed just after: impacted.
        let after = analyzer.analyze(["bureau": F.down(300), "loans": F.down(305)], now: now)
        #expect(after.role(of: "loans") == .impacted)
        // Seen 20 s before the bureau, within the 30 s margin (probe phase): still impacted.
        let jitter = analyzer.analyze(["bureau": F.down(300), "loans": F.down(280)], now: now)
        #expect(jitter.rootCauses(of: "loans") == ["bureau"])
        // 31 s before: clearly before.
        let clearly = analyzer.analyze(["bureau": F.down(300), "loans": F.down(269)], now: now)
        #expect(clearly.role(of: "loans") == .rootCause)
    }

    @Test func onsetMarginGrowsWithTheUpstreamsInterval() {
        // A bureau probed every minute is seen failing up to a minute late: 2 × 60 s of margin.
        let analyzer = F.analyzer(
            [("bureau", []), ("loans", ["bureau"])], intervals: ["bureau": .seconds(60), "loans": .seconds(5)])
        let within = analyzer.analyze(["bureau": F.down(300), "loans": F.down(190)], now: F.at(400))
        #expect(within.role(of: "loans") == .impacted)
        let beyond = analyzer.analyze(["bureau": F.down(300), "loans": F.down(170)], now: F.at(400))
        #expect(beyond.role(of: "loans") == .rootCause)
    }

    @Test func slowUpstreamWithTimingOutDependents() {
        // Incident 3: the bureau slows at 07:00; loans time out, cards answer 503.
        let analyzer = F.analyzer(F.bureauEstate)
        let slowPhase = analyzer.analyze(
            [
                "credit-bureau": .slow(since: F.at(0)),
                "loan-application": F.down(20, .timeout),
                "card-issuance": F.down(25, .condition),
                "gift-payment": F.down(30, .timeout),
            ], now: F.at(40))
        #expect(slowPhase.role(of: "credit-bureau") == .slowRootCause)
        #expect(slowPhase.rootCauses(of: "credit-bureau") == ["credit-bureau"])
        #expect(
            slowPhase.incidents == [
                CascadeIncident(
                    rootCause: "credit-bureau", cause: .slow,
                    impacted: ["card-issuance", "gift-payment", "loan-application"], onset: F.at(0))
            ])
        // Then it stops answering; its spell began when it slowed, so the attribution holds.
        let deadPhase = analyzer.analyze(
            [
                "credit-bureau": F.down(0, .timeout),
                "loan-application": F.down(20, .timeout),
                "card-issuance": F.down(25, .condition),
                "gift-payment": F.down(30, .timeout),
            ], now: F.at(200))
        #expect(deadPhase.role(of: "credit-bureau") == .rootCause)
        #expect(deadPhase.incidents.map(\.blastRadius) == [3])
    }

    @Test func slowUpstreamDoesNotExplainABrokenConnection() {
        let cascade = F.analyzer(F.bureauEstate).analyze(
            ["credit-bureau": .slow(since: F.at(0)), "card-issuance": F.down(10, .refused)], now: F.at(20))
        #expect(cascade.role(of: "card-issuance") == .rootCause)
        // Slow on its own, it is a root of its own, with no victim.
        #expect(cascade.role(of: "credit-bureau") == .slowRootCause)
        #expect(cascade.incident(rootCause: "credit-bureau")?.impacted == [])
        #expect(cascade.rootCauses(of: "card-issuance") == ["card-issuance"])
        #expect(Set(cascade.rootCauseNames) == ["card-issuance", "credit-bureau"])
    }

    @Test func slowChainNamesTheSlowUpstream() {
        // Incident 3's first minutes: the bureau slows, cards slow behind it, gifts behind cards.
        let cascade = F.analyzer(F.bureauEstate).analyze(
            [
                "credit-bureau": .slow(since: F.at(0)), "card-issuance": .slow(since: F.at(5)),
                "gift-payment": .slow(since: F.at(9)),
            ], now: F.at(20))
        #expect(cascade.role(of: "credit-bureau") == .slowRootCause)
        #expect(cascade.role(of: "card-issuance") == .impacted)
        #expect(cascade.rootCauses(of: "card-issuance") == ["credit-bureau"])
        #expect(cascade.rootCauses(of: "gift-payment") == ["credit-bureau"])
        #expect(
            cascade.incidents == [
                CascadeIncident(
                    rootCause: "credit-bureau", cause: .slow, impacted: ["card-issuance", "gift-payment"],
                    onset: F.at(0))
            ])
    }

    @Test func victimSlowBeforeItsUpstreamIsItsOwnRoot() {
        // The card service was already slow a minute before the bureau slowed.
        let cascade = F.analyzer(F.bureauEstate).analyze(
            ["credit-bureau": .slow(since: F.at(100)), "card-issuance": .slow(since: F.at(40))], now: F.at(120))
        #expect(cascade.role(of: "card-issuance") == .slowRootCause)
        #expect(cascade.rootCauses(of: "card-issuance") == ["card-issuance"])
        #expect(cascade.role(of: "credit-bureau") == .slowRootCause)
        #expect(cascade.incidents.allSatisfy { $0.impacted.isEmpty })
    }

    @Test func slowServiceBehindFastUpstreamsIsItsOwnRoot() {
        let cascade = F.analyzer(F.bureauEstate).analyze(
            ["loan-application": .slow(since: F.at(3))], now: F.at(20))
        #expect(cascade.role(of: "loan-application") == .slowRootCause)
        #expect(cascade.rootCauses(of: "loan-application") == ["loan-application"])
        #expect(
            cascade.incidents == [
                CascadeIncident(rootCause: "loan-application", cause: .slow, impacted: [], onset: F.at(3))
            ])
    }

    @Test func slowDiamondNamesTheTopOnce() {
        let estate: [(String, [String])] = [
            ("bureau", []), ("loans", ["bureau"]), ("cards", ["bureau"]), ("portal", ["loans", "cards"]),
        ]
        let cascade = F.analyzer(estate).analyze(
            [
                "bureau": .slow(since: F.at(0)), "loans": .slow(since: F.at(4)), "cards": .slow(since: F.at(6)),
                "portal": .slow(since: F.at(8)),
            ], now: F.at(30))
        #expect(cascade.rootCauses(of: "portal") == ["bureau"])
        #expect(cascade.role(of: "loans") == .impacted)
        #expect(cascade.role(of: "cards") == .impacted)
        #expect(cascade.incidents.map(\.rootCause) == ["bureau"])
        #expect(cascade.incidents.first?.impacted == ["cards", "loans", "portal"])
    }

    @Test func slowRootThatGoesDownStaysOneIncident() {
        let analyzer = F.analyzer(F.bureauEstate)
        let slow = analyzer.analyze(
            [
                "credit-bureau": .slow(since: F.at(0)), "loan-application": .slow(since: F.at(6)),
                "card-issuance": .slow(since: F.at(8)),
            ], now: F.at(20))
        // The spell goes on: same onset, now failing; its victims time out.
        let down = analyzer.analyze(
            [
                "credit-bureau": F.down(0, .refused), "loan-application": F.down(6, .timeout),
                "card-issuance": .slow(since: F.at(8)),
            ], now: F.at(60))
        #expect(slow.incidents.map(\.cause) == [.slow])
        #expect(down.incidents.map(\.cause) == [.failing])
        #expect(slow.incidents.map(\.rootCause) == down.incidents.map(\.rootCause))
        #expect(slow.incidents.map(\.onset) == down.incidents.map(\.onset))
        #expect(slow.incidents.first?.impacted == down.incidents.first?.impacted)
        #expect(down.rootCauses(of: "card-issuance") == ["credit-bureau"])
    }

    @Test func probelessDependencyIsInferredFromSlowDependents() {
        let estate: [(String, [String])] = [
            ("card-network", []), ("card-issuance", ["card-network"]), ("gift-payment", ["card-network"]),
        ]
        let analyzer = F.analyzer(estate, unprobed: ["card-network"])
        let one = analyzer.analyze(["card-issuance": .slow(since: F.at(10))], now: F.at(30))
        #expect(one.role(of: "card-network") == .unobserved)
        #expect(one.role(of: "card-issuance") == .slowRootCause)
        let two = analyzer.analyze(
            ["card-issuance": .slow(since: F.at(10)), "gift-payment": .slow(since: F.at(13))], now: F.at(30))
        #expect(two.role(of: "card-network") == .inferredRootCause)
        #expect(two.rootCauses(of: "gift-payment") == ["card-network"])
        #expect(
            two.incidents == [
                CascadeIncident(
                    rootCause: "card-network", cause: .inferred, impacted: ["card-issuance", "gift-payment"],
                    onset: F.at(10))
            ])
    }

    @Test func slowVictimsStayWithARecoveredRootForTheGracePeriod() {
        let analyzer = F.analyzer(F.bureauEstate)
        let observations: [String: CascadeObservation] = [
            "credit-bureau": .recovered(at: F.at(100), troubledSince: F.at(0)),
            "card-issuance": .slow(since: F.at(5)),
            "loan-application": .recovered(at: F.at(104), troubledSince: F.at(6)),
        ]
        let within = analyzer.analyze(observations, now: F.at(120))
        #expect(within.role(of: "credit-bureau") == .recoveredRootCause)
        #expect(within.rootCauses(of: "card-issuance") == ["credit-bureau"])
        // A victim that recovered has left the incident.
        #expect(within.role(of: "loan-application") == .healthy)
        #expect(within.incidents.first?.impacted == ["card-issuance"])
        // Still slow well after the grace period: its own problem now.
        let after = analyzer.analyze(observations, now: F.at(200))
        #expect(after.role(of: "card-issuance") == .slowRootCause)
        #expect(after.role(of: "credit-bureau") == .healthy)
        // Everyone back: no incident left.
        let back = analyzer.analyze(
            observations.merging(["card-issuance": .recovered(at: F.at(110), troubledSince: F.at(5))]) { $1 },
            now: F.at(120))
        #expect(back.incidents.isEmpty)
    }

    @Test func slowBecauseOfAFailingUpstreamIsImpacted() {
        let cascade = F.analyzer(F.bureauEstate).analyze(
            ["credit-bureau": F.down(0), "card-issuance": .slow(since: F.at(3))], now: F.at(20))
        #expect(cascade.role(of: "card-issuance") == .impacted)
        #expect(cascade.incident(rootCause: "credit-bureau")?.impacted == ["card-issuance"])
    }

    @Test func probelessDependencyIsInferredFromTwoFailingDependents() {
        let estate: [(String, [String])] = [
            ("card-network", []), ("card-issuance", ["card-network"]), ("gift-payment", ["card-network"]),
            ("points", ["card-network"]),
        ]
        let analyzer = F.analyzer(estate, unprobed: ["card-network"])
        let two = analyzer.analyze(["card-issuance": F.down(10), "gift-payment": F.down(14)], now: F.at(30))
        #expect(two.role(of: "card-network") == .inferredRootCause)
        #expect(two.rootCauses(of: "card-network") == ["card-network"])
        #expect(two.rootCauses(of: "gift-payment") == ["card-network"])
        #expect(
            two.incidents == [
                CascadeIncident(
                    rootCause: "card-network", cause: .inferred, impacted: ["card-issuance", "gift-payment"],
                    onset: F.at(10))
            ])
        #expect(two.incidents.first?.inferred == true)

        let one = analyzer.analyze(["gift-payment": F.down(14)], now: F.at(30))
        #expect(one.role(of: "card-network") == .unobserved)
        #expect(one.role(of: "gift-payment") == .rootCause)
        #expect(one.rootCauseNames == ["gift-payment"])
    }

    @Test func inferenceNeedsFailuresThatBeganTogether() {
        let estate: [(String, [String])] = [("net", []), ("a", ["net"]), ("b", ["net"]), ("c", ["net"])]
        let analyzer = F.analyzer(estate, unprobed: ["net"])
        let apart = analyzer.analyze(["a": F.down(0), "b": F.down(3600)], now: F.at(3700))
        #expect(apart.role(of: "net") == .unobserved)
        #expect(Set(apart.rootCauseNames) == ["a", "b"])
        // b and c fail together an hour after a: net is inferred from them; a stays its own.
        let later = analyzer.analyze(["a": F.down(0), "b": F.down(3600), "c": F.down(3610)], now: F.at(3700))
        #expect(later.role(of: "net") == .inferredRootCause)
        #expect(later.incident(rootCause: "net")?.impacted == ["b", "c"])
        #expect(later.role(of: "a") == .rootCause)
    }

    @Test func noInferenceWhenAProbedUpstreamExplains() {
        let estate: [(String, [String])] = [
            ("bureau", []), ("net", []), ("loans", ["bureau", "net"]), ("cards", ["bureau", "net"]),
        ]
        let cascade = F.analyzer(estate, unprobed: ["net"]).analyze(
            ["bureau": F.down(0), "loans": F.down(5), "cards": F.down(6)], now: F.at(20))
        #expect(cascade.role(of: "net") == .unobserved)
        #expect(cascade.rootCauseNames == ["bureau"])
    }

    @Test func noInferenceFromOneFailureChain() {
        // gift-payment fails because card-issuance does: one unexplained failure, not two.
        let estate: [(String, [String])] = [("net", []), ("cards", ["net"]), ("gift", ["cards"])]
        let cascade = F.analyzer(estate, unprobed: ["net"]).analyze(
            ["cards": F.down(0), "gift": F.down(4)], now: F.at(20))
        #expect(cascade.role(of: "net") == .unobserved)
        #expect(cascade.rootCauseNames == ["cards"])
        #expect(cascade.rootCauses(of: "gift") == ["cards"])
    }

    @Test func nearestProbelessDependencyIsInferredFirst() {
        // q ← p ← {b, c}, and q ← e: p explains b and c; e alone is no evidence against q.
        let estate: [(String, [String])] = [
            ("q", []), ("p", ["q"]), ("b", ["p"]), ("c", ["p"]), ("e", ["q"]),
        ]
        let cascade = F.analyzer(estate, unprobed: ["p", "q"]).analyze(
            ["b": F.down(0), "c": F.down(2), "e": F.down(4)], now: F.at(20))
        #expect(cascade.role(of: "p") == .inferredRootCause)
        #expect(cascade.role(of: "q") == .unobserved)
        #expect(cascade.role(of: "e") == .rootCause)
        #expect(cascade.rootCauseNames == ["p", "e"])
    }

    @Test func inferredRootAlsoExplainsWhatItsDependentsTakeDown() {
        let estate: [(String, [String])] = [("net", []), ("a", ["net"]), ("b", ["net"]), ("c", ["a"])]
        let cascade = F.analyzer(estate, unprobed: ["net"]).analyze(
            ["a": F.down(0), "b": F.down(5), "c": F.down(7)], now: F.at(20))
        #expect(
            cascade.incidents == [
                CascadeIncident(rootCause: "net", cause: .inferred, impacted: ["a", "b", "c"], onset: F.at(0))
            ])
    }

    @Test func rootRecoversBeforeItsVictims() {
        let analyzer = F.analyzer(F.bureauEstate)
        let bureau = CascadeObservation.recovered(at: F.at(100), troubledSince: F.at(0))
        let victims: [String: CascadeObservation] = [
            "credit-bureau": bureau, "card-issuance": F.down(5), "gift-payment": F.down(8),
        ]
        // 10 s after the bureau recovered the victims have not been probed again yet.
        let grace = analyzer.analyze(victims, now: F.at(110))
        #expect(grace.role(of: "credit-bureau") == .recoveredRootCause)
        #expect(grace.rootCauses(of: "card-issuance") == ["credit-bureau"])
        #expect(
            grace.incidents == [
                CascadeIncident(
                    rootCause: "credit-bureau", cause: .recovered, impacted: ["card-issuance", "gift-payment"],
                    onset: F.at(0))
            ])
        // A minute later (grace: 2 × 10 s, at least 30 s) card issuance is stuck on its own.
        let stuck = analyzer.analyze(victims, now: F.at(160))
        #expect(stuck.role(of: "credit-bureau") == .healthy)
        #expect(stuck.rootCauseNames == ["card-issuance"])
        #expect(stuck.rootCauses(of: "gift-payment") == ["card-issuance"])
    }

    @Test func failureAfterTheRootRecoveredIsNotItsVictim() {
        let cascade = F.analyzer(F.bureauEstate).analyze(
            [
                "credit-bureau": .recovered(at: F.at(100), troubledSince: F.at(0)),
                "card-issuance": F.down(105),
            ], now: F.at(110))
        #expect(cascade.role(of: "card-issuance") == .rootCause)
        #expect(cascade.role(of: "credit-bureau") == .healthy)
    }

    @Test func recoveredMiddleDoesNotHideAFailingTop() {
        // a still down, b recovered, c still down: c is a's victim, not b's.
        let analyzer = F.analyzer([("a", []), ("b", ["a"]), ("c", ["b"])])
        let cascade = analyzer.analyze(
            ["a": F.down(0), "b": .recovered(at: F.at(50), troubledSince: F.at(3)), "c": F.down(6)], now: F.at(55))
        #expect(cascade.rootCauses(of: "c") == ["a"])
        #expect(cascade.role(of: "b") == .healthy)
        #expect(cascade.rootCauseNames == ["a"])
    }

    @Test func victimsRecoverBeforeTheRoot() {
        let cascade = F.analyzer(F.bureauEstate).analyze(
            ["credit-bureau": F.down(0), "card-issuance": .recovered(at: F.at(90), troubledSince: F.at(5))],
            now: F.at(100))
        #expect(cascade.role(of: "card-issuance") == .healthy)
        #expect(
            cascade.incidents == [
                CascadeIncident(rootCause: "credit-bureau", cause: .failing, impacted: [], onset: F.at(0))
            ])
    }

    @Test func incidentsRankByBlastRadiusThenOnsetThenName() {
        let estate: [(String, [String])] = [
            ("small", []), ("big", []), ("tie-b", []), ("tie-a", []), ("late", []),
            ("s1", ["small"]), ("b1", ["big"]), ("b2", ["big"]), ("b3", ["big"]),
            ("ta1", ["tie-a"]), ("tb1", ["tie-b"]), ("l1", ["late"]),
        ]
        let cascade = F.analyzer(estate).analyze(
            [
                "small": F.down(5), "s1": F.down(6),
                "big": F.down(9), "b1": F.down(10), "b2": F.down(10), "b3": F.down(10),
                "tie-a": F.down(5), "ta1": F.down(6), "tie-b": F.down(5), "tb1": F.down(6),
                "late": F.down(7), "l1": F.down(8),
            ], now: F.at(20))
        #expect(cascade.rootCauseNames == ["big", "small", "tie-a", "tie-b", "late"])
        #expect(cascade.incidents.map(\.blastRadius) == [3, 1, 1, 1, 1])
    }

    @Test func observationsAreMappedAndFiltered() {
        #expect(CascadeObservation(status: .up).health == .healthy)
        #expect(CascadeObservation(status: .up, latencyOverThreshold: true).health == .slow)
        #expect(CascadeObservation(status: .degraded).health == .slow)
        #expect(CascadeObservation(status: .unknown).health == .unhealthy)
        #expect(CascadeObservation(status: .down, failure: .timeout).isTimingOut)
        let analyzer = F.analyzer([("net", []), ("a", ["net"])], unprobed: ["net"])
        // Unknown names and observations of probe-less nodes are ignored; a missing one is healthy.
        let cascade = analyzer.analyze(["ghost": F.down(0), "net": F.down(0)], now: F.at(5))
        #expect(cascade.incidents.isEmpty)
        #expect(cascade.nodes.map(\.role) == [.unobserved, .healthy])
    }

    @Test func observationsByIndexMatchObservationsByName() {
        let analyzer = F.analyzer(F.bureauEstate)
        let byName = analyzer.analyze(["credit-bureau": F.down(0), "gift-payment": F.down(3)], now: F.at(9))
        var byIndex = [CascadeObservation?](repeating: nil, count: 8)
        byIndex[0] = F.down(0)
        byIndex[4] = F.down(3)
        byIndex[7] = F.down(1)
        #expect(analyzer.analyze(byIndex: byIndex, now: F.at(9)) == byName)
        #expect(byName.rootCauses(of: "gift-payment") == ["credit-bureau"])
    }

    @Test func buildsFromConfig() throws {
        let tcp = ProbeConfig(
            kind: .tcp(TCPProbe(host: "127.0.0.1", port: 1)), interval: .seconds(60), timeout: .seconds(1))
        let config = ProbesConfig(
            defaults: .standard, slo: .standard,
            services: [
                ServiceConfig(name: "net", probe: nil),
                ServiceConfig(name: "a", dependsOn: ["net"], probe: tcp),
                ServiceConfig(name: "b", dependsOn: ["net"], probe: tcp),
            ], redactor: Redactor())
        let cascade = CascadeAnalyzer(config: config).analyze(["a": F.down(0), "b": F.down(100)], now: F.at(120))
        // 60 s intervals give 120 s of margin, so failures 100 s apart count as together.
        #expect(cascade.role(of: "net") == .inferredRootCause)
        #expect(cascade.nodes.count == 3)
    }

    @Test func cyclesNeverCrashTheAnalysis() {
        let analyzer = F.analyzer([("a", ["b"]), ("b", ["a"]), ("c", ["c"]), ("d", ["a"])])
        let cascade = analyzer.analyze(["a": F.down(0), "b": F.down(1), "c": F.down(2), "d": F.down(3)], now: F.at(5))
        for node in cascade.nodes { #expect(!node.rootCauses.isEmpty) }
        #expect(cascade.role(of: "c") == .rootCause)
        #expect(!cascade.incidents.isEmpty)
    }

    @Test func largeEstateInOneOutage() {
        // 1,000 nodes: 10 upstreams, 990 services each needing two of them; upstream 0 fails.
        var nodes: [(String, [String])] = (0..<10).map { ("up\($0)", []) }
        for i in 0..<990 { nodes.append(("svc\(i)", ["up\(i % 10)", "up\((i + 1) % 10)"])) }
        let analyzer = F.analyzer(nodes)
        var observations: [String: CascadeObservation] = ["up0": F.down(0)]
        for i in 0..<990 where i % 10 == 0 || i % 10 == 9 { observations["svc\(i)"] = F.down(5) }
        let cascade = analyzer.analyze(observations, now: F.at(10))
        #expect(cascade.rootCauseNames == ["up0"])
        #expect(cascade.incidents.first?.blastRadius == 198)
    }
}
