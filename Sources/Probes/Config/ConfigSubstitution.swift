/// `${NAME}` substitution from the environment in the config's string values.
enum ConfigSubstitution {
    /// The outcome for one string value.
    struct Result: Sendable, Equatable {
        /// The text with every reference replaced (`nil` when a reference failed).
        var text: String?
        /// The values inserted from the environment, to be redacted from all output.
        var inserted: [String]
        /// One message per failed reference, safe to print (names, never values).
        var failures: [String]
    }

    /// Replaces `${NAME}` with `environment[NAME]`; `$${` stands for a literal `${`.
    /// Names are `[A-Za-z_][A-Za-z0-9_]*`.
    static func substitute(_ raw: String, environment: [String: String]) -> Result {
        var inserted: [String] = []
        let (text, failures) = scan(raw) { name in
            guard let value = environment[name] else { return nil }
            inserted.append(value)
            return value
        }
        return Result(text: failures.isEmpty ? text : nil, inserted: inserted, failures: failures)
    }

    /// The names of every well-formed `${NAME}` in `raw` (`$${` is no reference), in order.
    static func references(in raw: String) -> [String] {
        var names: [String] = []
        _ = scan(raw) { name in
            names.append(name)
            return ""
        }
        return names
    }

    /// Walks `raw`, replacing each `${NAME}` with `value(NAME)`; returns the text and one message
    /// per reference that failed (malformed, or `value` gave `nil`).
    private static func scan(_ raw: String, value: (String) -> String?) -> (text: String, failures: [String]) {
        guard raw.contains("${") else { return (raw, []) }
        let scalars = Array(raw.unicodeScalars)
        var out = String.UnicodeScalarView()
        var failures: [String] = []
        var i = 0
        while i < scalars.count {
            let scalar = scalars[i]
            if scalar == "$", i + 2 < scalars.count, scalars[i + 1] == "$", scalars[i + 2] == "{" {
                out.append(contentsOf: ["$", "{"])
                i += 3
                continue
            }
            guard scalar == "$", i + 1 < scalars.count, scalars[i + 1] == "{" else {
                out.append(scalar)
                i += 1
                continue
            }
            guard let close = scalars[(i + 2)...].firstIndex(of: "}") else {
                failures.append("unterminated ${ (write ${NAME}, or $${ for a literal ${)")
                break
            }
            let name = String(String.UnicodeScalarView(scalars[(i + 2)..<close]))
            i = close + 1
            guard isVariableName(name) else {
                failures.append(
                    "\(ConfigQuote.quoted("${" + name + "}")) is not a valid environment variable "
                        + "reference (names use letters, digits and _; write $${ for a literal ${)")
                continue
            }
            guard let replacement = value(name) else {
                failures.append("environment variable \(name) is not set")
                continue
            }
            out.append(contentsOf: replacement.unicodeScalars)
        }
        return (String(out), failures)
    }

    private static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0 == "_"
                || ($0.isASCII
                    && ($0.properties.isAlphabetic
                        || ("0"..."9").contains($0)))
        }
    }
}
