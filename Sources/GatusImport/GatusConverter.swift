import Foundation
import Probes
import Yams

/// A JSON value with its keys in the order they are written: the config reads as a person would
/// write it (name, title, group, probe), not sorted.
indirect enum JSONValue {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// Two-space indented JSON; short lists of strings on one line.
    func pretty(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .string(let text): return JSONText.quote(text)
        case .integer(let value): return String(value)
        case .bool(let flag): return flag ? "true" : "false"
        case .array(let items):
            if items.isEmpty { return "[]" }
            let flat = items.map { $0.pretty() }
            if items.allSatisfy({ if case .string = $0 { true } else { false } }),
                flat.joined(separator: ", ").count + indent.count < 90
            {
                return "[" + flat.joined(separator: ", ") + "]"
            }
            return "[\n" + items.map { inner + $0.pretty(indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            return "{\n"
                + members.map { inner + JSONText.quote($0.0) + ": " + $0.1.pretty(indent: inner) }
                .joined(separator: ",\n") + "\n" + indent + "}"
        }
    }
}

/// One conversion: walks the endpoints, collects services and notes.
struct Converter {
    private var notes: [GatusImport.Note] = []
    private var usedNames: Set<String> = []
    private var groups: [String] = []

    /// Top-level keys of a Gatus config, with what to say when they are present.
    private static let topLevel: [String: String] = [
        "alerting": "not converted: page with `incidentboard rules` (Prometheus + Alertmanager) or `--alertmanager`",
        "storage": "not converted: the history is the state file (`--state PATH`)",
        "external-endpoints": "not converted: results pushed to Gatus have no equivalent; probe the service instead",
        "suites": "not converted: write each suite as a `transaction` probe (its `store` and `[CONTEXT]` "
            + "read as in Gatus)",
        "web": "not converted: IncidentBoard serves only `/metrics` (`--metrics-listen HOST:PORT`)",
        "ui": "not converted: the board is the terminal dashboard",
        "metrics": "not converted: `/metrics` is always on with `--metrics-listen HOST:PORT`",
        "security": "not converted: `/metrics` has no authentication; keep it on loopback or behind a proxy",
        "maintenance": "not converted",
        "connectivity": "not converted: a failing probe is failing whatever the network",
        "concurrency": "not converted: IncidentBoard probes every service on its own schedule",
        "skip-invalid-config-update": "not converted",
        "disable-monitoring-lock": "not converted",
        "announcements": "not converted",
        "remote": "not converted: the fleet view reads other sites from Prometheus (`--source prometheus=URL`)",
        "debug": "not converted",
    ]

    private static let endpointKeys: Set = [
        "name", "group", "url", "method", "headers", "body", "interval", "conditions", "client", "enabled", "alerts",
        "dns", "ui", "maintenance-windows", "extra-labels", "always-run", "ssh", "graphql", "disable-monitoring-lock",
    ]

    mutating func convert(_ top: Node.Mapping) throws(GatusImport.ImportError) -> GatusImport.Output {
        var endpointsNode: Node?
        for (keyNode, value) in top {
            guard let key = keyNode.string else { continue }
            if key == "endpoints" {
                endpointsNode = value
            } else if let message = Self.topLevel[key] {
                note(key, message)
            } else {
                note(key, "not converted: not a key IncidentBoard knows of a Gatus config")
            }
        }
        guard let endpointsNode else {
            let keys = top.compactMap { $0.key.string }
            let found = keys.isEmpty ? "" : " (top-level keys: \(keys.prefix(8).joined(separator: ", ")))"
            throw GatusImport.ImportError(
                message: "not a Gatus config: no `endpoints:` list\(found)",
                line: GatusImport.line(.mapping(top)), column: 1)
        }
        guard let endpoints = endpointsNode.sequence else {
            throw GatusImport.ImportError(
                message: "`endpoints` must be a list of endpoints, not a \(GatusImport.kind(of: endpointsNode))",
                line: GatusImport.line(endpointsNode), column: GatusImport.column(endpointsNode))
        }
        var services: [JSONValue] = []
        for (index, endpoint) in endpoints.enumerated() {
            if let service = convertEndpoint(endpoint, path: "endpoints[\(index)]") { services.append(service) }
        }
        if !services.isEmpty {
            let suggestion =
                groups.isEmpty
                ? "" : " Services are grouped as in Gatus (\(groups.joined(separator: ", "))), a starting point for it."
            note(
                "endpoints",
                "Gatus has no dependencies between endpoints: add `dependsOn` to each service "
                    + "that calls another, so the board can name the root cause of a cascade.\(suggestion)")
        }
        let config = JSONValue.object([
            (
                "defaults",
                .object([
                    ("interval", .string(GatusImport.gatusInterval)),
                    ("timeout", .string(GatusImport.gatusTimeout)),
                ])
            ),
            ("services", .array(services)),
        ])
        return GatusImport.Output(json: config.pretty() + "\n", services: services.count, notes: notes)
    }

    private mutating func note(_ path: String, _ message: String) {
        notes.append(GatusImport.Note(path: path, message: message))
    }

    // MARK: Endpoints

    private mutating func convertEndpoint(_ node: Node, path: String) -> JSONValue? {
        guard let fields = node.mapping else {
            note(path, "skipped: an endpoint must be a mapping, not a \(GatusImport.kind(of: node))")
            return nil
        }
        func value(_ key: String) -> Node? { fields[Node(key)] }
        guard let name = value("name")?.string, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            note(path, "skipped: no `name`")
            return nil
        }
        if let enabled = value("enabled")?.string, enabled.lowercased() == "false" {
            note(path, "skipped: `enabled: false` (\(name))")
            return nil
        }
        guard let url = value("url")?.string, !url.isEmpty else {
            note(path, "skipped: no `url` (\(name))")
            return nil
        }
        if value("dns") != nil {
            note("\(path).dns", "skipped: DNS queries have no probe type in IncidentBoard (\(name))")
            return nil
        }
        var probe: [(String, JSONValue)]
        let lower = url.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("${") {
            probe = [("type", .string("http")), ("url", .string(url))]
        } else if lower.hasPrefix("tcp://") {
            let rest = String(url.dropFirst("tcp://".count))
            guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]),
                (1...65_535).contains(port)
            else {
                note("\(path).url", "skipped: a tcp:// url needs host:port (\(name))")
                return nil
            }
            var host = String(rest[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            probe = [("type", .string("tcp")), ("host", .string(host)), ("port", .integer(port))]
        } else {
            let scheme = url.split(separator: ":", maxSplits: 1).first.map(String.init) ?? url
            note(
                "\(path).url",
                "skipped: \(scheme):// endpoints have no probe type in IncidentBoard (\(name)); "
                    + "http(s) and tcp are converted")
            return nil
        }
        let isHTTP = probe.first?.1.isString("http") == true

        for (keyNode, _) in fields {
            guard let key = keyNode.string, !Self.endpointKeys.contains(key) else { continue }
            note("\(path).\(key)", "not converted: not a key IncidentBoard knows of a Gatus endpoint")
        }
        if let method = value("method")?.string {
            if isHTTP { probe.append(("method", .string(method.uppercased()))) }
        }
        if let headers = value("headers") {
            if let mapping = headers.mapping, isHTTP {
                var pairs: [(String, JSONValue)] = []
                for (key, headerValue) in mapping {
                    guard let key = key.string, let text = headerValue.string else { continue }
                    pairs.append((key, .string(text)))
                }
                if !pairs.isEmpty { probe.append(("headers", .object(pairs))) }
            } else {
                note("\(path).headers", "not converted: headers must be a mapping of name to value")
            }
        }
        if let body = value("body")?.string, isHTTP { probe.append(("body", .string(body))) }

        var interval = Duration(configString: GatusImport.gatusInterval) ?? .seconds(60)
        if let text = value("interval")?.string {
            if let parsed = Duration(configString: text), parsed > .zero {
                interval = parsed
                probe.append(("interval", .string(parsed.configString)))
            } else {
                note(
                    "\(path).interval",
                    "not converted: \(JSONText.quote(text)) is not a duration IncidentBoard "
                        + "reads; Gatus's default (\(GatusImport.gatusInterval)) applies")
            }
        }
        var timeout = Duration(configString: GatusImport.gatusTimeout) ?? .seconds(10)
        var timeoutGiven = false
        if let client = value("client") {
            if let mapping = client.mapping {
                for (keyNode, clientValue) in mapping {
                    guard let key = keyNode.string else { continue }
                    switch key {
                    case "timeout":
                        if let text = clientValue.string, let parsed = Duration(configString: text), parsed > .zero {
                            timeout = parsed
                            timeoutGiven = true
                        } else {
                            note("\(path).client.timeout", "not converted: not a duration IncidentBoard reads")
                        }
                    case "insecure":
                        if clientValue.string?.lowercased() == "true", isHTTP {
                            probe.append(("insecureSkipVerify", .bool(true)))
                        }
                    case "ignore-redirect":
                        if clientValue.string?.lowercased() == "true", isHTTP {
                            probe.append(("followRedirects", .bool(false)))
                        }
                    default:
                        note("\(path).client.\(key)", "not converted: no equivalent client setting")
                    }
                }
            } else {
                note("\(path).client", "not converted: `client` must be a mapping")
            }
        }
        if timeout >= interval {
            let shorter = interval / 2
            note(
                "\(path).client.timeout",
                "the timeout (\(timeout.configString)\(timeoutGiven ? "" : ", Gatus's default")) "
                    + "is not shorter than the interval (\(interval.configString)): set to \(shorter.configString), "
                    + "as IncidentBoard needs a probe to end before the next starts")
            timeout = shorter
            timeoutGiven = true
        }
        if timeoutGiven { probe.append(("timeout", .string(timeout.configString))) }

        if let conditionsNode = value("conditions") {
            var conditions: [JSONValue] = []
            for (j, conditionNode) in (conditionsNode.sequence.map(Array.init) ?? []).enumerated() {
                guard let source = conditionNode.string else { continue }
                let conditionPath = "\(path).conditions[\(j)]"
                if source.contains("${") {
                    conditions.append(.string(source))
                    continue
                }
                do {
                    let condition = try Condition(parsing: source)
                    for difference in condition.gatusDifferences {
                        note(conditionPath, "converted, but unlike Gatus it \(difference)")
                    }
                    conditions.append(.string(source))
                } catch {
                    note(conditionPath, "not converted: \(error.message)")
                }
            }
            if !conditions.isEmpty { probe.append(("conditions", .array(conditions))) }
        }
        if value("alerts") != nil {
            note(
                "\(path).alerts",
                "not converted: alerts come from the SLO and its burn rates; page with "
                    + "`incidentboard rules` or `--alertmanager`")
        }
        for key in ["ui", "maintenance-windows", "extra-labels", "always-run", "ssh", "graphql"]
        where value(key) != nil {
            note("\(path).\(key)", "not converted")
        }

        var service: [(String, JSONValue)] = []
        let slug = uniqueName(for: name, group: value("group")?.string, index: path)
        service.append(("name", .string(slug)))
        if slug != name { service.append(("title", .string(name))) }
        if let group = value("group")?.string, !group.isEmpty {
            service.append(("group", .string(group)))
            if !groups.contains(group) { groups.append(group) }
        }
        service.append(("probe", .object(probe)))
        return .object(service)
    }

    /// A valid, unused service name: lowercase letters, digits, `.`, `_`, `-`; the group's name in
    /// front when two endpoints share a name (Gatus tells them apart by group).
    private mutating func uniqueName(for name: String, group: String?, index: String) -> String {
        var base = Self.slug(name)
        if base.isEmpty { base = "endpoint" }
        var candidate = base
        if usedNames.contains(candidate), let group, !Self.slug(group).isEmpty {
            candidate = Self.slug(group) + "-" + base
        }
        var n = 2
        let stem = candidate
        while usedNames.contains(candidate) {
            candidate = "\(stem)-\(n)"
            n += 1
        }
        usedNames.insert(candidate)
        return candidate
    }

    static func slug(_ text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "." || scalar == "_" {
                out.unicodeScalars.append(scalar)
            } else if !out.hasSuffix("-") {
                out += "-"
            }
        }
        while let first = out.first, "-._".contains(first) { out.removeFirst() }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }
}

extension JSONValue {
    func isString(_ text: String) -> Bool {
        if case .string(let value) = self { return value == text }
        return false
    }
}
