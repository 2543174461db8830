/// A parsed condition: `<left> <comparator> <right>`, evaluated against a ``ConditionContext``.
struct ConditionExpression: Sendable {
    var left: ConditionOperand
    var comparator: ConditionComparator
    var right: ConditionExpectation

    static func parse(_ source: String) throws(ConditionSyntaxError) -> ConditionExpression {
        try ConditionParser(source).parseCondition()
    }

    var usesBody: Bool { references.contains { $0.placeholder == .body } }
    var usesCertificate: Bool { references.contains { $0.placeholder == .certificateExpiration } }
    /// The names read through `[CONTEXT].name`.
    var contextNames: [String] {
        references.compactMap { reference in
            guard reference.placeholder == .context, case .key(let name)? = reference.path.first else { return nil }
            return name
        }
    }

    private var references: [ConditionPlaceholderReference] {
        var found: [ConditionPlaceholderReference] = []
        if let reference = left.reference { found.append(reference) }
        if case .operand(let operand) = right, let reference = operand.reference { found.append(reference) }
        return found
    }
}

/// The placeholders of the condition language, spelled as in Gatus.
enum ConditionPlaceholder: String, CaseIterable, Sendable {
    case status = "STATUS"
    case responseTime = "RESPONSE_TIME"
    case body = "BODY"
    case connected = "CONNECTED"
    case certificateExpiration = "CERTIFICATE_EXPIRATION"
    /// `[CONTEXT].name`: a value a transaction step stored (Gatus suites' syntax).
    case context = "CONTEXT"
}

/// One step of a JSON path: `.key` or `[index]`.
public enum ConditionPathSegment: Sendable, Equatable {
    case key(String)
    case index(Int)
}

/// A placeholder as written, with its JSON path when it is `[BODY]`.
struct ConditionPlaceholderReference: Sendable, Equatable {
    var placeholder: ConditionPlaceholder
    var path: [ConditionPathSegment] = []

    /// The reference as a user would write it, up to (and including) the segment `count - 1`.
    func text(segments count: Int? = nil) -> String {
        var text = "[\(placeholder.rawValue)]"
        for segment in path.prefix(count ?? path.count) {
            switch segment {
            case .key(let key): text += ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}

/// A value written in the condition itself: `200`, `UP`, `"two words"`, `48h`, `true`.
struct ConditionLiteral: Sendable, Equatable {
    var text: String
    var quoted: Bool
    /// The value as a number (durations in milliseconds); `nil` when it is not one, or was quoted.
    var number: Double?

    init(text: String, quoted: Bool) {
        self.text = text
        self.quoted = quoted
        self.number = quoted ? nil : (ConditionNumber.parseGatus(text) ?? ConditionNumber.durationMilliseconds(text))
    }
}

enum ConditionOperand: Sendable {
    case value(ConditionPlaceholderReference)
    /// `len(...)`
    case length(ConditionPlaceholderReference)
    /// `has(...)`
    case presence(ConditionPlaceholderReference)
    case literal(ConditionLiteral)

    var reference: ConditionPlaceholderReference? {
        switch self {
        case .value(let reference), .length(let reference), .presence(let reference): reference
        case .literal: nil
        }
    }
}

enum ConditionComparator: String, Sendable, CaseIterable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    var isOrdering: Bool { self != .equal && self != .notEqual }
}

/// The right-hand side: another operand, or one of the matching functions `pat()` and `any()`.
enum ConditionExpectation: Sendable {
    case operand(ConditionOperand)
    case pattern(ConditionWildcardPattern)
    case anyOf([ConditionLiteral])
}

// MARK: - Evaluation

extension ConditionExpression {
    func evaluate(_ context: ConditionContext, source: String) -> ConditionOutcome {
        var body = ConditionBody(context.body)
        let leftValue: ConditionValue
        switch resolve(left, context, &body) {
        case .value(let value): leftValue = value
        case .unavailable(let reason): return Self.failure(source, reason)
        }

        switch right {
        case .pattern(let pattern):
            let matched = pattern.matches(leftValue.text)
            return outcome(matched, source: source, got: leftValue.display)
        case .anyOf(let options):
            let matched = options.contains { leftValue.equals(.literal($0)) }
            return outcome(matched, source: source, got: leftValue.display)
        case .operand(let operand):
            let rightValue: ConditionValue
            switch resolve(operand, context, &body) {
            case .value(let value): rightValue = value
            case .unavailable(let reason): return Self.failure(source, reason)
            }
            let got = Self.observed(leftValue, rightValue)
            guard comparator.isOrdering else {
                return outcome(leftValue.equals(rightValue), source: source, got: got)
            }
            guard let lhs = leftValue.number, let rhs = rightValue.number else {
                return Self.failure(source, "got \(got) (not a number)")
            }
            return outcome(Self.order(lhs, comparator, rhs), source: source, got: got)
        }
    }

    private func outcome(_ matched: Bool, source: String, got: String) -> ConditionOutcome {
        let passed = comparator == .notEqual ? !matched : matched
        return passed ? ConditionOutcome(passed: true) : Self.failure(source, "got \(got)")
    }

    private static func failure(_ source: String, _ detail: String) -> ConditionOutcome {
        ConditionOutcome(passed: false, message: "condition \(source) failed: \(detail)")
    }

    static func order(_ lhs: Double, _ comparator: ConditionComparator, _ rhs: Double) -> Bool {
        switch comparator {
        case .less: lhs < rhs
        case .lessOrEqual: lhs <= rhs
        case .greater: lhs > rhs
        case .greaterOrEqual: lhs >= rhs
        case .equal: lhs == rhs
        case .notEqual: lhs != rhs
        }
    }

    /// What the probe saw: the observed side(s), never the literal the user wrote.
    private static func observed(_ left: ConditionValue, _ right: ConditionValue) -> String {
        switch (left.isLiteral, right.isLiteral) {
        case (true, false): right.display
        case (false, false): "\(left.display) vs \(right.display)"
        default: left.display
        }
    }

    private enum Resolution {
        case value(ConditionValue)
        case unavailable(String)
    }

    private func resolve(
        _ operand: ConditionOperand, _ context: ConditionContext,
        _ body: inout ConditionBody
    ) -> Resolution {
        switch operand {
        case .literal(let literal):
            return .value(.literal(literal))
        case .value(let reference):
            return resolveValue(reference, context, &body)
        case .length(let reference):
            return resolveLength(reference, context, &body)
        case .presence(let reference):
            return .value(.bool(isPresent(reference, context, &body)))
        }
    }

    private func resolveValue(
        _ reference: ConditionPlaceholderReference, _ context: ConditionContext,
        _ body: inout ConditionBody
    ) -> Resolution {
        switch reference.placeholder {
        case .status:
            guard let status = context.status else { return .unavailable("no HTTP status") }
            return .value(.integer(status))
        case .responseTime:
            return .value(.milliseconds(context.responseTimeMs))
        case .connected:
            return .value(.bool(context.connected))
        case .certificateExpiration:
            guard let expiration = context.certificateExpiration else {
                return .unavailable("certificate expiration unknown")
            }
            let (seconds, attoseconds) = expiration.components
            return .value(.duration(Double(seconds) * 1000 + Double(attoseconds) / 1e15))
        case .context:
            guard case .key(let name)? = reference.path.first, let value = context.variables[name] else {
                return .unavailable("\(reference.text()) is not stored")
            }
            return .value(.literal(ConditionLiteral(text: value, quoted: false)))
        case .body:
            if reference.path.isEmpty { return .value(.text(body.trimmedText)) }
            switch lookUp(reference, &body) {
            case .found(let json, let offset): return .value(json.value(at: offset))
            case .unavailable(let reason): return .unavailable(reason)
            }
        }
    }

    private func resolveLength(
        _ reference: ConditionPlaceholderReference, _ context: ConditionContext,
        _ body: inout ConditionBody
    ) -> Resolution {
        guard reference.placeholder == .body else {
            switch resolveValue(reference, context, &body) {
            case .value(let value): return .value(.integer(value.text.count))
            case .unavailable(let reason): return .unavailable(reason)
            }
        }
        // As Gatus: an array counts its elements; an object its JSON text (the body as it came
        // for the whole body, compact for one inside it); a string its characters.
        if reference.path.isEmpty {
            if let json = body.json, json.isArray(at: json.root), let count = json.memberCount(at: json.root) {
                return .value(.integer(count))
            }
            return .value(.integer(body.trimmedText.count))
        }
        switch lookUp(reference, &body) {
        case .found(let json, let offset):
            if json.isObject(at: offset) { return .value(.integer(json.compactText(at: offset).count)) }
            return .value(.integer(json.length(at: offset)))
        case .unavailable(let reason): return .unavailable(reason)
        }
    }

    /// `has()`: Gatus treats a JSON `null` as absent, so do we.
    private func isPresent(
        _ reference: ConditionPlaceholderReference, _ context: ConditionContext,
        _ body: inout ConditionBody
    ) -> Bool {
        switch reference.placeholder {
        case .status: return context.status != nil
        case .certificateExpiration: return context.certificateExpiration != nil
        case .responseTime, .connected: return true
        case .context:
            guard case .key(let name)? = reference.path.first else { return false }
            return context.variables[name] != nil
        case .body:
            if reference.path.isEmpty { return !body.isBlank }
            guard case .found(let json, let offset) = lookUp(reference, &body) else { return false }
            return !json.isNull(at: offset)
        }
    }

    private enum Lookup {
        case found(ConditionJSON, Int)
        case unavailable(String)
    }

    private func lookUp(_ reference: ConditionPlaceholderReference, _ body: inout ConditionBody) -> Lookup {
        guard let json = body.json else {
            return .unavailable(body.isBlank ? "body is empty" : "body is not JSON")
        }
        switch json.find(reference.path) {
        case .at(let offset): return .found(json, offset)
        case .missing(let segment):
            return .unavailable("\(reference.text(segments: segment + 1)) not found")
        }
    }
}

/// The response body, read as text or JSON only when a condition asks for it, and at most once.
struct ConditionBody {
    let bytes: [UInt8]
    private var parsedJSON: ConditionJSON??

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var json: ConditionJSON? {
        mutating get {
            if let parsedJSON { return parsedJSON }
            let parsed = ConditionJSON(bytes)
            parsedJSON = .some(parsed)
            return parsed
        }
    }

    var isBlank: Bool { bytes.allSatisfy(ConditionJSON.isWhitespace) }

    /// `[BODY]`: the body as text, surrounding whitespace removed as Gatus does; bad UTF-8 is repaired.
    var trimmedText: String {
        guard let first = bytes.firstIndex(where: { !ConditionJSON.isWhitespace($0) }),
            let last = bytes.lastIndex(where: { !ConditionJSON.isWhitespace($0) })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
