/// Plays a ``DemoPlan`` on a clock: applies each step's faults at its time and reports it.
///
/// Live it runs on a `ContinuousClock`; tests use a `ManualClock` and step through time.
public struct ScenarioPlayer<C: Clock>: Sendable where C.Duration == Duration {
    /// The clock the timeline runs on.
    public let clock: C
    /// How much faster than real time the timeline runs (2 halves every wait).
    public let pace: Double
    /// Applies a step's faults (every node not named back to healthy).
    public let apply: @Sendable ([String: FaultProfile]) async -> Void
    /// Receives one progress line per step (`scenario credit-bureau-cascade: credit bureau back`).
    public let report: @Sendable (String) -> Void

    /// Creates a player.
    public init(
        clock: C, pace: Double = 1, apply: @escaping @Sendable ([String: FaultProfile]) async -> Void,
        report: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.clock = clock
        self.pace = pace > 0 && pace.isFinite ? pace : 1
        self.apply = apply
        self.report = report
    }

    /// Plays `plan` until it ends (a single scenario) or the task is cancelled (a tour loops).
    public func play(_ plan: DemoPlan) async {
        switch plan {
        case .single(let scenario):
            guard await play(scenario) else { return }
            report("scenario \(scenario.name): over; the estate stays healthy (Ctrl-C to stop)")
        case .tour(let scenarios):
            guard !scenarios.isEmpty else { return }
            var round = 1
            while !Task.isCancelled {
                for scenario in scenarios {
                    report("tour (round \(round)): \(scenario.name): \(scenario.summary)")
                    guard await play(scenario) else { return }
                }
                round += 1
            }
        }
    }

    /// Plays one scenario's timeline to its end; false when cancelled on the way.
    public func play(_ scenario: Scenario) async -> Bool {
        let start = clock.now
        for step in scenario.steps {
            do {
                try await clock.sleep(until: start.advanced(by: step.at / pace), tolerance: nil)
            } catch {
                return false
            }
            await apply(step.faults)
            report("scenario \(scenario.name): \(step.note)")
        }
        do {
            try await clock.sleep(until: start.advanced(by: scenario.length / pace), tolerance: nil)
        } catch {
            return false
        }
        return true
    }
}
