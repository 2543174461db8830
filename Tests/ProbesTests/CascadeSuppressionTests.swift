import Foundation
import Testing

@testable import Probes

@Suite("Cascade alert suppression")
struct CascadeSuppressionTests {
    typealias F = CascadeFixture

    private let outage = F.analyzer(F.bureauEstate).analyze(
        [
            "credit-bureau": F.down(0), "card-issuance": F.down(3), "gift-payment": F.down(6),
            "auth-vendor": F.down(1), "loan-application": F.down(5), "deposit-event": .slow(since: F.at(30)),
        ], now: F.at(60))

    @Test func rootNamesItselfAndIsNeverSuppressed() {
        let attribution = outage.alertAttribution(service: "credit-bureau", firing: ["credit-bureau"])
        #expect(attribution == AlertAttribution(rootCause: "credit-bureau", suppressed: false))
    }

    @Test func victimIsSuppressedWhenItsRootIsFiring() {
        let attribution = outage.alertAttribution(service: "gift-payment", firing: ["credit-bureau", "gift-payment"])
        #expect(attribution == AlertAttribution(rootCause: "credit-bureau", suppressed: true))
    }

    @Test func victimPagesWhileItsRootHasNoFiringAlert() {
        // The root's `down` alert is still pending (it needs two failed probes): page the victim.
        let attribution = outage.alertAttribution(service: "gift-payment", firing: ["gift-payment"])
        #expect(attribution == AlertAttribution(rootCause: "credit-bureau", suppressed: false))
    }

    @Test func victimOfTwoRootsNamesTheLargestFiringOne() {
        // loan-application needs both; the bureau's blast radius (3) beats the auth vendor's (2).
        #expect(outage.rootCauseNames.prefix(2) == ["credit-bureau", "auth-vendor"])
        let neither = outage.alertAttribution(service: "loan-application", firing: [])
        #expect(neither == AlertAttribution(rootCause: "credit-bureau", suppressed: false))
        let authOnly = outage.alertAttribution(service: "loan-application", firing: ["auth-vendor"])
        #expect(authOnly == AlertAttribution(rootCause: "auth-vendor", suppressed: true))
        let both = outage.alertAttribution(service: "loan-application", firing: ["auth-vendor", "credit-bureau"])
        #expect(both == AlertAttribution(rootCause: "credit-bureau", suppressed: true))
    }

    @Test func slowImpactedServiceIsSuppressedLikeAFailingOne() {
        let attribution = outage.alertAttribution(service: "deposit-event", firing: ["auth-vendor"])
        #expect(attribution == AlertAttribution(rootCause: "auth-vendor", suppressed: true))
    }

    @Test func healthyOrUnknownServiceHasNoRootCause() {
        let calm = F.analyzer(F.bureauEstate).analyze([:], now: F.at(0))
        #expect(
            calm.alertAttribution(service: "loan-application", firing: [])
                == AlertAttribution(rootCause: nil, suppressed: false))
        #expect(
            outage.alertAttribution(service: "ghost", firing: ["credit-bureau"])
                == AlertAttribution(rootCause: nil, suppressed: false))
    }

    @Test func slowServiceOutsideAnIncidentNamesItself() {
        let slow = F.analyzer(F.bureauEstate).analyze(["card-issuance": .slow(since: F.at(0))], now: F.at(10))
        #expect(
            slow.alertAttribution(service: "card-issuance", firing: [])
                == AlertAttribution(rootCause: "card-issuance", suppressed: false))
    }

    @Test func victimsOfARecoveredRootStaySuppressedDuringTheGrace() {
        let analyzer = F.analyzer(F.bureauEstate)
        let observations: [String: CascadeObservation] = [
            "credit-bureau": .recovered(at: F.at(100), troubledSince: F.at(0)), "card-issuance": F.down(5),
        ]
        // The bureau's alert is still firing (hysteresis), so the victim stays quiet.
        let grace = analyzer.analyze(observations, now: F.at(105))
        #expect(
            grace.alertAttribution(service: "card-issuance", firing: ["credit-bureau"])
                == AlertAttribution(rootCause: "credit-bureau", suppressed: true))
        // Past the grace the victim is its own root and pages.
        let after = analyzer.analyze(observations, now: F.at(200))
        #expect(
            after.alertAttribution(service: "card-issuance", firing: ["credit-bureau"])
                == AlertAttribution(rootCause: "card-issuance", suppressed: false))
    }

    @Test func victimsOfAnInferredRootNeedItsAlertToBeSuppressed() {
        let estate: [(String, [String])] = [("net", []), ("a", ["net"]), ("b", ["net"])]
        let cascade = F.analyzer(estate, unprobed: ["net"]).analyze(["a": F.down(0), "b": F.down(2)], now: F.at(9))
        #expect(
            cascade.alertAttribution(service: "a", firing: ["a", "b"])
                == AlertAttribution(rootCause: "net", suppressed: false))
        #expect(
            cascade.alertAttribution(service: "a", firing: ["net"])
                == AlertAttribution(rootCause: "net", suppressed: true))
    }
}
