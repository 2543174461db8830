import Foundation
import Testing

@testable import Probes

/// Loads config text, returning the issues (empty when it loaded).
func configIssues(_ json: String, environment: [String: String] = [:]) -> [ConfigIssue] {
    do {
        _ = try ConfigLoader.load(data: Data(json.utf8), displayName: "probes.json", environment: environment)
        return []
    } catch {
        return error.issues
    }
}

/// Loads config text that must be valid, recording its issues otherwise.
func loadValidConfig(
    _ json: String, environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
) throws -> ProbesConfig {
    do {
        return try ConfigLoader.load(data: Data(json.utf8), displayName: "probes.json", environment: environment)
    } catch {
        Issue.record("unexpected config errors:\n\(error.description)", sourceLocation: sourceLocation)
        throw error
    }
}

/// A config with one service whose probe object is `probe` (JSON text).
func configWithProbe(_ probe: String) -> String {
    #"{"services": [{"name": "api", "probe": \#(probe)}]}"#
}

@Suite("Config loading")
struct ConfigLoaderTests {
    /// The README's example, with the `auth-vendor` entry it depends on declared.
    static let contractExample = #"""
        {
          "defaults": { "interval": "15s", "timeout": "3s" },
          "slo": { "objective": 99.9, "window": "28d", "latency": { "threshold": "500ms", "objective": 99.0 } },
          "services": [
            {
              "name": "credit-bureau",
              "title": "신용평가 (credit bureau)",
              "group": "upstream",
              "probe": {
                "type": "http",
                "url": "http://127.0.0.1:18083/health",
                "conditions": ["[STATUS] == 200", "[BODY].status == UP", "[RESPONSE_TIME] < 800"]
              }
            },
            { "name": "auth-vendor", "group": "upstream" },
            {
              "name": "loan-application",
              "title": "대출 신청",
              "dependsOn": ["credit-bureau", "auth-vendor"],
              "probe": { "type": "http", "url": "http://127.0.0.1:18090/loans/health",
                         "interval": "5s", "timeout": "2s" },
              "slo": { "objective": 99.5 }
            }
          ]
        }
        """#

    @Test func contractExampleLoadsWithTheRightValues() throws {
        let config = try loadValidConfig(Self.contractExample)
        #expect(config.defaults == ProbeDefaults(interval: .seconds(15), timeout: .seconds(3)))
        #expect(config.slo.objective == 99.9)
        #expect(config.slo.window == .seconds(28 * 86_400))
        #expect(config.slo.latency == LatencySLO(threshold: .milliseconds(500), objective: 99.0))
        #expect(config.slo.alerts == .standard)
        #expect(config.services.map(\.name) == ["credit-bureau", "auth-vendor", "loan-application"])

        let bureau = try #require(config.service(named: "credit-bureau"))
        #expect(bureau.title == "신용평가 (credit bureau)")
        #expect(bureau.group == "upstream")
        #expect(bureau.dependsOn.isEmpty)
        let bureauProbe = try #require(bureau.probe)
        #expect(bureauProbe.interval == .seconds(15))
        #expect(bureauProbe.timeout == .seconds(3))
        #expect(
            bureauProbe.conditions.map(\.source)
                == ["[STATUS] == 200", "[BODY].status == UP", "[RESPONSE_TIME] < 800"])
        #expect(bureauProbe.conditions.allSatisfy { $0.severity == .critical })
        guard case .http(let http) = bureauProbe.kind else {
            Issue.record("expected an http probe")
            return
        }
        #expect(http == HTTPProbe(url: try #require(URL(string: "http://127.0.0.1:18083/health"))))
        #expect(bureau.slo.objective == 99.9)

        let vendor = try #require(config.service(named: "auth-vendor"))
        #expect(vendor.probe == nil)
        #expect(vendor.title == nil)

        let loans = try #require(config.service(named: "loan-application"))
        #expect(loans.title == "대출 신청")
        #expect(loans.dependsOn == ["credit-bureau", "auth-vendor"])
        #expect(loans.probe?.interval == .seconds(5))
        #expect(loans.probe?.timeout == .seconds(2))
        #expect(loans.slo.objective == 99.5)
        #expect(loans.slo.window == .seconds(28 * 86_400))
        #expect(loans.slo.latency == config.slo.latency)
    }

    @Test func builtInDefaultsApplyWhenNothingIsSet() throws {
        let config = try loadValidConfig(configWithProbe(#"{"type": "tcp", "host": "db.internal", "port": 5432}"#))
        #expect(config.defaults == .standard)
        #expect(config.slo == .standard)
        let service = try #require(config.services.first)
        #expect(service.slo == .standard)
        #expect(service.probe?.interval == ProbeDefaults.standard.interval)
        #expect(service.probe?.timeout == ProbeDefaults.standard.timeout)
        #expect(service.probe?.conditions.isEmpty == true)
        guard case .tcp(let tcp) = service.probe?.kind else {
            Issue.record("expected a tcp probe")
            return
        }
        #expect(tcp == TCPProbe(host: "db.internal", port: 5432))
    }

    @Test func defaultsObjectIsInheritedByProbesThatSetNothing() throws {
        let config = try loadValidConfig(
            #"""
            {"defaults": {"interval": "1m"},
             "services": [{"name": "a", "probe": {"type": "tcp", "host": "h", "port": 1, "timeout": "10s"}},
                          {"name": "b", "probe": {"type": "tcp", "host": "h", "port": 2}}]}
            """#)
        #expect(config.defaults == ProbeDefaults(interval: .seconds(60), timeout: .seconds(5)))
        #expect(config.services[0].probe?.interval == .seconds(60))
        #expect(config.services[0].probe?.timeout == .seconds(10))
        #expect(config.services[1].probe?.timeout == .seconds(5))
    }

    @Test func httpProbeFieldsAreRead() throws {
        let config = try loadValidConfig(
            configWithProbe(
                #"""
                {"type": "http", "url": "https://example.com:8443/a?b=c", "method": "POST",
                 "headers": {"Content-Type": "application/json", "X-Request-Id": "probe"},
                 "body": "{\"ping\": true}", "followRedirects": false, "maxRedirects": 3,
                 "insecureSkipVerify": true, "maxBodyBytes": 4096,
                 "conditions": ["[STATUS] == 201", {"condition": "[RESPONSE_TIME] < 300", "severity": "warning"}]}
                """#))
        let probe = try #require(config.services.first?.probe)
        guard case .http(let http) = probe.kind else {
            Issue.record("expected an http probe")
            return
        }
        #expect(http.url.absoluteString == "https://example.com:8443/a?b=c")
        #expect(http.method == "POST")
        #expect(
            http.headers == [
                HTTPHeader(name: "Content-Type", value: "application/json"),
                HTTPHeader(name: "X-Request-Id", value: "probe"),
            ])
        #expect(http.body == #"{"ping": true}"#)
        #expect(http.followRedirects == false)
        #expect(http.maxRedirects == 3)
        #expect(http.insecureSkipVerify == true)
        #expect(http.maxBodyBytes == 4096)
        #expect(probe.conditions.map(\.severity) == [.critical, .warning])
        #expect(probe.conditions.map(\.source) == ["[STATUS] == 201", "[RESPONSE_TIME] < 300"])
    }

    @Test func httpProbeDefaults() throws {
        let config = try loadValidConfig(configWithProbe(#"{"type": "http", "url": "http://127.0.0.1:1/"}"#))
        guard case .http(let http) = config.services.first?.probe?.kind else {
            Issue.record("expected an http probe")
            return
        }
        #expect(http.method == "GET")
        #expect(http.headers.isEmpty)
        #expect(http.body == nil)
        #expect(http.followRedirects == true)
        #expect(http.maxRedirects == 10)
        #expect(http.insecureSkipVerify == false)
        #expect(http.maxBodyBytes == 1 << 20)
    }

    @Test func commandProbeKeepsArgvInOrder() throws {
        let config = try loadValidConfig(
            configWithProbe(
                #"{"type": "command", "argv": ["/usr/lib/nagios/plugins/check_disk", "-w", "20%", "-p", "/"]}"#))
        guard case .command(let command) = config.services.first?.probe?.kind else {
            Issue.record("expected a command probe")
            return
        }
        #expect(command.argv == ["/usr/lib/nagios/plugins/check_disk", "-w", "20%", "-p", "/"])
    }

    @Test func servicesKeepFileOrder() throws {
        let names = (0..<30).map { "svc-\(29 - $0)" }
        let entries = names.map { #"{"name": "\#($0)"}"# }.joined(separator: ",")
        let config = try loadValidConfig(#"{"services": [\#(entries)]}"#)
        #expect(config.services.map(\.name) == names)
    }

    @Test func schemaKeyIsAccepted() throws {
        let config = try loadValidConfig(#"{"$schema": "./probes.schema.json", "services": [{"name": "a"}]}"#)
        #expect(config.services.count == 1)
    }

    // MARK: SLO overrides

    @Test func entrySLOOverridesTopLevelFieldByField() throws {
        let config = try loadValidConfig(
            #"""
            {"slo": {"objective": 99.0, "window": "30d",
                     "latency": {"threshold": "300ms", "objective": 95},
                     "alerts": {"downAfter": 3, "resolveAfter": 4, "latency": false}},
             "services": [
               {"name": "plain"},
               {"name": "custom",
                "slo": {"window": "7d", "latency": {"objective": 90},
                        "alerts": {"resolveAfter": 1,
                                   "burnRate": [{"name": "fast", "severity": "page", "longWindow": "1h",
                                                 "shortWindow": "5m", "budgetConsumed": 5}]}}}]}
            """#)
        #expect(config.slo.objective == 99.0)
        #expect(config.slo.window == .seconds(30 * 86_400))
        #expect(config.slo.latency == LatencySLO(threshold: .milliseconds(300), objective: 95))
        #expect(config.slo.alerts.downAfter == 3)
        #expect(config.slo.alerts.resolveAfter == 4)
        #expect(config.slo.alerts.latencyAlert == false)
        #expect(config.slo.alerts.burnRateRules == AlertPolicy.standard.burnRateRules)

        let plain = try #require(config.service(named: "plain"))
        #expect(plain.slo == config.slo)

        let custom = try #require(config.service(named: "custom"))
        #expect(custom.slo.objective == 99.0, "inherited from the top level")
        #expect(custom.slo.window == .seconds(7 * 86_400))
        #expect(custom.slo.latency.threshold == .milliseconds(300), "inherited inside latency")
        #expect(custom.slo.latency.objective == 90)
        #expect(custom.slo.alerts.downAfter == 3, "inherited inside alerts")
        #expect(custom.slo.alerts.resolveAfter == 1)
        #expect(custom.slo.alerts.latencyAlert == false)
        #expect(
            custom.slo.alerts.burnRateRules == [
                BurnRateRule(
                    name: "fast", severity: .page, longWindow: .seconds(3600), shortWindow: .seconds(300),
                    budgetConsumed: 5)
            ])
    }

    @Test func emptyBurnRateListTurnsBurnRateAlertsOff() throws {
        let config = try loadValidConfig(#"{"slo": {"alerts": {"burnRate": []}}, "services": [{"name": "a"}]}"#)
        #expect(config.slo.alerts.burnRateRules.isEmpty)
        #expect(config.services[0].slo.alerts.burnRateRules.isEmpty)
    }

    // MARK: Files

    @Test func loadsFromAFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("probes.json")
        try Data(Self.contractExample.utf8).write(to: file)
        let config = try ConfigLoader.load(contentsOf: file.path, environment: [:])
        #expect(config.services.count == 3)
    }

    @Test func missingFileIsOneIssue() {
        let path = "/nonexistent-\(UUID().uuidString)/probes.json"
        let errors = #expect(throws: ConfigErrors.self) {
            _ = try ConfigLoader.load(contentsOf: path, environment: [:])
        }
        #expect(errors?.issues == [ConfigIssue(path: "", message: "cannot read: No such file or directory")])
        #expect(errors?.lines == ["incidentboard: \(path): cannot read: No such file or directory"])
    }

    @Test func directoryIsUnreadable() {
        let path = FileManager.default.temporaryDirectory.path
        let errors = #expect(throws: ConfigErrors.self) {
            _ = try ConfigLoader.load(contentsOf: path, environment: [:])
        }
        #expect(errors?.issues == [ConfigIssue(path: "", message: "cannot read: Is a directory")])
    }

    // MARK: Error lines

    @Test func errorLinesFollowTheContractFormat() {
        let errors = ConfigErrors(
            file: "probes.json",
            issues: [
                ConfigIssue(path: "services[3].probe.url", message: #""htp:/x" is not an http(s) URL"#),
                ConfigIssue(path: "", message: "line 1, column 1: the file is empty (expected a JSON object)"),
            ])
        #expect(
            errors.lines == [
                #"incidentboard: probes.json: services[3].probe.url: "htp:/x" is not an http(s) URL"#,
                "incidentboard: probes.json: line 1, column 1: the file is empty (expected a JSON object)",
            ])
        #expect(errors.description == errors.lines.joined(separator: "\n"))
    }

    @Test func badURLLineMatchesTheContractExample() {
        let services = (0..<4).map { i in
            i == 3 ? #"{"name": "s3", "probe": {"type": "http", "url": "htp:/x"}}"# : #"{"name": "s\#(i)"}"#
        }
        let json = #"{"services": [\#(services.joined(separator: ","))]}"#
        let errors = #expect(throws: ConfigErrors.self) {
            _ = try ConfigLoader.load(data: Data(json.utf8), displayName: "probes.json", environment: [:])
        }
        #expect(
            errors?.lines
                == [#"incidentboard: probes.json: services[3].probe.url: "htp:/x" is not an http(s) URL"#])
    }
}
