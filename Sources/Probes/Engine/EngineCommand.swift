/// What a consumer asks of the engine, sent through ``EngineRunner/send(_:)`` rather than by
/// reaching into the scheduler (the dashboard's `r` and `p`).
public enum EngineCommand: Sendable, Equatable {
    /// Probe this service now, out of turn.
    case probeNow(String)
    /// Stop starting probes until resumed; measurement already under way finishes.
    case pause
    /// Start probing again after a pause.
    case resume
    /// Pause when running, resume when paused.
    case togglePause
}
