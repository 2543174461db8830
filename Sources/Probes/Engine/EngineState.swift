import Foundation

/// The state one ``EngineRunner`` loop owns: a ``Monitor`` for local probes, a ``FleetView`` for
/// the fleet view. Only the loop's task touches it, so it needs no locks.
public protocol EngineState: Sendable {
    /// What the state takes from its ``ResultSource``.
    associatedtype Input: Sendable

    /// Whether a snapshot goes out after every input as well as every tick: yes for a poll of the
    /// whole fleet every few seconds, no for local results that arrive hundreds a second.
    static var snapshotsEachInput: Bool { get }

    /// Takes one input; returns the alert transitions it causes, attributed.
    mutating func ingest(_ input: Input, now: Date) -> [AlertEvent]
    /// Periodic work (burn rates, held alerts); returns the alert transitions.
    mutating func tick(now: Date) -> [AlertEvent]
    /// The board as of `now`; `detail: false` leaves out what only a screen shows.
    mutating func snapshot(now: Date, detail: Bool) -> BoardSnapshot
    /// What to write to the history since the last call; `nil` for a state that keeps none.
    mutating func takeHistory() -> HistoryBatch?
    /// A one-line notice when the state's source changes health (fails, or reads again).
    mutating func takeNotice() -> String?
    /// Alerts firing now.
    var firingCount: Int { get }
    /// Takes the state file's silences, read again after they changed (``SilenceWatch``).
    mutating func replaceSilences(_ silences: [Silence])
}

extension EngineState {
    /// A state without silences ignores them.
    public mutating func replaceSilences(_ silences: [Silence]) {}
}

extension Monitor: EngineState {
    public static var snapshotsEachInput: Bool { false }

    public mutating func snapshot(now: Date, detail: Bool) -> BoardSnapshot {
        snapshot(now: now, paused: false, detail: detail)
    }

    public mutating func takeHistory() -> HistoryBatch? { takeBatch() }

    public mutating func takeNotice() -> String? { takeRestoreNotice() }
}

extension FleetView: EngineState {
    public static var snapshotsEachInput: Bool { true }

    public mutating func ingest(_ outcome: Result<FleetReading, SourceProblem>, now: Date) -> [AlertEvent] {
        apply(outcome, now: now)
    }

    public mutating func snapshot(now: Date, detail: Bool) -> BoardSnapshot { snapshot(now: now) }

    public mutating func takeHistory() -> HistoryBatch? { nil }

    public var firingCount: Int { monitor.firingCount + darkSites.count }
}
