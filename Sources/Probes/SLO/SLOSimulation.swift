import Foundation

/// Why `slo simulate` cannot run: one readable line naming the bad input.
public struct SLOSimulationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong and what is allowed.
    public var description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

/// `slo simulate`: the real alert code (``SLOBook`` and ``AlertEngine``) run on a virtual clock
/// against a synthetic error profile: healthy for a while, then a constant error ratio, until
/// every rule has fired or a full SLO window has passed.
public struct SLOSimulation: Sendable, Equatable, Codable {
    /// What happened to one burn-rate rule.
    public struct RuleOutcome: Sendable, Equatable, Codable {
        /// The rule's name (`page-1h`).
        public var name: String
        /// The rule's severity.
        public var severity: AlertSeverity
        /// Long and short windows, as labels (`1h`, `5m`).
        public var longWindow: String
        /// The short window's label.
        public var shortWindow: String
        /// The rule's factor for this SLO window.
        public var burnRate: Double
        /// Seconds from the start of the errors to the firing; `nil` when it never fired.
        public var firedAfterSeconds: Double?
        /// Share of the whole window's error budget spent since the errors began, at firing time.
        public var budgetConsumed: Double?
        /// The SRE Workbook's detection time, burnRate × (1 − SLO) ÷ errorRatio × longWindow;
        /// `nil` when the error ratio can never reach the factor.
        public var formulaSeconds: Double?
    }

    /// Objective in percent.
    public var objective: Double
    /// The SLO window in seconds.
    public var windowSeconds: Int64
    /// Share of failed probes once the errors begin.
    public var errorRatio: Double
    /// Healthy time before the errors, in seconds.
    public var healthyForSeconds: Int64
    /// Virtual time between two synthetic results.
    public var stepSeconds: Int64
    /// How long the errors ran before the simulation stopped.
    public var simulatedSeconds: Int64
    /// One outcome per burn-rate rule, in policy order.
    public var rules: [RuleOutcome]

    /// Synthetic probes per step: enough to express small error ratios exactly.
    static let eventsPerStep = 100_000
    /// Where the errors begin on the virtual clock (2026-01-01T00:00:00Z, on every bucket edge).
    static let errorStart: Int64 = 1_767_225_600
    static let service = "simulated"

    /// Runs the simulation.
    ///
    /// - Parameters:
    ///   - objective: availability objective in percent, in (0, 100).
    ///   - window: the SLO window (1 minute to 400 days).
    ///   - errorRatio: share of failed probes once the errors begin, in (0, 1].
    ///   - healthyFor: healthy time before the errors; the SLO window when `nil`.
    ///   - step: virtual time per synthetic result (1 s to 1 h; default 10 s, one fine bucket).
    ///   - rules: the burn-rate rules (the Workbook's by default).
    public static func run(
        objective: Double, window: Duration, errorRatio: Double, healthyFor: Duration? = nil,
        step: Duration = .seconds(10), rules: [BurnRateRule] = AlertPolicy.standard.burnRateRules
    ) throws(SLOSimulationError) -> SLOSimulation {
        guard objective.isFinite, objective > 0, objective < 100 else {
            throw SLOSimulationError("objective \(objective) must be a percentage in (0, 100)")
        }
        guard errorRatio.isFinite, errorRatio > 0, errorRatio <= 1 else {
            throw SLOSimulationError("error ratio \(errorRatio) must be in (0, 1]")
        }
        let w = SLIWindow.seconds(window)
        guard w >= 60, w <= SLILayout.maximumWindowSeconds else {
            throw SLOSimulationError("window \(SLIWindow.label(seconds: w)) must be between 1m and 400d")
        }
        let healthy = healthyFor.map(SLIWindow.seconds) ?? w
        guard healthyFor.map({ $0 >= .zero }) ?? true else {
            throw SLOSimulationError("healthy-for must not be negative")
        }
        let dt = SLIWindow.seconds(step)
        guard dt >= 1, dt <= 3600 else { throw SLOSimulationError("step must be between 1s and 1h") }
        for rule in rules where !(rule.longWindow > .zero && rule.shortWindow > .zero) {
            throw SLOSimulationError("rule \(rule.name) needs positive windows")
        }
        var simulation = SLOSimulation(
            objective: objective, windowSeconds: w, errorRatio: errorRatio, healthyForSeconds: healthy,
            stepSeconds: dt, simulatedSeconds: 0,
            rules: rules.map { outcome(for: $0, window: window, objective: objective, errorRatio: errorRatio) })
        simulation.simulate(window: window, rules: rules)
        return simulation
    }

    private static func outcome(
        for rule: BurnRateRule, window: Duration, objective: Double,
        errorRatio: Double
    ) -> RuleOutcome {
        let factor = rule.burnRate(sloWindow: window)
        let allowed = ErrorBudget.allowedErrorRatio(objective: objective)
        let formula = factor * allowed / errorRatio * rule.longWindow.seconds
        return RuleOutcome(
            name: rule.name, severity: rule.severity, longWindow: SLIWindow.label(rule.longWindow),
            shortWindow: SLIWindow.label(rule.shortWindow), burnRate: AlertEngine.round6(factor),
            firedAfterSeconds: nil, budgetConsumed: nil,
            formulaSeconds: errorRatio / allowed >= factor ? formula : nil)
    }

    private mutating func simulate(window: Duration, rules: [BurnRateRule]) {
        let policy = SLOPolicy(
            objective: objective, window: window, latency: .standard,
            alerts: AlertPolicy(burnRateRules: rules, downAfter: 2, resolveAfter: 2, latencyAlert: false))
        // 100,000 events a step are far over the 31, 1,023 and 8,191 of the live engine's
        // counters.
        var book = SLOBook(policies: [(Self.service, policy)], wideCounters: true)
        var engine = AlertEngine()
        let perStep = Self.eventsPerStep
        let longest = rules.map { max(SLIWindow.seconds($0.longWindow), SLIWindow.seconds($0.shortWindow)) }.max() ?? 0

        // Only the rules' windows are read, so health older than the longest of them (plus a
        // margin) changes nothing and is not replayed.
        let healthy = min(healthyForSeconds, min(longest, SLILayout.maximumWindowSeconds) + 3600)
        var t = Self.errorStart - (healthy / stepSeconds) * stepSeconds
        while t < Self.errorStart {
            book.record(service: Self.service, sli: .availability, good: perStep, total: perStep, at: date(t))
            t += stepSeconds
        }

        // Once both of a rule's windows hold nothing but errors its burn rates stop changing, so a
        // rule that has not fired by then never will.
        let deadline = rules.map { rule in
            Self.errorStart + max(SLIWindow.seconds(rule.longWindow), SLIWindow.seconds(rule.shortWindow)) + stepSeconds
        }
        let budget =
            ErrorBudget.allowedErrorRatio(objective: objective) * Double(perStep)
            * Double(windowSeconds) / Double(stepSeconds)
        var carry = 0.0
        var bad = 0
        t = Self.errorStart
        while t - Self.errorStart < windowSeconds {
            let exact = errorRatio * Double(perStep) + carry
            let failed = min(perStep, Int(exact.rounded(.down)))
            carry = exact - Double(failed)
            bad += failed
            book.record(
                service: Self.service, sli: .availability, good: perStep - failed, total: perStep,
                at: date(t))
            t += stepSeconds
            let events = engine.evaluateBurnRates(service: Self.service, now: date(t), slo: &book)
            for event in events where event.event == .firing && event.sli == .availability {
                guard let i = rules.firstIndex(where: { $0.name == event.rule }),
                    self.rules[i].firedAfterSeconds == nil
                else { continue }
                self.rules[i].firedAfterSeconds = Double(t - Self.errorStart)
                self.rules[i].budgetConsumed = Double(bad) / budget
            }
            simulatedSeconds = t - Self.errorStart
            let pending = self.rules.indices.filter { self.rules[$0].firedAfterSeconds == nil }
            if pending.allSatisfy({ deadline[$0] <= t }) { break }
        }
    }

    private func date(_ t: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(t)) }
}
