import Foundation
import NIOCore
import NIOPosix

/// The hard deadline of a probe: whatever the work does, the caller gets an answer by then.
package enum ProbeDeadline {
    /// Runs `work` and returns its value, or `onTimeout()` at `deadline` if the work is not
    /// done by then; the work is cancelled but not waited for.
    ///
    /// A task group would wait for its children at the end of its scope, so a child that ignores
    /// cancellation (a future stuck on an event loop) could still hang the probe. An unstructured
    /// task and a timer racing for one continuation cannot. The timer is an event-loop scheduled
    /// task rather than a second Swift task sleeping: one task fewer per probe.
    package static func race<T: Sendable>(
        until deadline: ContinuousClock.Instant,
        work: @escaping @Sendable () async -> T,
        onTimeout: @escaping @Sendable () -> T
    ) async -> T {
        let race = Race<T>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                race.begin(continuation)
                let worker = Task {
                    race.finish(await work())
                }
                let wait = max(ContinuousClock.now.duration(to: deadline), .zero)
                let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(wait)) {
                    race.finish(onTimeout())
                }
                race.track(worker: worker, timer: { timer.cancel() })
            }
        } onCancel: {
            race.cancelWork()
        }
    }
}

/// The shared state of one race: the first `finish` resumes the caller and cancels the rest.
private final class Race<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Never>?
    private var done = false
    private var cancelled = false
    private var worker: Task<Void, Never>?
    private var timer: (@Sendable () -> Void)?

    func begin(_ continuation: CheckedContinuation<T, Never>) {
        lock.lock()
        self.continuation = continuation
        lock.unlock()
    }

    func track(worker: Task<Void, Never>, timer: @escaping @Sendable () -> Void) {
        lock.lock()
        let finished = done
        let cancelWorker = cancelled
        if !finished {
            self.worker = worker
            self.timer = timer
        }
        lock.unlock()
        if finished {
            worker.cancel()
            timer()
        } else if cancelWorker {
            worker.cancel()
        }
    }

    func finish(_ value: T) {
        lock.lock()
        guard !done else {
            lock.unlock()
            return
        }
        done = true
        let continuation = self.continuation
        self.continuation = nil
        let worker = self.worker
        let timer = self.timer
        self.worker = nil
        self.timer = nil
        lock.unlock()
        worker?.cancel()
        timer?()
        continuation?.resume(returning: value)
    }

    /// The caller was cancelled: stop the work; its (cancelled) result or the timer still answers.
    func cancelWork() {
        lock.lock()
        cancelled = true
        let worker = self.worker
        lock.unlock()
        worker?.cancel()
    }
}
