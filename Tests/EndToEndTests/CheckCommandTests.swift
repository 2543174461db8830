import Foundation
import ProbesTesting
import Testing

/// `incidentboard check` run as a user runs it: the built binary, a config on disk, loopback
/// servers the test controls.
@Suite("check command (built binary)")
struct CheckCommandTests {
    /// A small estate: an upstream bureau, two services over it, one standalone service.
    ///
    /// The latency threshold and timeout are generous: the whole suite runs at once on a 2-core
    /// CI machine, where a loopback answer has been seen to take 700 ms.
    static func estate(_ server: LoopbackHTTPServer, extraService: String = "") -> String {
        """
        {
          "defaults": { "interval": "30s", "timeout": "10s" },
          "slo": { "latency": { "threshold": "3s" } },
          "services": [
            { "name": "bureau", "title": "신용평가", "probe": { "type": "http", "url": "\(server.url("/bureau"))",
              "conditions": ["[STATUS] == 200", "[BODY].status == UP"] } },
            { "name": "loans", "dependsOn": ["bureau"], "probe": { "type": "http", "url": "\(server.url("/loans"))" } },
            { "name": "cards", "dependsOn": ["bureau"], "probe": { "type": "http", "url": "\(server.url("/cards"))" } },
            { "name": "gift", "probe": { "type": "http", "url": "\(server.url("/gift"))",
              "conditions": ["[STATUS] == 200", {"condition": "[BODY].queue < 10", "severity": "warning"}] } }
            \(extraService)
          ]
        }
        """
    }

    static func healthyServer() async throws -> LoopbackHTTPServer {
        try await LoopbackHTTPServer.start(routes: [
            "/bureau": .json(#"{"status":"UP"}"#),
            "/loans": .ok(),
            "/cards": .ok(),
            "/gift": .json(#"{"queue": 1}"#),
        ])
    }

    @Test func allUpExitsZero() async throws {
        let server = try await Self.healthyServer()
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.estate(server))
        let outcome = try await Binary.run(["check", "--config", config])
        await server.stop()
        #expect(outcome.status == 0, "\(outcome.stdout)\n\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("OK: 4 of 4 up"))
        #expect(outcome.stderr.isEmpty)
    }

    @Test func warningConditionExitsOne() async throws {
        let server = try await Self.healthyServer()
        server.script("/gift", .json(#"{"queue": 50}"#))
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.estate(server))
        let outcome = try await Binary.run(["check", "--config", config, "--format", "json"])
        await server.stop()
        #expect(outcome.status == 1, "\(outcome.stdout)")
        let json = try Self.object(outcome.stdout)
        #expect(json["status"] as? String == "warning")
        let gift = try #require(Self.services(json).first { $0["name"] as? String == "gift" })
        #expect(gift["status"] as? String == "degraded")
        #expect(gift["error"] as? String == "condition [BODY].queue < 10 failed: got 50")
    }

    @Test func slowAnswerIsDegraded() async throws {
        let server = try await Self.healthyServer()
        server.script("/gift", .status(200, body: #"{"queue": 1}"#, delay: .milliseconds(4000)))
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.estate(server))
        let outcome = try await Binary.run(["check", "--config", config, "gift"])
        await server.stop()
        #expect(outcome.status == 1, "\(outcome.stdout)")
        #expect(outcome.stdout.contains("degraded"))
    }

    @Test func failingUpstreamIsTheRootCauseAndExitsTwo() async throws {
        let server = try await Self.healthyServer()
        server.script("/bureau", .status(503, body: #"{"status":"DOWN"}"#))
        server.script("/loans", .status(503))
        server.script("/cards", .status(502))
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.estate(server))
        let outcome = try await Binary.run(["check", "--config", config, "--format", "json"])
        await server.stop()
        #expect(outcome.status == 2)
        let json = try Self.object(outcome.stdout)
        // Field for field as the README shows it.
        #expect(Array(json.keys).sorted() == ["checkedAt", "incidents", "services", "status"])
        #expect(json["status"] as? String == "critical")
        let checkedAt = try #require(json["checkedAt"] as? String)
        #expect(checkedAt.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil)
        let services = try Self.services(json)
        #expect(services.map { $0["name"] as? String } == ["bureau", "loans", "cards", "gift"])
        for service in services {
            #expect(Array(service.keys).sorted() == ["error", "latencyMs", "name", "rootCauses", "status"])
        }
        let byName = Dictionary(uniqueKeysWithValues: services.map { ($0["name"] as? String ?? "", $0) })
        #expect(byName["bureau"]?["status"] as? String == "down")
        #expect(byName["bureau"]?["error"] as? String == "condition [STATUS] == 200 failed: got 503")
        #expect(byName["bureau"]?["rootCauses"] as? [String] == ["bureau"])
        #expect(byName["loans"]?["error"] as? String == "HTTP 503")
        #expect(byName["loans"]?["rootCauses"] as? [String] == ["bureau"])
        #expect(byName["cards"]?["rootCauses"] as? [String] == ["bureau"])
        #expect(byName["gift"]?["status"] as? String == "up")
        #expect(byName["gift"]?["rootCauses"] as? [String] == [])
        #expect(byName["gift"]?["error"] is NSNull)
        #expect(byName["gift"]?["latencyMs"] is NSNumber)
        let incidents = try #require(json["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        #expect(incidents.first?["rootCause"] as? String == "bureau")
        #expect(incidents.first?["impacted"] as? [String] == ["cards", "loans"])
        #expect(incidents.first?["inferred"] == nil)
    }

    @Test func nagiosFormatFollowsThePluginConvention() async throws {
        let server = try await Self.healthyServer()
        server.script("/bureau", .status(503))
        server.script("/loans", .status(503))
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.estate(server))
        let outcome = try await Binary.run(["check", "--config", config, "--format", "nagios", "loans"])
        await server.stop()
        #expect(outcome.status == 2)
        let lines = outcome.stdoutLines
        let first = try #require(lines.first)
        let parts = first.split(separator: " | ", maxSplits: 1).map(String.init)
        try #require(parts.count == 2, "\(first)")
        #expect(parts[0].hasPrefix("INCIDENTBOARD CRITICAL - "))
        #expect(parts[0].contains("root cause: bureau"))
        // 'label'=value[UOM];warn;crit;min;  per service, separated by spaces.
        let perf = parts[1].split(separator: " ").map(String.init)
        #expect(perf.count == 2)
        for item in perf {
            #expect(item.wholeMatch(of: /'(bureau|loans)_latency'=\d+(\.\d+)?ms;3000;10000;0;/) != nil, "\(item)")
        }
        #expect(lines.dropFirst().map { $0.split(separator: ":").first.map(String.init) } == ["bureau", "loans"])
        #expect(lines.contains("loans: DOWN" + (lines.first { $0.hasPrefix("loans: DOWN") }?.dropFirst(11) ?? "")))
        #expect(lines.last?.hasSuffix("(caused by bureau)") == true)
    }

    @Test func namingAServiceChecksWhatItDependsOn() async throws {
        let server = try await Self.healthyServer()
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.estate(server))
        let outcome = try await Binary.run(["check", "--config", config, "--format", "json", "loans"])
        await server.stop()
        #expect(outcome.status == 0)
        #expect(try Self.services(Self.object(outcome.stdout)).map { $0["name"] as? String } == ["bureau", "loans"])
        #expect(server.requests(to: "/cards").isEmpty && server.requests(to: "/gift").isEmpty)
    }

    @Test func probesRunConcurrently() async throws {
        // Four probes that each hang for their whole 2 s timeout: one after the other would take
        // 8 s; together about 2 s. The bound is loose on purpose: it tells the two apart.
        let server = try await LoopbackHTTPServer.start(fallback: .neverAnswer)
        let scratch = try Scratch()
        let services = (1...4).map {
            #"{ "name": "s\#($0)", "probe": { "type": "http", "url": "\#(server.url("/s\($0)"))" } }"#
        }
        let config = try scratch.write(
            "probes.json",
            #"{"defaults": {"interval": "5s", "timeout": "2s"}, "services": ["#
                + services.joined(separator: ",") + "]}")
        let start = ContinuousClock.now
        let outcome = try await Binary.run(["check", "--config", config, "--format", "json"])
        let elapsed = ContinuousClock.now - start
        await server.stop()
        #expect(outcome.status == 2)
        #expect(outcome.stdout.components(separatedBy: "timeout after 2000 ms").count == 5)
        #expect(elapsed < .milliseconds(6000), "took \(elapsed)")
    }

    // MARK: Exit 3

    @Test func missingConfigIsUnknown() async throws {
        let scratch = try Scratch()
        let outcome = try await Binary.run(["check", "--config", scratch.file("nope.json")])
        #expect(outcome.status == 3)
        #expect(outcome.stderr.hasPrefix("incidentboard: \(scratch.file("nope.json")): "))
    }

    @Test func invalidConfigIsUnknownInEveryFormat() async throws {
        let scratch = try Scratch()
        let config = try scratch.write(
            "probes.json", #"{"services": [{"name": "Bad Name", "probe": {"type": "http", "url": "htp:/x"}}]}"#)
        for format in ["text", "json", "nagios"] {
            let outcome = try await Binary.run(["check", "--config", config, "--format", format])
            #expect(outcome.status == 3, "\(format)")
            #expect(outcome.stderr.contains("services[0].name"))
            #expect(
                outcome.stderr.contains(#"services[0].probe.url: "htp:/x" is not an http(s) URL"#), "\(outcome.stderr)")
            switch format {
            case "json": #expect(try Self.object(outcome.stdout)["status"] as? String == "unknown")
            case "nagios": #expect(outcome.stdout.hasPrefix("INCIDENTBOARD UNKNOWN - "))
            default: #expect(outcome.stdout.isEmpty)
            }
        }
    }

    @Test func unknownServiceIsUnknown() async throws {
        let server = try await Self.healthyServer()
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.estate(server))
        let outcome = try await Binary.run(["check", "--config", config, "laons"])
        await server.stop()
        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("laons"))
        #expect(server.requests.isEmpty)
    }

    @Test func usageErrorIsThree() async throws {
        let outcome = try await Binary.run(["check", "--format", "xml"])
        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("xml"))
    }

    @Test func configPathFromEnvironment() async throws {
        let server = try await Self.healthyServer()
        let scratch = try Scratch()
        let config = try scratch.write("estate.json", Self.estate(server))
        let outcome = try await Binary.run(["check"], environment: ["INCIDENTBOARD_CONFIG": config])
        await server.stop()
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }

    // MARK: Secrets

    @Test func secretsNeverReachAnyOutput() async throws {
        let secret = "s3cr3t-token-value-91"
        let server = try await Self.healthyServer()
        server.script("/loans", .status(401, body: "unauthorized"))
        let scratch = try Scratch()
        let extra =
            #", { "name": "private", "probe": { "type": "http", "url": "\#(server.url("/loans"))?key=${API_KEY}", "headers": { "Authorization": "Bearer ${API_KEY}", "Cookie": "session=plain-cookie-value" } } }"#
        let config = try scratch.write("probes.json", Self.estate(server, extraService: extra))
        for format in ["text", "json", "nagios"] {
            let outcome = try await Binary.run(
                ["check", "--config", config, "--format", format],
                environment: ["API_KEY": secret])
            #expect(outcome.status == 2)
            for text in [outcome.stdout, outcome.stderr] {
                #expect(!text.contains(secret))
                #expect(!text.contains("plain-cookie-value"))
            }
        }
        // The probe did send them.
        let request = try #require(server.requests(to: "/loans").last { $0.header("Authorization") != nil })
        #expect(request.header("Authorization") == "Bearer \(secret)")
        // A config error about a value from the environment does not print the value either.
        let bad = try scratch.write(
            "bad.json", #"{"services": [{"name": "x", "probe": {"type": "http", "url": "${BAD_URL}"}}]}"#)
        let outcome = try await Binary.run(["check", "--config", bad], environment: ["BAD_URL": "htp:/\(secret)"])
        #expect(outcome.status == 3)
        #expect(!outcome.stderr.contains(secret))
        #expect(outcome.stderr.contains("services[0].probe.url"))
        await server.stop()
    }

    // MARK: JSON helpers

    static func object(_ text: String) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(value as? [String: Any])
    }

    static func services(_ json: [String: Any]) throws -> [[String: Any]] {
        try #require(json["services"] as? [[String: Any]])
    }
}
