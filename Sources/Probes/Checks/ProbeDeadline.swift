import Foundation

/// The hard deadline of a probe: whatever the work does, the caller gets an answer by then.
enum ProbeDeadline {
    /// Runs `work` and returns its value, or `onTimeout()` at `deadline` if the work is not
    /// done by then; the work is cancelled but not waited for.
    ///
    /// A task group would wait for its children at the end of its scope, so a child that ignores
    /// cancellation (a future stuck on an event loop) could still hang the probe. Unstructured
    /// tasks racing for one continuation cannot.
    static func race<T: Sendable>(
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
                let timer = Task {
                    do {
                        try await Task.sleep(until: deadline, clock: .continuous)
                        race.finish(onTimeout())
                    } catch {
                        // Cancelled because the work finished first.
                    }
                }
                race.track(worker: worker, timer: timer)
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
    private var timer: Task<Void, Never>?

    func begin(_ continuation: CheckedContinuation<T, Never>) {
        lock.lock()
        self.continuation = continuation
        lock.unlock()
    }

    func track(worker: Task<Void, Never>, timer: Task<Void, Never>) {
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
            timer.cancel()
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
        timer?.cancel()
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
