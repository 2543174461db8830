import Foundation
import Synchronization
import Testing

@testable import Probes

// MARK: - Support

/// A probe runner whose probes take scripted (virtual) time on a ``ManualClock`` and that
/// records when each probe started and how many ran at once.
final class ScriptedProbeRunner: ProbeRunner, Sendable {
    struct Start: Sendable, Equatable {
        var service: String
        var at: ManualClock.Instant
        var startedAt: Date
    }

    private struct Log {
        var starts: [Start] = []
        var inFlight = 0
        var maxInFlight = 0
        var cancelled = 0
    }

    let clock: ManualClock
    private let latency: Duration
    private let latencies: [String: Duration]
    private let log = Mutex(Log())
    /// Services whose probes answer `down` from now on.
    let failing = Mutex<Set<String>>([])

    init(clock: ManualClock, latency: Duration = .zero, latencies: [String: Duration] = [:]) {
        self.clock = clock
        self.latency = latency
        self.latencies = latencies
    }

    func run(_ service: ServiceConfig, startedAt: Date) async -> ProbeResult {
        let begin = clock.now
        let latency = latencies[service.name] ?? latency
        log.withLock { log in
            log.starts.append(Start(service: service.name, at: begin, startedAt: startedAt))
            log.inFlight += 1
            log.maxInFlight = max(log.maxInFlight, log.inFlight)
        }
        var status = ProbeStatus.up
        do {
            try await clock.sleep(until: begin.advanced(by: latency))
        } catch {
            status = .unknown
            log.withLock { $0.cancelled += 1 }
        }
        log.withLock { $0.inFlight -= 1 }
        if status == .up, failing.withLock({ $0.contains(service.name) }) {
            return ProbeResult(
                service: service.name, startedAt: startedAt, status: .down, latency: latency,
                error: "connection refused", failure: .refused)
        }
        return ProbeResult(service: service.name, startedAt: startedAt, status: status, latency: latency)
    }

    var starts: [Start] { log.withLock { $0.starts } }
    func starts(of service: String) -> [ManualClock.Instant] { starts.filter { $0.service == service }.map(\.at) }
    var maxInFlight: Int { log.withLock { $0.maxInFlight } }
    var cancelled: Int { log.withLock { $0.cancelled } }
}

/// A scheduler running on a manual clock with a scripted runner, and a collector of its results.
final class SchedulerHarness: Sendable {
    static let wallStart = Date(timeIntervalSince1970: 1_700_000_000)

    let clock: ManualClock
    let runner: ScriptedProbeRunner
    let scheduler: ProbeScheduler<ManualClock>
    private let runTask: Task<Void, Never>
    private let collector: Task<[ProbeResult], Never>
    private let tally = Tally()

    /// What reached the closure of ``ProbeScheduler/run(delivering:)``, and how many results the
    /// stream carried.
    private final class Tally: Sendable {
        let delivered = Mutex<[ProbeResult]>([])
        let streamed = Mutex(0)
    }

    /// - Parameter delivering: run with ``ProbeScheduler/run(delivering:)`` (as the engine does)
    ///   instead of reading ``ProbeScheduler/results``.
    init(
        _ services: [ServiceConfig], latency: Duration = .zero, latencies: [String: Duration] = [:],
        concurrencyLimit: Int = 256, coalescingWindow: Duration = .zero, clock: ManualClock = ManualClock(),
        delivering: Bool = false, before: (ManualClock) -> Void = { _ in }
    ) {
        self.clock = clock
        runner = ScriptedProbeRunner(clock: clock, latency: latency, latencies: latencies)
        let scheduler = ProbeScheduler(
            services: services, runner: runner, clock: clock, wallStart: Self.wallStart,
            concurrencyLimit: concurrencyLimit, coalescingWindow: coalescingWindow)
        self.scheduler = scheduler
        before(clock)
        let tally = self.tally
        collector = Task {
            var results: [ProbeResult] = []
            for await result in scheduler.results { results.append(result) }
            tally.streamed.withLock { $0 = results.count }
            return results + tally.delivered.withLock { $0 }
        }
        if delivering {
            runTask = Task {
                await scheduler.run(delivering: { result in tally.delivered.withLock { $0.append(result) } })
            }
        } else {
            runTask = Task { await scheduler.run() }
        }
    }

    /// Results read from ``ProbeScheduler/results`` (after ``stop()``).
    var streamedCount: Int { tally.streamed.withLock { $0 } }

    /// Waits until the schedule is quiet: the loop waits, its timer and every probe in flight
    /// are parked on the clock. No real time passes; only tasks that are already runnable run.
    func settle(sourceLocation: SourceLocation = #_sourceLocation) async {
        for _ in 0..<1_000_000 {
            let sleepers = clock.sleeperCount
            let (inFlight, isWaiting) = scheduler.loopState
            if isWaiting && sleepers == inFlight + 1 { return }
            await Task.yield()
        }
        Issue.record("the scheduler never settled", sourceLocation: sourceLocation)
    }

    /// Steps the clock from deadline to deadline up to `instant`, settling after each.
    func run(until instant: ManualClock.Instant) async {
        await settle()
        while let next = clock.nextDeadline, next <= instant {
            clock.advance(to: next)
            await settle()
        }
        clock.advance(to: instant)
        await settle()
    }

    /// Stops the scheduler and returns every result it delivered.
    func stop() async -> [ProbeResult] {
        runTask.cancel()
        await runTask.value
        return await collector.value
    }
}

func scheduledService(_ name: String, interval: Duration = .seconds(10)) -> ServiceConfig {
    let tcp = TCPProbe(host: "127.0.0.1", port: 9)
    return ServiceConfig(name: name, probe: ProbeConfig(kind: .tcp(tcp), interval: interval, timeout: .seconds(2)))
}

/// The first `count` names `prefix-N` whose start offset for `interval` lies in `range`.
func namesWithOffsets(
    _ count: Int, prefix: String, interval: Duration, offsetsIn range: Range<Duration>
) -> [String] {
    (0..<100_000).lazy.map { "\(prefix)-\($0)" }
        .filter { range.contains(ProbeOffsets.startOffset(for: $0, interval: interval)) }
        .prefix(count).map { $0 }
}

func clockAt(_ duration: Duration) -> ManualClock.Instant { ManualClock.Instant(offset: duration) }

// MARK: - Offsets

@Suite("Probe start offsets")
struct SchedulerOffsetTests {
    @Test func fnv1aMatchesTheReferenceVectors() {
        #expect(ProbeOffsets.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(ProbeOffsets.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(ProbeOffsets.fnv1a64("foobar") == 0x8594_4171_f739_67e8)
    }

    @Test func offsetsAreStableAndWithinTheInterval() {
        let interval = Duration.seconds(10)
        let offset = ProbeOffsets.startOffset(for: "credit-bureau", interval: interval)
        #expect(offset == ProbeOffsets.startOffset(for: "credit-bureau", interval: interval))
        #expect(offset >= .zero && offset < interval)
        #expect(offset != ProbeOffsets.startOffset(for: "card-network", interval: interval))
        // The same fraction of any interval.
        let doubled = ProbeOffsets.startOffset(for: "credit-bureau", interval: interval * 2)
        #expect(abs((doubled - offset * 2).wholeNanoseconds) <= 2)
    }

    @Test func fiveHundredProbesSpreadAcrossTheInterval() {
        let interval = Duration.seconds(10)
        let offsets = (0..<500).map { ProbeOffsets.startOffset(for: "service-\($0)", interval: interval) }
        #expect(offsets.allSatisfy { $0 >= .zero && $0 < interval })
        #expect(Set(offsets).count == 500)
        var perSecond = [Int](repeating: 0, count: 10)
        var perTenth = [Int](repeating: 0, count: 100)
        for offset in offsets {
            perSecond[Int(offset.seconds)] += 1
            perTenth[Int(offset.seconds * 10)] += 1
        }
        // 50 expected per second and 5 per 100 ms, as random; a clump would be a flash crowd.
        #expect(perSecond.allSatisfy { (25...75).contains($0) }, "\(perSecond)")
        #expect(perTenth.max() ?? 0 <= 15, "\(perTenth)")
    }

    @Test func tinyAndHugeIntervalsDoNotTrap() {
        #expect(ProbeOffsets.startOffset(for: "x", interval: .zero) == .zero)
        #expect(ProbeOffsets.startOffset(for: "x", interval: .nanoseconds(-5)) == .zero)
        let huge = Duration.seconds(Int64.max)
        #expect(ProbeOffsets.startOffset(for: "x", interval: huge) >= .zero)
    }
}

// MARK: - Scheduling

@Suite("ProbeScheduler cadence", .timeLimit(.minutes(1)))
struct SchedulerCadenceTests {
    @Test func probesFirstStartAtTheirOffsetsAndKeepTheirCadence() async {
        let intervals: [String: Duration] = ["alpha": .seconds(10), "beta": .seconds(7), "gamma": .milliseconds(2500)]
        let harness = SchedulerHarness(intervals.map { scheduledService($0.key, interval: $0.value) })
        await harness.run(until: clockAt(.seconds(100)))

        for (name, interval) in intervals {
            let offset = ProbeOffsets.startOffset(for: name, interval: interval)
            let expected = (0...).lazy.map { offset + interval * $0 }.prefix { $0 <= .seconds(100) }.map(clockAt)
            #expect(harness.runner.starts(of: name) == Array(expected), "\(name)")
        }
        let statistics = harness.scheduler.statistics
        #expect(statistics.skippedTicks == 0)
        #expect(statistics.missedTicks == 0)
        #expect(statistics.maxLateness == .zero)
        #expect(statistics.started == harness.runner.starts.count)

        let results = await harness.stop()
        #expect(results.count == harness.runner.starts.count)
        #expect(harness.scheduler.statistics.completed == results.count)
    }

    @Test func resultTimestampsComeFromTheWallStartPlusClockTime() async throws {
        let interval = Duration.seconds(30)
        let offset = ProbeOffsets.startOffset(for: "auth-vendor", interval: interval)
        // The clock does not start at zero, and runs 5 s between creating and running the scheduler.
        let harness = SchedulerHarness(
            [scheduledService("auth-vendor", interval: interval)], clock: ManualClock(now: clockAt(.seconds(1000)))
        ) { clock in clock.advance(by: .seconds(5)) }
        await harness.run(until: clockAt(.seconds(1000) + .seconds(5) + offset + interval))
        let results = await harness.stop()

        try #require(results.count == 2)
        let first = SchedulerHarness.wallStart.addingTimeInterval((Duration.seconds(5) + offset).seconds)
        #expect(abs(results[0].startedAt.timeIntervalSince(first)) < 1e-6)
        #expect(abs(results[1].startedAt.timeIntervalSince(first) - interval.seconds) < 1e-6)
        #expect(results.map(\.service) == ["auth-vendor", "auth-vendor"])
    }

    /// The engine's way: each result goes to a closure, the same results at the same times as
    /// through the stream, which then carries nothing and still finishes.
    @Test func deliveringToAClosureGivesTheSameResultsAsTheStream() async {
        let services = ["alpha", "beta", "gamma"].map { scheduledService($0, interval: .seconds(3)) }
        var runs: [[String]] = []
        for delivering in [false, true] {
            let harness = SchedulerHarness(services, latency: .milliseconds(200), delivering: delivering)
            harness.runner.failing.withLock { $0 = ["beta"] }
            await harness.run(until: clockAt(.seconds(20)))
            let results = await harness.stop()
            #expect(harness.streamedCount == (delivering ? 0 : results.count))
            #expect(harness.scheduler.statistics.completed == results.count)
            runs.append(
                results.map { "\($0.service) \($0.startedAt.timeIntervalSince1970) \($0.status)" }.sorted())
        }
        #expect(runs[0].count >= 18)
        #expect(runs[0] == runs[1])
        #expect(runs[1].contains { $0.hasPrefix("beta ") && $0.hasSuffix(" down") })
    }

    @Test func slowProbeNeverOverlapsItselfAndStaysOnItsGrid() async {
        let interval = Duration.seconds(10)
        let offset = ProbeOffsets.startOffset(for: "credit-bureau", interval: interval)
        let harness = SchedulerHarness(
            [scheduledService("credit-bureau", interval: interval)], latency: .seconds(25))
        await harness.run(until: clockAt(offset + .seconds(65)))

        // Runs at 0, skips 10 and 20 (still running), runs at 30 (next tick after it ended at 25), ...
        let expected = [0, 30, 60].map { clockAt(offset + .seconds($0)) }
        #expect(harness.runner.starts(of: "credit-bureau") == expected)
        #expect(harness.runner.maxInFlight == 1)
        let statistics = harness.scheduler.statistics
        #expect(statistics.skippedTicks == 4)
        #expect(statistics.maxLateness == .zero)
        _ = await harness.stop()
    }

    @Test func slowProbeDoesNotDelayOthers() async {
        let interval = Duration.seconds(10)
        let fast = ["point-portal", "card-network", "gift-payment"]
        let harness = SchedulerHarness(
            (fast + ["credit-bureau"]).map { scheduledService($0, interval: interval) },
            latency: .seconds(1), latencies: ["credit-bureau": .seconds(35)], concurrencyLimit: 8)
        await harness.run(until: clockAt(.seconds(100)))

        for name in fast {
            let offset = ProbeOffsets.startOffset(for: name, interval: interval)
            #expect(harness.runner.starts(of: name) == (0..<10).map { clockAt(offset + interval * $0) }, "\(name)")
        }
        #expect(harness.runner.starts(of: "credit-bureau").count == 3)
        #expect(harness.scheduler.statistics.skippedTicks == 7)
        #expect(harness.scheduler.statistics.maxLateness == .zero)
        _ = await harness.stop()
    }

    @Test func probeWaitingForASlotStartsLateInDueOrder() async {
        let interval = Duration.seconds(10)
        // Four probes due within the first second, one slot, one second each: a queue.
        let queued = namesWithOffsets(4, prefix: "queued", interval: interval, offsetsIn: .zero ..< .seconds(1))
        let harness = SchedulerHarness(
            queued.map { scheduledService($0, interval: interval) }, latency: .seconds(1), concurrencyLimit: 1)
        await harness.run(until: clockAt(.seconds(25)))

        let byOffset = queued.sorted { left, right in
            ProbeOffsets.startOffset(for: left, interval: interval)
                < ProbeOffsets.startOffset(for: right, interval: interval)
        }
        let first = ProbeOffsets.startOffset(for: byOffset[0], interval: interval)
        for (position, name) in byOffset.enumerated() {
            let starts = [0, 10, 20].map { clockAt(first + .seconds($0 + position)) }
            #expect(harness.runner.starts(of: name) == starts, "\(name) at \(position)")
        }
        #expect(harness.runner.maxInFlight == 1)
        let statistics = harness.scheduler.statistics
        #expect(statistics.maxInFlight == 1)
        #expect(statistics.skippedTicks == 0)
        #expect(statistics.maxLateness > .seconds(2))
        #expect(statistics.maxLateness < .seconds(3))
        _ = await harness.stop()
    }

    @Test func concurrencyLimitIsNeverExceededUnderOverload() async {
        let interval = Duration.seconds(10)
        let services = (0..<12).map { scheduledService("svc-\($0)", interval: interval) }
        // 12 probes of 4 s every 10 s need about 5 slots; 3 are allowed.
        let harness = SchedulerHarness(services, latency: .seconds(4), concurrencyLimit: 3)
        await harness.run(until: clockAt(.seconds(200)))

        #expect(harness.runner.maxInFlight == 3)
        let statistics = harness.scheduler.statistics
        #expect(statistics.maxInFlight == 3)
        // Saturated: 3 slots for 200 s of 4 s probes is at most 150 starts.
        #expect(statistics.started >= 140 && statistics.started <= 150)
        // Every tick is either run or counted as skipped (the few still queued aside).
        let ticks = services.map { service in
            let offset = ProbeOffsets.startOffset(for: service.name, interval: interval)
            return 1 + Int((Duration.seconds(200) - offset) / interval)
        }.reduce(0, +)
        #expect(statistics.started + statistics.skippedTicks <= ticks)
        #expect(statistics.started + statistics.skippedTicks >= ticks - services.count)
        // Every probe gets its turn.
        for service in services {
            #expect(harness.runner.starts(of: service.name).count >= 8, "\(service.name)")
        }
        _ = await harness.stop()
    }

    @Test func wakingUpLateSkipsMissedTicksAndKeepsTheGrid() async {
        let interval = Duration.seconds(10)
        let offset = ProbeOffsets.startOffset(for: "deposit-event", interval: interval)
        let harness = SchedulerHarness([scheduledService("deposit-event", interval: interval)])
        await harness.settle()
        // One jump over three and a half intervals, as after a stalled process.
        harness.clock.advance(to: clockAt(offset + .seconds(35)))
        await harness.settle()
        await harness.run(until: clockAt(offset + .seconds(50)))

        let expected = [35, 40, 50].map { clockAt(offset + .seconds($0)) }
        #expect(harness.runner.starts(of: "deposit-event") == expected)
        let statistics = harness.scheduler.statistics
        #expect(statistics.missedTicks == 3)
        #expect(statistics.maxLateness == .seconds(35))
        _ = await harness.stop()
    }

    @Test func entriesWithoutAProbeAndBadIntervalsAreHandled() async {
        let unprobed = ServiceConfig(name: "sms-gateway", probe: nil)
        let harness = SchedulerHarness([unprobed, scheduledService("zero", interval: .zero)])
        await harness.run(until: clockAt(.milliseconds(10)))
        // A zero interval is raised to the 1 ms minimum instead of spinning.
        let starts = harness.runner.starts(of: "zero")
        #expect(starts.count == 10)
        #expect(zip(starts, starts.dropFirst()).allSatisfy { $0.duration(to: $1) == .milliseconds(1) })
        #expect(harness.runner.starts(of: "sms-gateway").isEmpty)
        _ = await harness.stop()
    }

    @Test func dueTimesCloseTogetherShareAWakeUp() async {
        let interval = Duration.seconds(10)
        let window = Duration.milliseconds(10)
        let crowd = namesWithOffsets(
            8, prefix: "crowd", interval: interval, offsetsIn: .seconds(1) ..< .milliseconds(1030))
        let harness = SchedulerHarness(
            crowd.map { scheduledService($0, interval: interval) }, coalescingWindow: window)
        await harness.run(until: clockAt(.seconds(12)))

        let starts = harness.runner.starts
        #expect(starts.count == 16)
        for name in crowd {
            let offset = ProbeOffsets.startOffset(for: name, interval: interval)
            for (cycle, start) in harness.runner.starts(of: name).enumerated() {
                let lateness = clockAt(offset + interval * cycle).duration(to: start)
                #expect(lateness >= .zero && lateness < window, "\(name): \(lateness)")
            }
        }
        // Eight due times within 30 ms take at most four wake-ups per cycle.
        #expect(Set(starts.map(\.at)).count <= 8)
        #expect(harness.scheduler.statistics.maxLateness < window)
        _ = await harness.stop()
    }
}
