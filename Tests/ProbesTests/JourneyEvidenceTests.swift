import Foundation
import Testing

@testable import Probes

/// A transaction that fails at a step naming an upstream makes that upstream the root cause, even
/// when its own probe is green or it has none.
@Suite("Journey evidence")
struct JourneyEvidenceTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func config(bureauProbe: Bool) throws -> ProbesConfig {
        let bureau =
            bureauProbe
            ? #"{"name": "bureau", "probe": {"type": "http", "url": "http://127.0.0.1:1/health"}}"#
            : #"{"name": "bureau"}"#
        let json = """
            {"services": [\(bureau),
              {"name": "loans", "dependsOn": ["bureau"], "probe": {"type": "http", "url": "http://127.0.0.1:1/loans"}},
              {"name": "journey", "probe": {"type": "transaction", "steps": [
                {"name": "apply", "url": "http://127.0.0.1:1/apply"},
                {"name": "credit check", "url": "http://127.0.0.1:1/credit", "upstream": "bureau"}]}}
            ]}
            """
        return try ConfigLoader.load(data: Data(json.utf8), displayName: "probes.json", environment: [:])
    }

    static func journeyResult(failingAt step: String?, at time: Date) -> ProbeResult {
        var result = ProbeResult(
            service: "journey", startedAt: time, status: step == nil ? .up : .down,
            latency: .milliseconds(20), error: step.map { "step \"\($0)\" failed: HTTP 503" },
            failure: step == nil ? nil : .condition)
        result.steps = [
            StepResult(name: "apply", status: .up, latency: .milliseconds(10)),
            StepResult(
                name: "credit check", status: step == "credit check" ? .down : .up, latency: .milliseconds(10),
                upstream: "bureau"),
        ]
        return result
    }

    static func up(_ service: String, at time: Date) -> ProbeResult {
        ProbeResult(service: service, startedAt: time, status: .up, latency: .milliseconds(5))
    }

    @Test(arguments: [true, false])
    func theStepsUpstreamIsTheRootAndTheTransactionItsVictim(bureauProbe: Bool) throws {
        var monitor = Monitor(config: try Self.config(bureauProbe: bureauProbe))
        var now = Self.start
        if bureauProbe { _ = monitor.ingest(Self.up("bureau", at: now), now: now) }
        _ = monitor.ingest(Self.up("loans", at: now), now: now)
        _ = monitor.ingest(Self.journeyResult(failingAt: "credit check", at: now), now: now)
        now += 1
        _ = monitor.tick(now: now)
        let snapshot = monitor.snapshot(now: now)
        #expect(snapshot.incidents.map(\.rootCause) == ["bureau"], "\(snapshot.incidents)")
        #expect(snapshot.incidents.first?.impacted == ["journey"])
        #expect(snapshot.service(named: "journey")?.rootCauses == ["bureau"])
        // Loans stays out of it: it is healthy.
        #expect(snapshot.service(named: "loans")?.role == .healthy)

        // The journey passes again: the evidence is gone.
        now += 1
        _ = monitor.ingest(Self.journeyResult(failingAt: nil, at: now), now: now)
        _ = monitor.tick(now: now)
        #expect(monitor.snapshot(now: now).incidents.isEmpty, "\(monitor.snapshot(now: now).incidents)")
    }

    @Test func aFailureAtAStepWithoutAnUpstreamIsTheTransactionsOwn() throws {
        var monitor = Monitor(config: try Self.config(bureauProbe: true))
        let now = Self.start
        _ = monitor.ingest(Self.up("bureau", at: now), now: now)
        _ = monitor.ingest(Self.journeyResult(failingAt: "apply", at: now), now: now)
        var failed = Self.journeyResult(failingAt: nil, at: now)
        failed.status = .down
        failed.steps[0].status = .down
        _ = monitor.ingest(failed, now: now + 1)
        _ = monitor.tick(now: now + 2)
        #expect(monitor.snapshot(now: now + 2).incidents.map(\.rootCause) == ["journey"])
    }

    @Test func theUpstreamsOwnFailureKeepsItsOwnOnset() {
        let own = CascadeObservation.unhealthy(since: Self.start, failure: .refused)
        let merged = JourneyEvidence.merge(
            ["bureau": own], blames: [JourneyEvidence.Blame(upstream: "bureau", onset: Self.start + 60)])
        #expect(merged["bureau"] == own)
        let green = JourneyEvidence.merge(
            ["bureau": .healthy],
            blames: [
                JourneyEvidence.Blame(upstream: "bureau", onset: Self.start + 60),
                JourneyEvidence.Blame(upstream: "bureau", onset: Self.start + 30),
            ])
        #expect(green["bureau"]?.health == .unhealthy && green["bureau"]?.onset == Self.start + 30)
        #expect(green["bureau"]?.isJourneyEvidence == true)
    }

    @Test func blameThatStoppedIsARecoveryOfTheUpstream() {
        let merged = JourneyEvidence.merge(
            ["bureau": .healthy],
            blames: [
                JourneyEvidence.Blame(upstream: "bureau", onset: Self.start, recoveredAt: Self.start + 40)
            ])
        #expect(
            merged["bureau"]
                == {
                    var recovered = CascadeObservation.recovered(at: Self.start + 40, troubledSince: Self.start)
                    recovered.isJourneyEvidence = true
                    return recovered
                }())
    }

    /// A victim that is still failing when the journey stops blaming its upstream stays attributed
    /// to it for the recovery grace: it must not page as a root of its own (silent-wrong-charge:
    /// the journey, probed more often, sees the card network heal before gift-payment's next probe).
    @Test func aVictimStillFailingWhenTheJourneyRecoversKeepsItsRoot() throws {
        let json = """
            {"services": [
              {"name": "network", "probe": {"type": "http", "url": "http://127.0.0.1:1/health"}},
              {"name": "payment", "dependsOn": ["network"], "probe": {"type": "http", "url": "http://127.0.0.1:1/pay", "interval": "5s", "timeout": "1s"}},
              {"name": "journey", "probe": {"type": "transaction", "interval": "2s", "timeout": "1s", "steps": [
                {"name": "pay", "url": "http://127.0.0.1:1/pay", "upstream": "network"}]}}
            ]}
            """
        var monitor = Monitor(
            config: try ConfigLoader.load(
                data: Data(json.utf8), displayName: "probes.json",
                environment: [:]))
        var now = Self.start
        func journey(failing: Bool) -> ProbeResult {
            var result = ProbeResult(
                service: "journey", startedAt: now, status: failing ? .down : .up,
                latency: .milliseconds(5), error: failing ? #"step "pay" failed: HTTP 502"# : nil,
                failure: failing ? .condition : nil)
            result.steps = [
                StepResult(
                    name: "pay", status: failing ? .down : .up, latency: .milliseconds(5),
                    upstream: "network")
            ]
            return result
        }
        _ = monitor.ingest(Self.up("network", at: now), now: now)
        _ = monitor.ingest(journey(failing: true), now: now)
        _ = monitor.ingest(
            ProbeResult(
                service: "payment", startedAt: now, status: .down, latency: .milliseconds(5),
                error: "HTTP 502", failure: .condition), now: now)
        now += 10
        _ = monitor.ingest(journey(failing: false), now: now)
        _ = monitor.tick(now: now)
        let snapshot = monitor.snapshot(now: now)
        #expect(snapshot.service(named: "payment")?.rootCauses == ["network"], "\(snapshot.incidents)")
        #expect(snapshot.incidents.map(\.rootCause) == ["network"])
        #expect(snapshot.incidents.first?.cause == .recovered)
    }
}
