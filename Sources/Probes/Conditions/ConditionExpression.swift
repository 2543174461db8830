// Placeholder so the package builds; the conditions work replaces this file.
enum ConditionExpression: Sendable {
    case alwaysTrue

    static func parse(_ source: String) throws(ConditionSyntaxError) -> ConditionExpression { .alwaysTrue }
    var usesBody: Bool { false }
    var usesCertificate: Bool { false }
    func evaluate(_ context: ConditionContext, source: String) -> ConditionOutcome { ConditionOutcome(passed: true) }
}
