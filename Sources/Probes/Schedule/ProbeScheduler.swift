import Collections
import Foundation
import Synchronization

/// Runs every service's probe on its own interval and delivers the results as a stream.
///
/// One loop keeps a min-heap of due times and sleeps until the earliest; probes run as child
/// tasks, so 10,000 probes cost one sleeping task, not 10,000. First starts are spread over the
/// interval by a stable hash of the service name (see ``ProbeOffsets``) so probes sharing an
/// interval never fire together. A probe never overlaps itself: a tick that finds it still
/// running (or still waiting for a slot) is skipped and counted, and the probe stays on its
/// original grid. A global limit bounds probes in flight; a probe waiting for a slot starts
/// late, never dropped, and a slow probe delays nobody else. At high probe rates, due times a
/// few milliseconds apart are served by one wake-up (the coalescing window).
///
/// - Important: ``run()`` runs once. Cancel the task running it to stop: no new probes start,
///   probes in flight are cancelled (their results are dropped, not delivered) and
///   ``results`` finishes.
public final class ProbeScheduler<C: Clock>: Sendable where C.Duration == Duration {
    /// The results of all probes in completion order, when run by ``run()``; with
    /// ``run(delivering:)`` they go to its closure instead and this only finishes.
    ///
    /// Buffering is unbounded: consumers are fast, and dropping results would silently corrupt
    /// the SLOs. Memory is bounded by how far the consumer falls behind.
    public let results: AsyncStream<ProbeResult>

    private let resultSink: AsyncStream<ProbeResult>.Continuation
    private let probes: [ScheduledProbe]
    /// The services as given (the config's own array, not a copy): a scheduled probe names its
    /// entry by index, not by a copy of its ``ServiceConfig`` (288 bytes; 3 MB at 10,000).
    private let services: [ServiceConfig]
    private let indexByName: [String: Int]
    private let runner: any ProbeRunner
    private let clock: C
    /// The wall-clock dates of the clock's instants: result timestamps are read from it.
    public let timeline: WallTimeline<C>
    /// The wall-clock time of the clock's instant when the scheduler was made.
    public var wallStart: Date { timeline.wallStart }
    private let concurrencyLimit: Int
    private let coalescingWindow: Duration
    private let shared: Mutex<Shared>

    /// The default bound on probes in flight.
    public static var defaultConcurrencyLimit: Int { 256 }

    /// The default least time between two wake-ups of the loop.
    public static var defaultCoalescingWindow: Duration { .milliseconds(10) }

    /// Prepares a schedule; nothing runs until ``run()``.
    /// - Parameters:
    ///   - services: the entries to probe; entries without a probe are ignored. Interval and
    ///     timeout come from each probe (intervals under 1 ms are raised to 1 ms).
    ///   - runner: runs one probe; it must honour the probe's timeout and task cancellation.
    ///   - clock: the time source (a ``ManualClock`` in tests and simulations).
    ///   - wallStart: the wall-clock time of the clock's current instant; result timestamps
    ///     are this date plus the clock time elapsed since, so they are virtual on a virtual clock.
    ///   - concurrencyLimit: most probes in flight at once (at least 1).
    ///   - coalescingWindow: the least time between two wake-ups of the loop; probes falling due
    ///     in between start together at the end of the window. At 10,000 probes on a 10 s
    ///     interval this trades at most the window in lateness for a tenth of the wake-ups.
    ///     Zero serves every due time exactly.
    public init(
        services: [ServiceConfig], runner: any ProbeRunner, clock: C, wallStart: Date = Date(),
        concurrencyLimit: Int = defaultConcurrencyLimit, coalescingWindow: Duration = defaultCoalescingWindow
    ) {
        var probes: [ScheduledProbe] = []
        probes.reserveCapacity(services.count { $0.probe != nil })
        for (i, service) in services.enumerated() {
            guard let probe = service.probe else { continue }
            let interval = max(probe.interval, ProbeOffsets.minimumInterval)
            probes.append(
                ScheduledProbe(
                    service: i, interval: interval,
                    offset: ProbeOffsets.startOffset(for: service.name, interval: interval)))
        }
        self.probes = probes
        self.services = services
        indexByName = Dictionary(probes.indices.map { (services[probes[$0].service].name, $0) }) { first, _ in first }
        self.runner = runner
        self.clock = clock
        timeline = WallTimeline(wallStart: wallStart, clockStart: clock.now)
        self.concurrencyLimit = max(1, concurrencyLimit)
        self.coalescingWindow = max(coalescingWindow, .zero)
        (results, resultSink) = AsyncStream.makeStream(of: ProbeResult.self, bufferingPolicy: .unbounded)
        shared = Mutex(Shared())
    }

    /// Counters and lateness so far (a snapshot).
    public var statistics: ScheduleStatistics { shared.withLock { $0.statistics } }

    /// For tests: probes in flight, and whether the loop is parked waiting for a wake-up.
    var loopState: (inFlight: Int, isWaiting: Bool) {
        shared.withLock { ($0.statistics.inFlight, $0.loopWaiter != nil) }
    }

    /// Whether ``pause()`` is in effect.
    public var isPaused: Bool { shared.withLock { $0.paused } }

    /// Runs `service`'s probe at once, unless it is running or already waiting for a slot.
    ///
    /// Works while paused too (an explicit request). Unknown names are ignored. It does not
    /// move the probe's regular schedule.
    public func probeNow(_ service: String) {
        guard let index = indexByName[service] else { return }
        let waiter = shared.withLock { shared -> CheckedContinuation<Void, Never>? in
            guard !shared.hasFinished else { return nil }
            shared.probeNowRequests.append(index)
            return shared.ring()
        }
        waiter?.resume()
    }

    /// Stops starting scheduled probes; probes in flight finish and deliver their results.
    public func pause() {
        shared.withLock { $0.paused = true }
    }

    /// Starts scheduled probes again, on their original grid (ticks during the pause are not
    /// made up).
    public func resume() {
        shared.withLock { $0.paused = false }
    }

    /// Runs the schedule until the calling task is cancelled, then finishes ``results``.
    ///
    /// A second call, concurrent or later, returns at once.
    public func run() async {
        let sink = resultSink
        await run(delivering: { sink.yield($0) })
    }

    /// Runs the schedule like ``run()``, but hands each result to `deliver`, on the task of the
    /// probe that made it, instead of to ``results`` (which only finishes). The engine consumes
    /// results this way: one hop between tasks per probe fewer than reading the stream.
    ///
    /// - Important: `deliver` is called concurrently from probe tasks and must not block.
    public func run(delivering deliver: @escaping @Sendable (ProbeResult) -> Void) async {
        let first = shared.withLock { shared in
            defer { shared.hasRun = true }
            return !shared.hasRun
        }
        guard first else { return }
        await withDiscardingTaskGroup { group in
            await runLoop(&group, deliver: deliver)
            group.cancelAll()
        }
        shared.withLock { $0.hasFinished = true }
        resultSink.finish()
    }
}

// MARK: - The loop

extension ProbeScheduler {
    private enum Phase: UInt8 {
        case idle, queued, running
    }

    private struct Launch {
        var index: Int
        /// The tick being served; `nil` for a ``probeNow(_:)`` request (no lateness to record).
        var due: C.Instant?
    }

    private struct Start {
        var index: Int
        var startedAt: Date
    }

    private struct Tick: Comparable {
        var due: C.Instant
        var index: Int

        static func < (lhs: Tick, rhs: Tick) -> Bool {
            lhs.due < rhs.due || (lhs.due == rhs.due && lhs.index < rhs.index)
        }
    }

    /// The loop's private state; only the loop touches it, so it needs no lock.
    private struct LoopState {
        var heap = Heap<Tick>()
        var phases: [Phase]
        var queue = Deque<Launch>()
        var inFlight = 0
        /// Deadline of the timer task currently sleeping, if any.
        var armed: C.Instant?
        var sawPause = false
        var completions: [Int] = []
        var requests: [Int] = []
        var starting: [Start] = []
        var delta = StatisticsDelta()
    }

    private func runLoop(
        _ group: inout DiscardingTaskGroup, deliver: @escaping @Sendable (ProbeResult) -> Void
    ) async {
        let origin = clock.now
        var loop = LoopState(phases: Array(repeating: .idle, count: probes.count))
        loop.heap = Heap(probes.indices.map { Tick(due: origin.advanced(by: probes[$0].offset), index: $0) })

        while !Task.isCancelled {
            let paused = shared.withLock { shared in
                swap(&shared.completions, &loop.completions)
                swap(&shared.probeNowRequests, &loop.requests)
                return shared.paused
            }
            for index in loop.completions {
                loop.phases[index] = .idle
                loop.inFlight -= 1
            }
            loop.completions.removeAll(keepingCapacity: true)
            if paused && !loop.sawPause {
                // Scheduled ticks waiting for a slot are stale once paused; requests stay.
                for launch in loop.queue where launch.due != nil { loop.phases[launch.index] = .idle }
                loop.queue.removeAll { $0.due != nil }
            }
            loop.sawPause = paused
            for index in loop.requests where loop.phases[index] == .idle {
                loop.phases[index] = .queued
                loop.queue.append(Launch(index: index, due: nil))
            }
            loop.requests.removeAll(keepingCapacity: true)

            let now = clock.now
            while let tick = loop.heap.min, tick.due <= now {
                if paused {
                    // No probe; the grid just moves on.
                } else if loop.phases[tick.index] != .idle {
                    loop.delta.skippedTicks += 1
                } else {
                    loop.phases[tick.index] = .queued
                    loop.queue.append(Launch(index: tick.index, due: tick.due))
                }
                let next = nextTick(
                    after: tick.due, now: now, interval: probes[tick.index].interval,
                    missed: &loop.delta.missedTicks)
                _ = loop.heap.replaceMin(with: Tick(due: next, index: tick.index))
            }

            while loop.inFlight < concurrencyLimit, let launch = loop.queue.popFirst() {
                prepare(launch, loop: &loop)
            }

            if let armed = loop.armed, armed <= now { loop.armed = nil }
            if let due = loop.heap.min?.due {
                let next = max(due, now.advanced(by: coalescingWindow))
                if loop.armed.map({ next < $0 }) ?? true {
                    loop.armed = next
                    group.addTask { [self] in
                        try? await clock.sleep(until: next, tolerance: nil)
                        shared.withLock { $0.ring() }?.resume()
                    }
                }
            }

            // Published before the probes start, so `completed` never runs ahead of `started`.
            let wantsCompletions = !loop.queue.isEmpty
            shared.withLock { shared in
                shared.wakeOnCompletion = wantsCompletions
                loop.delta.apply(to: &shared.statistics, inFlight: loop.inFlight)
            }
            loop.delta.reset()
            for start in loop.starting { launch(start, group: &group, deliver: deliver) }
            loop.starting.removeAll(keepingCapacity: true)

            await waitForWakeUp()
        }
    }

    private func prepare(_ launch: Launch, loop: inout LoopState) {
        let startInstant = clock.now
        loop.phases[launch.index] = .running
        loop.inFlight += 1
        loop.delta.started += 1
        if let due = launch.due {
            loop.delta.lateness.append(due.duration(to: startInstant))
        }
        let startedAt = timeline.date(at: startInstant)
        loop.starting.append(Start(index: launch.index, startedAt: startedAt))
    }

    private func launch(
        _ start: Start, group: inout DiscardingTaskGroup, deliver: @escaping @Sendable (ProbeResult) -> Void
    ) {
        let index = start.index
        let service = services[probes[index].service]
        group.addTask { [self] in
            let result = await runner.run(service, startedAt: start.startedAt)
            // Probes cut short by shutdown say nothing true about the target.
            let delivers = !Task.isCancelled
            // Completion first: a consumer that sees the result may rely on the probe being idle.
            shared.withLock { shared in
                shared.completions.append(index)
                shared.statistics.completed += 1
                return shared.wakeOnCompletion ? shared.ring() : nil
            }?.resume()
            if delivers { deliver(result) }
        }
    }

    /// The first grid point after `now`; grid points skipped over on the way are counted as missed.
    private func nextTick(after due: C.Instant, now: C.Instant, interval: Duration, missed: inout Int) -> C.Instant {
        let next = due.advanced(by: interval)
        if next > now { return next }
        // The loop fell behind by whole intervals (a stalled process, or a jump of a manual clock).
        var behind = Int(min(due.duration(to: now) / interval, 1e15))
        while behind > 1 && due.advanced(by: interval * behind) > now { behind -= 1 }
        var candidate = due.advanced(by: interval * (behind + 1))
        while candidate <= now {
            candidate = candidate.advanced(by: interval)
            behind += 1
        }
        missed += behind
        return candidate
    }

    /// Suspends until something rings: the timer, a command, or a completion the loop waits for.
    private func waitForWakeUp() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = shared.withLock { shared in
                    if shared.bellRung || (shared.wakeOnCompletion && !shared.completions.isEmpty) {
                        shared.bellRung = false
                        return true
                    }
                    shared.loopWaiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            shared.withLock { $0.ring() }?.resume()
        }
    }
}

// MARK: - State shared with commands and probe tasks

extension ProbeScheduler {
    private struct ScheduledProbe: Sendable {
        /// Index of its entry in ``services``.
        var service: Int
        var interval: Duration
        var offset: Duration
    }

    private struct Shared {
        var hasRun = false
        var hasFinished = false
        var paused = false
        var probeNowRequests: [Int] = []
        var completions: [Int] = []
        var bellRung = false
        var loopWaiter: CheckedContinuation<Void, Never>?
        /// Set while launches wait for a slot, so completions wake the loop.
        var wakeOnCompletion = false
        var statistics = ScheduleStatistics()

        /// Wakes the loop: returns its continuation to resume (outside the lock), or leaves a mark.
        mutating func ring() -> CheckedContinuation<Void, Never>? {
            if let waiter = loopWaiter {
                loopWaiter = nil
                return waiter
            }
            bellRung = true
            return nil
        }
    }
}
