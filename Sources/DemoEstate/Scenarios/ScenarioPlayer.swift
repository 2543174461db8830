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
    /// Receives where the timeline is after every step (for the board's banner).
    public let progress: @Sendable (ScenarioProgress) -> Void

    /// Creates a player.
    public init(
        clock: C, pace: Double = 1, apply: @escaping @Sendable ([String: FaultProfile]) async -> Void,
        report: @escaping @Sendable (String) -> Void = { _ in },
        progress: @escaping @Sendable (ScenarioProgress) -> Void = { _ in }
    ) {
        self.clock = clock
        self.pace = pace > 0 && pace.isFinite ? pace : 1
        self.apply = apply
        self.report = report
        self.progress = progress
    }

    /// Plays `plan` until it ends (a single scenario) or the task is cancelled (a tour loops).
    public func play(_ plan: DemoPlan) async {
        switch plan {
        case .single(let scenario):
            guard await play(scenario, tour: nil) else { return }
            report("scenario \(scenario.name): over; the estate stays healthy (Ctrl-C to stop)")
            progress(
                ScenarioProgress(
                    scenario: scenario.name, step: scenario.steps.count,
                    steps: scenario.steps.count, note: "over; the estate stays healthy"))
        case .tour(let scenarios):
            guard !scenarios.isEmpty else { return }
            var round = 1
            while !Task.isCancelled {
                for (index, scenario) in scenarios.enumerated() {
                    report("tour (round \(round)): \(scenario.name): \(scenario.summary)")
                    let place = ScenarioProgress.TourPlace(position: index + 1, count: scenarios.count, round: round)
                    guard await play(scenario, tour: place) else { return }
                }
                round += 1
            }
        }
    }

    /// Plays one scenario's timeline to its end; false when cancelled on the way.
    public func play(_ scenario: Scenario) async -> Bool {
        await play(scenario, tour: nil)
    }

    private func play(_ scenario: Scenario, tour: ScenarioProgress.TourPlace?) async -> Bool {
        let start = clock.now
        for (index, step) in scenario.steps.enumerated() {
            do {
                try await clock.sleep(until: start.advanced(by: step.at / pace), tolerance: nil)
            } catch {
                return false
            }
            await apply(step.faults)
            report("scenario \(scenario.name): \(step.note)")
            progress(
                ScenarioProgress(
                    scenario: scenario.name, step: index + 1, steps: scenario.steps.count,
                    note: step.note, tour: tour))
        }
        do {
            try await clock.sleep(until: start.advanced(by: scenario.length / pace), tolerance: nil)
        } catch {
            return false
        }
        return true
    }
}

/// Where a demo's timeline is: the scenario, its current step, and its place in the tour.
public struct ScenarioProgress: Sendable, Equatable {
    /// A scenario's place in the tour.
    public struct TourPlace: Sendable, Equatable {
        /// 1-based position of the scenario in the tour.
        public var position: Int
        /// Scenarios in the tour.
        public var count: Int
        /// How many times the tour has started (1 the first time).
        public var round: Int

        public init(position: Int, count: Int, round: Int) {
            self.position = position
            self.count = count
            self.round = round
        }
    }

    /// The scenario's name (`credit-bureau-cascade`).
    public var scenario: String
    /// 1-based number of the current step.
    public var step: Int
    /// Steps in the scenario.
    public var steps: Int
    /// What the current step does.
    public var note: String
    /// Its place in the tour; `nil` when a single scenario plays.
    public var tour: TourPlace?

    public init(scenario: String, step: Int, steps: Int, note: String, tour: TourPlace? = nil) {
        self.scenario = scenario
        self.step = step
        self.steps = steps
        self.note = note
        self.tour = tour
    }

    /// The board's banner: `DEMO tour 3/5: credit-bureau-cascade  step 2/5: credit bureau slowing (p50 0.7 s)`.
    public var bannerLine: String {
        let place = tour.map { "tour \($0.position)/\($0.count): " } ?? ""
        return "DEMO \(place)\(scenario)  step \(step)/\(steps): \(note)"
    }
}
