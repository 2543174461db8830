import Foundation
import Testing

@testable import Probes
@testable import ProbesPrometheus

/// Builders for the configs these tests generate rules from.
enum RulesFixture {
    static func probe(interval: Duration = .seconds(15), timeout: Duration = .seconds(3)) -> ProbeConfig {
        ProbeConfig(kind: .tcp(TCPProbe(host: "127.0.0.1", port: 9)), interval: interval, timeout: timeout)
    }

    static func service(
        _ name: String, dependsOn: [String] = [], probed: Bool = true, title: String? = nil,
        slo: SLOPolicy = .standard, interval: Duration = .seconds(15)
    ) -> ServiceConfig {
        ServiceConfig(
            name: name, title: title, dependsOn: dependsOn, probe: probed ? probe(interval: interval) : nil,
            slo: slo)
    }

    static func config(_ services: [ServiceConfig], slo: SLOPolicy = .standard) -> ProbesConfig {
        ProbesConfig(defaults: .standard, slo: slo, services: services, redactor: Redactor())
    }

    static func policy(objective: Double = 99.9, days: Int64) -> SLOPolicy {
        SLOPolicy(objective: objective, window: .seconds(days * 86_400), latency: .standard, alerts: .standard)
    }

    /// The factor and budget of a burn-rate alert, read back from its expression
    /// `(... >= (F * B))\nand\n(... >= (F * B))`.
    static func threshold(of rule: PrometheusRules.Rule) -> (factor: Double, budget: Double)? {
        guard let open = rule.expr.range(of: ">= ("),
            let close = rule.expr[open.upperBound...].firstIndex(of: ")")
        else { return nil }
        let parts = rule.expr[open.upperBound..<close].split(separator: "*")
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let factor = Double(parts[0]), let budget = Double(parts[1]) else { return nil }
        return (factor, budget)
    }

    /// Reads back one YAML flow scalar as written by `RulesSyntax.yaml` (single-quoted, or
    /// double-quoted with `\\ \" \n \t \r \xXX \uXXXX` escapes), independently of the writer.
    static func readYAMLScalar(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 2, let first = scalars.first, first == scalars.last else { return nil }
        var out = String.UnicodeScalarView()
        var i = 1
        let end = scalars.count - 1
        if first == "'" {
            while i < end {
                if scalars[i] == "'" {
                    guard i + 1 < end, scalars[i + 1] == "'" else { return nil }
                    i += 1
                }
                out.append(scalars[i])
                i += 1
            }
            return String(out)
        }
        guard first == "\"" else { return nil }
        while i < end {
            let c = scalars[i]
            if c == "\"" { return nil }
            guard c == "\\" else {
                guard c.value >= 0x20 else { return nil }
                out.append(c)
                i += 1
                continue
            }
            guard i + 1 < end else { return nil }
            let e = scalars[i + 1]
            i += 2
            switch e {
            case "\\": out.append("\\")
            case "\"": out.append("\"")
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "x", "u":
                let width = e == "x" ? 2 : 4
                guard i + width <= end,
                    let value = UInt32(
                        String(String.UnicodeScalarView(scalars[i..<i + width])),
                        radix: 16),
                    let scalar = Unicode.Scalar(value)
                else { return nil }
                out.append(scalar)
                i += width
            default: return nil
            }
        }
        return String(out)
    }
}

@Suite("Prometheus rules: structure")
struct PrometheusRulesStructureTests {
    let config = RulesFixture.config([
        RulesFixture.service("upstream"),
        RulesFixture.service("declared", probed: false),
        RulesFixture.service("api", dependsOn: ["upstream", "declared"], title: "대출 신청"),
    ])

    @Test func oneGroupPerProbedServiceInFileOrder() {
        let rules = PrometheusRules(config: config, source: "probes.json")
        #expect(rules.groups.map(\.service) == ["upstream", "api"])
        #expect(Set(rules.groups.map(\.name)).count == rules.groups.count)
        for group in rules.groups {
            let kinds = group.rules.map(\.kind)
            // Recording rules first: the alerts of one evaluation read that evaluation's ratios.
            #expect(kinds == kinds.sorted { $0 == .recording && $1 == .alerting })
            #expect(group.rules.allSatisfy { $0.label("service") == group.service })
        }
    }

    @Test func recordsTheStandardWindowsPerSLIWithServiceAndSLILabels() throws {
        let group = try #require(PrometheusRules(config: config, source: "x").groups.first)
        let names = ["5m", "30m", "1h", "6h", "3d"].map { "slo:sli_error:ratio_rate" + $0 }
        for sli in ["availability", "latency"] {
            let recorded = group.rules.filter { $0.kind == .recording && $0.label("sli") == sli }
            #expect(
                recorded.map(\.name) == names + [
                    "slo:objective:ratio", "slo:error_budget:ratio",
                    "slo:time_period:days",
                ])
            let ratio = try #require(recorded.first)
            #expect(
                ratio.expr == """
                    sum by (service, sli) (rate(incidentboard_sli_errors_total{service="upstream",sli="\(sli)"}[5m]))
                    /
                    sum by (service, sli) (rate(incidentboard_sli_events_total{service="upstream",sli="\(sli)"}[5m]))
                    """)
        }
        let objective = group.rules.filter { $0.name == "slo:objective:ratio" }.map(\.expr)
        let budget = group.rules.filter { $0.name == "slo:error_budget:ratio" }.map(\.expr)
        #expect(objective == ["vector(0.999)", "vector(0.99)"])
        #expect(budget == ["vector(0.001)", "vector(0.01)"])
        #expect(group.rules.first { $0.name == "slo:time_period:days" }?.expr == "vector(28)")
    }

    @Test func recordsTheExtraWindowsACustomPolicyNeeds() {
        var policy = SLOPolicy.standard
        policy.alerts.burnRateRules = [
            BurnRateRule(
                name: "page-2h", severity: .page, longWindow: .seconds(7200), shortWindow: .seconds(600),
                budgetConsumed: 3),
            BurnRateRule(
                name: "ticket-1d", severity: .ticket, longWindow: .seconds(86_400),
                shortWindow: .seconds(7200), budgetConsumed: 10),
        ]
        let rules = PrometheusRules(config: RulesFixture.config([RulesFixture.service("a", slo: policy)]), source: "x")
        let windows = rules.rules.filter { $0.name.hasPrefix("slo:sli_error:") && $0.label("sli") == "latency" }
            .map { $0.name.replacingOccurrences(of: "slo:sli_error:ratio_rate", with: "") }
        #expect(windows == ["5m", "10m", "30m", "1h", "2h", "6h", "1d", "3d"])
        let alerts = rules.rules.filter { $0.name == PrometheusRules.burnRateAlert }
        #expect(alerts.map { $0.label("rule") } == ["page-2h", "ticket-1d", "page-2h", "ticket-1d"])
        #expect(alerts[1].expr.contains("slo:sli_error:ratio_rate1d{service=\"a\",sli=\"availability\"} >= "))
        #expect(alerts[1].expr.contains("slo:sli_error:ratio_rate2h{service=\"a\",sli=\"availability\"} >= "))
    }

    @Test func burnRateAlertsCarryTheLabelsOfMetricsMd() throws {
        let rules = PrometheusRules(config: config, source: "x")
        let api = try #require(rules.groups.last)
        let alerts = api.rules.filter { $0.name == PrometheusRules.burnRateAlert }
        #expect(alerts.count == 6)
        for alert in alerts {
            #expect(alert.labels.map(\.name) == ["service", "sli", "severity", "rule", "incidentboard_alert"])
            #expect(alert.label("incidentboard_alert") == "burn-rate")
            #expect(alert.holdFor == nil)
        }
        #expect(alerts.map { $0.label("severity") ?? "" } == ["page", "page", "ticket", "page", "page", "ticket"])
        #expect(
            alerts.map { $0.label("sli") ?? "" }
                == ["availability", "availability", "availability", "latency", "latency", "latency"])
        let summary = try #require(alerts.first?.annotation("summary"))
        #expect(summary.contains("api") && summary.contains("upstreams: upstream, declared"))
        #expect(alerts.first?.annotation("description")?.contains("대출 신청") == true)
    }

    @Test func downAlertHoldsForDownAfterProbes() throws {
        var policy = SLOPolicy.standard
        policy.alerts.downAfter = 3
        let rules = PrometheusRules(
            config: RulesFixture.config([RulesFixture.service("web.app", slo: policy, interval: .seconds(5))]),
            source: "x")
        let down = try #require(rules.rules.first { $0.name == PrometheusRules.downAlert })
        #expect(down.expr == "min by (service) (probe_success{service=\"web.app\"}) == 0")
        #expect(down.holdFor == .seconds(15))
        #expect(
            down.labels == [
                .init("service", "web.app"), .init("severity", "critical"),
                .init("incidentboard_alert", "down"), .init("root_cause", "web.app"),
                .init("role", "root"),
            ])
        #expect(down.annotation("summary")?.contains("no upstreams") == true)
        #expect(rules.yaml.contains("        for: 15s\n"))
    }

    @Test func hugeDownAfterIsCappedNotOverflowed() {
        #expect(PrometheusRules.holdDuration(interval: .seconds(30), probes: Int.max) == .seconds(365 * 86_400))
        #expect(PrometheusRules.holdDuration(interval: .milliseconds(250), probes: 3) == .milliseconds(750))
    }

    @Test func anEmptyOrProbelessConfigGivesAnEmptyButValidFile() {
        let rules = PrometheusRules(
            config: RulesFixture.config([RulesFixture.service("x", probed: false)]),
            source: "x")
        #expect(rules.groups.isEmpty)
        #expect(rules.yaml.hasSuffix("\ngroups: []\n"))
    }

    @Test func aRepeatedNameGivesOneGroup() {
        let rules = PrometheusRules(
            config: RulesFixture.config([RulesFixture.service("a"), RulesFixture.service("a")]), source: "x")
        #expect(rules.groups.count == 1)
    }

    @Test func bothFilesSayTheyAreGeneratedFromWhichConfig() {
        let rules = PrometheusRules(config: config, source: "/etc/incidentboard/probes.json")
        let alertmanager = AlertmanagerConfig(config: config, source: "/etc/incidentboard/probes.json")
        for text in [rules.yaml, alertmanager.yaml] {
            let header = text.split(separator: "\n").prefix(3).joined(separator: "\n")
            #expect(header.contains("GENERATED by `incidentboard rules` from /etc/incidentboard/probes.json"))
            #expect(header.contains("DO NOT EDIT"))
        }
        #expect(alertmanager.yaml.contains("REPLACE"))
        #expect(alertmanager.yaml.contains("url: 'http://127.0.0.1:"))
    }

    @Test func aSourcePathWithALineBreakCannotEndTheHeaderComment() {
        let rules = PrometheusRules(config: config, source: "evil\ngroups: []")
        #expect(!rules.yaml.contains("\ngroups: []"))
        #expect(rules.yaml.contains("# GENERATED by `incidentboard rules` from evil?groups: []. DO NOT EDIT:"))
    }
}

@Suite("Prometheus rules: factors equal the local policy's")
struct PrometheusRulesFactorTests {
    @Test(arguments: [30, 28, 7])
    func factorsAndWindowsMatchTheLocalEngine(days: Int) throws {
        let policy = RulesFixture.policy(days: Int64(days))
        let rules = PrometheusRules(
            config: RulesFixture.config([RulesFixture.service("s", slo: policy)]),
            source: "x")
        let alerts = rules.rules.filter {
            $0.name == PrometheusRules.burnRateAlert && $0.label("sli") == "availability"
        }
        #expect(alerts.count == policy.alerts.burnRateRules.count)
        for (alert, local) in zip(alerts, policy.alerts.burnRateRules) {
            let (factor, budget) = try #require(RulesFixture.threshold(of: alert))
            let expected = local.burnRate(sloWindow: policy.window)
            #expect(abs(factor - expected) <= expected * 1e-12, "\(local.name): \(factor) vs \(expected)")
            #expect(abs(budget - 0.001) <= 0.001 * 1e-12)
            #expect(alert.label("severity") == local.severity.rawValue)
            #expect(alert.label("rule") == local.name)
            let long = PrometheusRules.ratioName(window: local.longWindow)
            let short = PrometheusRules.ratioName(window: local.shortWindow)
            #expect(alert.expr.hasPrefix("(\(long){service=\"s\",sli=\"availability\"} >= "))
            #expect(alert.expr.contains("\nand\n(\(short){service=\"s\",sli=\"availability\"} >= "))
        }
    }

    @Test func theWorkbookNumbersAppearAsWritten() {
        let thirty = PrometheusRules(
            config: RulesFixture.config([RulesFixture.service("s", slo: RulesFixture.policy(days: 30))]), source: "x")
        let exprs = thirty.rules.filter { $0.name == PrometheusRules.burnRateAlert }.map(\.expr)
        #expect(exprs[0].contains(">= (14.4 * 0.001)"))
        #expect(exprs[1].contains(">= (6 * 0.001)"))
        #expect(exprs[2].contains(">= (1 * 0.001)"))
        #expect(exprs[3].contains(">= (14.4 * 0.01)"))
        let twentyEight = PrometheusRules(
            config: RulesFixture.config([RulesFixture.service("s", slo: RulesFixture.policy(days: 28))]), source: "x")
        let factors = twentyEight.rules.filter { $0.name == PrometheusRules.burnRateAlert }.prefix(3)
            .compactMap { RulesFixture.threshold(of: $0)?.factor }
        #expect(factors.map { ($0 * 1000).rounded() / 1000 } == [13.44, 5.6, 0.933])
    }

    @Test func eachServiceUsesItsOwnObjectiveAndWindow() throws {
        let strict = RulesFixture.policy(objective: 99.5, days: 30)
        let rules = PrometheusRules(
            config: RulesFixture.config([RulesFixture.service("a"), RulesFixture.service("b", slo: strict)]),
            source: "x")
        let a = try #require(rules.groups.first?.rules.first { $0.name == PrometheusRules.burnRateAlert })
        let b = try #require(rules.groups.last?.rules.first { $0.name == PrometheusRules.burnRateAlert })
        #expect(a.expr.contains(">= (13.44 * 0.001)"))
        #expect(b.expr.contains(">= (14.4 * 0.005)"))
    }
}

@Suite("Alertmanager inhibit rules from the dependency graph")
struct AlertmanagerInhibitTests {
    // root ← mid ← leaf; root ← declared (no probe) ← a, b; lone has no dependents.
    let config = RulesFixture.config([
        RulesFixture.service("root"),
        RulesFixture.service("mid", dependsOn: ["root"]),
        RulesFixture.service("leaf", dependsOn: ["mid"]),
        RulesFixture.service("declared", dependsOn: ["root"], probed: false),
        RulesFixture.service("a", dependsOn: ["declared"]),
        RulesFixture.service("b", dependsOn: ["declared", "mid"]),
        RulesFixture.service("lone"),
    ])

    @Test func targetsAreTheProbedTransitiveDependents() {
        let am = AlertmanagerConfig(config: config, source: "x")
        var targets: [String: [String]] = [:]
        for rule in am.inhibitRules { targets[rule.upstream] = rule.dependents }
        #expect(targets == ["root": ["mid", "leaf", "a", "b"], "mid": ["leaf", "b"]])
        // The probe-less entry has no alert of its own, so it inhibits nothing; lone has no dependents.
        #expect(!am.inhibitRules.contains { $0.upstream == "declared" || $0.upstream == "lone" })
    }

    @Test func pagesMuteEverythingAndTicketsMuteOnlyTickets() throws {
        let am = AlertmanagerConfig(config: config, source: "x")
        let root = am.inhibitRules.filter { $0.upstream == "root" }
        #expect(root.count == 2)
        #expect(root[0].sourceMatchers == ["service=\"root\"", "severity=~\"critical|page\""])
        #expect(root[0].targetMatchers == ["service=~\"mid|leaf|a|b\"", "role=\"\""])
        #expect(root[1].sourceMatchers == ["service=\"root\"", "severity=~\"warning|ticket\""])
        #expect(root[1].targetMatchers == ["service=~\"mid|leaf|a|b\"", "severity=~\"warning|ticket\"", "role=\"\""])
        #expect(
            am.yaml.contains(
                """
                  - source_matchers:
                      - 'service="root"'
                      - 'severity=~"critical|page"'
                    target_matchers:
                      - 'service=~"mid|leaf|a|b"'
                      - 'role=""'
                """))
    }

    /// The board's suppression model, whatever the severities: a victim is muted while an alert
    /// with its root cause's name and the root role fires. Always there, also without a graph.
    @Test func victimsAreMutedByTheirRootWhateverTheSeverities() {
        for am in [
            AlertmanagerConfig(config: config, source: "x"),
            AlertmanagerConfig(config: RulesFixture.config([RulesFixture.service("a")]), source: "x"),
        ] {
            #expect(
                am.yaml.contains(
                    """
                    inhibit_rules:
                      # the board's suppression: a victim is muted while its root cause fires
                      - source_matchers:
                          - 'role="root"'
                        target_matchers:
                          - 'role="victim"'
                        equal: ['root_cause']
                    """))
        }
    }

    @Test func aCycleNeverMakesTwoServicesMuteEachOther() {
        let cyclic = RulesFixture.config([
            RulesFixture.service("x", dependsOn: ["y"]), RulesFixture.service("y", dependsOn: ["x"]),
            RulesFixture.service("z", dependsOn: ["y"]),
        ])
        let am = AlertmanagerConfig(config: cyclic, source: "x")
        #expect(am.inhibitRules.allSatisfy { $0.dependents == ["z"] })
    }

    @Test func noDependenciesGiveAnEmptyList() {
        let am = AlertmanagerConfig(config: RulesFixture.config([RulesFixture.service("a")]), source: "x")
        #expect(am.inhibitRules.isEmpty)
        #expect(am.yaml.hasSuffix("    equal: ['root_cause']\n"), "only the role rule")
    }

    @Test func groupWaitCoversTheSlowestUpstreamsDownAlert() {
        var slow = SLOPolicy.standard
        slow.alerts.downAfter = 3
        let config = RulesFixture.config([
            RulesFixture.service("up", slo: slow, interval: .seconds(20)),
            RulesFixture.service("down", dependsOn: ["up"]),
        ])
        // 3 × 20 s + 3 s timeout.
        #expect(AlertmanagerConfig(config: config, source: "x").groupWait == .seconds(63))
        #expect(AlertmanagerConfig(config: self.config, source: "x").groupWait == .seconds(33))
        let glacial = RulesFixture.config([
            RulesFixture.service("up", interval: .seconds(3600)), RulesFixture.service("down", dependsOn: ["up"]),
        ])
        #expect(AlertmanagerConfig(config: glacial, source: "x").groupWait == .seconds(300))
    }

    @Test func namesWithRegexMetacharactersAreEscaped() throws {
        let odd = ["api.v2", "a+b", "c*", "(d)", "e|f", "g[h]", "i{2}", "^j$", "k?", "back\\slash"]
        let config = RulesFixture.config(
            [RulesFixture.service("root")]
                + odd.map { RulesFixture.service($0, dependsOn: ["root"]) })
        let rule = try #require(AlertmanagerConfig(config: config, source: "x").inhibitRules.first)
        #expect(
            rule.targetMatchers[0].hasPrefix(
                #"service=~"api\\.v2|a\\+b|c\\*|\\(d\\)|e\\|f|g\\[h\\]|i\\{2\\}|\\^j\\$|k\\?|back\\\\slash""#))
        // Unquote as Alertmanager does (`\\` → `\`), then anchor as it does: exactly the names match.
        let quoted = String(rule.targetMatchers[0].dropFirst("service=~\"".count).dropLast())
        let pattern = quoted.replacingOccurrences(of: "\\\\", with: "\\")
        let regex = try NSRegularExpression(pattern: "^(?:" + pattern + ")$")
        func matches(_ s: String) -> Bool {
            regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
        }
        for name in odd { #expect(matches(name), "\(name)") }
        for other in ["apixv2", "aab", "c", "cc", "d", "e", "f", "gh", "ii", "j", "k", "", "root", "backslash"] {
            #expect(!matches(other), "\(other)")
        }
    }
}

@Suite("Rules syntax: quoting for YAML, PromQL, matchers and templates")
struct RulesSyntaxTests {
    static let oddTexts = [
        "plain", "", "it's", "''", "say \"hi\"", "a: b # c", "- [x]", "line\nbreak", "tab\there", "cr\r\n",
        "back\\slash", "bell\u{07}", "del\u{7F}", "c1\u{85}", "sep\u{2028}", "bom\u{FEFF}", "신용평가", "{{ .x }}",
        " lead and trail ", "'\u{301}", "😀", "%!@&*",
    ]

    @Test(arguments: oddTexts)
    func yamlScalarsReadBackExactly(_ text: String) throws {
        let quoted = RulesSyntax.yaml(text)
        #expect(!quoted.contains("\n") && !quoted.contains("\r"))
        let back = try #require(RulesFixture.readYAMLScalar(quoted), "\(quoted)")
        #expect(Array(back.unicodeScalars) == Array(text.unicodeScalars), "\(quoted)")
    }

    @Test func readableTextStaysSingleQuoted() {
        #expect(RulesSyntax.yaml("it's") == "'it''s'")
        #expect(RulesSyntax.yaml("신용평가: a # b") == "'신용평가: a # b'")
        #expect(RulesSyntax.yaml("a\nb") == "\"a\\nb\"")
        #expect(RulesSyntax.yaml("x\u{07}") == "\"x\\x07\"")
        #expect(RulesSyntax.yaml("x\u{2028}") == "\"x\\u2028\"")
    }

    @Test func commentsStayOnOneLine() {
        #expect(RulesSyntax.comment("a\nb\u{2028}c") == "# a?b?c")
        #expect(RulesSyntax.comment("") == "#")
    }

    @Test func promQLStringsEscapeQuotesBackslashesAndControls() {
        #expect(RulesSyntax.promQLString("a\"b\\c") == #""a\"b\\c""#)
        #expect(RulesSyntax.promQLString("x\ny") == #""x\ny""#)
        #expect(RulesSyntax.promQLString("x\u{2028}\u{85}") == #""x\u2028\u0085""#)
        #expect(RulesSyntax.promQLString("신용") == "\"신용\"")
    }

    @Test func templatesShowBracesLiterally() {
        #expect(RulesSyntax.templateLiteral("a {{ $value }} b") == "a {{ \"{{\" }} $value }} b")
        #expect(RulesSyntax.templateLiteral("{{{") == "{{ \"{{\" }}{")
        #expect(RulesSyntax.templateLiteral("{ } }}") == "{ } }}")
    }

    @Test func matchersQuoteAsAlertmanagerUnquotes() {
        #expect(RulesSyntax.matcher("service", "=", "a\"b") == #"service="a\"b""#)
        #expect(RulesSyntax.matcher("service", "=~", #"a\.b"#) == #"service=~"a\\.b""#)
        #expect(RulesSyntax.matcher("service", "=", "x\ny") == #"service="x\ny""#)
    }

    @Test func durationsUseTheLargestExactUnit() {
        #expect(RulesSyntax.duration(.seconds(300)) == "5m")
        #expect(RulesSyntax.duration(.seconds(28 * 86_400)) == "28d")
        #expect(RulesSyntax.duration(.seconds(90)) == "90s")
        #expect(RulesSyntax.duration(.seconds(7200)) == "2h")
        #expect(RulesSyntax.duration(.milliseconds(1500)) == "1500ms")
        #expect(RulesSyntax.duration(.microseconds(1500)) == "2ms")
        #expect(RulesSyntax.duration(.zero) == "0s")
    }

    @Test func numbersArePlain() {
        #expect(RulesSyntax.number(0.02 * 2_592_000 / 3600) == "14.4")
        #expect(RulesSyntax.number(1 - 99.9 / 100) == "0.001")
        #expect(RulesSyntax.number(28) == "28")
        #expect(RulesSyntax.number(10.0 / 100 * 2_419_200 / 259_200) == "0.933333333333")
        #expect(RulesSyntax.number(1 - 99.95 / 100) == "0.0005")
        #expect(RulesSyntax.number(1e-9) == "1e-09")
    }

    @Test func oddServiceNamesAndTitlesAreQuotedInTheRulesFile() throws {
        let names = ["it's", "a\"b", "x: y", "# not a comment", "new\nline", "{{ oops }}"]
        let config = RulesFixture.config(names.map { RulesFixture.service($0, title: "title {{ $value }} '") })
        let yaml = PrometheusRules(config: config, source: "x").yaml
        // Every label value line reads back, through a YAML scalar reader, to a configured name.
        let serviceLines = yaml.split(separator: "\n").filter { $0.hasPrefix("          service: ") }
        #expect(!serviceLines.isEmpty)
        for line in serviceLines {
            let value = RulesFixture.readYAMLScalar(String(line.dropFirst("          service: ".count)))
            #expect(value.map(names.contains) == true, "\(line)")
        }
        // Expressions hold the name as a PromQL string, the whole block stays indented.
        #expect(yaml.contains(#"probe_success{service="new\nline"}"#))
        #expect(yaml.contains(#"probe_success{service="a\"b"}"#))
        let exprLines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(!exprLines.contains { $0.hasPrefix("line") || $0.hasPrefix("# not") })
        // Titles reach annotations with template braces neutralised.
        #expect(yaml.contains("title {{ \"{{\" }} $value }} ''"))
    }
}
