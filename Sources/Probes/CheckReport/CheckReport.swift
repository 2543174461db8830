import Foundation

/// The overall outcome of `incidentboard check`, with the Nagios plugin exit codes.
public enum CheckStatus: String, Sendable, Comparable {
    case ok, warning, critical, unknown

    /// 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    public var exitCode: Int32 {
        switch self {
        case .ok: 0
        case .warning: 1
        case .critical: 2
        case .unknown: 3
        }
    }

    private var rank: Int {
        switch self {
        case .ok: 0
        case .warning: 1
        case .unknown: 2
        case .critical: 3
        }
    }

    public static func < (lhs: CheckStatus, rhs: CheckStatus) -> Bool { lhs.rank < rhs.rank }
}

/// What one `check` run found, ready to print as text, JSON (the README's `check --format json`) or Nagios output.
public struct CheckReport: Sendable {
    /// One checked service or dependency.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var title: String?
        public var status: ProbeStatus
        /// `nil` for an entry that was not probed (a declared dependency without a probe).
        public var latencyMs: Double?
        public var error: String?
        /// Empty when healthy, `[name]` for a root cause, else the roots upstream of it.
        public var rootCauses: [String]
        /// Whether the entry has a probe (probe-less ones count only when inferred unhealthy).
        public var probed: Bool
        /// Warning and critical latency thresholds for perfdata, in milliseconds.
        public var warnMs: Double
        public var critMs: Double
        /// What each site reports in the fleet view (`check --source`); empty for a local check.
        public var sites: [SiteState] = []
        /// Fleet view: the sites that see the entry fail while fewer than its quorum do (PARTIAL).
        public var partialSites: [String] = []
        /// Fleet view: the error budget from the sites' counters summed; `nil` without counters.
        public var fleetBudget: Double?
        /// Whether ``fleetBudget`` covers enough of the SLO window to mean something.
        public var fleetBudgetMeaningful = false
        /// For a transaction: its steps and cleanup steps as they went; empty otherwise.
        public var steps: [StepResult] = []
        /// In a maintenance window at the time of the check (`"maintenance": true` in JSON).
        public var maintenance = false

        public init(
            name: String, title: String?, status: ProbeStatus, latencyMs: Double?, error: String?,
            rootCauses: [String], probed: Bool, warnMs: Double, critMs: Double, steps: [StepResult] = []
        ) {
            self.steps = steps
            self.name = name
            self.title = title
            self.status = status
            self.latencyMs = latencyMs
            self.error = error
            self.rootCauses = rootCauses
            self.probed = probed
            self.warnMs = warnMs
            self.critMs = critMs
        }
    }

    /// One root cause and the entries it explains.
    public struct Incident: Sendable, Equatable {
        public var rootCause: String
        /// Sorted by name.
        public var impacted: [String]
        /// The root cause is a probe-less dependency inferred from its dependents.
        public var inferred: Bool
        /// How the root is in trouble: `slow`, `down`, `inferred` (or `recovered`, with victims
        /// still in their grace period).
        public var state: String
        /// The id of the agent's open incident of this root, when the history has one.
        public var id: String?

        public init(rootCause: String, impacted: [String], inferred: Bool, state: String? = nil) {
            self.rootCause = rootCause
            self.impacted = impacted.sorted()
            self.inferred = inferred
            self.state = state ?? (inferred ? "inferred" : "down")
        }

        /// The `state` of `check --format json` for a cause of the analysis.
        public static func state(of cause: CascadeIncident.Cause) -> String {
            switch cause {
            case .failing: "down"
            case .slow: "slow"
            case .inferred: "inferred"
            case .recovered: "recovered"
            }
        }
    }

    public var checkedAt: Date
    public var entries: [Entry]
    /// Ordered by blast radius, largest first.
    public var incidents: [Incident]
    /// Where the results come from (`prometheus http://…`); `nil` for local probes. When set,
    /// every service in the JSON carries a `sites` array.
    public var source: String?
    /// Why the check itself could not be made (the config is unreadable, a service is unknown, the
    /// source cannot be read): the report is then UNKNOWN with no entries.
    public var failure: String?
    /// Fleet view: the sites that stopped reporting, sorted; the summary names them.
    public var darkSites: [String] = []

    public init(checkedAt: Date, entries: [Entry], incidents: [Incident]) {
        self.checkedAt = checkedAt
        self.entries = entries
        self.incidents = incidents
    }

    /// Names each incident by the id an agent's history gives the open incident of its root.
    public mutating func adoptIncidentIDs(from open: [IncidentRecord]) {
        let ids = Dictionary(open.filter(\.isOpen).map { ($0.root, $0.id) }, uniquingKeysWith: { _, latest in latest })
        for index in incidents.indices { incidents[index].id = ids[incidents[index].rootCause] }
    }

    /// The UNKNOWN answer of a check that could not be made, so a scheduler reading stdout still
    /// gets one in the format it asked for.
    public static func unknown(_ reason: String, checkedAt: Date) -> CheckReport {
        var report = CheckReport(checkedAt: checkedAt, entries: [], incidents: [])
        report.failure = reason
        return report
    }

    /// Worst of the entries: any down is CRITICAL; else an UNKNOWN probe is UNKNOWN; else any
    /// degraded is WARNING. A declared dependency without a probe counts only when inferred down.
    public var status: CheckStatus {
        if failure != nil { return .unknown }
        var worst = CheckStatus.ok
        for entry in entries where entry.probed || entry.status == .down {
            let s: CheckStatus =
                switch entry.status {
                case .up: .ok
                case .degraded: .warning
                case .unknown: .unknown
                case .down: .critical
                }
            worst = max(worst, s)
        }
        return worst
    }

    // MARK: JSON

    /// The JSON document of `check --format json` (README), one line.
    public func json() -> String {
        var root = JSONText()
        root.add("status", status.rawValue)
        root.add("checkedAt", Self.timestamp(checkedAt))
        let services = entries.map { e -> String in
            var o = JSONText()
            o.add("name", e.name)
            o.add("status", e.status.rawValue)
            o.add("latencyMs", e.latencyMs.map { ($0 * 10).rounded() / 10 })
            o.add("error", e.error)
            o.add("rootCauses", strings: e.rootCauses)
            if source != nil {
                o.add("sites", raw: Self.sitesJSON(e.sites))
                if !e.partialSites.isEmpty { o.add("partial", strings: e.partialSites) }
                if let budget = e.fleetBudget {
                    o.add("fleetBudgetRemaining", (budget * 10_000).rounded() / 10_000)
                    o.add("fleetBudgetMeaningful", e.fleetBudgetMeaningful)
                }
            }
            if !e.steps.isEmpty { o.add("steps", raw: Self.stepsJSON(e.steps)) }
            if e.maintenance { o.add("maintenance", true) }
            return o.text
        }
        root.add("services", raw: "[" + services.joined(separator: ",") + "]")
        let incidents = incidents.map { i -> String in
            var o = JSONText()
            if let id = i.id { o.add("id", id) }
            o.add("rootCause", i.rootCause)
            o.add("impacted", strings: i.impacted)
            if i.inferred { o.add("inferred", true) }
            o.add("state", i.state)
            return o.text
        }
        root.add("incidents", raw: "[" + incidents.joined(separator: ",") + "]")
        if let source { root.add("source", source) }
        if let failure { root.add("error", failure) }
        return root.text
    }

    /// `[{"name":"login","status":"up","latencyMs":3.1,"error":null,...}]`.
    static func stepsJSON(_ steps: [StepResult]) -> String {
        let items = steps.map { step -> String in
            var o = JSONText()
            o.add("name", step.name)
            o.add("status", step.status.rawValue)
            o.add("latencyMs", step.status == .skipped ? nil : (step.latency.milliseconds * 10).rounded() / 10)
            o.add("error", step.error)
            o.add("httpStatus", step.httpStatus)
            o.add("upstream", step.upstream)
            if step.isCleanup { o.add("cleanup", true) }
            return o.text
        }
        return "[" + items.joined(separator: ",") + "]"
    }

    /// `2026-11-22T01:02:03Z`.
    public static func timestamp(_ date: Date) -> String { ISOTimestamp.seconds(date) }

    // MARK: Nagios

    /// The plugin convention: `INCIDENTBOARD <STATE> - <summary> | <perfdata>` then a line per entry.
    public func nagios() -> String {
        if let failure { return "INCIDENTBOARD UNKNOWN - \(failure)" }
        let perf = entries.filter { $0.latencyMs != nil }.map { e in
            "'\(e.name)_latency'=\(Self.ms(e.latencyMs ?? 0))ms;\(Self.ms(e.warnMs));\(Self.ms(e.critMs));0;"
        }
        var lines = [
            "INCIDENTBOARD \(status.rawValue.uppercased()) - \(summary)"
                + (perf.isEmpty ? "" : " | " + perf.joined(separator: " "))
        ]
        for e in entries {
            lines.append(entryLine(e) + Self.sitesSuffix(e.sites))
        }
        return lines.joined(separator: "\n")
    }

    /// One sentence: counts, what is down and the root causes.
    public var summary: String {
        let counted = entries.filter { $0.probed || $0.status == .down }
        let down = counted.filter { $0.status == .down }
        let degraded = counted.filter { $0.status == .degraded }
        let unknown = counted.filter { $0.status == .unknown }
        // A fleet view with a blind spot says so in the line a pager shows.
        let dark =
            darkSites.isEmpty
            ? ""
            : "; site" + (darkSites.count == 1 ? " " : "s ")
                + darkSites.joined(separator: ", ") + " DARK"
        if down.isEmpty && degraded.isEmpty && unknown.isEmpty {
            return "\(counted.count) of \(counted.count) up" + dark
        }
        // A wide outage must still give a line a pager can show: name a few, count the rest.
        func names(_ entries: [Entry]) -> String {
            let shown = entries.prefix(5).map(\.name).joined(separator: ", ")
            return entries.count > 5 ? shown + ", +\(entries.count - 5) more" : shown
        }
        var parts: [String] = []
        if !down.isEmpty { parts.append("\(down.count) down (\(names(down)))") }
        if !degraded.isEmpty { parts.append("\(degraded.count) degraded (\(names(degraded)))") }
        if !unknown.isEmpty { parts.append("\(unknown.count) unknown (\(names(unknown)))") }
        var text = parts.joined(separator: ", ") + " of \(counted.count)"
        if !incidents.isEmpty {
            let roots = incidents.map { $0.rootCause + ($0.inferred ? " (inferred)" : "") }
            text += "; root cause: " + roots.joined(separator: ", ")
        }
        return text + dark
    }

    private func entryLine(_ e: CheckReport.Entry) -> String {
        var line = "\(e.name): \(e.status.rawValue.uppercased())"
        if let ms = e.latencyMs { line += " \(Self.ms(ms)) ms" + latencyChain(e) }
        if !e.probed && e.status != .down { line += " (no probe)" }
        if let error = e.error { line += " - \(error)" }
        if !e.partialSites.isEmpty { line += " (\(Self.partialText(e)))" }
        if e.maintenance { line += " [maintenance]" }
        if !e.rootCauses.isEmpty && e.rootCauses != [e.name] {
            line += " (caused by \(e.rootCauses.joined(separator: ", ")))"
        }
        return line
    }

    /// For a victim that answered, its roots' latencies as one probe each saw them:
    /// ` ← credit-bureau 1190 ms` (a root that did not answer shows its state instead). Empty for
    /// an entry that is not a victim.
    func latencyChain(_ e: Entry) -> String {
        guard e.status.isAvailable, !e.rootCauses.isEmpty, e.rootCauses != [e.name] else { return "" }
        let roots = e.rootCauses.map { name -> String in
            guard let root = entries.first(where: { $0.name == name }) else { return name }
            if root.status.isAvailable, let ms = root.latencyMs { return "\(name) \(Self.ms(ms)) ms" }
            return "\(name) (\(incidents.first { $0.rootCause == name }?.state ?? root.status.rawValue))"
        }
        return " ← " + roots.joined(separator: ", ")
    }

    static func ms(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    // MARK: Text

    /// A table for people: state line, then one row per entry with its cause.
    public func text() -> String {
        var lines = [
            "\(status.rawValue.uppercased()): \(summary)  (\(Self.timestamp(checkedAt)))"
                + (source.map { "  from \($0)" } ?? "")
        ]
        let nameWidth = max(7, entries.map(\.name.count).max() ?? 0)
        func latencyText(_ e: Entry) -> String { e.latencyMs.map { "\(Self.ms($0)) ms" } ?? "-" }
        // Right-aligned in a column as wide as its widest value (`1234.5 ms`), so DETAIL lines up.
        let latencyWidth = max(7, entries.map { latencyText($0).count }.max() ?? 0)
        lines.append(
            "STATUS    " + "SERVICE".padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                + "  " + String(repeating: " ", count: latencyWidth - 7) + "LATENCY  DETAIL")
        for e in entries {
            let latency = latencyText(e)
            var detail = e.error ?? (e.probed ? "" : "no probe")
            if !e.partialSites.isEmpty { detail = Self.partialText(e) + (detail.isEmpty ? "" : "  " + detail) }
            if source != nil, let budget = e.fleetBudget {
                detail +=
                    (detail.isEmpty ? "" : "  ")
                    + "fleet budget " + (e.fleetBudgetMeaningful ? Self.percent(budget) : "not yet meaningful")
            }
            if e.rootCauses == [e.name] {
                let radius = incidents.first { $0.rootCause == e.name }?.impacted.count ?? 0
                detail += (detail.isEmpty ? "" : "  ") + (radius > 0 ? "ROOT CAUSE ×\(radius)" : "ROOT CAUSE")
            } else if !e.rootCauses.isEmpty {
                let chain = latencyChain(e)
                detail +=
                    (detail.isEmpty ? "" : "  ")
                    + (chain.isEmpty ? "← " + e.rootCauses.joined(separator: ", ") : String(chain.dropFirst()))
            }
            if e.maintenance { detail += (detail.isEmpty ? "" : "  ") + "MAINT" }
            let row =
                e.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                + e.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
                + String(repeating: " ", count: max(0, latencyWidth - latency.count)) + latency + "  " + detail
            lines.append(String(row.reversed().drop { $0 == " " }.reversed()))
            lines += siteLines(e.sites, nameWidth: nameWidth)
        }
        for incident in incidents {
            let root = incident.rootCause + (incident.inferred ? " (inferred)" : "")
            lines.append(
                incident.impacted.isEmpty
                    ? "incident: \(root), affecting nothing else"
                    : "incident: \(root) → " + incident.impacted.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
