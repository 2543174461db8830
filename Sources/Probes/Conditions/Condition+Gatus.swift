/// Where a condition would not give Gatus's verdict, known from the condition alone: `validate`
/// warns about each (the README's "Coming from Gatus" explains them).
extension Condition {
    /// One sentence per difference; empty when this condition judges every answer as Gatus does.
    public var gatusDifferences: [String] {
        var differences: [String] = []
        let expression = self.expression
        let literals = expression.literals
        if !expression.comparator.isOrdering {
            // Gatus compares two values as integers when both read as integers in Go's syntax, and
            // as text otherwise: `1.0 == 1` fails there.
            if literals.contains(where: {
                !$0.quoted && $0.number != nil && ConditionNumber.goInteger($0.text) == nil
                    && ConditionNumber.durationMilliseconds($0.text) == nil
            }) {
                differences.append(
                    "compares a decimal number by value (1.0 equals 1 here); Gatus compares it "
                        + "as text unless both sides are integers")
            }
            return differences
        }
        if literals.contains(where: {
            !$0.quoted && ConditionNumber.goInteger($0.text) == nil
                && ConditionNumber.parse($0.text).map { $0 != $0.rounded(.towardZero) } == true
        }) {
            differences.append("orders against a fraction exactly; Gatus cuts it to an integer first")
        }
        // Gatus reads a value that is not a number as 0: where 0 passes, it passes for any word.
        if expression.readsBody, let bound = literals.first?.number,
            expression.literalIsRight
                ? ConditionExpression.order(0, expression.comparator, bound)
                : ConditionExpression.order(bound, expression.comparator, 0)
        {
            differences.append(
                "passes for 0, so in Gatus it also passes when the body's value is not a number "
                    + "(read as 0); here that fails")
        }
        return differences
    }
}

extension ConditionExpression {
    /// The literals written in the condition, left to right (`any()` options included).
    var literals: [ConditionLiteral] {
        var found: [ConditionLiteral] = []
        if case .literal(let literal) = left { found.append(literal) }
        switch right {
        case .operand(.literal(let literal)): found.append(literal)
        case .anyOf(let options): found += options
        case .operand, .pattern: break
        }
        return found
    }

    /// Whether the literal is the right-hand side (`[BODY].x > 5`) rather than the left (`5 < [BODY].x`).
    var literalIsRight: Bool {
        if case .literal = left { return false }
        return true
    }

    /// Whether a side is a value of the body (not its length or presence).
    var readsBody: Bool {
        if case .value(let reference) = left, reference.placeholder == .body { return true }
        if case .operand(.value(let reference)) = right, reference.placeholder == .body { return true }
        return false
    }
}
