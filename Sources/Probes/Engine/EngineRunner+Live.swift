import Foundation

extension EngineRunner where Source == LocalProbes<ContinuousClock>, State == Monitor, C == ContinuousClock {
    /// The live engine of `watch`, `dashboard` and `demo`: a monitor restored from `store` (the
    /// alerts it restores go to `outputs.onEvents` at once), live probes on the wall clock, and the
    /// history written once a second.
    public static func live(config: ProbesConfig, store: HistoryStore?, concurrency: Int, outputs: EngineOutputs)
        -> EngineRunner {
        var monitor = Monitor(config: config)
        if let store {
            do {
                let restored = try monitor.restore(from: store, now: WallClock.now())
                if !restored.isEmpty { outputs.onEvents(restored) }
            } catch {
                outputs.onNotice(error.description)
            }
        }
        let source = LocalProbes<ContinuousClock>.live(config: config, concurrency: concurrency)
        return EngineRunner(
            source: source, state: consume monitor, clock: ContinuousClock(),
            now: wallTime(from: source.scheduler.wallStart), store: store, outputs: outputs)
    }
}

extension EngineRunner where Source == MetricsPolling<ContinuousClock>, State == FleetView, C == ContinuousClock {
    /// The fleet view: `source` polled every `interval` on the wall clock, feeding a ``FleetView``
    /// of `config`; nothing is written to a history.
    public static func fleet(config: ProbesConfig, source: any MetricsSource, interval: Duration = .seconds(5),
                             outputs: EngineOutputs) -> EngineRunner {
        EngineRunner(
            source: MetricsPolling(source: source, clock: ContinuousClock(), interval: interval),
            state: FleetView(config: config, source: source.description), clock: ContinuousClock(),
            now: wallTime(from: Date()), outputs: outputs)
    }
}

/// Wall time that moves with the monotonic clock from `start`, so a wall-clock step does not
/// reorder the engine's events.
private func wallTime(from start: Date) -> @Sendable () -> Date {
    let clock = ContinuousClock()
    let origin = clock.now
    return { start.addingTimeInterval(origin.duration(to: clock.now).seconds) }
}
