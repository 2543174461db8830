/// When an error budget means something.
///
/// The budget is 1 − (bad/total)/(1 − objective) over the SLO window. With little data the ratio
/// is extrapolated to the whole window: two failed probes of a fresh history read as
/// −99900 %, right in arithmetic and wrong as a message. Below ``meaningfulCoverage`` of the
/// window the reports show the budget as "not yet meaningful" with the coverage instead; the
/// raw figures stay in `slo --format json`.
extension SLIStatus {
    /// The share of the SLO window that must hold data before a budget is shown: 1 %, about
    /// 6.7 hours of a 28-day window. From there a single failed probe in 15 s probing costs
    /// under 60 % of the budget, where at 40 minutes it would read as a fivefold overspend.
    public static let meaningfulCoverage = 0.01

    /// Whether the budget (and the time to exhaustion) is worth showing: there are events, and
    /// they cover at least ``meaningfulCoverage`` of the window.
    public var budgetIsMeaningful: Bool {
        counts.total > 0 && counts.coverage >= Self.meaningfulCoverage
    }
}
