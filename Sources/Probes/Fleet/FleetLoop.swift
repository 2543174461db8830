import Foundation

/// Runs the fleet view: polls a ``MetricsSource`` on an interval and merges the readings with a
/// steady tick into one stream that one loop consumes, so the ``FleetView`` (and its Monitor)
/// has a single owner, as in ``EngineLoop``.
///
/// Polls never overlap: the next one starts an interval after the previous one started, or at
/// once if that one took longer. A source's read always returns (it has its own timeout), so a
/// dead Prometheus costs a problem line, never a stalled board.
public struct FleetLoop<C: Clock>: Sendable where C.Duration == Duration {
    public let source: any MetricsSource
    private let clock: C
    private let now: @Sendable () -> Date
    private let interval: Duration
    private let tick: Duration

    /// - Parameters:
    ///   - now: the view's wall time (the clock's time in tests).
    ///   - interval: time between polls.
    ///   - tick: how often burn rates, held alerts and snapshots are processed.
    public init(source: any MetricsSource, clock: C, now: @escaping @Sendable () -> Date,
                interval: Duration = .seconds(5), tick: Duration = .seconds(1)) {
        self.source = source
        self.clock = clock
        self.now = now
        self.interval = interval
        self.tick = tick
    }

    private enum Input: Sendable {
        case reading(Result<FleetReading, SourceProblem>)
        case tick
    }

    /// Runs until the task is cancelled.
    /// - Parameters:
    ///   - view: the state to drive.
    ///   - onEvents: alert transitions, attributed, in order.
    ///   - onSnapshot: a fresh snapshot after every poll and every tick; `nil` to build none.
    ///   - onProblem: called when the source's problem changes (a new one, or `nil` once it reads
    ///     again), for stderr.
    /// - Returns: the view as it ended.
    @discardableResult
    public func run(
        view initial: FleetView,
        onEvents: @escaping @Sendable ([AlertEvent]) -> Void,
        onSnapshot: (@Sendable (BoardSnapshot) -> Void)? = nil,
        onProblem: @escaping @Sendable (SourceProblem?) -> Void = { _ in }
    ) async -> FleetView {
        var view = initial
        let (inputs, continuation) = AsyncStream<Input>.makeStream(bufferingPolicy: .unbounded)
        let source = self.source
        let clock = self.clock
        let interval = self.interval
        let tick = self.tick
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    let next = clock.now.advanced(by: interval)
                    let outcome = await source.read()
                    if Task.isCancelled { break }
                    continuation.yield(.reading(outcome))
                    do { try await clock.sleep(until: next, tolerance: nil) } catch { break }
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    do { try await clock.sleep(for: tick) } catch { break }
                    continuation.yield(.tick)
                }
            }
            var lastProblem: SourceProblem?
            for await input in inputs {
                let time = now()
                let events: [AlertEvent]
                switch input {
                case .reading(let outcome):
                    events = view.apply(outcome, now: time)
                    if view.problem != lastProblem {
                        lastProblem = view.problem
                        onProblem(lastProblem)
                    }
                case .tick:
                    events = view.tick(now: time)
                }
                if !events.isEmpty { onEvents(events) }
                if let onSnapshot { onSnapshot(view.snapshot(now: time)) }
                if Task.isCancelled { break }
            }
            continuation.finish()
            group.cancelAll()
        }
        return view
    }
}
