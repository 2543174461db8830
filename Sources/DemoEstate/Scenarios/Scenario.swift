/// One incident replayed on the estate: a timeline of steps that starts healthy, reaches its
/// fault, holds it long enough for alerts to fire, then recovers.
public struct Scenario: Sendable, Equatable {
    /// One moment of the timeline.
    public struct Step: Sendable, Equatable {
        /// When, from the scenario's start (at pace 1).
        public var at: Duration
        /// What happens, for the progress line (`credit bureau slowing (p50 1.2 s)`).
        public var note: String
        /// Nodes away from their healthy profile from now on; every other node is healthy.
        public var faults: [String: FaultProfile]

        /// Creates a step.
        public init(at: Duration, _ note: String, faults: [String: FaultProfile] = [:]) {
            self.at = at
            self.note = note
            self.faults = faults
        }
    }

    /// The name used with `demo --scenario`.
    public var name: String
    /// One line for `demo --list`.
    public var summary: String
    /// The steps, in time order.
    public var steps: [Step]
    /// The whole timeline's length (at pace 1); the last step is its recovery.
    public var length: Duration
    /// The service the board should name as the root cause of the scenario's incident; `nil` for
    /// a scenario that is not one incident (the tour).
    public var root: String?

    /// Creates a scenario.
    public init(name: String, summary: String, root: String? = nil, steps: [Step], length: Duration) {
        self.name = name
        self.summary = summary
        self.root = root
        self.steps = steps.sorted { $0.at < $1.at }
        self.length = length
    }

    /// When the first fault begins.
    public var faultStart: Duration? {
        steps.first { !$0.faults.isEmpty }?.at
    }

    /// When the estate is healthy again for good (the last step, when it has no faults).
    public var recovery: Duration? {
        guard let last = steps.last, last.faults.isEmpty, faultStart != nil else { return nil }
        return last.at
    }
}

/// What `demo` plays: one scenario, or the tour of all of them.
public enum DemoPlan: Sendable, Equatable {
    /// One scenario, once; the estate then stays healthy.
    case single(Scenario)
    /// Every incident scenario in turn, again and again.
    case tour([Scenario])

    /// The plan for a `--scenario` name; `nil` for an unknown name.
    public static func named(_ name: String) -> DemoPlan? {
        if name == Scenario.tourName { return .tour(Scenario.incidents) }
        return Scenario.incidents.first { $0.name == name }.map { .single($0) }
    }

    /// Every name `demo --scenario` accepts, with its line for `demo --list` (the default first).
    public static var catalogue: [(name: String, summary: String)] {
        [(Scenario.tourName, Scenario.tourSummary)] + Scenario.incidents.map { ($0.name, $0.summary) }
    }
}
