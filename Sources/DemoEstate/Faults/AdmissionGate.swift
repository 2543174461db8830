import Synchronization

/// A node's workers and waiting line: at most `capacity` requests are served at once, up to
/// `queueLimit` more wait in order, and any further request is turned away at once (a 503).
/// Real requests contend here among themselves; the simulated crowd's share of workers and
/// line is added on top by ``SimulatedNode``.
public final class AdmissionGate: Sendable {
    /// What happened to a request at the gate.
    public enum Admission: Sendable, Equatable {
        /// The request holds a worker; call ``AdmissionGate/leave()`` when done.
        case admitted
        /// The waiting line was full.
        case rejected
    }

    /// The gate's occupancy at one moment.
    public struct Load: Sendable, Equatable {
        /// Requests holding a worker.
        public var busy: Int
        /// Requests waiting for one.
        public var queued: Int
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Admission, any Error>
    }

    private struct State {
        var capacity: Int
        var queueLimit: Int
        var busy = 0
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
        /// Requests whose cancellation arrived before they joined the line.
        var cancelledEarly: Set<UInt64> = []
    }

    private let state: Mutex<State>

    /// A gate with `capacity` workers and room for `queueLimit` waiting requests.
    public init(capacity: Int, queueLimit: Int) {
        state = Mutex(State(capacity: max(0, capacity), queueLimit: max(0, queueLimit)))
    }

    /// The current occupancy.
    public var load: Load {
        state.withLock { Load(busy: $0.busy, queued: $0.waiters.count) }
    }

    /// Takes a worker, waiting in line if all are busy; `.rejected` at once when the line is full.
    /// - Throws: `CancellationError` when the task is cancelled while waiting (it then holds nothing).
    public func enter() async throws -> Admission {
        try Task.checkCancellation()
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        defer { state.withLock { _ = $0.cancelledEarly.remove(id) } }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Admission, any Error>) in
                enum Decision { case admitted, rejected, queued, cancelled }
                let decision = state.withLock { state -> Decision in
                    if state.cancelledEarly.remove(id) != nil { return .cancelled }
                    if state.busy < state.capacity {
                        state.busy += 1
                        return .admitted
                    }
                    if state.waiters.count >= state.queueLimit { return .rejected }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return .queued
                }
                switch decision {
                case .admitted: continuation.resume(returning: .admitted)
                case .rejected: continuation.resume(returning: .rejected)
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .queued: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                if let index = state.waiters.firstIndex(where: { $0.id == id }) {
                    return state.waiters.remove(at: index)
                }
                state.cancelledEarly.insert(id)
                return nil
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Gives a worker back; the first waiting request, if any, takes it over.
    public func leave() {
        let next = state.withLock { state -> Waiter? in
            // After a shrink, workers above the new capacity retire instead of being handed on.
            if state.busy > state.capacity || state.waiters.isEmpty {
                state.busy = max(0, state.busy - 1)
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.continuation.resume(returning: .admitted)
    }

    /// Changes the limits; waiting requests are admitted when workers were added, and those
    /// past a smaller line are turned away.
    public func resize(capacity: Int, queueLimit: Int) {
        let (admitted, rejected) = state.withLock { state -> ([Waiter], [Waiter]) in
            state.capacity = max(0, capacity)
            state.queueLimit = max(0, queueLimit)
            var admitted: [Waiter] = []
            while state.busy < state.capacity, !state.waiters.isEmpty {
                state.busy += 1
                admitted.append(state.waiters.removeFirst())
            }
            var rejected: [Waiter] = []
            while state.waiters.count > state.queueLimit, let last = state.waiters.popLast() {
                rejected.append(last)
            }
            return (admitted, rejected)
        }
        for waiter in admitted { waiter.continuation.resume(returning: .admitted) }
        for waiter in rejected { waiter.continuation.resume(returning: .rejected) }
    }
}
