import Testing

@testable import Probes

@Suite("ManualClock", .timeLimit(.minutes(1)))
struct ManualClockTests {
    typealias Instant = ManualClock.Instant

    @Test func instantArithmetic() {
        let a = Instant(offset: .seconds(3))
        let b = a.advanced(by: .milliseconds(1500))
        #expect(b.offset == .milliseconds(4500))
        #expect(a.duration(to: b) == .milliseconds(1500))
        #expect(b.duration(to: a) == .milliseconds(-1500))
        #expect(a < b)
        #expect(Instant.zero < a)
    }

    @Test func advanceMovesTimeForwardOnly() {
        let clock = ManualClock(now: Instant(offset: .seconds(10)))
        #expect(clock.now == Instant(offset: .seconds(10)))
        clock.advance(by: .seconds(5))
        #expect(clock.now == Instant(offset: .seconds(15)))
        clock.advance(to: Instant(offset: .seconds(12)))
        #expect(clock.now == Instant(offset: .seconds(15)))
        #expect(clock.advanceToNextDeadline() == nil)
        #expect(clock.now == Instant(offset: .seconds(15)))
    }

    @Test func sleepUntilPastOrPresentReturnsAtOnce() async throws {
        let clock = ManualClock(now: Instant(offset: .seconds(2)))
        try await clock.sleep(until: Instant(offset: .seconds(1)))
        try await clock.sleep(until: clock.now)
        try await clock.sleep(for: .zero)
        #expect(clock.sleeperCount == 0)
    }

    @Test func sleeperWakesOnlyWhenItsDeadlineIsReached() async throws {
        let clock = ManualClock()
        let tasks = [3, 1, 2].map { seconds in
            Task {
                try await clock.sleep(until: Instant(offset: .seconds(seconds)))
                return clock.now
            }
        }
        await clock.waitForSleepers(count: 3)
        #expect(clock.nextDeadline == Instant(offset: .seconds(1)))

        clock.advance(by: .milliseconds(999))
        #expect(clock.sleeperCount == 3)

        clock.advance(to: Instant(offset: .seconds(2)))
        #expect(clock.sleeperCount == 1)
        #expect(clock.nextDeadline == Instant(offset: .seconds(3)))
        #expect(try await tasks[1].value >= Instant(offset: .seconds(2)))
        #expect(try await tasks[2].value >= Instant(offset: .seconds(2)))

        #expect(clock.advanceToNextDeadline() == Instant(offset: .seconds(3)))
        #expect(try await tasks[0].value == Instant(offset: .seconds(3)))
        #expect(clock.sleeperCount == 0)
    }

    @Test func sleepForIsRelativeToNow() async throws {
        let clock = ManualClock(now: Instant(offset: .seconds(100)))
        let task = Task { try await clock.sleep(for: .seconds(5)) }
        await clock.waitForSleepers(count: 1)
        #expect(clock.nextDeadline == Instant(offset: .seconds(105)))
        clock.advance(by: .seconds(5))
        try await task.value
    }

    @Test func cancellingASleeperThrowsAndUnparksIt() async {
        let clock = ManualClock()
        let task = Task { try await clock.sleep(until: Instant(offset: .seconds(60))) }
        await clock.waitForSleepers(count: 1)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.sleeperCount == 0)
        #expect(clock.nextDeadline == nil)
        // Advancing afterwards must not touch the cancelled sleeper's continuation again.
        clock.advance(by: .seconds(120))
    }

    @Test func sleepInACancelledTaskThrowsAtOnce() async {
        let clock = ManualClock()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(until: Instant(offset: .seconds(1)))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.sleeperCount == 0)
    }

    @Test func waitForSleepersReturnsOnceEnoughHaveParked() async throws {
        let clock = ManualClock()
        await clock.waitForSleepers(count: 0)
        let first = Task { try await clock.sleep(until: Instant(offset: .seconds(1))) }
        let waiter = Task { await clock.waitForSleepers(count: 2) }
        await clock.waitForSleepers(count: 1)
        let second = Task { try await clock.sleep(until: Instant(offset: .seconds(2))) }
        await waiter.value
        #expect(clock.sleeperCount == 2)
        clock.advance(by: .seconds(2))
        try await first.value
        try await second.value
    }

    @Test func cancelledWaitForSleepersReturns() async {
        let clock = ManualClock()
        let waiter = Task { await clock.waitForSleepers(count: 5) }
        waiter.cancel()
        await waiter.value
        #expect(clock.sleeperCount == 0)
    }

    @Test func manySleepersWithTheSameDeadlineAllWake() async throws {
        let clock = ManualClock()
        let count = 50
        let woke = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<count {
                group.addTask {
                    try await clock.sleep(until: Instant(offset: .seconds(1)))
                    return 1
                }
            }
            await clock.waitForSleepers(count: count)
            clock.advance(by: .seconds(1))
            return try await group.reduce(0, +)
        }
        #expect(woke == count)
    }
}
