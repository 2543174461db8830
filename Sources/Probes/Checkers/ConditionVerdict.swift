/// The status a probe's conditions give to what it observed.
struct ConditionVerdict: Sendable, Equatable {
    var status: ProbeStatus
    /// The first failed condition's message (a critical one when the status is `down`).
    var message: String?

    /// Evaluates every condition: any failed critical one makes the probe `down` with its
    /// message; failed warning ones alone make it `degraded`.
    static func judge(_ conditions: [Condition], _ context: ConditionContext) -> ConditionVerdict {
        var firstWarning: String?
        for condition in conditions {
            let outcome = condition.evaluate(context)
            guard !outcome.passed else { continue }
            let message = outcome.message ?? "condition \(condition.source) failed"
            switch condition.severity {
            case .critical: return ConditionVerdict(status: .down, message: message)
            case .warning: firstWarning = firstWarning ?? message
            }
        }
        if let firstWarning { return ConditionVerdict(status: .degraded, message: firstWarning) }
        return ConditionVerdict(status: .up, message: nil)
    }
}
