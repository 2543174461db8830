import Foundation

/// Where the engine's inputs come from. ``EngineRunner`` runs any of them through one loop:
/// ``LocalProbes`` (this process probes) and ``MetricsPolling`` (a fleet view reads what agents
/// report, e.g. through Prometheus).
public protocol ResultSource: Sendable {
    /// One input for the engine's state: a probe result, or one poll's reading.
    associatedtype Output: Sendable

    /// Produces outputs until the task is cancelled.
    func run(emit: @escaping @Sendable (Output) -> Void) async
    /// Carries out a command; a source without probes of its own ignores it.
    func perform(_ command: EngineCommand)
    /// Whether probing is paused (shown on the board).
    var isPaused: Bool { get }
    /// The scheduler's statistics for `/metrics`; `nil` for a source that schedules no probes.
    var statistics: ScheduleStatistics? { get }
    /// Releases connections; called once, after ``run(emit:)`` has returned.
    func shutdown() async
}

/// Probes run here, on their schedule: the ``ProbeScheduler``'s results, in the order they end.
public struct LocalProbes<C: Clock>: ResultSource where C.Duration == Duration {
    /// The scheduler that starts the probes.
    public let scheduler: ProbeScheduler<C>
    private let release: @Sendable () async -> Void

    /// - Parameter shutdown: releases what the probes hold (the HTTP client of a
    ///   ``LiveProbeRunner``), once probing has stopped.
    public init(scheduler: ProbeScheduler<C>, shutdown: @escaping @Sendable () async -> Void = {}) {
        self.scheduler = scheduler
        release = shutdown
    }

    /// Live probes of every service of `config` that has one, on the wall clock.
    public static func live(config: ProbesConfig, concurrency: Int) -> LocalProbes<ContinuousClock> {
        // An agent's probes come a few at a time: all on one event loop (LiveProbeRunner.Loops).
        let runner = LiveProbeRunner(configuration: config, loops: .one)
        let scheduler = ProbeScheduler(
            // The config's array itself (the scheduler skips entries without a probe), not a copy.
            services: config.services, runner: runner, clock: ContinuousClock(),
            wallStart: WallClock.now(), concurrencyLimit: concurrency)
        return LocalProbes<ContinuousClock>(scheduler: scheduler, shutdown: { await runner.shutdown() })
    }

    public func run(emit: @escaping @Sendable (ProbeResult) -> Void) async {
        // Straight from each probe's task to the engine, not through `scheduler.results`.
        await scheduler.run(delivering: emit)
    }

    public func perform(_ command: EngineCommand) {
        switch command {
        case .probeNow(let service): scheduler.probeNow(service)
        case .pause: scheduler.pause()
        case .resume: scheduler.resume()
        case .togglePause: scheduler.isPaused ? scheduler.resume() : scheduler.pause()
        }
    }

    public var isPaused: Bool { scheduler.isPaused }

    public var statistics: ScheduleStatistics? { scheduler.statistics }

    public func shutdown() async { await release() }
}

/// A ``MetricsSource`` read on an interval: the fleet view's input.
///
/// Polls never overlap: the next one starts an interval after the previous one started, or at
/// once if that one took longer. A source's read always returns (it has its own timeout), so a
/// dead Prometheus costs a problem line, never a stalled board.
public struct MetricsPolling<C: Clock>: ResultSource where C.Duration == Duration {
    /// What is read.
    public let source: any MetricsSource
    private let clock: C
    private let interval: Duration

    /// - Parameter interval: time between the starts of two polls.
    public init(source: any MetricsSource, clock: C, interval: Duration = .seconds(5)) {
        self.source = source
        self.clock = clock
        self.interval = interval
    }

    public func run(emit: @escaping @Sendable (Result<FleetReading, SourceProblem>) -> Void) async {
        while !Task.isCancelled {
            let next = clock.now.advanced(by: interval)
            let outcome = await source.read()
            if Task.isCancelled { break }
            emit(outcome)
            do { try await clock.sleep(until: next, tolerance: nil) } catch { break }
        }
    }

    /// Probing is elsewhere (the agents): "probe now" and "pause" have nothing to act on.
    public func perform(_ command: EngineCommand) {}

    public var isPaused: Bool { false }

    public var statistics: ScheduleStatistics? { nil }

    public func shutdown() async { await source.shutdown() }
}
