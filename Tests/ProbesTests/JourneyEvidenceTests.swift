import Foundation
import Testing

@testable import Probes

/// A transaction that fails at a step naming an upstream makes that upstream the root cause, even
/// when its own probe is green or it has none.
@Suite("Journey evidence")
struct JourneyEvidenceTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func config(bureauProbe: Bool) throws -> ProbesConfig {
        let bureau = bureauProbe
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
        var result = ProbeResult(service: "journey", startedAt: time, status: step == nil ? .up : .down,
                                 latency: .milliseconds(20), error: step.map { "step \"\($0)\" failed: HTTP 503" },
                                 failure: step == nil ? nil : .condition)
        result.steps = [
            StepResult(name: "apply", status: .up, latency: .milliseconds(10)),
            StepResult(name: "credit check", status: step == "credit check" ? .down : .up, latency: .milliseconds(10),
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
        let merged = JourneyEvidence.merge(["bureau": own], blamed: ["bureau": [Self.start + 60]])
        #expect(merged["bureau"] == own)
        let green = JourneyEvidence.merge(["bureau": .healthy], blamed: ["bureau": [Self.start + 60, Self.start + 30]])
        #expect(green["bureau"]?.health == .unhealthy && green["bureau"]?.onset == Self.start + 30)
        #expect(green["bureau"]?.isJourneyEvidence == true)
    }
}
