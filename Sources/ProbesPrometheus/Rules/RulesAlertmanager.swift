import Foundation
import Probes

/// An Alertmanager configuration for the generated rules: one placeholder receiver, alerts
/// grouped by service, and inhibit rules from the dependency graph, so that on-call is paged for
/// the root cause and not for every victim (the local engine's suppression, done by Alertmanager).
///
/// One rule carries the board's own suppression model, whatever the severities: an alert labelled
/// `role="victim"` is inhibited while an alert labelled `role="root"` with the same `root_cause`
/// fires (``roleRule``). Every alert `watch --alertmanager` delivers carries both labels, so
/// Alertmanager mutes exactly what the board suppresses, a slow root's `latency` warning muting
/// its victims' pages included.
///
/// The severity-paired rules stay for alerts without a `role` (those of the generated Prometheus
/// rules for services with upstreams, which cannot know at rule time whether they are a root or a
/// victim); they never touch an alert with a `role`. Per probed entry with probed dependents:
/// while the entry has a `critical` or `page` alert firing, every alert of its transitive
/// dependents is inhibited; while it has a `warning` or `ticket` firing, their warnings and
/// tickets are (a ticket upstream never mutes a page). Entries without a probe raise no alerts in
/// Prometheus, so they inhibit nothing themselves; the graph is still followed through them to
/// their dependents.
public struct AlertmanagerConfig: Sendable {
    /// The file name `incidentboard rules --output-dir` writes.
    public static let fileName = "alertmanager.yml"
    /// The placeholder receiver's webhook, to be replaced by a real one.
    public static let placeholderWebhook = "http://127.0.0.1:9095/incidentboard-replace-me"
    /// Alertmanager's own default `group_wait`, the least this config uses.
    public static let minimumGroupWait: Duration = .seconds(30)
    /// The most `group_wait` grows to (the local engine holds a victim's alert at most this long).
    public static let maximumGroupWait: Duration = .seconds(300)

    /// One inhibit rule: alerts matching `targetMatchers` are muted while an alert matching
    /// `sourceMatchers` fires.
    public struct InhibitRule: Sendable, Equatable {
        /// The upstream whose alert inhibits.
        public var upstream: String
        /// Its probed transitive dependents, in file order.
        public var dependents: [String]
        /// Alertmanager matchers for the inhibiting alert.
        public var sourceMatchers: [String]
        /// Alertmanager matchers for the inhibited alerts.
        public var targetMatchers: [String]
        /// Labels that must be equal in both.
        public var equal: [String] = []
    }

    /// The board's suppression model: victims muted while an alert of their root cause fires.
    public static let roleRule = InhibitRule(
        upstream: "", dependents: [], sourceMatchers: [RulesSyntax.matcher("role", "=", "root")],
        targetMatchers: [RulesSyntax.matcher("role", "=", "victim")], equal: ["root_cause"])

    /// Where the config came from, for the header.
    public var source: String
    /// The inhibit rules, upstreams in file order.
    public var inhibitRules: [InhibitRule]
    /// How long Alertmanager waits before the first notification of a service's group: long
    /// enough for an upstream that failed at the same moment to fire its own `down` alert first
    /// (the local engine's hold), so that the victim's alert is already inhibited when it would go out.
    public var groupWait: Duration

    /// Derives the routing and inhibit rules from `config`'s dependency graph.
    public init(config: ProbesConfig, source: String) {
        self.source = source
        let graph = DependencyGraph(services: config.services)
        var firstByName: [String: ServiceConfig] = [:]
        for service in config.services where firstByName[service.name] == nil { firstByName[service.name] = service }
        var rules: [InhibitRule] = []
        var wait = Self.minimumGroupWait
        for (index, name) in graph.names.enumerated() {
            guard let service = firstByName[name], let probe = service.probe else { continue }
            // On a dependency cycle (a config error) two services would mute each other for good.
            let dependents = graph.transitiveDownstreams(of: index)
                .filter { firstByName[graph.names[$0]]?.probe != nil && !graph.isUpstream($0, of: index) }
                .map { graph.names[$0] }
            guard !dependents.isEmpty else { continue }
            let targets = RulesSyntax.alternation(dependents)
            rules.append(
                InhibitRule(
                    upstream: name, dependents: dependents,
                    sourceMatchers: [
                        RulesSyntax.matcher("service", "=", name),
                        RulesSyntax.matcher("severity", "=~", "critical|page"),
                    ],
                    targetMatchers: [
                        RulesSyntax.matcher("service", "=~", targets), RulesSyntax.matcher("role", "=", ""),
                    ]))
            rules.append(
                InhibitRule(
                    upstream: name, dependents: dependents,
                    sourceMatchers: [
                        RulesSyntax.matcher("service", "=", name),
                        RulesSyntax.matcher("severity", "=~", "warning|ticket"),
                    ],
                    targetMatchers: [
                        RulesSyntax.matcher("service", "=~", targets),
                        RulesSyntax.matcher("severity", "=~", "warning|ticket"),
                        RulesSyntax.matcher("role", "=", ""),
                    ]))
            let hold =
                PrometheusRules.holdDuration(interval: probe.interval, probes: service.slo.alerts.downAfter)
                + probe.timeout
            wait = max(wait, min(hold, Self.maximumGroupWait))
        }
        inhibitRules = rules
        groupWait = Self.wholeSeconds(wait)
    }

    private static func wholeSeconds(_ duration: Duration) -> Duration {
        .seconds(duration.seconds.rounded(.up))
    }

    /// The `alertmanager.yml` text.
    public var yaml: String {
        var lines = RulesFileHeader.lines(
            title: "Alertmanager configuration", source: source,
            about: [
                "Alerts are grouped by service. The first inhibit rule is the board's own suppression: an",
                "alert with role=\"victim\" is muted while a role=\"root\" alert with the same root_cause fires,",
                "whatever the severities (every alert `watch --alertmanager` delivers carries both labels).",
                "The others come from the dependency graph (dependsOn), for alerts without a role (those of",
                "the Prometheus rules for services with upstreams): while an upstream has a critical or page",
                "alert firing, every alert of the services that depend on it (transitively) is inhibited;",
                "while it has a warning or ticket, their warnings and tickets are (an upstream's ticket",
                "never mutes a dependent's page).",
                "On-call is paged for the root cause, not for each victim, as by the local engine.",
                "Check with `amtool check-config alertmanager.yml`.",
            ])
        lines += [
            "route:",
            "  receiver: 'default'",
            "  group_by: ['service']",
            "  # Long enough for an upstream's own down alert to fire first (probe interval x downAfter",
            "  # + timeout), so that its dependents' alerts are already inhibited when they would go out.",
            "  group_wait: " + RulesSyntax.duration(groupWait),
            "  group_interval: 5m",
            "  repeat_interval: 4h",
            "",
            "receivers:",
            "  - name: 'default'",
            "    webhook_configs:",
            "      # REPLACE this placeholder with your real receiver (PagerDuty, Slack, email, ...);",
            "      # nothing listens on it.",
            "      - url: " + RulesSyntax.yaml(Self.placeholderWebhook),
            "        send_resolved: true",
            "",
        ]
        lines.append("inhibit_rules:")
        lines.append(
            "  " + RulesSyntax.comment("the board's suppression: a victim is muted while its root cause fires"))
        var previous: String?
        for rule in [Self.roleRule] + inhibitRules {
            if !rule.upstream.isEmpty, rule.upstream != previous {
                let count = rule.dependents.count
                lines.append(
                    "  "
                        + RulesSyntax.comment(
                            "\(rule.upstream): \(count) dependent\(count == 1 ? "" : "s") inhibited while it fires"))
                previous = rule.upstream
            }
            lines.append("  - source_matchers:")
            lines += rule.sourceMatchers.map { "      - " + RulesSyntax.yaml($0) }
            lines.append("    target_matchers:")
            lines += rule.targetMatchers.map { "      - " + RulesSyntax.yaml($0) }
            if !rule.equal.isEmpty {
                lines.append("    equal: [" + rule.equal.map(RulesSyntax.yaml).joined(separator: ", ") + "]")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
