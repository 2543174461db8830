import Foundation

/// Runs the engine: the scheduler's results and a steady tick merged into one stream that one
/// loop consumes, so the ``Monitor`` has a single owner and needs no locks (bottom's event loop).
///
/// Writes history once a second (at most about a second of results at risk on a hard kill),
/// hands alert events and snapshots to the consumers, and on cancellation flushes the history
/// before returning.
public struct EngineLoop<C: Clock>: Sendable where C.Duration == Duration {
    public let scheduler: ProbeScheduler<C>
    private let clock: C
    private let now: @Sendable () -> Date
    private let store: HistoryStore?
    private let tick: Duration

    /// - Parameters:
    ///   - now: the engine's wall time (the scheduler's start date plus clock time in tests).
    ///   - store: the history, or `nil` to keep nothing.
    ///   - tick: how often burn rates, held alerts and history writes are processed.
    public init(scheduler: ProbeScheduler<C>, clock: C, now: @escaping @Sendable () -> Date, store: HistoryStore?,
                tick: Duration = .seconds(1)) {
        self.scheduler = scheduler
        self.clock = clock
        self.now = now
        self.store = store
        self.tick = tick
    }

    private enum Input: Sendable {
        case result(ProbeResult)
        case tick
    }

    /// Runs until the task is cancelled.
    /// - Parameters:
    ///   - monitor: the state to drive (restored from history already, if wanted). It is taken, not
    ///     copied: a caller that kept its own reference would make the first write to every SLI
    ///     ring and history copy it, doubling the engine's memory (hand it over with `consume`).
    ///   - onEvents: alert transitions, attributed, in order.
    ///   - onSnapshot: called after every tick with a fresh snapshot; `nil` to build none.
    ///   - snapshotDetail: `false` builds the cheaper snapshot without what only a screen shows
    ///     (see ``Monitor/snapshot(now:paused:detail:)``), for consumers such as `/metrics`.
    ///   - onWarning: one-line problems (history write failures) for stderr.
    /// - Returns: the monitor as it ended.
    @discardableResult
    public func run(
        monitor initial: consuming Monitor,
        onEvents: @escaping @Sendable ([AlertEvent]) -> Void,
        onSnapshot: (@Sendable (BoardSnapshot) -> Void)? = nil,
        snapshotDetail: Bool = true,
        onWarning: @escaping @Sendable (String) -> Void = { _ in }
    ) async -> Monitor {
        var monitor = consume initial
        let (inputs, continuation) = AsyncStream<Input>.makeStream(bufferingPolicy: .unbounded)
        let scheduler = self.scheduler
        let clock = self.clock
        let tick = self.tick
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await scheduler.run() }
            group.addTask {
                for await result in scheduler.results { continuation.yield(.result(result)) }
            }
            group.addTask {
                while !Task.isCancelled {
                    do { try await clock.sleep(for: tick) } catch { break }
                    continuation.yield(.tick)
                }
            }
            var lastWarning = ""
            for await input in inputs {
                switch input {
                case .result(let result):
                    let events = monitor.ingest(result, now: now())
                    if !events.isEmpty { onEvents(events) }
                case .tick:
                    let time = now()
                    let events = monitor.tick(now: time)
                    if !events.isEmpty { onEvents(events) }
                    if let warning = flush(&monitor), warning != lastWarning {
                        onWarning(warning)
                        lastWarning = warning
                    }
                    if let onSnapshot {
                        onSnapshot(monitor.snapshot(now: time, paused: scheduler.isPaused, detail: snapshotDetail))
                    }
                }
                if Task.isCancelled { break }
            }
            continuation.finish()
            group.cancelAll()
        }
        if let warning = flush(&monitor) { onWarning(warning) }
        store?.checkpoint()
        return monitor
    }

    /// Writes what the monitor learnt since the last flush; returns a warning on failure.
    private func flush(_ monitor: inout Monitor) -> String? {
        guard let store else { return nil }
        let batch = monitor.takeBatch()
        do {
            try store.write(batch)
            return nil
        } catch {
            return "incidentboard: \(error.description)"
        }
    }
}
