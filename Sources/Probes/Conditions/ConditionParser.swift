/// Reads one condition. Columns in messages are 1-based positions in the condition text.
struct ConditionParser {
    private let chars: [Unicode.Scalar]

    init(_ source: String) {
        chars = Array(source.unicodeScalars)
    }

    private typealias Span = Range<Int>

    /// An operand, or one of the matching functions that may stand on either side, as in Gatus.
    private enum Side {
        case operand(ConditionOperand)
        case matcher(ConditionExpectation)
    }

    func parseCondition() throws(ConditionSyntaxError) -> ConditionExpression {
        let whole = trimmed(0..<chars.count)
        guard !whole.isEmpty else { throw Self.error("empty condition") }
        let (comparator, location) = try findComparator(in: whole)
        let leftSpan = trimmed(whole.lowerBound..<location.lowerBound)
        let rightSpan = trimmed(location.upperBound..<whole.upperBound)
        guard !leftSpan.isEmpty else {
            throw Self.error("missing left operand before \(comparator.rawValue) at column \(location.lowerBound + 1)")
        }
        guard !rightSpan.isEmpty else {
            throw Self.error("missing right operand after \(comparator.rawValue) at column \(location.lowerBound + 1)")
        }
        let left = try side(leftSpan)
        let right = try side(rightSpan)
        return try combine(left, comparator, right)
    }

    private func combine(
        _ left: Side, _ comparator: ConditionComparator,
        _ right: Side
    ) throws(ConditionSyntaxError) -> ConditionExpression {
        let expression: ConditionExpression
        switch (left, right) {
        case (.operand(let lhs), .operand(let rhs)):
            expression = ConditionExpression(left: lhs, comparator: comparator, right: .operand(rhs))
        case (.operand(let lhs), .matcher(let matcher)), (.matcher(let matcher), .operand(let lhs)):
            expression = ConditionExpression(left: lhs, comparator: comparator, right: matcher)
        case (.matcher, .matcher):
            throw Self.error("pat() and any() need a placeholder to match on the other side")
        }
        guard comparator.isOrdering else { return expression }
        switch expression.right {
        case .pattern: throw Self.error("pat() works only with == and !=")
        case .anyOf: throw Self.error("any() works only with == and !=")
        case .operand(let rhs):
            try checkOrderable(expression.left, comparator)
            try checkOrderable(rhs, comparator)
        }
        return expression
    }

    private func checkOrderable(
        _ operand: ConditionOperand,
        _ comparator: ConditionComparator
    ) throws(ConditionSyntaxError) {
        switch operand {
        case .literal(let literal) where literal.number == nil:
            let shown = literal.quoted ? "\"\(literal.text)\"" : literal.text
            throw Self.error("\(comparator.rawValue) needs a number or a duration, got \(shown)")
        case .presence:
            throw Self.error("has() gives true or false; compare it with == or !=")
        case .value(let reference) where reference.placeholder == .connected:
            throw Self.error("[CONNECTED] is true or false; compare it with == or !=")
        default:
            break
        }
    }

    // MARK: Comparator

    private func findComparator(in span: Span) throws(ConditionSyntaxError) -> (ConditionComparator, Span) {
        var brackets: [Int] = []
        var parentheses: [Int] = []
        var index = span.lowerBound
        if Self.isQuote(chars[index]) { index = try quoted(from: index, limit: span.upperBound).end }
        while index < span.upperBound {
            switch chars[index] {
            case "[":
                brackets.append(index)
            case "]":
                guard brackets.popLast() != nil else {
                    throw Self.error("unbalanced brackets: ] at column \(index + 1) has no matching [")
                }
            case "(":
                parentheses.append(index)
            case ")":
                guard parentheses.popLast() != nil else {
                    throw Self.error("unbalanced parentheses: ) at column \(index + 1) has no matching (")
                }
            case let scalar where Self.isComparatorChar(scalar) && brackets.isEmpty && parentheses.isEmpty:
                return try comparator(at: index)
            default:
                break
            }
            index += 1
        }
        if let open = brackets.first {
            throw Self.error("unbalanced brackets: [ at column \(open + 1) is not closed")
        }
        if let open = parentheses.first {
            throw Self.error("unbalanced parentheses: ( at column \(open + 1) is not closed")
        }
        throw Self.error("no comparator (expected one of == != < <= > >=)")
    }

    private func comparator(at index: Int) throws(ConditionSyntaxError) -> (ConditionComparator, Span) {
        let first = chars[index]
        let second: Unicode.Scalar = index + 1 < chars.count ? chars[index + 1] : " "
        let column = index + 1
        let comparator: ConditionComparator
        switch (first, second) {
        case ("=", "="): comparator = .equal
        case ("!", "="): comparator = .notEqual
        case ("<", "="): comparator = .lessOrEqual
        case (">", "="): comparator = .greaterOrEqual
        case ("<", ">"): throw Self.unknownComparator("<>", column, suggestion: "!=")
        case ("=", ">"): throw Self.unknownComparator("=>", column, suggestion: ">=")
        case ("=", "<"): throw Self.unknownComparator("=<", column, suggestion: "<=")
        case (_, "!"), (_, "<"), (_, ">"):
            throw Self.unknownComparator(String(first) + String(second), column, suggestion: nil)
        case ("=", _): throw Self.unknownComparator("=", column, suggestion: "==")
        case ("!", _): throw Self.unknownComparator("!", column, suggestion: "!=")
        case ("<", _): comparator = .less
        default: comparator = .greater
        }
        let end = index + comparator.rawValue.unicodeScalars.count
        if end < chars.count, Self.isComparatorChar(chars[end]) {
            throw Self.unknownComparator(text(index..<(end + 1)), column, suggestion: nil)
        }
        return (comparator, index..<end)
    }

    private static func unknownComparator(
        _ text: String, _ column: Int,
        suggestion: String?
    ) -> ConditionSyntaxError {
        let hint = suggestion.map { " (did you mean \($0)?)" } ?? " (expected one of == != < <= > >=)"
        return error("unknown comparator \(text) at column \(column)\(hint)")
    }

    private static func isComparatorChar(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "=" || scalar == "!" || scalar == "<" || scalar == ">"
    }

    // MARK: Operands

    private func side(_ span: Span) throws(ConditionSyntaxError) -> Side {
        let first = chars[span.lowerBound]
        // `[]` is the empty JSON array as a value (compared with compact JSON text), not a placeholder.
        if text(span) == "[]" { return .operand(.literal(ConditionLiteral(text: "[]", quoted: false))) }
        if first == "[" { return .operand(.value(try placeholder(in: span))) }
        if Self.isQuote(first) {
            let (value, end) = try quoted(from: span.lowerBound, limit: span.upperBound)
            try rejectTrailing(end..<span.upperBound, after: span.lowerBound..<end)
            return .operand(.literal(ConditionLiteral(text: value, quoted: true)))
        }
        if let call = functionCall(in: span) { return try function(call.name, open: call.open, in: span) }
        return .operand(.literal(try bareLiteral(span)))
    }

    private func bareLiteral(_ span: Span) throws(ConditionSyntaxError) -> ConditionLiteral {
        var brackets: [Int] = []
        var parentheses: [Int] = []
        var wordStart: Int?
        for index in span {
            let scalar = chars[index]
            switch scalar {
            case "[": brackets.append(index)
            case "(": parentheses.append(index)
            case "]":
                guard brackets.popLast() != nil else {
                    throw Self.error("unbalanced brackets: ] at column \(index + 1) has no matching [")
                }
            case ")":
                guard parentheses.popLast() != nil else {
                    throw Self.error("unbalanced parentheses: ) at column \(index + 1) has no matching (")
                }
            default: break
            }
            if Self.isSpace(scalar) {
                wordStart = nil
            } else if wordStart == nil {
                wordStart = index
                var end = index
                while end < span.upperBound, !Self.isSpace(chars[end]) { end += 1 }
                let word = text(index..<end)
                if word == "=" || ConditionComparator(rawValue: word) != nil {
                    throw Self.error("more than one comparator (another \(word) at column \(index + 1))")
                }
            }
        }
        if let open = brackets.first {
            throw Self.error("unbalanced brackets: [ at column \(open + 1) is not closed")
        }
        if let open = parentheses.first {
            throw Self.error("unbalanced parentheses: ( at column \(open + 1) is not closed")
        }
        return ConditionLiteral(text: text(span), quoted: false)
    }

    /// A quoted string starting at `start`: its contents (with `\"` and `\\` resolved) and the index after it.
    private func quoted(from start: Int, limit: Int) throws(ConditionSyntaxError) -> (value: String, end: Int) {
        let quote = chars[start]
        var value = String.UnicodeScalarView()
        var index = start + 1
        while index < limit {
            let scalar = chars[index]
            if scalar == "\\", index + 1 < limit {
                value.append(chars[index + 1])
                index += 2
                continue
            }
            if scalar == quote { return (String(value), index + 1) }
            value.append(scalar)
            index += 1
        }
        throw Self.error("unterminated quote: \(quote) at column \(start + 1) is not closed")
    }

    /// Text left over after a complete operand is an error; a comparator there means two comparators.
    private func rejectTrailing(_ rest: Span, after operand: Span) throws(ConditionSyntaxError) {
        let rest = trimmed(rest)
        guard !rest.isEmpty else { return }
        let column = rest.lowerBound + 1
        if Self.isComparatorChar(chars[rest.lowerBound]) {
            throw Self.error("more than one comparator (another one at column \(column))")
        }
        let unexpected = Self.clipped(text(rest))
        throw Self.error("unexpected \"\(unexpected)\" at column \(column) after \(Self.clipped(text(operand)))")
    }

    // MARK: Functions

    private static let functions = ["len", "has", "pat", "any"]
    private static let functionAliases = [
        "length": "len", "size": "len", "count": "len", "exists": "has", "defined": "has",
        "match": "pat", "matches": "pat", "pattern": "pat", "like": "pat", "glob": "pat", "in": "any", "oneof": "any",
    ]

    private func functionCall(in span: Span) -> (name: String, open: Int)? {
        var index = span.lowerBound
        guard Self.isIdentifierStart(chars[index]) else { return nil }
        while index < span.upperBound, Self.isIdentifierStart(chars[index]) || Self.isDigit(chars[index]) {
            index += 1
        }
        let name = text(span.lowerBound..<index)
        // `ok (cached)` is a value; `len ([BODY])` is still len().
        if !Self.functions.contains(name) {
            guard index < span.upperBound, chars[index] == "(" else { return nil }
        }
        while index < span.upperBound, Self.isSpace(chars[index]) { index += 1 }
        guard index < span.upperBound, chars[index] == "(" else { return nil }
        return (name, index)
    }

    private func function(_ name: String, open: Int, in span: Span) throws(ConditionSyntaxError) -> Side {
        guard Self.functions.contains(name) else { throw Self.unknownFunction(name, column: span.lowerBound + 1) }
        guard let close = (open + 1..<span.upperBound).last(where: { chars[$0] == ")" }) else {
            throw Self.error("unbalanced parentheses: ( at column \(open + 1) is not closed")
        }
        try rejectTrailing((close + 1)..<span.upperBound, after: span.lowerBound..<(close + 1))
        let argument = trimmed((open + 1)..<close)
        switch name {
        case "len": return .operand(.length(try placeholderArgument(argument, of: name)))
        case "has": return .operand(.presence(try placeholderArgument(argument, of: name)))
        case "pat":
            var pattern = text(argument)
            if !argument.isEmpty, Self.isQuote(chars[argument.lowerBound]) {
                let (value, end) = try quoted(from: argument.lowerBound, limit: argument.upperBound)
                try rejectTrailing(end..<argument.upperBound, after: argument.lowerBound..<end)
                pattern = value
            }
            return .matcher(.pattern(ConditionWildcardPattern(pattern)))
        default:
            return .matcher(.anyOf(try options(argument)))
        }
    }

    private func placeholderArgument(
        _ span: Span, of function: String
    ) throws(ConditionSyntaxError) -> ConditionPlaceholderReference {
        guard !span.isEmpty else {
            throw Self.error("\(function)() needs a placeholder, e.g. \(function)([BODY].items)")
        }
        guard chars[span.lowerBound] == "[" else {
            throw Self.error("\(function)() takes a placeholder such as [BODY].items, not \(Self.clipped(text(span)))")
        }
        return try placeholder(in: span)
    }

    /// `any(a, "b, c", 3)`: comma-separated values, each bare or quoted.
    private func options(_ span: Span) throws(ConditionSyntaxError) -> [ConditionLiteral] {
        guard !span.isEmpty else { throw Self.error("any() needs at least one value") }
        var options: [ConditionLiteral] = []
        var index = span.lowerBound
        while true {
            while index < span.upperBound, Self.isSpace(chars[index]) { index += 1 }
            let start = index
            if index < span.upperBound, Self.isQuote(chars[index]) {
                let (value, end) = try quoted(from: index, limit: span.upperBound)
                index = end
                while index < span.upperBound, Self.isSpace(chars[index]) { index += 1 }
                guard index == span.upperBound || chars[index] == "," else {
                    throw Self.error("unexpected text at column \(index + 1) in any(); separate values with commas")
                }
                options.append(ConditionLiteral(text: value, quoted: true))
            } else {
                var end = index
                while end < span.upperBound, chars[end] != "," { end += 1 }
                let option = trimmed(index..<end)
                index = end
                guard !option.isEmpty else { throw Self.error("any() has an empty value at column \(start + 1)") }
                guard chars[option.lowerBound] != "[" else {
                    throw Self.error("any() takes values, not placeholders (column \(option.lowerBound + 1))")
                }
                options.append(ConditionLiteral(text: text(option), quoted: false))
            }
            guard index < span.upperBound else { return options }
            index += 1
            guard index < span.upperBound else { throw Self.error("any() has an empty value at column \(index + 1)") }
        }
    }

    private static func unknownFunction(_ name: String, column: Int) -> ConditionSyntaxError {
        let lowered = name.lowercased()
        let suggestion =
            functions.first { $0 == lowered }
            ?? functionAliases[lowered]
            ?? functions.first { lowered.hasPrefix($0) }
            ?? ConditionSpellingDistance.closest(to: lowered, among: functions, within: 1)
        let hint = suggestion.map { "did you mean \($0)()?" } ?? "functions are len(), has(), pat(), any()"
        return error("unknown function \(name)() at column \(column) (\(hint))")
    }

    // MARK: Placeholders

    private static let gatusOnlyPlaceholders: Set = ["IP", "DNS_RCODE", "DOMAIN_EXPIRATION"]
    /// The placeholders every probe has; `[CONTEXT]` exists only in transaction steps.
    private static let placeholderList = ConditionPlaceholder.allCases.filter { $0 != .context }
        .map { "[\($0.rawValue)]" }.joined(separator: " ")

    /// `[NAME]` and, for `[BODY]`, a JSON path of `.key` and `[index]` steps; must fill `span`.
    private func placeholder(in span: Span) throws(ConditionSyntaxError) -> ConditionPlaceholderReference {
        let open = span.lowerBound
        guard let close = (open + 1..<span.upperBound).first(where: { chars[$0] == "]" }) else {
            throw Self.error("unbalanced brackets: [ at column \(open + 1) is not closed")
        }
        let name = text((open + 1)..<close)
        guard let placeholder = ConditionPlaceholder(rawValue: name) else {
            throw Self.unknownPlaceholder(name, column: open + 1)
        }
        var reference = ConditionPlaceholderReference(placeholder: placeholder)
        var index = close + 1
        let upper = span.upperBound
        if placeholder != .body, placeholder != .context, index < upper, chars[index] == "." || chars[index] == "[" {
            throw Self.error("[\(name)] takes no JSON path; only [BODY] does")
        }
        while placeholder == .body || placeholder == .context, index < upper, !Self.isSpace(chars[index]) {
            let pathEnd = (index..<upper).first { Self.isSpace(chars[$0]) } ?? upper
            let badPath = "bad JSON path \(Self.clipped(text(open..<pathEnd)))"
            switch chars[index] {
            case ".":
                var keyEnd = index + 1
                while keyEnd < upper, !Self.endsKey(chars[keyEnd]) { keyEnd += 1 }
                guard keyEnd > index + 1 else { throw Self.error("\(badPath): empty key at column \(index + 1)") }
                if keyEnd < upper, Self.isForbiddenInKey(chars[keyEnd]) {
                    throw Self.error("\(badPath): unexpected \(chars[keyEnd]) at column \(keyEnd + 1)")
                }
                reference.path.append(.key(text((index + 1)..<keyEnd)))
                index = keyEnd
            case "[":
                guard let indexClose = (index + 1..<upper).first(where: { chars[$0] == "]" }) else {
                    throw Self.error("unbalanced brackets: [ at column \(index + 1) is not closed")
                }
                let content = text((index + 1)..<indexClose)
                guard !content.isEmpty else { throw Self.error("\(badPath): empty index [] at column \(index + 1)") }
                guard content.unicodeScalars.allSatisfy(Self.isDigit), let number = Int(content) else {
                    throw Self.error(
                        "\(badPath): [\(Self.clipped(content))] at column \(index + 1) is not "
                            + "an array index (write .key for object keys)")
                }
                reference.path.append(.index(number))
                index = indexClose + 1
            default:
                let hint = index == close + 1 ? " (did you mean [BODY].\(Self.clipped(text(index..<pathEnd)))?)" : ""
                throw Self.error("\(badPath): expected . or [ at column \(index + 1)\(hint)")
            }
        }
        try rejectTrailing(index..<upper, after: open..<index)
        if placeholder == .context {
            guard reference.path.count == 1, case .key(let key)? = reference.path.first,
                ContextTemplate.isName(key)
            else {
                throw Self.error("[CONTEXT] takes one stored name, e.g. [CONTEXT].token")
            }
        }
        return reference
    }

    private static func unknownPlaceholder(_ name: String, column: Int) -> ConditionSyntaxError {
        if name.isEmpty {
            return error("empty placeholder [] at column \(column) (expected one of \(placeholderList))")
        }
        let shown = "[\(clipped(name))]"
        let upper = name.uppercased()
        let known = ConditionPlaceholder.allCases.map(\.rawValue)
        if known.contains(upper) {
            return error("unknown placeholder \(shown) (did you mean [\(upper)]? placeholders are upper case)")
        }
        if gatusOnlyPlaceholders.contains(upper) {
            return error("placeholder \(shown) is not supported (supported: \(placeholderList))")
        }
        let prefixMatch = upper.count >= 4 ? known.first { $0.hasPrefix(upper) } : nil
        let within = max(1, min(4, upper.count / 3))
        if let suggestion = prefixMatch ?? ConditionSpellingDistance.closest(to: upper, among: known, within: within) {
            return error("unknown placeholder \(shown) (did you mean [\(suggestion)]?)")
        }
        return error("unknown placeholder \(shown) (expected one of \(placeholderList))")
    }

    // MARK: Characters

    private func text(_ span: Span) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: chars[span])
        return String(view)
    }

    private func trimmed(_ span: Span) -> Span {
        var lower = span.lowerBound
        var upper = span.upperBound
        while lower < upper, Self.isSpace(chars[lower]) { lower += 1 }
        while upper > lower, Self.isSpace(chars[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    private static func error(_ message: String) -> ConditionSyntaxError { ConditionSyntaxError(message) }

    /// Keeps echoed user text short in messages.
    private static func clipped(_ text: String) -> String { ConditionValue.shortened(text, limit: 40) }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace }
    private static func isQuote(_ scalar: Unicode.Scalar) -> Bool { scalar == "\"" || scalar == "'" }
    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar >= "0" && scalar <= "9" }

    private static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "_"
    }

    private static func endsKey(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "." || scalar == "[" || isSpace(scalar) || isForbiddenInKey(scalar)
    }

    private static func isForbiddenInKey(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "]" || scalar == "(" || scalar == ")"
    }
}

/// The closest name for "did you mean" hints, by the shared ``SpellingDistance``.
enum ConditionSpellingDistance {
    static func closest(to word: String, among candidates: [String], within limit: Int) -> String? {
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = SpellingDistance.between(Array(word.unicodeScalars), Array(candidate.unicodeScalars))
            if distance <= limit, distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        return best?.candidate
    }
}
