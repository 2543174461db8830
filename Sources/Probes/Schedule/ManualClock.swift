import Synchronization

/// A clock whose time moves only when told to: for tests, `slo simulate` and demo replays.
///
/// Sleepers park until ``advance(by:)`` or ``advance(to:)`` moves time to or past their deadline.
/// Tests step through time without real sleeps: ``waitForSleepers(count:)`` suspends until the
/// tasks under test have parked, then the test advances.
public final class ManualClock: Clock, Sendable {
    /// A point on the manual clock: the time elapsed since its zero.
    public struct Instant: InstantProtocol, Sendable, Hashable, Comparable, CustomStringConvertible {
        /// Time since the clock's zero.
        public var offset: Duration

        /// The instant `offset` after the clock's zero.
        public init(offset: Duration) { self.offset = offset }

        /// The clock's zero.
        public static let zero = Instant(offset: .zero)

        /// This instant moved by `duration`.
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }

        /// The time from this instant to `other` (negative when `other` is earlier).
        public func duration(to other: Instant) -> Duration { other.offset - offset }

        /// Orders instants by time.
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }

        /// The offset, e.g. `12.5 seconds`.
        public var description: String { "\(offset)" }
    }

    private struct Sleeper {
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct CountWaiter {
        var count: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var now: Instant
        var nextID: UInt64 = 0
        var sleepers: [UInt64: Sleeper] = [:]
        /// Sleeps whose cancellation handler ran before they parked.
        var cancelledEarly: Set<UInt64> = []
        var countWaiters: [UInt64: CountWaiter] = [:]

        mutating func makeID() -> UInt64 {
            nextID += 1
            return nextID
        }

        /// Removes and returns the count waiters that the current number of sleepers satisfies.
        mutating func satisfiedCountWaiters() -> [CheckedContinuation<Void, Never>] {
            let ready = countWaiters.filter { $0.value.count <= sleepers.count }
            for id in ready.keys { countWaiters[id] = nil }
            return ready.values.map(\.continuation)
        }
    }

    private let state: Mutex<State>

    /// A clock that starts at `now` (by default its zero).
    public init(now: Instant = .zero) {
        state = Mutex(State(now: now))
    }

    /// The current manual time.
    public var now: Instant { state.withLock { $0.now } }

    /// Manual time has no granularity.
    public var minimumResolution: Duration { .zero }

    /// The number of tasks parked in ``sleep(until:tolerance:)``.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The earliest deadline among parked sleepers, if any.
    public var nextDeadline: Instant? { state.withLock { $0.sleepers.values.map(\.deadline).min() } }

    /// Suspends until the clock is advanced to or past `deadline`.
    ///
    /// Returns at once when `deadline` is not in the future.
    /// - Throws: `CancellationError` when the task is cancelled, before or while sleeping.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        let id = state.withLock { $0.makeID() }
        // A cancellation that lands after a normal resume leaves a mark; clear it either way.
        defer { state.withLock { _ = $0.cancelledEarly.remove(id) } }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Parking { case parked([CheckedContinuation<Void, Never>]), due, cancelled }
                let parking = state.withLock { state -> Parking in
                    if state.cancelledEarly.remove(id) != nil { return .cancelled }
                    if deadline <= state.now { return .due }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return .parked(state.satisfiedCountWaiters())
                }
                switch parking {
                case .parked(let waiters): for waiter in waiters { waiter.resume() }
                case .due: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                if let sleeper = state.sleepers.removeValue(forKey: id) { return sleeper }
                state.cancelledEarly.insert(id)
                return nil
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward by `duration` and wakes every sleeper whose deadline is reached.
    public func advance(by duration: Duration) {
        let target = state.withLock { $0.now.advanced(by: duration) }
        advance(to: target)
    }

    /// Moves time to `instant` and wakes every sleeper whose deadline is reached, earliest first.
    ///
    /// Time never goes back: an `instant` before ``now`` wakes nobody and leaves time as it is.
    public func advance(to instant: Instant) {
        let due = state.withLock { state -> [Sleeper] in
            guard instant > state.now else { return [] }
            state.now = instant
            let ready = state.sleepers.filter { $0.value.deadline <= instant }
                .sorted { ($0.value.deadline, $0.key) < ($1.value.deadline, $1.key) }
            for (id, _) in ready { state.sleepers[id] = nil }
            return ready.map(\.value)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Moves time to the earliest parked deadline, waking the sleepers due then.
    /// - Returns: the new time, or `nil` (time unchanged) when nobody sleeps.
    @discardableResult
    public func advanceToNextDeadline() -> Instant? {
        guard let next = nextDeadline else { return nil }
        advance(to: next)
        return next
    }

    /// Suspends until at least `count` tasks are parked in ``sleep(until:tolerance:)``.
    ///
    /// Returns early if the waiting task is cancelled.
    public func waitForSleepers(count: Int) async {
        let id = state.withLock { $0.makeID() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if state.sleepers.count >= count || state.cancelledEarly.remove(id) != nil { return true }
                    state.countWaiters[id] = CountWaiter(count: count, continuation: continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CountWaiter? in
                if let waiter = state.countWaiters.removeValue(forKey: id) { return waiter }
                state.cancelledEarly.insert(id)
                return nil
            }
            waiter?.continuation.resume()
        }
        state.withLock { _ = $0.cancelledEarly.remove(id) }
    }
}
