import Foundation

extension ConfigValidator {
    static let serviceKeys = ["name", "title", "group", "dependsOn", "probe", "slo", "quorum", "maintenance"]

    /// One entry as far as it could be read, kept until every name is known.
    struct ServiceDraft {
        var index: Int
        var path: String
        var name: String?
        var title: String?
        var group: String?
        /// Each dependency as written, with its path.
        var dependsOn: [(name: String, path: String)]
        var probe: ProbeConfig?
        var slo: SLOPolicy
        var quorum: FleetQuorum = .any
        /// Upstreams named by the steps of a transaction probe.
        var upstreams: [UpstreamReference] = []
        /// Its own maintenance windows.
        var maintenance: [MaintenanceWindow] = []
    }

    /// Reads `services`, then checks names and the dependency graph across entries.
    mutating func services(
        _ value: ConfigJSON, at path: String, defaults: Defaults, slo: SLOPolicy
    ) -> [ServiceConfig] {
        guard case .array(let items) = value else {
            report(path, "must be an array of services, not \(value.typeDescription)")
            return []
        }
        guard !items.isEmpty else {
            report(path, "must not be empty (add at least one service)")
            return []
        }
        var drafts: [ServiceDraft] = []
        var firstIndexByName: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let entryPath = ConfigPath.child(path, index)
            guard let fields = fields(item, at: entryPath) else { continue }
            var draft = service(fields, index: index, defaults: defaults, slo: slo)
            if let name = draft.name {
                if let first = firstIndexByName[name] {
                    report(
                        fields.path("name"),
                        "\(ConfigQuote.quoted(name)) is already used by \(ConfigPath.child(path, first))")
                    draft.name = nil
                } else {
                    firstIndexByName[name] = index
                }
            }
            drafts.append(draft)
        }
        let allNames = drafts.compactMap(\.name)
        // One set for every service's check (a set per service was 9 M hashes at 3,000 services:
        // most of a `check`'s start-up).
        let known = Set(allNames)
        for i in drafts.indices {
            checkUpstreams(drafts[i].upstreams, of: drafts[i].name, allNames: allNames, known: known)
            // A transaction depends on what its steps exercise, listed or not.
            for upstream in drafts[i].upstreams
            where upstream.name != drafts[i].name
                && firstIndexByName[upstream.name] != nil
                && !drafts[i].dependsOn.contains(where: { $0.name == upstream.name })
            {
                drafts[i].dependsOn.append((upstream.name, upstream.path))
            }
        }
        checkDependencies(drafts, allNames: allNames, firstIndexByName: firstIndexByName)
        return drafts.map { draft in
            var service = ServiceConfig(
                name: draft.name ?? "", title: draft.title, group: draft.group,
                dependsOn: draft.dependsOn.map(\.name), probe: draft.probe, slo: draft.slo,
                maintenance: draft.maintenance)
            service.quorum = draft.quorum
            return service
        }
    }

    private mutating func service(
        _ fields: ConfigFields, index: Int, defaults: Defaults, slo: SLOPolicy
    ) -> ServiceDraft {
        checkKeys(fields, allowed: Self.serviceKeys)
        var draft = ServiceDraft(index: index, path: fields.path, dependsOn: [], slo: slo)
        draft.quorum = defaults.quorum
        if let value = fields["quorum"], let quorum = quorum(value, at: fields.path("quorum")) { draft.quorum = quorum }
        if let name = text(fields, "name", required: true) {
            if Self.isValidName(name.value) {
                draft.name = name.value
            } else {
                report(
                    fields.path("name"),
                    "\(name.quoted) is not a valid name (use lowercase letters, digits, "
                        + "'.', '_' and '-', starting with a letter or digit)")
                // Still known, so its dependents are not also told it does not exist.
                draft.name = name.value
            }
        }
        draft.title = text(fields, "title")?.value
        draft.group = text(fields, "group")?.value
        if let value = fields["dependsOn"] {
            let path = fields.path("dependsOn")
            if case .array(let items) = value {
                for (j, item) in items.enumerated() {
                    let itemPath = ConfigPath.child(path, j)
                    if let dependency = text(item, at: itemPath) {
                        draft.dependsOn.append((dependency.value, itemPath))
                    }
                }
            } else {
                report(path, "must be an array of service names, not \(value.typeDescription)")
            }
        }
        if let value = fields["probe"] {
            stepUpstreams = []
            draft.probe = probe(value, at: fields.path("probe"), defaults: defaults)
            draft.upstreams = stepUpstreams
            stepUpstreams = []
        }
        if let value = fields["slo"] {
            draft.slo = sloPolicy(value, at: fields.path("slo"), base: slo)
        }
        if let value = fields["maintenance"] {
            draft.maintenance = maintenanceWindows(value, at: fields.path("maintenance"))
        }
        return draft
    }

    /// `[a-z0-9][a-z0-9._-]*`.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isNameScalar(first), first != ".", first != "_", first != "-"
        else { return false }
        return name.unicodeScalars.allSatisfy(isNameScalar)
    }

    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "." || scalar == "_"
            || scalar == "-"
    }

    // MARK: The dependency graph

    /// Unknown names, self-dependencies, duplicates and cycles.
    private mutating func checkDependencies(
        _ drafts: [ServiceDraft], allNames: [String], firstIndexByName: [String: Int]
    ) {
        var edges: [Int: [Int]] = [:]
        for draft in drafts {
            var seen: [String: String] = [:]
            for dependency in draft.dependsOn {
                if let earlier = seen[dependency.name] {
                    report(
                        dependency.path,
                        "\(ConfigQuote.quoted(dependency.name)) is listed twice (also at \(earlier))")
                    continue
                }
                seen[dependency.name] = dependency.path
                if dependency.name == draft.name {
                    report(
                        ConfigPath.child(draft.path, "dependsOn"),
                        "dependency cycle: \(dependency.name) → \(dependency.name) "
                            + "(a service cannot depend on itself)")
                    continue
                }
                guard let target = firstIndexByName[dependency.name] else {
                    report(
                        dependency.path,
                        "unknown service \(ConfigQuote.quoted(dependency.name))"
                            + ConfigSpelling.hint(for: dependency.name, among: allNames))
                    continue
                }
                if draft.name != nil { edges[draft.index, default: []].append(target) }
            }
        }
        let pathByIndex = Dictionary(uniqueKeysWithValues: drafts.map { ($0.index, $0.path) })
        let nameByIndex = Dictionary(uniqueKeysWithValues: firstIndexByName.map { ($0.value, $0.key) })
        // Self-dependencies were reported above and are not edges, so the graph's cycles are the rest.
        let graph = DependencyGraph(
            nodes: drafts.compactMap { draft in
                draft.name.map { ($0, (edges[draft.index] ?? []).compactMap { nameByIndex[$0] }) }
            })
        for cycle in graph.cycles() {
            guard let first = cycle.first, let index = firstIndexByName[first], let path = pathByIndex[index] else {
                continue
            }
            report(
                ConfigPath.child(path, "dependsOn"), "dependency cycle: " + (cycle + [first]).joined(separator: " → "))
        }
    }
}
