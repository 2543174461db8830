/// One side of a condition once resolved against a probe's observations.
enum ConditionValue {
    /// `[STATUS]`, `len()`.
    case integer(Int)
    /// `[RESPONSE_TIME]`.
    case milliseconds(Double)
    /// `[CERTIFICATE_EXPIRATION]`, in milliseconds.
    case duration(Double)
    /// A JSON number from the body, with its literal text.
    case jsonNumber(Double, String)
    case text(String)
    case bool(Bool)
    case null
    /// A JSON object or array in the body.
    case json(ConditionJSON, Int)
    case literal(ConditionLiteral)

    /// The longest actual value a failure message shows.
    static let displayLimit = 40

    var isLiteral: Bool {
        if case .literal = self { return true }
        return false
    }

    /// The value as a number: Gatus compares strings that look like numbers numerically, so do we.
    var number: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .milliseconds(let value), .duration(let value), .jsonNumber(let value, _): value
        case .text(let text): ConditionNumber.parseGatus(text)
        case .literal(let literal): literal.number
        case .bool, .null, .json: nil
        }
    }

    /// The value as text, for equality and `pat()`.
    var text: String {
        switch self {
        case .integer(let value): String(value)
        case .milliseconds(let value): ConditionNumber.formatted(value)
        case .duration(let milliseconds): ConditionNumber.formattedDuration(milliseconds)
        case .jsonNumber(_, let literal): literal
        case .text(let text): text
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        case .json(let json, let offset): json.compactText(at: offset)
        case .literal(let literal): literal.text
        }
    }

    /// The value for a failure message: one line, control characters escaped, cut to ``displayLimit``.
    var display: String {
        let full: String
        if case .json(let json, let offset) = self {
            full = json.compactText(at: offset, limit: Self.displayLimit * 4 + 4)
        } else {
            full = text
        }
        return Self.shortened(full)
    }

    /// Numbers compare numerically when both sides are numbers, everything else as text.
    func equals(_ other: ConditionValue) -> Bool {
        if let lhs = number, let rhs = other.number { return lhs == rhs }
        return text == other.text
    }

    static func shortened(_ text: String, limit: Int = displayLimit) -> String {
        if text.isEmpty { return "\"\"" }
        var out = ""
        var kept = 0
        var index = text.startIndex
        while index != text.endIndex {
            let next = text.index(after: index)
            // The last slot holds the final character, or the ellipsis when more follows.
            if kept == limit - 1, next != text.endIndex { return out + "…" }
            out += escaped(text[index])
            kept += 1
            index = next
        }
        return out
    }

    /// Keeps terminal control sequences and line breaks out of one-line messages.
    private static func escaped(_ character: Character) -> String {
        guard character.unicodeScalars.contains(where: isControl) else { return String(character) }
        var out = ""
        for scalar in character.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out += isControl(scalar) ? "\u{FFFD}" : String(scalar)
            }
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}

/// Numbers and durations as the condition language reads and prints them.
enum ConditionNumber {
    /// A plain decimal number (`200`, `-1.5`, `2e3`); `nil` for anything else, including `inf` and hex.
    static func parse(_ text: String) -> Double? {
        var scalars = Substring(text).unicodeScalars[...]
        if let sign = scalars.first, sign == "+" || sign == "-" { scalars = scalars.dropFirst() }
        let integerDigits = scalars.prefix(while: isDigit).count
        scalars = scalars.dropFirst(integerDigits)
        var fractionDigits = 0
        if scalars.first == "." {
            scalars = scalars.dropFirst()
            fractionDigits = scalars.prefix(while: isDigit).count
            guard fractionDigits > 0 else { return nil }
            scalars = scalars.dropFirst(fractionDigits)
        }
        guard integerDigits + fractionDigits > 0 else { return nil }
        if let exponent = scalars.first, exponent == "e" || exponent == "E" {
            scalars = scalars.dropFirst()
            if let sign = scalars.first, sign == "+" || sign == "-" { scalars = scalars.dropFirst() }
            let exponentDigits = scalars.prefix(while: isDigit).count
            guard exponentDigits > 0 else { return nil }
            scalars = scalars.dropFirst(exponentDigits)
        }
        guard scalars.isEmpty else { return nil }
        return Double(text)
    }

    /// A number as Gatus reads a text value: an integer in Go's syntax first (`0x1F`, `0o17`,
    /// `0b101`, `017` (octal), `1_000`, with a sign), else a plain decimal number.
    static func parseGatus(_ text: String) -> Double? {
        goInteger(text).map(Double.init) ?? parse(text)
    }

    /// An integer as Go's `strconv.ParseInt(text, 0, 64)` reads it; `nil` when it would fail
    /// (not an integer, or out of the 64-bit range).
    static func goInteger(_ text: String) -> Int64? {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        var radix = 10
        var prefixed = false
        let lower = digits.lowercased()
        if lower.hasPrefix("0x") {
            radix = 16
        } else if lower.hasPrefix("0o") {
            radix = 8
        } else if lower.hasPrefix("0b") {
            radix = 2
        } else if digits.count > 1, digits.first == "0" {
            // A leading zero alone means octal, as in Go.
            radix = 8
            digits = digits.dropFirst()
            prefixed = true
        }
        if radix != 10, !prefixed {
            digits = digits.dropFirst(2)
            prefixed = true
        }
        // Underscores only between digits, or right after a base prefix.
        var previousWasDigit = prefixed
        var cleaned = ""
        for character in digits {
            if character == "_" {
                guard previousWasDigit else { return nil }
                previousWasDigit = false
                continue
            }
            guard character.isASCII, character.hexDigitValue.map({ $0 < radix }) == true else { return nil }
            cleaned.append(character)
            previousWasDigit = true
        }
        guard !cleaned.isEmpty, previousWasDigit else { return nil }
        guard let magnitude = UInt64(cleaned, radix: radix) else { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    private static let unitMilliseconds: [(unit: String, milliseconds: Double)] = [
        ("ns", 1e-6), ("us", 1e-3), ("µs", 1e-3), ("μs", 1e-3), ("ms", 1), ("s", 1000),
        ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// A duration such as `48h`, `7d`, `1h30m`, `1.5s` or `250ms`, in milliseconds (Go's syntax plus `d`).
    static func durationMilliseconds(_ text: String) -> Double? {
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let numberText = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard let amount = parse(String(numberText)), amount >= 0 else { return nil }
            rest = rest.dropFirst(numberText.count)
            let unitText = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard let unit = unitMilliseconds.first(where: { $0.unit == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += amount * unit.milliseconds
        }
        return total
    }

    /// Milliseconds with at most one decimal: `1203`, `0.4`.
    static func formatted(_ value: Double) -> String {
        guard value.isFinite else { return String(value) }
        let rounded = (value * 10).rounded() / 10
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int(rounded)) }
        return String(rounded)
    }

    /// A duration in milliseconds as its two largest units: `36d4h`, `12h30m`, `45s`, `250ms`, `-2d3h` (expired).
    static func formattedDuration(_ milliseconds: Double) -> String {
        guard milliseconds.isFinite else { return String(milliseconds) }
        if milliseconds < 0 { return "-" + formattedDuration(-milliseconds) }
        if milliseconds < 1000 { return "\(formatted(milliseconds))ms" }
        guard milliseconds < 1e15 else { return "\(Int(milliseconds / 86_400_000))d" }
        let seconds = Int(milliseconds / 1000)
        let parts: [(Int, String)] = [
            (seconds / 86_400, "d"), (seconds % 86_400 / 3600, "h"), (seconds % 3600 / 60, "m"), (seconds % 60, "s"),
        ]
        guard let first = parts.firstIndex(where: { $0.0 > 0 }) else { return "0s" }
        var text = "\(parts[first].0)\(parts[first].1)"
        if first + 1 < parts.count, parts[first + 1].0 > 0 { text += "\(parts[first + 1].0)\(parts[first + 1].1)" }
        return text
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar >= "0" && scalar <= "9" }
}

/// `pat()`: `*` matches any run of characters (including none), `?` exactly one, `\` escapes the next.
struct ConditionWildcardPattern: Sendable, Equatable {
    enum Element: Sendable, Equatable {
        case anyRun
        case anyOne
        case scalar(Unicode.Scalar)
    }

    let elements: [Element]

    init(_ pattern: String) {
        var elements: [Element] = []
        var escaping = false
        for scalar in pattern.unicodeScalars {
            if escaping {
                elements.append(.scalar(scalar))
                escaping = false
                continue
            }
            switch scalar {
            case "\\": escaping = true
            case "*": if elements.last != .anyRun { elements.append(.anyRun) }
            case "?": elements.append(.anyOne)
            default: elements.append(.scalar(scalar))
            }
        }
        if escaping { elements.append(.scalar("\\")) }
        self.elements = elements
    }

    /// Greedy matching that backtracks only to the last `*`: linear in practice, never exponential.
    func matches(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        var textIndex = scalars.startIndex
        var patternIndex = 0
        var lastStar: Int?
        var resumeAt = scalars.startIndex
        while textIndex != scalars.endIndex {
            if patternIndex < elements.count {
                switch elements[patternIndex] {
                case .anyRun:
                    lastStar = patternIndex
                    resumeAt = textIndex
                    patternIndex += 1
                    continue
                case .anyOne:
                    patternIndex += 1
                    textIndex = scalars.index(after: textIndex)
                    continue
                case .scalar(let expected) where expected == scalars[textIndex]:
                    patternIndex += 1
                    textIndex = scalars.index(after: textIndex)
                    continue
                case .scalar:
                    break
                }
            }
            guard let star = lastStar else { return false }
            patternIndex = star + 1
            resumeAt = scalars.index(after: resumeAt)
            textIndex = resumeAt
        }
        while patternIndex < elements.count, elements[patternIndex] == .anyRun { patternIndex += 1 }
        return patternIndex == elements.count
    }
}
