import Foundation

extension ConfigValidator {
    static let commonProbeKeys = ["type", "interval", "timeout", "conditions"]
    static let probeTypes: [(name: String, article: String, keys: [String])] = [
        (
            "http", "an",
            [
                "url", "method", "headers", "body", "followRedirects", "maxRedirects", "insecureSkipVerify",
                "maxBodyBytes",
            ]
        ),
        ("tcp", "a", ["host", "port"]),
        ("command", "a", ["argv"]),
        ("transaction", "a", ["steps", "cleanup"]),
    ]
    static let httpMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    static let conditionKeys = ["condition", "severity"]

    /// Reads a `probe` object.
    mutating func probe(_ value: ConfigJSON, at path: String, defaults: Defaults) -> ProbeConfig? {
        guard let fields = fields(value, at: path) else { return nil }
        let typeNames = Self.probeTypes.map(\.name)
        var type: (name: String, article: String, keys: [String])?
        if let typeValue = required(fields, "type", " (http, tcp, command or transaction)"),
            let typeText = text(typeValue, at: fields.path("type"))
        {
            type = Self.probeTypes.first { $0.name == typeText.value }
            if type == nil {
                report(
                    fields.path("type"),
                    "\(typeText.quoted) is not a probe type (http, tcp, command or transaction)"
                        + ConfigSpelling.hint(for: typeText.value, among: typeNames))
            }
        }
        if let type {
            var foreign: [String: String] = [:]
            for other in Self.probeTypes where other.name != type.name {
                for key in other.keys where !type.keys.contains(key) {
                    foreign[key] =
                        "\(ConfigQuote.quoted(key)) is not a field of \(type.article) \(type.name) probe "
                        + "(it belongs to \(other.name) probes)"
                }
            }
            checkKeys(fields, allowed: Self.commonProbeKeys + type.keys, foreign: foreign)
        } else {
            // Without a usable type, only keys no probe type has are certainly wrong.
            checkKeys(fields, allowed: Self.commonProbeKeys + Self.probeTypes.flatMap(\.keys))
        }

        let timing = probeTiming(fields, defaults: defaults)
        var conditions: [Condition] = []
        if let value = fields["conditions"], type?.name != "transaction" {
            conditions = self.conditions(value, at: fields.path("conditions"))
        }
        let kind: ProbeKind?
        switch type?.name {
        case "http": kind = httpProbe(fields).map(ProbeKind.http)
        case "tcp": kind = tcpProbe(fields).map(ProbeKind.tcp)
        case "command": kind = commandProbe(fields).map(ProbeKind.command)
        case "transaction":
            var upstreams: [UpstreamReference] = []
            kind = transactionProbe(fields, upstreams: &upstreams).map(ProbeKind.transaction)
            stepUpstreams += upstreams
        default: kind = nil
        }
        guard let kind, let timing else { return nil }
        return ProbeConfig(kind: kind, interval: timing.interval, timeout: timing.timeout, conditions: conditions)
    }

    /// A probe interval: a duration of at least ``SLILayout/minimumProbeInterval``, the fastest
    /// rate the SLO counters are sized for (16 bits a bucket, see docs/PERFORMANCE.md).
    mutating func probeInterval(_ fields: ConfigFields) -> ConfigDuration? {
        guard let interval = duration(fields, "interval") else { return nil }
        let minimum = SLILayout.minimumProbeInterval
        guard interval.value >= minimum else {
            report(
                fields.path("interval"),
                "\(ConfigQuote.quoted(interval.shown)) is shorter than the minimum "
                    + "interval of \(minimum.configString) (the SLO counters are sized for a probe a second)")
            return nil
        }
        return interval
    }

    /// The probe's interval and timeout, falling back to `defaults`; `nil` when invalid.
    private mutating func probeTiming(
        _ fields: ConfigFields, defaults: Defaults
    ) -> (interval: Duration, timeout: Duration)? {
        let interval = probeInterval(fields)
        let timeout = duration(fields, "timeout")
        // A value given but invalid is already reported; comparing its fallback would mislead.
        if fields["interval"] != nil && interval == nil || fields["timeout"] != nil && timeout == nil { return nil }
        let effectiveInterval = interval ?? defaults.interval
        let effectiveTimeout = timeout ?? defaults.timeout
        if (interval != nil || timeout != nil) && effectiveTimeout.value >= effectiveInterval.value {
            report(
                fields.path(timeout != nil ? "timeout" : "interval"),
                timeoutMessage(effectiveTimeout, effectiveInterval))
            return nil
        }
        return (effectiveInterval.value, effectiveTimeout.value)
    }

    // MARK: Types

    private mutating func httpProbe(_ fields: ConfigFields) -> HTTPProbe? {
        var url: URL?
        if let text = text(fields, "url", required: true) {
            url = Self.httpURL(text.value)
            if url == nil { report(fields.path("url"), "\(text.quoted) is not an http(s) URL") }
        }
        var probe = HTTPProbe(url: url ?? URL(fileURLWithPath: "/"))
        if let method = text(fields, "method") {
            if Self.httpMethods.contains(method.value) {
                probe.method = method.value
            } else {
                report(
                    fields.path("method"),
                    "\(method.quoted) is not a supported method ("
                        + Self.httpMethods.joined(separator: ", ") + ")"
                        + ConfigSpelling.hint(for: method.value, among: Self.httpMethods))
            }
        }
        if let value = fields["headers"] { probe.headers = headers(value, at: fields.path("headers")) }
        probe.body = text(fields, "body")?.value
        if let flag = bool(fields, "followRedirects") { probe.followRedirects = flag }
        if let count = integer(fields, "maxRedirects", in: 0...50) { probe.maxRedirects = count }
        if let flag = bool(fields, "insecureSkipVerify") { probe.insecureSkipVerify = flag }
        if let bytes = integer(fields, "maxBodyBytes", in: 1...Int.max) { probe.maxBodyBytes = bytes }
        return url == nil ? nil : probe
    }

    /// An absolute http or https URL with a host.
    static func httpURL(_ text: String) -> URL? {
        guard !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }),
            let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty,
            text.lowercased().hasPrefix(scheme + "://")
        else { return nil }
        return url
    }

    mutating func headers(_ value: ConfigJSON, at path: String) -> [HTTPHeader] {
        guard let fields = fields(value, at: path) else { return [] }
        var headers: [HTTPHeader] = []
        for member in fields.members {
            let headerPath = fields.path(member.key)
            guard let text = text(member.value, at: headerPath) else { continue }
            guard Self.isHeaderName(member.key) else {
                report(headerPath, "\(ConfigQuote.quoted(member.key)) is not a valid header name")
                continue
            }
            if text.value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
                report(headerPath, "a header value must not contain line breaks")
                continue
            }
            let header = HTTPHeader(name: member.key, value: text.value)
            if header.isSensitive {
                addSecret(header.value)
                // "Bearer <token>": the credential alone must not be printed either.
                if let space = header.value.firstIndex(of: " ") {
                    let credential = header.value[space...].trimmingCharacters(in: .whitespaces)
                    if credential.count >= 3 { addSecret(credential) }
                }
            }
            headers.append(header)
        }
        return headers
    }

    /// An RFC 9110 token.
    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar))
            }
    }

    private mutating func tcpProbe(_ fields: ConfigFields) -> TCPProbe? {
        var host: String?
        if let text = text(fields, "host", required: true) {
            if text.value.isEmpty || text.value.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
                report(fields.path("host"), "\(text.quoted) is not a host name or address")
            } else {
                host = text.value
            }
        }
        let port = integer(fields, "port", in: 1...65_535, required: true)
        guard let host, let port else { return nil }
        return TCPProbe(host: host, port: port)
    }

    private mutating func commandProbe(_ fields: ConfigFields) -> CommandProbe? {
        guard let value = required(fields, "argv") else { return nil }
        let path = fields.path("argv")
        guard case .array(let items) = value else {
            report(path, "must be an array of strings (program and arguments), not \(value.typeDescription)")
            return nil
        }
        guard !items.isEmpty else {
            report(path, "must not be empty (give the program and its arguments)")
            return nil
        }
        var argv: [String] = []
        for (j, item) in items.enumerated() {
            let itemPath = ConfigPath.child(path, j)
            guard let text = text(item, at: itemPath) else { continue }
            if text.value.isEmpty {
                report(itemPath, "must not be empty")
            } else if text.value.contains("\0") {
                report(itemPath, "must not contain a NUL character")
            } else {
                argv.append(text.value)
            }
        }
        return argv.count == items.count ? CommandProbe(argv: argv) : nil
    }

    // MARK: Conditions

    mutating func conditions(_ value: ConfigJSON, at path: String, allowContext: Bool = false) -> [Condition] {
        guard case .array(let items) = value else {
            report(path, "must be an array of conditions, not \(value.typeDescription)")
            return []
        }
        var conditions: [Condition] = []
        for (j, item) in items.enumerated() {
            let itemPath = ConfigPath.child(path, j)
            let source: ConfigText?
            var severity = ConditionSeverity.critical
            switch item {
            case .string:
                source = text(item, at: itemPath)
            case .object:
                guard let fields = fields(item, at: itemPath) else { continue }
                checkKeys(fields, allowed: Self.conditionKeys)
                source = text(fields, "condition", required: true)
                if let written = text(fields, "severity") {
                    if let parsed = ConditionSeverity(rawValue: written.value) {
                        severity = parsed
                    } else {
                        report(
                            fields.path("severity"),
                            "\(written.quoted) is not a condition severity "
                                + "(critical or warning)"
                                + ConfigSpelling.hint(for: written.value, among: ["critical", "warning"]))
                    }
                }
            default:
                report(
                    itemPath,
                    "must be a condition string or an object with \"condition\" and \"severity\", "
                        + "not \(item.typeDescription)")
                continue
            }
            guard let source else { continue }
            do {
                let condition = try Condition(parsing: source.value, severity: severity)
                if !allowContext, !condition.contextNames.isEmpty {
                    report(itemPath, "[CONTEXT] values exist only in the steps of a transaction probe")
                    continue
                }
                conditions.append(condition)
            } catch {
                // The parser quotes what it saw: after substitution, that may hold a secret.
                report(itemPath, Redactor(secrets: source.inserted).redact(error.message))
            }
        }
        return conditions
    }
}
