import Foundation
import Probes
import ProbesPrometheus
import ProbesTesting
import Testing

/// The generated `down` alert follows the config's quorum as the fleet view does (issue 24):
/// evaluated by Prometheus's own rule engine (`promtool test rules`) on three sites' `probe_success`.
@Suite("rules command: the down alert follows the quorum (promtool)")
struct QuorumRulesTests {
    /// checkout probed every 15 s by the sites; `downAfter` 2, so the alert holds for 30 s.
    static func config(quorum: String?) -> String {
        let setting = quorum.map { #", "quorum": \#($0)"# } ?? ""
        return """
            {"defaults": {"interval": "15s", "timeout": "3s"\(setting)},
             "services": [{"name": "checkout", "probe": {"type": "tcp", "host": "127.0.0.1", "port": 9}}]}
            """
    }

    /// `probe_success` of `site`: 1 for 20 samples, then 0 for 20 when `failing`, else 1.
    static func success(_ site: String, failing: Bool) -> [String: String] {
        ["series": "probe_success{service=\"checkout\",site=\"\(site)\"}", "values": failing ? "1x19 0x20" : "1x40"]
    }

    /// Generates the rules for `quorum`, then asks promtool whether `IncidentBoardDown` fires at
    /// t₀ + 45 s (failing from t₀ = 300 s: pending at t₀, held 30 s) with `failing` sites.
    static func downFires(quorum: String?, failing: Set<String>) async throws -> (fires: Bool, output: String) {
        let scratch = try Scratch()
        let path = try scratch.write("probes.json", config(quorum: quorum))
        let generated = try await Binary.run(["rules", "--config", path, "--output-dir", scratch.path])
        #expect(generated.status == 0, "\(generated.stderr)")
        let rules = PrometheusRules(config: try ConfigLoader.load(contentsOf: path), source: path)
        let down = RulesTimingTests.expected(try #require(rules.rules.first { $0.name == PrometheusRules.downAlert }))
        let input = ["seoul", "busan", "jeju"].map { success($0, failing: failing.contains($0)) }
        var results: [Bool] = []
        var output = ""
        for expectFiring in [false, true] {
            let tests: [String: Any] = [
                "evaluation_interval": "15s",
                "tests": [
                    [
                        "interval": "15s",
                        "input_series": input,
                        "alert_rule_test": [
                            RulesTimingTests.check(345, PrometheusRules.downAlert, expectFiring ? [down] : [])
                        ],
                    ]
                ],
            ]
            let outcome = try await RulesTimingTests.promtoolTest(tests, in: scratch.path, name: "quorum-test.yml")
            output += outcome.stdout + outcome.stderr
            results.append(outcome.status == 0)
        }
        // Exactly one of "quiet" and "firing" must hold, or the test itself is wrong.
        #expect(results[0] != results[1], "promtool:\n\(output)")
        return (results[1], output)
    }

    @Test func withQuorumTwoOneFailingSitePagesNothing() async throws {
        let outcome = try await Self.downFires(quorum: "2", failing: ["busan"])
        #expect(!outcome.fires, "\(outcome.output)")
    }

    @Test func withQuorumTwoTwoFailingSitesPage() async throws {
        let outcome = try await Self.downFires(quorum: "2", failing: ["busan", "seoul"])
        #expect(outcome.fires, "\(outcome.output)")
    }

    @Test func withQuorumAllTwoOfThreeFailingSitesPageNothing() async throws {
        let outcome = try await Self.downFires(quorum: #""all""#, failing: ["busan", "seoul"])
        #expect(!outcome.fires, "\(outcome.output)")
        let every = try await Self.downFires(quorum: #""all""#, failing: ["busan", "seoul", "jeju"])
        #expect(every.fires, "\(every.output)")
    }

    @Test func byDefaultOneFailingSitePagesAsTheBoardDoes() async throws {
        let outcome = try await Self.downFires(quorum: nil, failing: ["jeju"])
        #expect(outcome.fires, "\(outcome.output)")
    }
}
