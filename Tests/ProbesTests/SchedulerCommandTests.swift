import Foundation
import Testing

@testable import Probes

@Suite("ProbeScheduler commands and shutdown", .timeLimit(.minutes(1)))
struct SchedulerCommandTests {
    @Test func probeNowRunsAtOnceUnlessRunningAndKeepsTheGrid() async throws {
        let interval = Duration.seconds(60)
        let name = try #require(
            namesWithOffsets(1, prefix: "loan", interval: interval, offsetsIn: .seconds(10) ..< .seconds(50)).first)
        let offset = ProbeOffsets.startOffset(for: name, interval: interval)
        let harness = SchedulerHarness([scheduledService(name, interval: interval)], latency: .seconds(2))
        await harness.settle()

        harness.scheduler.probeNow(name)
        await harness.settle()
        #expect(harness.runner.starts(of: name) == [clockAt(.zero)])

        // Already running: ignored, not queued.
        harness.clock.advance(by: .seconds(1))
        harness.scheduler.probeNow(name)
        await harness.settle()
        harness.scheduler.probeNow("no-such-service")
        await harness.run(until: clockAt(offset + .seconds(2)))

        #expect(harness.runner.starts(of: name) == [clockAt(.zero), clockAt(offset)])
        let statistics = harness.scheduler.statistics
        #expect(statistics.started == 2)
        #expect(statistics.latenessHistogram.totalCount == 1)
        #expect(await harness.stop().count == 2)
    }

    @Test func probeNowWaitsForASlotAndIsNotDuplicated() async throws {
        let interval = Duration.seconds(10)
        let busy = try #require(
            namesWithOffsets(1, prefix: "busy", interval: interval, offsetsIn: .zero ..< .seconds(1)).first)
        let other = try #require(
            namesWithOffsets(1, prefix: "other", interval: interval, offsetsIn: .seconds(6) ..< .seconds(7)).first)
        let busyOffset = ProbeOffsets.startOffset(for: busy, interval: interval)
        let harness = SchedulerHarness(
            [busy, other].map { scheduledService($0, interval: interval) }, latency: .seconds(1),
            latencies: [busy: .seconds(3)], concurrencyLimit: 1)
        await harness.run(until: clockAt(busyOffset + .seconds(1)))

        harness.scheduler.probeNow(other)
        await harness.settle()
        harness.scheduler.probeNow(other)
        await harness.settle()
        #expect(harness.runner.starts(of: other).isEmpty)

        await harness.run(until: clockAt(busyOffset + .seconds(4.5)))
        #expect(harness.runner.starts(of: other) == [clockAt(busyOffset + .seconds(3))])
        _ = await harness.stop()
    }

    @Test func pauseStopsNewProbesAndResumeReturnsToTheGrid() async {
        let interval = Duration.seconds(10)
        let name = "card-issuance"
        let offset = ProbeOffsets.startOffset(for: name, interval: interval)
        let harness = SchedulerHarness([scheduledService(name, interval: interval)], latency: .seconds(3))
        await harness.run(until: clockAt(offset + .seconds(1)))

        harness.scheduler.pause()
        #expect(harness.scheduler.isPaused)
        await harness.run(until: clockAt(offset + .seconds(35)))
        #expect(harness.runner.starts(of: name) == [clockAt(offset)])

        harness.scheduler.resume()
        #expect(!harness.scheduler.isPaused)
        await harness.run(until: clockAt(offset + .seconds(45)))
        #expect(harness.runner.starts(of: name) == [clockAt(offset), clockAt(offset + .seconds(40))])

        // An explicit request still runs while paused.
        harness.scheduler.pause()
        harness.scheduler.probeNow(name)
        await harness.run(until: clockAt(offset + .seconds(70)))
        #expect(harness.runner.starts(of: name) == [0, 40, 45].map { clockAt(offset + .seconds($0)) })

        let statistics = harness.scheduler.statistics
        #expect(statistics.skippedTicks == 0)
        #expect(statistics.missedTicks == 0)
        // The probe in flight when paused finished and was delivered.
        #expect(await harness.stop().count == 3)
    }

    @Test func pauseDropsScheduledProbesWaitingForASlot() async throws {
        let interval = Duration.seconds(10)
        let long = try #require(
            namesWithOffsets(1, prefix: "long", interval: interval, offsetsIn: .zero ..< .seconds(1)).first)
        let short = try #require(
            namesWithOffsets(1, prefix: "short", interval: interval, offsetsIn: .seconds(2) ..< .seconds(3)).first)
        let longOffset = ProbeOffsets.startOffset(for: long, interval: interval)
        let harness = SchedulerHarness(
            [long, short].map { scheduledService($0, interval: interval) }, latency: .seconds(1),
            latencies: [long: .seconds(15)], concurrencyLimit: 1)
        // `short` is due while `long` holds the only slot: it waits.
        await harness.run(until: clockAt(longOffset + .seconds(4)))
        harness.scheduler.pause()
        // `long` finishes at 15; the slot frees, but nothing new starts while paused.
        await harness.run(until: clockAt(longOffset + .seconds(16)))
        #expect(harness.runner.starts(of: short).isEmpty)

        harness.scheduler.resume()
        await harness.run(until: clockAt(longOffset + .seconds(36)))
        #expect(harness.runner.starts(of: long) == [clockAt(longOffset), clockAt(longOffset + .seconds(20))])
        #expect(harness.runner.starts(of: short) == [clockAt(longOffset + .seconds(35))])
        _ = await harness.stop()
    }

    @Test func cancellationStopsCleanlyAndFinishesTheStream() async {
        let interval = Duration.seconds(10)
        let services = ["transfers", "gift-payment"].map { scheduledService($0, interval: interval) }
        let harness = SchedulerHarness(services, latency: .seconds(100))
        await harness.run(until: clockAt(.seconds(10)))
        #expect(harness.scheduler.statistics.inFlight == 2)

        let results = await harness.stop()
        // Probes cut short by shutdown are cancelled and their results dropped.
        #expect(results.isEmpty)
        #expect(harness.runner.cancelled == 2)
        #expect(harness.clock.sleeperCount == 0)
        let statistics = harness.scheduler.statistics
        #expect(statistics.started == 2)
        #expect(statistics.completed == 2)

        // Commands after shutdown are harmless; running again returns at once.
        harness.scheduler.probeNow("transfers")
        harness.scheduler.pause()
        await harness.scheduler.run()
        #expect(harness.runner.starts.count == 2)
    }

    @Test func resultsDeliveredBeforeShutdownAreKept() async {
        let interval = Duration.seconds(5)
        let harness = SchedulerHarness([scheduledService("point-portal", interval: interval)])
        await harness.run(until: clockAt(.seconds(30)))
        let results = await harness.stop()
        #expect(results.count == 6)
        #expect(results.allSatisfy { $0.service == "point-portal" && $0.status == .up })
        #expect(harness.clock.sleeperCount == 0)
    }

    @Test func secondRunReturnsAtOnce() async {
        let harness = SchedulerHarness([scheduledService("account-opening")])
        await harness.settle()
        await harness.scheduler.run()
        harness.clock.advance(by: .seconds(10))
        await harness.settle()
        #expect(harness.runner.starts.count == 1)
        _ = await harness.stop()
    }
}
