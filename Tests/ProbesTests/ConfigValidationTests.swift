import Foundation
import Testing

@testable import Probes

/// A config with exactly one mistake and the one issue it must produce.
struct InvalidConfigCase: Sendable, CustomTestStringConvertible {
    var label: String
    var json: String
    var path: String
    var message: String

    var testDescription: String { label }

    init(_ label: String, _ json: String, _ path: String, _ message: String) {
        self.label = label
        self.json = json
        self.path = path
        self.message = message
    }

    /// `{"services": [entry]}`.
    static func entry(_ entry: String) -> String { #"{"services": [\#(entry)]}"# }

    /// One service named `api` with this probe.
    static func probe(_ probe: String) -> String { configWithProbe(probe) }

    /// An http probe with these extra members.
    static func http(_ members: String) -> String {
        probe(#"{"type": "http", "url": "http://127.0.0.1:1/", \#(members)}"#)
    }

    /// A top-level `slo` with these members, and one plain service.
    static func slo(_ members: String) -> String { #"{"slo": {\#(members)}, "services": [{"name": "a"}]}"# }

    /// A top-level `slo.alerts.burnRate` with one rule of these members.
    static func rule(_ members: String) -> String { slo(#""alerts": {"burnRate": [{\#(members)}]}"#) }

    static let validRule =
        #""name": "r", "severity": "page", "longWindow": "1h", "shortWindow": "5m""#
        + #", "budgetConsumed": 2"#

    /// `validRule` with some members replaced (by JSON text) or, for a `nil` value, removed.
    static func rule(replacing changes: [String: String?]) -> String {
        let members: [(String, String)] = [
            ("name", #""r""#), ("severity", #""page""#), ("longWindow", #""1h""#), ("shortWindow", #""5m""#),
            ("budgetConsumed", "2"),
        ]
        return rule(
            members.compactMap { key, value in
                let changed: String? = changes.keys.contains(key) ? changes[key] ?? nil : value
                return changed.map { "\"\(key)\": \($0)" }
            }.joined(separator: ", "))
    }

    /// One tcp service whose probe has these extra members, after `defaults` members.
    static func tcp(defaults: String, probe: String) -> String {
        #"{"defaults": {\#(defaults)}, "services": [{"name": "a", "probe": {"type": "tcp", "host": "h", "port": 1, "#
            + #"\#(probe)}}]}"#
    }

    static let nameRule = "(use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit)"
}

@Suite("Config validation")
struct ConfigValidationTests {
    static let topLevelCases: [InvalidConfigCase] = [
        .init("root is not an object", "[]", "", #"the file must contain a JSON object with "services", not an array"#),
        .init(
            "unknown top-level key, close", #"{"default": {}, "services": [{"name": "a"}]}"#, "",
            #"unknown key "default"; did you mean "defaults"?"#),
        .init(
            "unknown top-level key, far", #"{"colour": 1, "services": [{"name": "a"}]}"#, "",
            #"unknown key "colour" (allowed: $schema, defaults, slo, services, maintenance)"#),
        .init(
            "key differing in case", #"{"Services": [], "services": [{"name": "a"}]}"#, "",
            #"unknown key "Services"; did you mean "services"?"#),
        .init("missing services", #"{"defaults": {}}"#, "", #"missing required key "services""#),
        .init(
            "services not an array", #"{"services": {"name": "a"}}"#, "services",
            "must be an array of services, not an object"),
        .init("services empty", #"{"services": []}"#, "services", "must not be empty (add at least one service)"),
        .init(
            "$schema not a string", #"{"$schema": 1, "services": [{"name": "a"}]}"#, "$schema",
            "must be a string, not a number"),
        .init(
            "duplicate key", #"{"services": [{"name": "a", "name": "b"}]}"#, "services[0]",
            #"duplicate key "name" at line 1, column 29 (first at line 1, column 16)"#),
        .init(
            "defaults not an object", #"{"defaults": "15s", "services": [{"name": "a"}]}"#, "defaults",
            "must be an object, not a string"),
        .init(
            "unknown defaults key", #"{"defaults": {"intervall": "5s"}, "services": [{"name": "a"}]}"#, "defaults",
            #"unknown key "intervall"; did you mean "interval"?"#),
        .init(
            "defaults timeout not shorter",
            #"{"defaults": {"interval": "10s", "timeout": "30s"}, "services": [{"name": "a"}]}"#,
            "defaults.timeout", "timeout 30s must be shorter than the interval 10s"),
        .init(
            "defaults interval below built-in timeout",
            #"{"defaults": {"interval": "2s"}, "services": [{"name": "a"}]}"#,
            "defaults.interval", "timeout 5s (built-in) must be shorter than the interval 2s"),
    ]

    static let serviceCases: [InvalidConfigCase] = [
        .init("entry not an object", #"{"services": ["api"]}"#, "services[0]", "must be an object, not a string"),
        .init(
            "missing name", InvalidConfigCase.entry(#"{"title": "API"}"#), "services[0]",
            #"missing required key "name""#),
        .init(
            "name not a string", InvalidConfigCase.entry(#"{"name": 5}"#), "services[0].name",
            "must be a string, not a number"),
        .init(
            "name with capitals", InvalidConfigCase.entry(#"{"name": "Api"}"#), "services[0].name",
            #""Api" is not a valid name "# + InvalidConfigCase.nameRule),
        .init(
            "name starting with a dash", InvalidConfigCase.entry(#"{"name": "-api"}"#), "services[0].name",
            #""-api" is not a valid name "# + InvalidConfigCase.nameRule),
        .init(
            "empty name", InvalidConfigCase.entry(#"{"name": ""}"#), "services[0].name",
            #""" is not a valid name "# + InvalidConfigCase.nameRule),
        .init(
            "duplicate name", #"{"services": [{"name": "a"}, {"name": "b"}, {"name": "a"}]}"#, "services[2].name",
            #""a" is already used by services[0]"#),
        .init(
            "title not a string", InvalidConfigCase.entry(#"{"name": "a", "title": ["x"]}"#), "services[0].title",
            "must be a string, not an array"),
        .init(
            "group not a string", InvalidConfigCase.entry(#"{"name": "a", "group": null}"#), "services[0].group",
            "must be a string, not null"),
        .init(
            "unknown entry key", InvalidConfigCase.entry(#"{"name": "a", "depends_on": []}"#), "services[0]",
            #"unknown key "depends_on"; did you mean "dependsOn"?"#),
        .init(
            "dependsOn not an array", #"{"services": [{"name": "a", "dependsOn": "b"}, {"name": "b"}]}"#,
            "services[0].dependsOn", "must be an array of service names, not a string"),
        .init(
            "dependsOn item not a string", InvalidConfigCase.entry(#"{"name": "a", "dependsOn": [1]}"#),
            "services[0].dependsOn[0]", "must be a string, not a number"),
        .init(
            "unknown dependency, close",
            #"{"services": [{"name": "auth-vendor"}, {"name": "b", "dependsOn": ["auth-vendr"]}]}"#,
            "services[1].dependsOn[0]", #"unknown service "auth-vendr"; did you mean "auth-vendor"?"#),
        .init(
            "unknown dependency, far", #"{"services": [{"name": "a", "dependsOn": ["payments"]}]}"#,
            "services[0].dependsOn[0]", #"unknown service "payments""#),
        .init(
            "duplicate dependency", #"{"services": [{"name": "a"}, {"name": "b", "dependsOn": ["a", "a"]}]}"#,
            "services[1].dependsOn[1]", #""a" is listed twice (also at services[1].dependsOn[0])"#),
    ]

    static let probeCases: [InvalidConfigCase] = [
        .init(
            "probe not an object", InvalidConfigCase.probe(#""http://x""#), "services[0].probe",
            "must be an object, not a string"),
        .init(
            "missing type", InvalidConfigCase.probe(#"{"url": "http://x/"}"#), "services[0].probe",
            #"missing required key "type" (http, tcp, command or transaction)"#),
        .init(
            "unknown type", InvalidConfigCase.probe(#"{"type": "htpp", "url": "http://x/"}"#),
            "services[0].probe.type",
            #""htpp" is not a probe type (http, tcp, command or transaction); did you mean "http"?"#),
        .init(
            "command field in an http probe", InvalidConfigCase.http(#""argv": ["x"]"#), "services[0].probe",
            #""argv" is not a field of an http probe (it belongs to command probes)"#),
        .init(
            "http field in a tcp probe",
            InvalidConfigCase.probe(#"{"type": "tcp", "host": "h", "port": 1, "url": "http://h/"}"#),
            "services[0].probe", #""url" is not a field of a tcp probe (it belongs to http probes)"#),
        .init(
            "unknown probe key", InvalidConfigCase.http(#""intervl": "5s""#), "services[0].probe",
            #"unknown key "intervl"; did you mean "interval"?"#),
        .init(
            "missing url", InvalidConfigCase.probe(#"{"type": "http"}"#), "services[0].probe",
            #"missing required key "url""#),
        .init(
            "url not http", InvalidConfigCase.probe(#"{"type": "http", "url": "htp:/x"}"#), "services[0].probe.url",
            #""htp:/x" is not an http(s) URL"#),
        .init(
            "url relative", InvalidConfigCase.probe(#"{"type": "http", "url": "/health"}"#), "services[0].probe.url",
            #""/health" is not an http(s) URL"#),
        .init(
            "url without host", InvalidConfigCase.probe(#"{"type": "http", "url": "http:///health"}"#),
            "services[0].probe.url", #""http:///health" is not an http(s) URL"#),
        .init(
            "url ftp", InvalidConfigCase.probe(#"{"type": "http", "url": "ftp://x/"}"#), "services[0].probe.url",
            #""ftp://x/" is not an http(s) URL"#),
        .init(
            "url with a space", InvalidConfigCase.probe(#"{"type": "http", "url": "http://a b/"}"#),
            "services[0].probe.url", #""http://a b/" is not an http(s) URL"#),
        .init(
            "unknown method", InvalidConfigCase.http(#""method": "FETCH""#), "services[0].probe.method",
            #""FETCH" is not a supported method (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS)"#),
        .init(
            "lowercase method", InvalidConfigCase.http(#""method": "get""#), "services[0].probe.method",
            #""get" is not a supported method (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS); did you mean "GET"?"#),
        .init(
            "headers not an object", InvalidConfigCase.http(#""headers": ["X-A: b"]"#), "services[0].probe.headers",
            "must be an object, not an array"),
        .init(
            "header value not a string", InvalidConfigCase.http(#""headers": {"X-Count": 3}"#),
            #"services[0].probe.headers["X-Count"]"#, "must be a string, not a number"),
        .init(
            "header name invalid", InvalidConfigCase.http(#""headers": {"X Bad": "v"}"#),
            #"services[0].probe.headers["X Bad"]"#, #""X Bad" is not a valid header name"#),
        .init(
            "header value with a line break", InvalidConfigCase.http(#""headers": {"X-A": "a\r\nX-B: b"}"#),
            #"services[0].probe.headers["X-A"]"#, "a header value must not contain line breaks"),
        .init(
            "body not a string", InvalidConfigCase.http(#""body": {"a": 1}"#), "services[0].probe.body",
            "must be a string, not an object"),
        .init(
            "followRedirects not a boolean", InvalidConfigCase.http(#""followRedirects": "yes""#),
            "services[0].probe.followRedirects", "must be true or false, not a string"),
        .init(
            "insecureSkipVerify not a boolean", InvalidConfigCase.http(#""insecureSkipVerify": 1"#),
            "services[0].probe.insecureSkipVerify", "must be true or false, not a number"),
        .init(
            "maxRedirects too many", InvalidConfigCase.http(#""maxRedirects": 51"#), "services[0].probe.maxRedirects",
            "must be between 0 and 50 (got 51)"),
        .init(
            "maxRedirects negative", InvalidConfigCase.http(#""maxRedirects": -1"#), "services[0].probe.maxRedirects",
            "must be between 0 and 50 (got -1)"),
        .init(
            "maxRedirects fractional", InvalidConfigCase.http(#""maxRedirects": 2.5"#),
            "services[0].probe.maxRedirects", "must be a whole number (got 2.5)"),
        .init(
            "maxBodyBytes zero", InvalidConfigCase.http(#""maxBodyBytes": 0"#), "services[0].probe.maxBodyBytes",
            "must be at least 1 (got 0)"),
        .init(
            "maxBodyBytes a string", InvalidConfigCase.http(#""maxBodyBytes": "1MiB""#),
            "services[0].probe.maxBodyBytes", "must be a whole number, not a string"),
        .init(
            "tcp missing host", InvalidConfigCase.probe(#"{"type": "tcp", "port": 5432}"#), "services[0].probe",
            #"missing required key "host""#),
        .init(
            "tcp empty host", InvalidConfigCase.probe(#"{"type": "tcp", "host": "", "port": 5432}"#),
            "services[0].probe.host", #""" is not a host name or address"#),
        .init(
            "tcp missing port", InvalidConfigCase.probe(#"{"type": "tcp", "host": "db"}"#), "services[0].probe",
            #"missing required key "port""#),
        .init(
            "tcp port zero", InvalidConfigCase.probe(#"{"type": "tcp", "host": "db", "port": 0}"#),
            "services[0].probe.port", "must be between 1 and 65535 (got 0)"),
        .init(
            "tcp port too large", InvalidConfigCase.probe(#"{"type": "tcp", "host": "db", "port": 65536}"#),
            "services[0].probe.port", "must be between 1 and 65535 (got 65536)"),
        .init(
            "tcp port a string", InvalidConfigCase.probe(#"{"type": "tcp", "host": "db", "port": "5432"}"#),
            "services[0].probe.port", "must be a whole number, not a string"),
        .init(
            "command missing argv", InvalidConfigCase.probe(#"{"type": "command"}"#), "services[0].probe",
            #"missing required key "argv""#),
        .init(
            "command argv a string", InvalidConfigCase.probe(#"{"type": "command", "argv": "check_disk -w 20%"}"#),
            "services[0].probe.argv", "must be an array of strings (program and arguments), not a string"),
        .init(
            "command argv empty", InvalidConfigCase.probe(#"{"type": "command", "argv": []}"#),
            "services[0].probe.argv", "must not be empty (give the program and its arguments)"),
        .init(
            "command argv empty item", InvalidConfigCase.probe(#"{"type": "command", "argv": ["check", ""]}"#),
            "services[0].probe.argv[1]", "must not be empty"),
        .init(
            "command argv number item", InvalidConfigCase.probe(#"{"type": "command", "argv": ["check", 5]}"#),
            "services[0].probe.argv[1]", "must be a string, not a number"),
    ]

    static let timingCases: [InvalidConfigCase] = [
        .init(
            "duration with a spelt-out unit", InvalidConfigCase.http(#""interval": "5 sec""#),
            "services[0].probe.interval", #""5 sec" is not a duration (use e.g. 250ms, 5s, 1m, 28d)"#),
        .init(
            "duration without unit", InvalidConfigCase.http(#""timeout": "5""#), "services[0].probe.timeout",
            #""5" is not a duration (use e.g. 250ms, 5s, 1m, 28d)"#),
        .init(
            "duration negative", InvalidConfigCase.http(#""timeout": "-5s""#), "services[0].probe.timeout",
            #""-5s" is not a duration (use e.g. 250ms, 5s, 1m, 28d)"#),
        .init(
            "duration zero", InvalidConfigCase.http(#""interval": "0s""#), "services[0].probe.interval",
            #""0s" must be longer than zero"#),
        .init(
            "duration as a number", InvalidConfigCase.http(#""interval": 15"#), "services[0].probe.interval",
            #"must be a duration string such as "5s", not a bare number"#),
        .init(
            "timeout equal to interval", InvalidConfigCase.http(#""interval": "2s", "timeout": "2s""#),
            "services[0].probe.timeout", "timeout 2s must be shorter than the interval 2s"),
        .init(
            "timeout longer than interval", InvalidConfigCase.http(#""interval": "1m", "timeout": "90s""#),
            "services[0].probe.timeout", "timeout 90s must be shorter than the interval 1m"),
        .init(
            "interval below the built-in timeout", InvalidConfigCase.http(#""interval": "2s""#),
            "services[0].probe.interval", "timeout 5s (built-in) must be shorter than the interval 2s"),
        .init(
            "interval below the defaults timeout",
            InvalidConfigCase.tcp(defaults: #""timeout": "3s""#, probe: #""interval": "3s""#),
            "services[0].probe.interval", "timeout 3s (from defaults) must be shorter than the interval 3s"),
        .init(
            "timeout above the defaults interval",
            InvalidConfigCase.tcp(defaults: #""interval": "10s""#, probe: #""timeout": "10s""#),
            "services[0].probe.timeout", "timeout 10s must be shorter than the interval 10s (from defaults)"),
        .init(
            "defaults duration invalid", #"{"defaults": {"interval": "fast"}, "services": [{"name": "a"}]}"#,
            "defaults.interval", #""fast" is not a duration (use e.g. 250ms, 5s, 1m, 28d)"#),
    ]

    static let conditionCases: [InvalidConfigCase] = [
        .init(
            "conditions not an array", InvalidConfigCase.http(#""conditions": "[STATUS] == 200""#),
            "services[0].probe.conditions", "must be an array of conditions, not a string"),
        .init(
            "condition a number", InvalidConfigCase.http(#""conditions": [200]"#), "services[0].probe.conditions[0]",
            #"must be a condition string or an object with "condition" and "severity", not a number"#),
        .init(
            "condition object without condition", InvalidConfigCase.http(#""conditions": [{"severity": "warning"}]"#),
            "services[0].probe.conditions[0]", #"missing required key "condition""#),
        .init(
            "condition severity unknown",
            InvalidConfigCase.http(
                #""conditions": [{"condition": "[STATUS] == 200", "severity": "warn"}]"#),
            "services[0].probe.conditions[0].severity",
            #""warn" is not a condition severity (critical or warning); did you mean "warning"?"#),
        .init(
            "condition object unknown key",
            InvalidConfigCase.http(
                #""conditions": [{"condition": "[STATUS] == 200", "severty": "warning"}]"#),
            "services[0].probe.conditions[0]", #"unknown key "severty"; did you mean "severity"?"#),
    ]

    static let sloCases: [InvalidConfigCase] = [
        .init(
            "slo not an object", #"{"slo": 99.9, "services": [{"name": "a"}]}"#, "slo",
            "must be an object, not a number"),
        .init(
            "objective 100", InvalidConfigCase.slo(#""objective": 100"#), "slo.objective",
            "must be a percentage above 0 and below 100 (got 100)"),
        .init(
            "objective 0", InvalidConfigCase.slo(#""objective": 0"#), "slo.objective",
            "must be a percentage above 0 and below 100 (got 0)"),
        .init(
            "objective as a string", InvalidConfigCase.slo(#""objective": "99.9%""#), "slo.objective",
            "must be a number, not a string"),
        .init(
            "window invalid", InvalidConfigCase.slo(#""window": "4 weeks""#), "slo.window",
            #""4 weeks" is not a duration (use e.g. 250ms, 5s, 1m, 28d)"#),
        .init(
            "unknown slo key", InvalidConfigCase.slo(#""objectve": 99"#), "slo",
            #"unknown key "objectve"; did you mean "objective"?"#),
        .init(
            "latency unknown key", InvalidConfigCase.slo(#""latency": {"treshold": "1s"}"#), "slo.latency",
            #"unknown key "treshold"; did you mean "threshold"?"#),
        .init(
            "latency objective 100.5", InvalidConfigCase.slo(#""latency": {"objective": 100.5}"#),
            "slo.latency.objective", "must be a percentage above 0 and below 100 (got 100.5)"),
        .init(
            "latency threshold invalid", InvalidConfigCase.slo(#""latency": {"threshold": 500}"#),
            "slo.latency.threshold", #"must be a duration string such as "5s", not a bare number"#),
        .init(
            "alerts downAfter zero", InvalidConfigCase.slo(#""alerts": {"downAfter": 0}"#), "slo.alerts.downAfter",
            "must be at least 1 (got 0)"),
        .init(
            "alerts resolveAfter a string", InvalidConfigCase.slo(#""alerts": {"resolveAfter": "2"}"#),
            "slo.alerts.resolveAfter", "must be a whole number, not a string"),
        .init(
            "alerts latency not a boolean", InvalidConfigCase.slo(#""alerts": {"latency": "on"}"#),
            "slo.alerts.latency", "must be true or false, not a string"),
        .init(
            "alerts unknown key", InvalidConfigCase.slo(#""alerts": {"downafter": 3}"#), "slo.alerts",
            #"unknown key "downafter"; did you mean "downAfter"?"#),
        .init(
            "burnRate not an array", InvalidConfigCase.slo(#""alerts": {"burnRate": {}}"#), "slo.alerts.burnRate",
            "must be an array of burn-rate rules, not an object"),
        .init(
            "rule missing name", InvalidConfigCase.rule(replacing: ["name": nil]),
            "slo.alerts.burnRate[0]", #"missing required key "name""#),
        .init(
            "rule severity unknown", InvalidConfigCase.rule(replacing: ["severity": #""pager""#]),
            "slo.alerts.burnRate[0].severity",
            #""pager" is not an alert severity (critical, warning, page, ticket); did you mean "page"?"#),
        .init(
            "rule short window not shorter", InvalidConfigCase.rule(replacing: ["shortWindow": #""60m""#]),
            "slo.alerts.burnRate[0].shortWindow", "short window 60m must be shorter than the long window 1h"),
        .init(
            "rule long window beyond the SLO window", InvalidConfigCase.rule(replacing: ["longWindow": #""30d""#]),
            "slo.alerts.burnRate[0].longWindow", "long window 30d must not be longer than the SLO window 28d"),
        .init(
            "rule budget zero", InvalidConfigCase.rule(replacing: ["budgetConsumed": "0"]),
            "slo.alerts.burnRate[0].budgetConsumed", "must be a percentage above 0 and at most 100 (got 0)"),
        .init(
            "rule budget above 100", InvalidConfigCase.rule(replacing: ["budgetConsumed": "101"]),
            "slo.alerts.burnRate[0].budgetConsumed", "must be a percentage above 0 and at most 100 (got 101)"),
        .init(
            "rule unknown key", InvalidConfigCase.rule(InvalidConfigCase.validRule + #", "window": "1h""#),
            "slo.alerts.burnRate[0]",
            #"unknown key "window" (allowed: name, severity, longWindow, shortWindow, budgetConsumed)"#),
        .init(
            "duplicate rule name",
            InvalidConfigCase.slo(
                #""alerts": {"burnRate": [{\#(InvalidConfigCase.validRule)}, {\#(InvalidConfigCase.validRule)}]}"#),
            "slo.alerts.burnRate[1].name", #""r" is already used by slo.alerts.burnRate[0]"#),
        .init(
            "entry window shorter than the inherited rules",
            InvalidConfigCase.entry(#"{"name": "a", "slo": {"window": "1d"}}"#), "services[0].slo.window",
            #"the SLO window 1d is shorter than the long window 3d of burn-rate rule "ticket-3d""#),
        .init(
            "entry slo objective", InvalidConfigCase.entry(#"{"name": "a", "slo": {"objective": 120}}"#),
            "services[0].slo.objective", "must be a percentage above 0 and below 100 (got 120)"),
        .init(
            "entry rule beyond the inherited window",
            #"{"slo": {"window": "7d"}, "services": [{"name": "a", "slo": {"alerts": {"burnRate": [{"#
                + #""name": "r", "severity": "ticket", "longWindow": "8d", "shortWindow": "1d", "budgetConsumed": 10"#
                + #"}]}}}]}"#,
            "services[0].slo.alerts.burnRate[0].longWindow",
            "long window 8d must not be longer than the SLO window 7d"),
    ]

    @Test(
        "each mistake gives one issue with its path and message",
        arguments: topLevelCases + serviceCases + probeCases + timingCases + conditionCases + sloCases)
    func oneMistakeOneIssue(_ invalid: InvalidConfigCase) {
        #expect(configIssues(invalid.json) == [ConfigIssue(path: invalid.path, message: invalid.message)])
    }

    @Test func budgetOfExactly100IsAllowed() throws {
        let config = try loadValidConfig(
            InvalidConfigCase.rule(
                #""name": "r", "severity": "page", "longWindow": "1h", "shortWindow": "5m", "budgetConsumed": 100"#))
        #expect(config.slo.alerts.burnRateRules.map(\.budgetConsumed) == [100])
    }

    @Test func fiveMistakesGiveExactlyFiveIssues() {
        let json = #"""
            {
              "defaults": { "interval": "15s", "timout": "3s" },
              "services": [
                { "name": "credit-bureau", "probe": { "type": "http", "url": "htp:/x" } },
                { "name": "Loans", "dependsOn": ["credit-bureau"] },
                { "name": "cards",
                  "probe": { "type": "tcp", "host": "db", "port": 5432, "interval": "2s", "timeout": "2s" } }
              ],
              "slo": { "objective": 100 }
            }
            """#
        #expect(
            configIssues(json) == [
                ConfigIssue(path: "defaults", message: #"unknown key "timout"; did you mean "timeout"?"#),
                ConfigIssue(path: "slo.objective", message: "must be a percentage above 0 and below 100 (got 100)"),
                ConfigIssue(path: "services[0].probe.url", message: #""htp:/x" is not an http(s) URL"#),
                ConfigIssue(
                    path: "services[1].name",
                    message: #""Loans" is not a valid name (use lowercase letters, "#
                        + #"digits, '.', '_' and '-', starting with a letter or digit)"#),
                ConfigIssue(
                    path: "services[2].probe.timeout", message: "timeout 2s must be shorter than the interval 2s"),
            ])
    }

    @Test(arguments: ["[STATUS] 200", "[STAUTS] == 200", "len(oops) > 1", ""])
    func conditionSyntaxErrorsCarryTheParsersMessage(condition: String) throws {
        let parserError = #expect(throws: ConditionSyntaxError.self) { _ = try Condition(parsing: condition) }
        let message = try #require(parserError?.message)
        let json = InvalidConfigCase.http(#""conditions": ["[STATUS] == 200", {"condition": "\#(condition)"}]"#)
        #expect(configIssues(json) == [ConfigIssue(path: "services[0].probe.conditions[1]", message: message)])
    }

    @Test func conditionErrorsDoNotShowSubstitutedValues() {
        let issues = configIssues(
            InvalidConfigCase.http(#""conditions": ["len(${TOKEN}) > 1"]"#),
            environment: ["TOKEN": "tok-9f8e7d6c"])
        #expect(issues.count == 1)
        #expect(issues.first?.path == "services[0].probe.conditions[0]")
        #expect(issues.first.map { !$0.message.contains("tok-9f8e7d6c") && $0.message.contains("***") } == true)
    }
}
