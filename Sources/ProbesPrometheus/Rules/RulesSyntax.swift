import Foundation
import Probes

/// The quoting of every language the generated rules are written in: YAML scalars and comments,
/// PromQL string literals and durations, RE2 regexes, Alertmanager matchers and Go templates.
///
/// Each function is total: whatever a config holds (quotes, newlines, `{{`, control characters),
/// the text it returns parses back to exactly the input in its language.
enum RulesSyntax {
    // MARK: YAML

    /// A YAML flow scalar that reads back as `text`: single-quoted when every character is
    /// printable (the readable form: only `'` needs doubling), double-quoted with escapes otherwise.
    static func yaml(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy(isPrintableInYAML) {
            // Scalar by scalar: a `'` followed by a combining mark is one Character, and must be
            // doubled all the same.
            var out = "'"
            for scalar in text.unicodeScalars {
                if scalar == "'" { out += "'" }
                out.unicodeScalars.append(scalar)
            }
            return out + "'"
        }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where isPrintableInYAML(scalar): out.unicodeScalars.append(scalar)
            case _ where scalar.value <= 0xFF: out += String(format: "\\x%02X", scalar.value)
            default: out += String(format: "\\u%04X", scalar.value)
            }
        }
        return out + "\""
    }

    /// Characters YAML allows unescaped inside a single-quoted scalar without changing them:
    /// no control characters, no line breaks (a quoted line break is folded into a space), and
    /// none of the Unicode ones YAML treats as breaks or byte-order marks.
    private static func isPrintableInYAML(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E: true
        case 0x7F...0x9F, 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF: false
        case 0xA0...: true
        default: false
        }
    }

    /// A YAML comment line: `# text`, with anything that could end the comment early (a line
    /// break) or that YAML rejects (control characters) shown as `?`.
    static func comment(_ text: String) -> String {
        var out = text.isEmpty ? "#" : "# "
        for scalar in text.unicodeScalars {
            if isPrintableInYAML(scalar) { out.unicodeScalars.append(scalar) } else { out += "?" }
        }
        return out
    }

    // MARK: PromQL and Prometheus

    /// A PromQL string literal (Go syntax, double quotes) that holds only printable characters.
    static func promQLString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            // Escaped rather than written raw, so the expression never holds a character YAML
            // would read as a line break or reject inside a block scalar.
            case _ where !isPrintableInYAML(scalar): out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A number for PromQL and for people: the fewest significant digits that stay within 1e-12
    /// (relative) of the value, so that 2 % × 30 d ÷ 1 h prints as `14.4`, not
    /// `14.400000000000002`, and 1 − 0.999 as `0.001`, not `0.0009999999999998899`.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-Inf" : "+Inf") }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        for digits in 1...17 {
            let text = String(format: "%.\(digits)g", value)
            if let back = Double(text), abs(back - value) <= abs(value) * 1e-12 { return text }
        }
        return String(value)
    }

    /// A Prometheus duration (`5m`, `28d`, `1500ms`) in the largest unit that divides it, rounded
    /// up to whole milliseconds (Prometheus's resolution); `0s` for zero or less.
    static func duration(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        guard seconds > 0 || (seconds == 0 && attoseconds > 0) else { return "0s" }
        let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
        let (secondMillis, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return "\(seconds)s" }
        let fraction =
            attoseconds / attosecondsPerMillisecond
            + (attoseconds % attosecondsPerMillisecond > 0 ? 1 : 0)
        let millis = secondMillis + fraction
        let units: [(String, Int64)] = [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        for (unit, size) in units where millis % size == 0 {
            return "\(millis / size)\(unit)"
        }
        return "\(millis)ms"
    }

    // MARK: Regexes, matchers, templates

    /// `text` as an RE2 regex that matches exactly it (Go's `regexp.QuoteMeta`).
    static func regexLiteral(_ text: String) -> String {
        let special: Set<Unicode.Scalar> = ["\\", ".", "+", "*", "?", "(", ")", "|", "[", "]", "{", "}", "^", "$"]
        var out = ""
        for scalar in text.unicodeScalars {
            if special.contains(scalar) { out += "\\" }
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    /// A regex that matches exactly one of `names` (Alertmanager and Prometheus anchor it).
    static func alternation(_ names: [String]) -> String {
        names.map(regexLiteral).joined(separator: "|")
    }

    /// An Alertmanager matcher, `name="value"` or `name=~"regex"`, with the value quoted as
    /// Alertmanager's matcher parser unquotes it (`\\`, `\"` and `\n` escapes).
    static func matcher(_ name: String, _ op: String, _ value: String) -> String {
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            case "\n": quoted += "\\n"
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return name + op + quoted + "\""
    }

    /// Text for an alert annotation: Prometheus expands annotations as Go templates, so an
    /// opening `{{` in a name or title must come out of the template as itself.
    static func templateLiteral(_ text: String) -> String {
        var out = ""
        var previousWasBrace = false
        for scalar in text.unicodeScalars {
            if scalar == "{" && previousWasBrace {
                // Replace the pair: drop the first brace already written and emit the literal.
                out.unicodeScalars.removeLast()
                out += "{{ \"{{\" }}"
                previousWasBrace = false
                continue
            }
            out.unicodeScalars.append(scalar)
            previousWasBrace = scalar == "{"
        }
        return out
    }
}
