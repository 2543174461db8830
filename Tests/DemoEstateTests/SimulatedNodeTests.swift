import Probes
import Testing

@testable import DemoEstate

/// A node's latency, queueing, errors and crowd, on a manual clock: no real waiting.
@Suite("Simulated node")
struct SimulatedNodeTests {
    static let steady = FaultProfile(capacity: 1, queueLimit: 1, latency: .milliseconds(100))

    @Test func queuedRequestWaitsForTheOneAheadAndTheNextIsTurnedAway() async throws {
        let clock = ManualClock()
        let node = SimulatedNode(name: "credit-bureau", profile: Self.steady, seed: 1, clock: clock)
        let first = Task { await node.serve { _ in clock.now } }
        await clock.waitForSleepers(count: 1)
        let second = Task { await node.serve { _ in clock.now } }
        await AdmissionGateTests.settle { node.gate.load.queued == 1 }
        let third = await node.serve { _ in clock.now }
        #expect(third.0 == .overloaded)
        clock.advance(by: .milliseconds(100))
        let firstDone = await first.value
        #expect(firstDone.0 == .served(Self.steady))
        #expect(firstDone.1 == ManualClock.Instant(offset: .milliseconds(100)))
        // The queued request starts its own 100 ms only now: it waited in line.
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .milliseconds(100))
        let secondDone = await second.value
        #expect(secondDone.1 == ManualClock.Instant(offset: .milliseconds(200)))
        #expect(node.gate.load == .init(busy: 0, queued: 0))
    }

    @Test func latencyStaysWithinBaseAndJitter() async throws {
        let clock = ManualClock()
        let latency = Latency.milliseconds(1200, jitter: 250)
        let profile = FaultProfile(capacity: 1, queueLimit: 0, latency: latency)
        let node = SimulatedNode(name: "credit-bureau", profile: profile, seed: 7, clock: clock)
        var delays: [Duration] = []
        for _ in 0..<20 {
            let start = clock.now
            let request = Task { await node.serve { _ in clock.now } }
            await clock.waitForSleepers(count: 1)
            clock.advanceToNextDeadline()
            let done = try #require(await request.value.1)
            delays.append(start.duration(to: done))
        }
        #expect(delays.allSatisfy { $0 >= .milliseconds(950) && $0 <= .milliseconds(1450) })
        #expect(Set(delays).count > 10, "jitter varies the latency")
    }

    @Test func sameSeedSameLatencies() {
        var a = SeededRandom(seed: 42, name: "point-portal")
        var b = SeededRandom(seed: 42, name: "point-portal")
        var c = SeededRandom(seed: 42, name: "credit-bureau")
        let first = (0..<8).map { _ in a.next() }
        #expect(first == (0..<8).map { _ in b.next() })
        #expect(first != (0..<8).map { _ in c.next() })
    }

    @Test func errorRateFailsAdmittedRequests() async {
        let clock = ManualClock()
        let profile = FaultProfile(capacity: 4, queueLimit: 0, latency: .milliseconds(0), errorRate: 1)
        let node = SimulatedNode(name: "card-network", profile: profile, seed: 1, clock: clock)
        let outcome = await node.serve { _ in true }
        #expect(outcome.0 == .failed)
        #expect(outcome.1 == nil)
        node.apply(profile.with(errorRate: 0))
        #expect(await node.serve { _ in true }.0 == .served(profile.with(errorRate: 0)))
    }

    /// Serves one request on the manual clock; returns what became of it and how long it took.
    static func timedServe(_ node: SimulatedNode, _ clock: ManualClock) async -> (SimulatedNode.Admission, Duration) {
        let start = clock.now
        let request = Task { await node.serve { _ in clock.now } }
        while true {
            await AdmissionGateTests.settle { clock.sleeperCount > 0 }
            guard clock.sleeperCount > 0 else { break }
            clock.advanceToNextDeadline()
        }
        let (admission, _) = await request.value
        return (admission, start.duration(to: clock.now))
    }

    @Test func crowdPastWorkersAndLineTurnsEveryRequestAway() async {
        let clock = ManualClock()
        let profile = FaultProfile(capacity: 2, queueLimit: 2, latency: .milliseconds(100), crowd: 40)
        let node = SimulatedNode(name: "deposit-event", profile: profile, seed: 1, clock: clock)
        for _ in 0..<50 {
            #expect(await node.serve { _ in true }.0 == .overloaded)
        }
        #expect(clock.now == .zero, "turned away at once")
    }

    @Test func growingCrowdQueuesRequestsBehindItFirst() async {
        let clock = ManualClock()
        // The point portal at launch: 20 customers for 4 workers; a request waits for its place.
        let profile = FaultProfile(capacity: 4, queueLimit: 28, latency: .milliseconds(80), crowd: 20)
        let node = SimulatedNode(name: "point-portal", profile: profile, seed: 1, clock: clock)
        var took: [Duration] = []
        for _ in 0..<30 {
            let (admission, duration) = await Self.timedServe(node, clock)
            #expect(admission == .served(profile))
            took.append(duration)
        }
        // 18…22 customers ahead, 4 served per 80 ms: 300…380 ms in line, then 80 ms served.
        #expect(took.allSatisfy { $0 >= .milliseconds(380) && $0 <= .milliseconds(460) })
        #expect(Set(took).count > 1, "the crowd a request meets varies")
    }

    @Test func crowdAtTheLimitFailsSomeRequestsAndNotOthers() async {
        let clock = ManualClock()
        let profile = FaultProfile(capacity: 4, queueLimit: 28, latency: .milliseconds(80), crowd: 32)
        let node = SimulatedNode(name: "point-portal", profile: profile, seed: 1, clock: clock)
        var turnedAway = 0
        for _ in 0..<200 where await Self.timedServe(node, clock).0 == .overloaded { turnedAway += 1 }
        #expect(turnedAway > 40 && turnedAway < 160, "intermittent: \(turnedAway) of 200 turned away")
    }

    @Test func crowdBelowCapacityCostsNothing() async {
        let clock = ManualClock()
        let profile = FaultProfile(capacity: 4, queueLimit: 28, latency: .milliseconds(80), crowd: 2)
        let node = SimulatedNode(name: "point-portal", profile: profile, seed: 1, clock: clock)
        let (admission, took) = await Self.timedServe(node, clock)
        #expect(admission == .served(profile))
        #expect(took == .milliseconds(80))
    }
}
