import Foundation
import Probes

/// Prometheus recording and alerting rules generated from a config: the same SLOs and the same
/// multi-window multi-burn-rate policy as the local engine, computed from the agents' `/metrics`
/// (README, "Beyond one machine"), so that Prometheus and Alertmanager can run the alerting for a fleet.
///
/// One group per probed service (entries without a probe export no SLIs): Sloth-style
/// recording rules `slo:sli_error:ratio_rate<window>` per SLI, the metadata series
/// `slo:objective:ratio`, `slo:error_budget:ratio` and `slo:time_period:days`, one alert per
/// burn-rate rule and SLI, and a `down` alert.
public struct PrometheusRules: Sendable {
    /// The file name `incidentboard rules --output-dir` writes.
    public static let fileName = "incidentboard.rules.yml"
    /// The alert name of the burn-rate alerts.
    public static let burnRateAlert = "IncidentBoardBurnRate"
    /// The alert name of the `down` alerts.
    public static let downAlert = "IncidentBoardDown"
    /// The alert name a fleet view's `site-dark` alert is delivered under.
    public static let siteDarkAlert = "IncidentBoardSiteDark"
    /// Windows recorded for every service, whatever its rules need (dashboards chart them).
    public static let standardWindows: [Duration] = [
        .seconds(300), .seconds(1800), .seconds(3600), .seconds(6 * 3600), .seconds(3 * 86_400),
    ]

    /// One label or annotation, in the order it is written.
    public struct Label: Sendable, Equatable {
        /// The label name.
        public var name: String
        /// The label value (for annotations, a Go template; see ``RulesSyntax``).
        public var value: String

        /// Creates a label.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// One recording or alerting rule.
    public struct Rule: Sendable, Equatable {
        /// Which of the two kinds of rule this is.
        public enum Kind: Sendable, Equatable {
            case recording, alerting
        }

        /// Recording or alerting.
        public var kind: Kind
        /// The recorded series name, or the alert name.
        public var name: String
        /// The PromQL expression.
        public var expr: String
        /// An alert's `for`; `nil` when it fires on the first evaluation that holds.
        public var holdFor: Duration?
        /// Static labels.
        public var labels: [Label]
        /// An alert's annotations.
        public var annotations: [Label]

        /// The value of the static label `name`.
        public func label(_ name: String) -> String? { labels.first { $0.name == name }?.value }
        /// The value of the annotation `name`.
        public func annotation(_ name: String) -> String? { annotations.first { $0.name == name }?.value }
    }

    /// A rule group: Prometheus evaluates its rules in order, so the alerts after the recording
    /// rules always read this evaluation's ratios.
    public struct Group: Sendable, Equatable {
        /// The group's name (unique in the file).
        public var name: String
        /// The service the group is for.
        public var service: String
        /// Its rules, recording rules first.
        public var rules: [Rule]
    }

    /// Where the config came from, for the header.
    public var source: String
    /// One group per probed service, in file order.
    public var groups: [Group]

    /// Builds the rules for every probed entry of `config`; `source` names the config in the
    /// header comment.
    public init(config: ProbesConfig, source: String) {
        self.source = source
        var seen = Set<String>()
        var groups: [Group] = []
        for service in config.services where service.probe != nil {
            // A repeated name (the validator reports it) would give promtool a repeated group.
            guard seen.insert(service.name).inserted else { continue }
            groups.append(Self.group(for: service))
        }
        self.groups = groups
    }

    /// Every rule of every group.
    public var rules: [Rule] { groups.flatMap(\.rules) }

    /// The recorded series name for an error ratio over `window` (`slo:sli_error:ratio_rate5m`).
    public static func ratioName(window: Duration) -> String {
        "slo:sli_error:ratio_rate" + RulesSyntax.duration(window)
    }

    /// The windows recorded for a policy: the standard ones and every window its rules read,
    /// shortest first.
    public static func windows(for policy: SLOPolicy) -> [Duration] {
        var windows = standardWindows
        for rule in policy.alerts.burnRateRules {
            windows.append(rule.longWindow)
            windows.append(rule.shortWindow)
        }
        var seen = Set<String>()
        return windows.filter { $0 > .zero }.sorted().filter { seen.insert(RulesSyntax.duration($0)).inserted }
    }

    // MARK: Building

    /// The SLIs exported per probed service, with their objective (percent) and a readable name.
    private static func slis(of policy: SLOPolicy) -> [(name: String, objective: Double, budgetName: String)] {
        SLIKind.allCases.map { sli in
            switch sli {
            case .availability: (sli.rawValue, policy.objective, "error budget")
            case .latency: (sli.rawValue, policy.latency.objective, "latency error budget")
            }
        }
    }

    private static func group(for service: ServiceConfig) -> Group {
        let policy = service.slo
        var recordings: [Rule] = []
        var alerts: [Rule] = []
        let selectorService = "service=" + RulesSyntax.promQLString(service.name)
        for sli in slis(of: policy) {
            let labels = [Label("service", service.name), Label("sli", sli.name)]
            let selector = "{" + selectorService + ",sli=" + RulesSyntax.promQLString(sli.name) + "}"
            for window in windows(for: policy) {
                let range = "[" + RulesSyntax.duration(window) + "]"
                let expr =
                    "sum by (service, sli) (rate(incidentboard_sli_errors_total\(selector)\(range)))\n"
                    + "/\n"
                    + "sum by (service, sli) (rate(incidentboard_sli_events_total\(selector)\(range)))"
                recordings.append(
                    Rule(
                        kind: .recording, name: ratioName(window: window), expr: expr, holdFor: nil,
                        labels: labels, annotations: []))
            }
            let budget = ErrorBudgetShare(objective: sli.objective)
            recordings.append(
                Rule(
                    kind: .recording, name: "slo:objective:ratio",
                    expr: "vector(\(RulesSyntax.number(budget.objectiveRatio)))", holdFor: nil,
                    labels: labels, annotations: []))
            recordings.append(
                Rule(
                    kind: .recording, name: "slo:error_budget:ratio",
                    expr: "vector(\(RulesSyntax.number(budget.allowedErrorRatio)))", holdFor: nil,
                    labels: labels, annotations: []))
            recordings.append(
                Rule(
                    kind: .recording, name: "slo:time_period:days",
                    expr: "vector(\(RulesSyntax.number(policy.window.seconds / 86_400)))",
                    holdFor: nil, labels: labels, annotations: []))
            var ruleNames = Set<String>()
            for rule in policy.alerts.burnRateRules where ruleNames.insert(rule.name).inserted {
                alerts.append(
                    burnRateAlert(
                        rule, service: service, sli: sli.name, budgetName: sli.budgetName,
                        budget: budget, policy: policy, selector: selector))
            }
        }
        alerts.append(downAlert(service: service))
        return Group(name: "incidentboard.slo." + service.name, service: service.name, rules: recordings + alerts)
    }

    private static func burnRateAlert(
        _ rule: BurnRateRule, service: ServiceConfig, sli: String, budgetName: String, budget: ErrorBudgetShare,
        policy: SLOPolicy, selector: String
    ) -> Rule {
        let factor = RulesSyntax.number(rule.burnRate(sloWindow: policy.window))
        let threshold = "(\(factor) * \(RulesSyntax.number(budget.allowedErrorRatio)))"
        let long = RulesSyntax.duration(rule.longWindow)
        let short = RulesSyntax.duration(rule.shortWindow)
        // `>=` as the local engine compares; `and` matches on service and sli.
        let expr =
            "(\(ratioName(window: rule.longWindow))\(selector) >= \(threshold))\nand\n"
            + "(\(ratioName(window: rule.shortWindow))\(selector) >= \(threshold))"
        let summary =
            "\(service.name) \(budgetName) burning at \(factor)× or more over \(long) and "
            + "\(short) (\(rule.name)); \(upstreamsPhrase(service))"
        let description =
            "\(described(service)): the \(sli) error ratio is at or over \(factor) × "
            + "\(RulesSyntax.number(budget.allowedErrorRatio)) (\(factor) times the \(budgetName) of a "
            + "\(RulesSyntax.number(budget.objectivePercent)) % objective) over both \(long) and \(short): "
            + "\(RulesSyntax.number(rule.budgetConsumed)) % of the \(RulesSyntax.duration(policy.window)) budget "
            + "spent in \(long)."
        return Rule(
            kind: .alerting, name: burnRateAlert, expr: expr, holdFor: nil,
            labels: [
                Label("service", service.name), Label("sli", sli), Label("severity", rule.severity.rawValue),
                Label("rule", rule.name), Label("incidentboard_alert", AlertKind.burnRate.rawValue),
            ]
                + roleLabels(service),
            annotations: [
                Label("summary", RulesSyntax.templateLiteral(summary)),
                Label("description", RulesSyntax.templateLiteral(description)),
            ])
    }

    private static func downAlert(service: ServiceConfig) -> Rule {
        let interval = service.probe?.interval ?? .zero
        let downAfter = service.slo.alerts.downAfter
        let hold = holdDuration(interval: interval, probes: downAfter)
        let expr = downExpression(service: service.name, quorum: service.quorum)
        let sites: String =
            switch service.quorum {
            case .any: "a site's probe has failed"
            case .all: "no site's probe has succeeded"
            case .sites(let n): "the probes of \(n) sites (or every site, when fewer report) have failed"
            }
        let summary =
            "\(service.name) down: \(sites) for \(RulesSyntax.duration(hold)) "
            + "(\(downAfter) × \(RulesSyntax.duration(interval))); \(upstreamsPhrase(service))"
        let description =
            "\(described(service)): probe_success is 0 at "
            + (service.quorum == .any ? "a site" : service.quorum == .all ? "every site" : "\(service.quorum) sites")
            + " that probe it (quorum \(service.quorum))."
        return Rule(
            kind: .alerting, name: downAlert, expr: expr, holdFor: hold,
            labels: [
                Label("service", service.name), Label("severity", AlertSeverity.critical.rawValue),
                Label("incidentboard_alert", AlertKind.down.rawValue),
            ] + roleLabels(service),
            annotations: [
                Label("summary", RulesSyntax.templateLiteral(summary)),
                Label("description", RulesSyntax.templateLiteral(description)),
            ])
    }

    /// The condition of the `down` alert under a quorum, as the fleet view judges: among the
    /// sites whose `probe_success` is current (a dark site's series are stale, so it does not
    /// count), `any` one failing, `all` failing, or at least n failing (all, when fewer report).
    static func downExpression(service: String, quorum: FleetQuorum) -> String {
        let selector = "probe_success{service=\(RulesSyntax.promQLString(service))}"
        switch quorum {
        case .any:
            return "min by (service) (\(selector)) == 0"
        case .all:
            return "max by (service) (\(selector)) == 0"
        case .sites(let n):
            return "count by (service) (\(selector) == 0)\n>= on (service)\n"
                + "clamp_max(count by (service) (\(selector)), \(n))"
        }
    }

    /// `root_cause` and `role="root"` for a service without upstreams: its alerts are always its
    /// own root's, as `watch --alertmanager` labels them, so they mute its victims' delivered alerts
    /// through the config's role rule. A service with upstreams gets neither (a rule cannot know
    /// whether it is a root or a victim; the severity-paired inhibit rules cover it).
    static func roleLabels(_ service: ServiceConfig) -> [Label] {
        service.dependsOn.isEmpty ? [Label("root_cause", service.name), Label("role", "root")] : []
    }

    /// `probes × interval`, capped at a year (a config may say `downAfter: 1000000000`).
    static func holdDuration(interval: Duration, probes: Int) -> Duration {
        let year: Double = 365 * 86_400
        let seconds = min(interval.seconds * Double(max(probes, 0)), year)
        guard seconds.isFinite, seconds > 0 else { return .zero }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    private static func upstreamsPhrase(_ service: ServiceConfig) -> String {
        var seen = Set<String>()
        let upstreams = service.dependsOn.filter { seen.insert($0).inserted }
        return upstreams.isEmpty ? "no upstreams" : "upstreams: " + upstreams.joined(separator: ", ")
    }

    private static func described(_ service: ServiceConfig) -> String {
        guard let title = service.title, !title.isEmpty else { return service.name }
        return "\(service.name) (\(title))"
    }
}

/// The objective of one SLI as the rules write it.
struct ErrorBudgetShare {
    /// Objective in percent.
    var objectivePercent: Double
    /// Objective as a ratio (0.999).
    var objectiveRatio: Double { objectivePercent / 100 }
    /// 1 − objective: the error ratio the SLO allows.
    var allowedErrorRatio: Double { 1 - objectivePercent / 100 }

    init(objective: Double) { objectivePercent = objective }
}

extension PrometheusRules {
    /// The rules file: a header saying it is generated, then `groups`.
    public var yaml: String {
        var lines = RulesFileHeader.lines(
            title: "Prometheus recording and alerting rules", source: source,
            about: [
                "Per probed service and SLI: error ratios over each window (slo:sli_error:ratio_rate<window>),",
                "the objective and error budget as series, and the multi-window multi-burn-rate alerts of the",
                "config's slo.alerts with the same factors, windows and severities as the local engine.",
                "Burn-rate alerts have no `for`: their short window already keeps one blip from paging.",
                "The down alert holds for downAfter x the probe interval: Prometheus sees only the latest probe",
                "per scrape, so it waits one interval longer than the local engine (the downAfter-th failure).",
                "It follows each service's quorum as the fleet view does: a site, n sites, or every site failing.",
                "Load with `rule_files:` in prometheus.yml; check with `promtool check rules`.",
            ])
        if groups.isEmpty {
            lines.append("groups: []")
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append("groups:")
        for group in groups {
            lines.append("  - name: " + RulesSyntax.yaml(group.name))
            lines.append("    rules:")
            for rule in group.rules { Self.append(rule, to: &lines) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func append(_ rule: Rule, to lines: inout [String]) {
        switch rule.kind {
        case .recording: lines.append("      - record: " + RulesSyntax.yaml(rule.name))
        case .alerting: lines.append("      - alert: " + RulesSyntax.yaml(rule.name))
        }
        // A literal block keeps multi-line PromQL readable; PromQL written here has no line
        // that could end the block (every line is indented and none is empty).
        lines.append("        expr: |-")
        for line in rule.expr.split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append("          " + line)
        }
        if let hold = rule.holdFor, hold > .zero {
            lines.append("        for: " + RulesSyntax.duration(hold))
        }
        if !rule.labels.isEmpty {
            lines.append("        labels:")
            for label in rule.labels { lines.append("          \(label.name): " + RulesSyntax.yaml(label.value)) }
        }
        if !rule.annotations.isEmpty {
            lines.append("        annotations:")
            for note in rule.annotations { lines.append("          \(note.name): " + RulesSyntax.yaml(note.value)) }
        }
    }
}

/// The comment block at the top of every generated file.
enum RulesFileHeader {
    static func lines(title: String, source: String, about: [String]) -> [String] {
        [
            RulesSyntax.comment("\(title) for IncidentBoard."),
            RulesSyntax.comment("GENERATED by `incidentboard rules` from \(source). DO NOT EDIT:"),
            RulesSyntax.comment("change the config and run `incidentboard rules` again instead."),
            "#",
        ] + about.map(RulesSyntax.comment) + [""]
    }
}
