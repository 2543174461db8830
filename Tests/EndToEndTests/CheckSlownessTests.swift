import Foundation
import ProbesTesting
import Testing

/// `check` while an upstream is only slow: every seed incident starts that way, and the one-shot
/// check must already name the upstream, not the services that are slow because of it.
@Suite("check names a slow upstream (built binary)")
struct CheckSlownessTests {
    /// Slow is over 1.5 s; the slow answers take 3 s, the fast ones a loopback moment (seen to take
    /// up to 700 ms on a loaded 2-core CI machine, so the margin is wide both ways).
    static func estate(_ server: LoopbackHTTPServer) -> String {
        """
        {
          "defaults": { "interval": "30s", "timeout": "10s" },
          "slo": { "latency": { "threshold": "1500ms" } },
          "services": [
            { "name": "bureau", "probe": { "type": "http", "url": "\(server.url("/bureau"))",
              "conditions": ["[STATUS] == 200", "[BODY].status == UP"] } },
            { "name": "loans", "dependsOn": ["bureau"], "probe": { "type": "http", "url": "\(server.url("/loans"))" } },
            { "name": "cards", "dependsOn": ["bureau"], "probe": { "type": "http", "url": "\(server.url("/cards"))" } }
          ]
        }
        """
    }

    static let slowBureau = ScriptedBehaviour.status(200, body: #"{"status":"UP"}"#, delay: .seconds(3))

    @Test func slowUpstreamIsTheRootOfItsSlowDependents() async throws {
        let server = try await LoopbackHTTPServer.start(routes: [
            "/bureau": Self.slowBureau, "/loans": .status(200, body: "OK", delay: .seconds(3)),
            "/cards": .status(200, body: "OK", delay: .seconds(3)),
        ])
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.estate(server))
        let json = try await Binary.run(["check", "--config", config, "--format", "json"])
        let text = try await Binary.run(["check", "--config", config])
        let nagios = try await Binary.run(["check", "--config", config, "--format", "nagios"])
        await server.stop()

        // Nothing failed: every service is degraded, and the check says WARNING.
        #expect(json.status == 1, "\(json.stdout)")
        let report = try CheckCommandTests.object(json.stdout)
        let services = try CheckCommandTests.services(report)
        #expect(services.allSatisfy { $0["status"] as? String == "degraded" }, "\(json.stdout)")
        let roots = Dictionary(
            uniqueKeysWithValues: services.map {
                ($0["name"] as? String ?? "", $0["rootCauses"] as? [String] ?? [])
            })
        #expect(roots == ["bureau": ["bureau"], "loans": ["bureau"], "cards": ["bureau"]], "\(json.stdout)")
        let incidents = try #require(report["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1, "\(json.stdout)")
        #expect(incidents.first?["rootCause"] as? String == "bureau")
        #expect(incidents.first?["state"] as? String == "slow")
        #expect(incidents.first?["impacted"] as? [String] == ["cards", "loans"])

        // The latency chain: each victim's time beside the root's, one sample each.
        let loansRow = try #require(text.stdoutLines.first { $0.contains(" loans ") }, "\(text.stdout)")
        #expect(loansRow.firstMatch(of: /degraded +loans +[0-9.]+ ms .*← bureau [0-9.]+ ms/) != nil, "\(loansRow)")
        #expect(text.stdout.contains("ROOT CAUSE"), "\(text.stdout)")
        let nagiosLoans = try #require(nagios.stdoutLines.first { $0.hasPrefix("loans:") }, "\(nagios.stdout)")
        #expect(nagiosLoans.firstMatch(of: /DEGRADED [0-9.]+ ms ← bureau [0-9.]+ ms/) != nil, "\(nagiosLoans)")
        #expect(nagios.stdoutLines.first?.contains("root cause: bureau") == true, "\(nagios.stdout)")
    }

    @Test func slowServiceBehindAFastUpstreamIsItsOwnRoot() async throws {
        let server = try await LoopbackHTTPServer.start(routes: [
            "/bureau": .json(#"{"status":"UP"}"#), "/loans": .status(200, body: "OK", delay: .seconds(3)),
            "/cards": .ok(),
        ])
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.estate(server))
        let outcome = try await Binary.run(["check", "--config", config, "--format", "json"])
        await server.stop()
        #expect(outcome.status == 1, "\(outcome.stdout)")
        let report = try CheckCommandTests.object(outcome.stdout)
        let loans = try #require(try CheckCommandTests.services(report).first { $0["name"] as? String == "loans" })
        #expect(loans["status"] as? String == "degraded")
        #expect(loans["rootCauses"] as? [String] == ["loans"])
        let incidents = try #require(report["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        #expect(incidents.first?["rootCause"] as? String == "loans")
        #expect(incidents.first?["state"] as? String == "slow")
        #expect(incidents.first?["impacted"] as? [String] == [])
    }
}
