import Foundation

extension ConfigValidator {
    static let transactionStepKeys = [
        "name", "method", "url", "headers", "body", "conditions", "timeout", "store", "public", "upstream",
        "maxBodyBytes",
    ]

    /// An upstream named by a transaction step, checked against the entries once all are known.
    struct UpstreamReference {
        var name: String
        var path: String
    }

    /// Reads `steps` and `cleanup` of a transaction probe. Checks every `[CONTEXT].name` against
    /// what earlier steps store, and step names for duplicates; upstream names are returned for the
    /// check across entries.
    mutating func transactionProbe(_ fields: ConfigFields, upstreams: inout [UpstreamReference]) -> TransactionProbe? {
        if fields["conditions"] != nil {
            report(
                fields.path("conditions"),
                "a transaction has no conditions of its own; give each step its "
                    + "\"conditions\"")
        }
        guard let stepsValue = required(fields, "steps", " (the requests of the journey, in order)") else { return nil }
        var stepNames: [String: String] = [:]
        var stored: Set<String> = []
        var ok = true
        let steps = stepList(
            stepsValue, at: fields.path("steps"), allowEmpty: false, isCleanup: false,
            names: &stepNames, stored: &stored, upstreams: &upstreams, ok: &ok)
        var cleanup: [TransactionStep] = []
        if let value = fields["cleanup"] {
            cleanup = stepList(
                value, at: fields.path("cleanup"), allowEmpty: true, isCleanup: true,
                names: &stepNames, stored: &stored, upstreams: &upstreams, ok: &ok)
        }
        return ok ? TransactionProbe(steps: steps, cleanup: cleanup) : nil
    }

    private mutating func stepList(
        _ value: ConfigJSON, at path: String, allowEmpty: Bool, isCleanup: Bool, names: inout [String: String],
        stored: inout Set<String>, upstreams: inout [UpstreamReference], ok: inout Bool
    ) -> [TransactionStep] {
        guard case .array(let items) = value else {
            report(path, "must be an array of steps, not \(value.typeDescription)")
            ok = false
            return []
        }
        if items.isEmpty, !allowEmpty {
            report(path, "must not be empty (add at least one step)")
            ok = false
        }
        var steps: [TransactionStep] = []
        for (j, item) in items.enumerated() {
            let stepPath = ConfigPath.child(path, j)
            guard
                let step = transactionStep(
                    item, at: stepPath, isCleanup: isCleanup, names: &names,
                    stored: &stored, upstreams: &upstreams)
            else {
                ok = false
                continue
            }
            steps.append(step)
        }
        return steps
    }

    private mutating func transactionStep(
        _ value: ConfigJSON, at path: String, isCleanup: Bool, names: inout [String: String],
        stored: inout Set<String>, upstreams: inout [UpstreamReference]
    ) -> TransactionStep? {
        guard let fields = fields(value, at: path) else { return nil }
        checkKeys(fields, allowed: Self.transactionStepKeys)
        let before = issues.count
        var name: String?
        if let text = text(fields, "name", required: true) {
            if text.value.trimmingCharacters(in: .whitespaces).isEmpty {
                report(fields.path("name"), "must not be empty")
            } else if let first = names[text.value] {
                report(fields.path("name"), "duplicate step name \(text.quoted) (also at \(first))")
            } else {
                names[text.value] = fields.path("name")
                name = text.value
            }
        }
        // `[CONTEXT].x` must be stored by an earlier step; a cleanup step may use anything a step stores.
        func checkNames(_ used: [String], at usePath: String) {
            for used in used {
                if used.isEmpty || !ContextTemplate.isName(used) {
                    report(usePath, "[CONTEXT]. must be followed by a stored name, e.g. [CONTEXT].token")
                } else if !stored.contains(used) {
                    report(
                        usePath,
                        isCleanup
                            ? "[CONTEXT].\(used) is used by a cleanup step but no step stores it"
                                + ConfigSpelling.hint(for: used, among: stored.sorted())
                            : "[CONTEXT].\(used) is used before any earlier step stores it"
                                + ConfigSpelling.hint(for: used, among: stored.sorted()))
                }
            }
        }
        var url: String?
        if let text = text(fields, "url", required: true) {
            checkNames(ContextTemplate.names(in: text.value), at: fields.path("url"))
            let sample = ContextTemplate.fill(text.value) { _ in "x" } ?? text.value
            if Self.httpURL(sample) == nil {
                report(fields.path("url"), "\(text.quoted) is not an http(s) URL")
            } else {
                url = text.value
            }
        }
        var method = "GET"
        if let written = text(fields, "method") {
            if Self.httpMethods.contains(written.value) {
                method = written.value
            } else {
                report(
                    fields.path("method"),
                    "\(written.quoted) is not a supported method ("
                        + Self.httpMethods.joined(separator: ", ") + ")"
                        + ConfigSpelling.hint(for: written.value, among: Self.httpMethods))
            }
        }
        var headers: [HTTPHeader] = []
        if let value = fields["headers"] {
            headers = self.headers(value, at: fields.path("headers"))
            for header in headers {
                checkNames(
                    ContextTemplate.names(in: header.value),
                    at: ConfigPath.child(fields.path("headers"), header.name))
            }
        }
        let body = text(fields, "body")?.value
        if let body { checkNames(ContextTemplate.names(in: body), at: fields.path("body")) }
        var conditions: [Condition] = []
        if let value = fields["conditions"] {
            conditions = self.conditions(value, at: fields.path("conditions"), allowContext: true)
            for (k, condition) in conditions.enumerated() {
                checkNames(condition.contextNames, at: ConfigPath.child(fields.path("conditions"), k))
            }
        }
        let timeout = duration(fields, "timeout")?.value
        var isPublic = false
        var publicNames: [String] = []
        var upstream: String?
        if let text = text(fields, "upstream") {
            upstream = text.value
            upstreams.append(UpstreamReference(name: text.value, path: fields.path("upstream")))
        }
        let maxBodyBytes = integer(fields, "maxBodyBytes", in: 1...Int.max) ?? HTTPProbe.defaultMaxBodyBytes
        var store: [TransactionStore] = []
        if let value = fields["store"] { store = storeEntries(value, at: fields.path("store")) }
        for entry in store { stored.insert(entry.name) }
        switch fields["public"] {
        case nil: break
        case .bool(let flag)?: isPublic = flag
        case .array(let items)?:
            for (k, item) in items.enumerated() {
                let itemPath = ConfigPath.child(fields.path("public"), k)
                guard let text = text(item, at: itemPath) else { continue }
                if store.contains(where: { $0.name == text.value }) {
                    publicNames.append(text.value)
                } else {
                    report(
                        itemPath,
                        "\(text.quoted) is not stored by this step"
                            + ConfigSpelling.hint(for: text.value, among: store.map(\.name)))
                }
            }
        case let other?:
            report(
                fields.path("public"), "must be true, false or an array of stored names, not \(other.typeDescription)")
        }
        guard issues.count == before, let name, let url else { return nil }
        var step = TransactionStep(
            name: name, method: method, url: url, headers: headers, body: body, conditions: conditions,
            timeout: timeout, store: store, isPublic: isPublic, upstream: upstream, maxBodyBytes: maxBodyBytes)
        step.publicNames = publicNames
        return step
    }

    /// `store`: `{"token": "[BODY].access_token", "code": "[STATUS]"}`, as in Gatus suites.
    private mutating func storeEntries(_ value: ConfigJSON, at path: String) -> [TransactionStore] {
        guard let fields = fields(value, at: path) else { return [] }
        var entries: [TransactionStore] = []
        for member in fields.members {
            let entryPath = fields.path(member.key)
            guard ContextTemplate.isName(member.key) else {
                report(
                    entryPath,
                    "\(ConfigQuote.quoted(member.key)) is not a valid stored name (letters, digits "
                        + "and _, starting with a letter or _)")
                continue
            }
            guard let written = text(member.value, at: entryPath) else { continue }
            let source = written.value.trimmingCharacters(in: .whitespaces)
            let reference: ConditionPlaceholderReference
            do {
                let expression = try ConditionExpression.parse(source + " == 0")
                guard case .value(let found) = expression.left else { throw ConditionSyntaxError("") }
                reference = found
            } catch {
                report(
                    entryPath, "\(written.quoted) is not a value to store (use [BODY], [BODY].json.path or [STATUS])")
                continue
            }
            switch reference.placeholder {
            case .status:
                entries.append(TransactionStore(name: member.key, source: .status, written: source))
            case .body:
                entries.append(TransactionStore(name: member.key, source: .body(reference.path), written: source))
            default:
                report(
                    entryPath, "\(written.quoted) is not a value to store (use [BODY], [BODY].json.path or [STATUS])")
            }
        }
        return entries
    }

    /// Unknown upstreams of transaction steps, and a step naming its own transaction.
    mutating func checkUpstreams(
        _ references: [UpstreamReference], of service: String?, allNames: [String], known: Set<String>
    ) {
        for reference in references {
            if reference.name == service {
                report(
                    reference.path,
                    "a step cannot name its own transaction \(ConfigQuote.quoted(reference.name)) "
                        + "as its upstream")
            } else if !known.contains(reference.name) {
                report(
                    reference.path,
                    "unknown upstream \(ConfigQuote.quoted(reference.name)) (not an entry of "
                        + "services)" + ConfigSpelling.hint(for: reference.name, among: allNames))
            }
        }
    }
}
