import Foundation
import ProbesTesting
import Testing

/// `incidentboard import gatus` as a user moving from Gatus runs it: three configs of different
/// shapes converted, validated and checked against loopback servers the test controls; bad input
/// refused with exit 3, and with line and column where the YAML says.
@Suite("import gatus (built binary)")
struct ImportGatusTests {
    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func services(_ check: [String: Any]) -> [String: String] {
        let list = check["services"] as? [[String: Any]] ?? []
        return Dictionary(
            list.compactMap { s in (s["name"] as? String).map { ($0, s["status"] as? String ?? "?") } },
            uniquingKeysWith: { a, _ in a })
    }

    /// Converts, validates the result and checks it; returns the check's JSON and the import's stderr.
    static func importAndCheck(_ yaml: String, environment: [String: String] = [:]) async throws
        -> (check: [String: Any], notes: String, status: Int32, config: String)
    {
        let scratch = try Scratch()
        let source = try scratch.write("config.yaml", yaml)
        let output = scratch.file("probes.json")
        let converted = try await Binary.run(["import", "gatus", source, "--output", output], environment: environment)
        #expect(converted.status == 0, "\(converted.stderr)")
        let validated = try await Binary.run(["validate", "--config", output], environment: environment)
        #expect(validated.status == 0, "\(validated.stderr)")
        let check = try await Binary.run(["check", "--config", output, "--format", "json"], environment: environment)
        let config = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return (try object(check.stdout), converted.stderr, check.status, config)
    }

    @Test func groupsClientTimeoutsAndAlertingAreConvertedAndWhatIsLeftOutIsListedByPath() async throws {
        let server = try await LoopbackHTTPServer.start(routes: [
            "/front": .json(#"{"status":"UP"}"#),
            "/pay": .json(#"{"queue": 3}"#),
        ])
        let yaml = """
            storage:
              type: sqlite
              path: /data/data.db
            alerting:
              slack:
                webhook-url: "https://hooks.slack.invalid/services/x"
            endpoints:
              - name: Front End
                group: core
                url: "http://127.0.0.1:\(server.port)/front"
                interval: 30s
                client:
                  timeout: 2s
                conditions:
                  - "[STATUS] == 200"
                  - "[BODY].status == UP"
                alerts:
                  - type: slack
              - name: Front End
                group: payments
                url: "http://127.0.0.1:\(server.port)/pay"
                method: POST
                body: '{"ping": true}'
                headers:
                  Content-Type: application/json
                interval: 5s
                conditions:
                  - "[STATUS] == any(200, 204)"
                  - "[IP] == 127.0.0.1"
                  - "[BODY].queue < 10"
              - name: retired
                url: "http://127.0.0.1:1/"
                enabled: false
            """
        let result = try await Self.importAndCheck(yaml)
        await server.stop()
        #expect(result.status == 0)
        #expect(Self.services(result.check) == ["front-end": "up", "payments-front-end": "up"])
        let posted = server.requests(to: "/pay")
        #expect(
            posted.first?.method == "POST"
                && posted.first.map { String(decoding: $0.body, as: UTF8.self) }
                    == #"{"ping": true}"#
        )
        #expect(posted.first?.header("Content-Type") == "application/json")
        for path in [
            "storage:", "alerting:", "endpoints[0].alerts:", "endpoints[1].conditions[1]: not converted",
            "endpoints[1].client.timeout:", "endpoints[2]: skipped: `enabled: false`",
        ] {
            #expect(result.notes.contains("incidentboard: import gatus: \(path)"), "\(path) in \(result.notes)")
        }
        #expect(result.notes.contains("add `dependsOn`") && result.notes.contains("(core, payments)"))
        #expect(result.config.contains(#""title": "Front End""#) && result.config.contains(#""timeout": "2s""#))
    }

    @Test func tcpEndpointsAreConvertedAndDNSICMPAndSSHAreReported() async throws {
        let listener = try await LoopbackTCPListener.start()
        let yaml = """
            endpoints:
              - name: db
                url: "tcp://127.0.0.1:\(listener.port)"
                interval: 1m
                conditions: ["[CONNECTED] == true"]
              - name: dns-check
                url: "8.8.8.8"
                dns:
                  query-name: "example.org"
                  query-type: "A"
                conditions: ["[DNS_RCODE] == NOERROR"]
              - name: ping
                url: "icmp://127.0.0.1"
              - name: shell
                url: "ssh://127.0.0.1:22"
            """
        let result = try await Self.importAndCheck(yaml)
        await listener.stop()
        #expect(result.status == 0)
        #expect(Self.services(result.check) == ["db": "up"])
        #expect(listener.acceptedConnections >= 1)
        #expect(result.notes.contains("endpoints[1].dns: skipped"))
        #expect(result.notes.contains("endpoints[2].url: skipped: icmp://"))
        #expect(result.notes.contains("endpoints[3].url: skipped: ssh://"))
    }

    @Test func environmentReferencesAreKeptAndTheirValuesNeverPrinted() async throws {
        let token = "gatus-secret-\(UUID().uuidString)"
        let server = try await LoopbackHTTPServer.start(routes: ["/v1/health": .json(#"{"version":"7"}"#)])
        let yaml = """
            endpoints:
              - name: partner-api
                url: "http://${PARTNER_HOST}/v1/health"
                headers:
                  Authorization: "Bearer ${PARTNER_TOKEN}"
                conditions:
                  - "[STATUS] == 200"
                  - "[BODY].version == ${EXPECTED_VERSION}"
                client:
                  ignore-redirect: true
                  dns-resolver: "tcp://1.1.1.1:53"
            """
        let environment = ["PARTNER_HOST": "127.0.0.1:\(server.port)", "PARTNER_TOKEN": token, "EXPECTED_VERSION": "7"]
        let result = try await Self.importAndCheck(yaml, environment: environment)
        await server.stop()
        #expect(result.status == 0)
        #expect(Self.services(result.check) == ["partner-api": "up"])
        #expect(server.requests(to: "/v1/health").first?.header("Authorization") == "Bearer \(token)")
        #expect(result.config.contains("${PARTNER_HOST}") && result.config.contains("Bearer ${PARTNER_TOKEN}"))
        #expect(!result.config.contains(token) && !result.notes.contains(token))
        #expect(result.notes.contains("endpoints[0].client.dns-resolver: not converted"))
    }

    @Test func badInputIsRefusedWithItsLineAndColumnAndExitThree() async throws {
        let scratch = try Scratch()
        let cases: [(String, String, String)] = [
            (
                "syntax.yaml", "endpoints:\n  - name: a\n    url: \"http://x\n  conditions: [\n",
                "line 5, column 1: YAML syntax error"
            ),
            (
                "prometheus.yaml", "scrape_configs:\n  - job_name: x\n",
                "line 1, column 1: not a Gatus config: no `endpoints:` list (top-level keys: scrape_configs)"
            ),
            ("empty.yaml", "", "the file is empty"),
            ("list.yaml", "- a\n- b\n", "line 1, column 1: not a Gatus config: the top level is a list"),
            (
                "endpoints.yaml", "endpoints: 3\n",
                "line 1, column 12: `endpoints` must be a list of endpoints, not a scalar"
            ),
        ]
        for (name, text, message) in cases {
            let path = try scratch.write(name, text)
            let outcome = try await Binary.run(["import", "gatus", path])
            #expect(outcome.status == 3, "\(name)")
            #expect(outcome.stdout.isEmpty)
            #expect(outcome.stderr.contains("incidentboard: import gatus: \(path): \(message)"), "\(outcome.stderr)")
        }
        let missing = try await Binary.run(["import", "gatus", scratch.file("nothing.yaml")])
        #expect(missing.status == 3 && missing.stderr.contains("cannot read the file"))
    }

    @Test func anExistingOutputIsKeptUnlessForced() async throws {
        let scratch = try Scratch()
        let source = try scratch.write("config.yaml", "endpoints:\n  - name: a\n    url: \"http://127.0.0.1:1/\"\n")
        let output = try scratch.write("probes.json", "my own config\n")
        let refused = try await Binary.run(["import", "gatus", source, "--output", output])
        #expect(refused.status == 3 && refused.stderr.contains("exists; nothing written (--force replaces it)"))
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "my own config\n")
        let forced = try await Binary.run(["import", "gatus", source, "--output", output, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOfFile: output, encoding: .utf8).contains(#""name": "a""#))
    }
}
