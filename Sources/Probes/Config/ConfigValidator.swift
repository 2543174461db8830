import Foundation

/// The members of one JSON object being validated, with its path.
struct ConfigFields {
    let path: String
    let members: [ConfigJSONMember]

    /// The value of a key (the first one, when the key is duplicated: that is reported apart).
    subscript(key: String) -> ConfigJSON? { members.first { $0.key == key }?.value }

    func path(_ key: String) -> String { ConfigPath.child(path, key) }
}

/// A string value as written and after `${ENV}` substitution.
struct ConfigText {
    /// As written in the file: the only form error messages quote.
    var raw: String
    var value: String
    /// Values that came from the environment.
    var inserted: [String]

    /// The raw text quoted for a message.
    var quoted: String { ConfigQuote.quoted(raw) }
}

/// A duration from the file, with how it was written for messages.
struct ConfigDuration {
    var value: Duration
    /// How to show it in a message: the raw text, or the built-in value.
    var shown: String
    var path: String?
}

/// Walks a parsed probes.json, collecting every problem, and builds the ``ProbesConfig`` when
/// there is none.
struct ConfigValidator {
    let environment: [String: String]
    private(set) var issues: [ConfigIssue] = []
    private(set) var redactor = Redactor()
    /// Upstreams named by the steps of the transaction probe being read.
    var stepUpstreams: [UpstreamReference] = []

    init(environment: [String: String]) {
        self.environment = environment
    }

    static let topLevelKeys = ["$schema", "defaults", "slo", "services", "maintenance"]
    static let defaultsKeys = ["interval", "timeout", "quorum"]

    mutating func report(_ path: String, _ message: String) {
        issues.append(ConfigIssue(path: path, message: message))
    }

    /// Registers a value that must never be printed.
    mutating func addSecret(_ secret: String) {
        redactor.add(secret)
    }

    // MARK: The document

    /// Validates the document; returns the config only when no issue was found.
    mutating func validate(_ document: ConfigJSONDocument) -> ProbesConfig? {
        for duplicate in document.duplicateKeys {
            report(
                duplicate.objectPath,
                "duplicate key \(ConfigQuote.quoted(duplicate.key)) "
                    + "at line \(duplicate.line), column \(duplicate.column) "
                    + "(first at line \(duplicate.firstLine), column \(duplicate.firstColumn))")
        }
        guard case .object(let members) = document.root else {
            report("", "the file must contain a JSON object with \"services\", not \(document.root.typeDescription)")
            return nil
        }
        let top = ConfigFields(path: "", members: members)
        checkKeys(top, allowed: Self.topLevelKeys)
        if let schema = top["$schema"] { _ = text(schema, at: top.path("$schema")) }

        let defaults = probeDefaults(top["defaults"], at: top.path("defaults"))
        var slo = SLOPolicy.standard
        if let value = top["slo"] { slo = sloPolicy(value, at: top.path("slo"), base: .standard) }

        var services: [ServiceConfig] = []
        if let value = top["services"] {
            services = self.services(value, at: top.path("services"), defaults: defaults, slo: slo)
        } else {
            report("", "missing required key \"services\"")
        }
        if let value = top["maintenance"] { groupMaintenance(value, at: top.path("maintenance"), services: &services) }
        scrubMessages()
        guard issues.isEmpty else { return nil }
        var probeDefaults = ProbeDefaults(interval: defaults.interval.value, timeout: defaults.timeout.value)
        probeDefaults.quorum = defaults.quorum
        return ProbesConfig(defaults: probeDefaults, slo: slo, services: services, redactor: redactor)
    }

    /// Belt and braces: messages quote the file's text, but a value from the environment or a
    /// credential header must never reach a terminal, whatever message built it.
    private mutating func scrubMessages() {
        for i in issues.indices {
            issues[i].message = redactor.redact(issues[i].message)
        }
    }

    /// Resolved `defaults`, with where each value came from for timeout messages.
    struct Defaults {
        var interval: ConfigDuration
        var timeout: ConfigDuration
        var quorum: FleetQuorum = .any
    }

    private mutating func probeDefaults(_ value: ConfigJSON?, at path: String) -> Defaults {
        let standard = ProbeDefaults.standard
        var result = Defaults(
            interval: ConfigDuration(value: standard.interval, shown: "\(standard.interval.configString) (built-in)"),
            timeout: ConfigDuration(value: standard.timeout, shown: "\(standard.timeout.configString) (built-in)"))
        guard let value, let fields = fields(value, at: path) else { return result }
        checkKeys(fields, allowed: Self.defaultsKeys)
        let interval = probeInterval(fields)
        let timeout = duration(fields, "timeout")
        if let interval { result.interval = interval }
        if let timeout { result.timeout = timeout }
        if let value = fields["quorum"], let quorum = quorum(value, at: fields.path("quorum")) {
            result.quorum = quorum
        }
        let givenButInvalid = fields["interval"] != nil && interval == nil || fields["timeout"] != nil && timeout == nil
        if !givenButInvalid && (interval != nil || timeout != nil) && result.timeout.value >= result.interval.value {
            report(
                fields.path(timeout != nil ? "timeout" : "interval"),
                timeoutMessage(result.timeout, result.interval))
        }
        if interval != nil { result.interval.shown += " (from defaults)" }
        if timeout != nil { result.timeout.shown += " (from defaults)" }
        return result
    }

    func timeoutMessage(_ timeout: ConfigDuration, _ interval: ConfigDuration) -> String {
        "timeout \(timeout.shown) must be shorter than the interval \(interval.shown)"
    }

    /// `"quorum"`: a whole number of sites (1 or more), `"all"` or `"any"`.
    mutating func quorum(_ value: ConfigJSON, at path: String) -> FleetQuorum? {
        switch value {
        case .int(let n) where n >= 1: return n == 1 ? .any : .sites(n)
        case .int(let n):
            report(path, "must be 1 or more sites, \"all\" or \"any\" (got \(n))")
        case .string("all"): return .all
        case .string("any"): return .any
        case .string(let text):
            report(path, "must be a number of sites, \"all\" or \"any\", not \(ConfigQuote.quoted(text))")
        default:
            report(path, "must be a number of sites, \"all\" or \"any\", not \(value.typeDescription)")
        }
        return nil
    }

    // MARK: Objects and keys

    /// The object's fields, or `nil` (reported) when the value is not an object.
    mutating func fields(_ value: ConfigJSON, at path: String) -> ConfigFields? {
        guard case .object(let members) = value else {
            report(path, "must be an object, not \(value.typeDescription)")
            return nil
        }
        return ConfigFields(path: path, members: members)
    }

    /// Reports keys outside `allowed`. `foreign` maps keys that belong elsewhere to the message
    /// that says so (a tcp probe's `port` in an http probe).
    mutating func checkKeys(_ fields: ConfigFields, allowed: [String], foreign: [String: String] = [:]) {
        var seen: Set<String> = []
        for member in fields.members where !allowed.contains(member.key) && seen.insert(member.key).inserted {
            if let message = foreign[member.key] {
                report(fields.path, message)
                continue
            }
            let hint =
                ConfigSpelling.suggestion(for: member.key, among: allowed)
                .map { "; did you mean \(ConfigQuote.quoted($0))?" }
                ?? " (allowed: \(allowed.joined(separator: ", ")))"
            report(fields.path, "unknown key \(ConfigQuote.quoted(member.key))\(hint)")
        }
    }

    /// The value of a required key, reporting its absence.
    mutating func required(_ fields: ConfigFields, _ key: String, _ note: String = "") -> ConfigJSON? {
        guard let value = fields[key] else {
            report(fields.path, "missing required key \(ConfigQuote.quoted(key))\(note)")
            return nil
        }
        return value
    }

    // MARK: Scalars

    /// A string with `${ENV}` substituted; `nil` (reported) for another type or a failed reference.
    mutating func text(_ value: ConfigJSON, at path: String) -> ConfigText? {
        guard case .string(let raw) = value else {
            report(path, "must be a string, not \(value.typeDescription)")
            return nil
        }
        let result = ConfigSubstitution.substitute(raw, environment: environment)
        for secret in result.inserted { redactor.add(secret) }
        for failure in result.failures { report(path, failure) }
        guard let substituted = result.text else { return nil }
        return ConfigText(raw: raw, value: substituted, inserted: result.inserted)
    }

    mutating func text(_ fields: ConfigFields, _ key: String, required isRequired: Bool = false) -> ConfigText? {
        guard let value = isRequired ? required(fields, key) : fields[key] else { return nil }
        return text(value, at: fields.path(key))
    }

    mutating func bool(_ fields: ConfigFields, _ key: String) -> Bool? {
        guard let value = fields[key] else { return nil }
        guard case .bool(let flag) = value else {
            report(fields.path(key), "must be true or false, not \(value.typeDescription)")
            return nil
        }
        return flag
    }

    /// An integer in `range`; integral numbers written with a fraction or exponent (`1e6`) count.
    mutating func integer(
        _ fields: ConfigFields, _ key: String, in range: ClosedRange<Int>, required isRequired: Bool = false
    ) -> Int? {
        guard let value = isRequired ? required(fields, key) : fields[key] else { return nil }
        let path = fields.path(key)
        let number: Int
        switch value {
        case .int(let n):
            number = n
        case .double(let d) where d.rounded() == d && abs(d) < 9e15:
            number = Int(d)
        case .double(let d):
            report(path, "must be a whole number (got \(Self.format(d)))")
            return nil
        default:
            report(path, "must be a whole number, not \(value.typeDescription)")
            return nil
        }
        guard range.contains(number) else {
            if range.upperBound == Int.max {
                report(path, "must be at least \(range.lowerBound) (got \(number))")
            } else {
                report(path, "must be between \(range.lowerBound) and \(range.upperBound) (got \(number))")
            }
            return nil
        }
        return number
    }

    /// Any JSON number as a `Double`.
    mutating func number(_ fields: ConfigFields, _ key: String, required isRequired: Bool = false) -> Double? {
        guard let value = isRequired ? required(fields, key) : fields[key] else { return nil }
        switch value {
        case .int(let n): return Double(n)
        case .double(let d): return d
        default:
            report(fields.path(key), "must be a number, not \(value.typeDescription)")
            return nil
        }
    }

    /// A percentage in (0, 100), or (0, 100] with `allowHundred`.
    mutating func percentage(
        _ fields: ConfigFields, _ key: String, allowHundred: Bool = false, required isRequired: Bool = false
    ) -> Double? {
        guard let value = number(fields, key, required: isRequired) else { return nil }
        let valid = value > 0 && (allowHundred ? value <= 100 : value < 100)
        guard valid else {
            let bound = allowHundred ? "at most 100" : "below 100"
            report(fields.path(key), "must be a percentage above 0 and \(bound) (got \(Self.format(value)))")
            return nil
        }
        return value
    }

    /// A positive duration such as `5s`.
    mutating func duration(
        _ fields: ConfigFields, _ key: String, required isRequired: Bool = false
    ) -> ConfigDuration? {
        guard let value = isRequired ? required(fields, key) : fields[key] else { return nil }
        let path = fields.path(key)
        switch value {
        case .int, .double:
            report(path, "must be a duration string such as \"5s\", not a bare number")
            return nil
        default:
            break
        }
        guard let text = text(value, at: path) else { return nil }
        guard let duration = Duration(configString: text.value) else {
            report(path, "\(text.quoted) is not a duration (use e.g. 250ms, 5s, 1m, 28d)")
            return nil
        }
        guard duration > .zero else {
            report(path, "\(text.quoted) must be longer than zero")
            return nil
        }
        return ConfigDuration(value: duration, shown: text.raw, path: path)
    }

    /// A number for a message: `100`, not `100.0`.
    static func format(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}
