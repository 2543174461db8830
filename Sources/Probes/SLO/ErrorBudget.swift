/// The error-budget arithmetic of the SRE Workbook, on window counts.
public enum ErrorBudget {
    /// The allowed error ratio, 1 − objective, for an objective in percent (never below 1e-9, so an
    /// objective of 100 % cannot divide by zero).
    public static func allowedErrorRatio(objective: Double) -> Double {
        guard objective.isFinite else { return 1e-9 }
        return max(1 - objective / 100, 1e-9)
    }

    /// Burn rate over a window: (bad / total) ÷ (1 − objective). 1 spends the budget exactly over
    /// the SLO window; 0 when the window holds no events.
    public static func burnRate(_ counts: WindowCounts, objective: Double) -> Double {
        counts.errorRatio / allowedErrorRatio(objective: objective)
    }

    /// Budget remaining over the SLO window: 1 − (bad / total) ÷ (1 − objective). 1 is untouched,
    /// 0 is spent, below 0 is overspent; 1 when there are no events.
    public static func remaining(_ counts: WindowCounts, objective: Double) -> Double {
        1 - burnRate(counts, objective: objective)
    }

    /// Time until the remaining budget is spent at a burn rate: remaining × window ÷ burn rate.
    /// `nil` when nothing is burning; zero when the budget is already spent.
    public static func timeToExhaustion(remaining: Double, burnRate: Double, windowSeconds: Int64) -> Duration? {
        if remaining <= 0 { return .zero }
        guard burnRate > 0, burnRate.isFinite else { return nil }
        let seconds = remaining * Double(windowSeconds) / burnRate
        guard seconds.isFinite, seconds < 1e15 else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
