import Foundation

extension EngineRunner where Source == LocalProbes<ContinuousClock>, State == Monitor, C == ContinuousClock {
    /// The live engine of `watch`, `dashboard` and `demo`: a monitor restored from `store` (the
    /// alerts it restores go to `outputs.onEvents` at once), live probes on the wall clock, and the
    /// history written once a second.
    /// - Parameter retention: what the monitor keeps beyond its alerts (``Monitor/Retention``):
    ///   `.alerts` for an agent that never draws the board.
    public static func live(
        config: ProbesConfig, store: HistoryStore?, concurrency: Int, outputs: EngineOutputs,
        retention: Monitor.Retention = .board
    ) -> EngineRunner {
        var monitor = Monitor(config: config, retention: retention)
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
            now: { [timeline = source.scheduler.timeline] in timeline.now() }, store: store, outputs: outputs)
    }
}

extension EngineRunner where Source == MetricsPolling<ContinuousClock>, State == FleetView, C == ContinuousClock {
    /// The fleet view: `source` polled every `interval` on the wall clock, feeding a ``FleetView``
    /// of `config`; nothing is written to a history.
    public static func fleet(
        config: ProbesConfig, source: any MetricsSource, interval: Duration = .seconds(5),
        outputs: EngineOutputs
    ) -> EngineRunner {
        EngineRunner(
            source: MetricsPolling(source: source, clock: ContinuousClock(), interval: interval),
            state: FleetView(config: config, source: source.description), clock: ContinuousClock(),
            now: { [timeline = WallTimeline.live()] in timeline.now() }, outputs: outputs)
    }
}
