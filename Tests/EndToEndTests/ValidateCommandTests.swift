import Foundation
import Testing

@Suite("validate command (built binary)")
struct ValidateCommandTests {
    @Test func repositoryConfigIsValid() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let outcome = try await Binary.run(["validate", "--config", root.appendingPathComponent("probes.json").path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("valid"))
    }

    @Test func everyProblemIsPrintedOnItsOwnLine() async throws {
        let scratch = try Scratch()
        let config = try scratch.write(
            "probes.json",
            """
            {"servces": [],
             "services": [
               {"name": "a", "dependsOn": ["b"], "probe": {"type": "http", "url": "http://127.0.0.1:1/", "timeout": "10s", "interval": "5s"}},
               {"name": "b", "dependsOn": ["a"], "probe": {"type": "tcp", "host": "127.0.0.1", "port": 70000}},
               {"name": "c", "probe": {"type": "http", "url": "http://127.0.0.1:1/", "conditions": ["[STAUTS] == 200"]}}
             ]}
            """)
        let outcome = try await Binary.run(["validate", "--config", config])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.isEmpty)
        let lines = outcome.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "\(lines)")
        for line in lines { #expect(line.hasPrefix("incidentboard: \(config): ")) }
        let text = outcome.stderr
        #expect(text.contains("servces") && text.contains("did you mean \"services\"?"))
        #expect(text.contains("a → b → a"))
        #expect(text.contains("services[1].probe.port"))
        #expect(text.contains("services[0].probe.timeout"))
        #expect(text.contains("services[2].probe.conditions[0]") && text.contains("[STATUS]"))
    }

    @Test func conditionsThatJudgeUnlikeGatusAreWarnedAboutWithTheirPathsAndExitZero() async throws {
        let scratch = try Scratch()
        let config = try scratch.write(
            "probes.json",
            """
            {"services": [{"name": "a", "probe": {"type": "http", "url": "http://127.0.0.1:1/", "conditions": [
              "[STATUS] == 200", "[BODY].queue < 5", "[BODY].rate == 1.0", "[BODY].balance > 99.5",
              "[BODY].data == 0x1F", "len([BODY].items) > 0"]}}]}
            """)
        let outcome = try await Binary.run(["validate", "--config", config])
        #expect(outcome.status == 0, "warnings do not fail validation")
        #expect(outcome.stdout.contains("valid"))
        let lines = outcome.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(lines)")
        for line in lines {
            #expect(line.hasPrefix("incidentboard: \(config): warning: services[0].probe.conditions["))
        }
        #expect(lines.contains { $0.contains("conditions[1]") && $0.contains("not a number (read as 0)") })
        #expect(lines.contains { $0.contains("conditions[2]") && $0.contains("compares it as text") })
        #expect(lines.contains { $0.contains("conditions[3]") && $0.contains("cuts it to an integer") })
    }

    @Test func aLatencyThresholdThatNoAnswerCanExceedIsWarnedAboutOnceAndExitsZero() async throws {
        let scratch = try Scratch()
        func probe(_ name: String, _ extra: String = "") -> String {
            #"{"name": "\#(name)", "probe": {"type": "http", "url": "http://127.0.0.1:1/"\#(extra)}}"#
        }
        // Four services under the defaults' 2 s threshold and 1 s timeout, one with its own fast
        // threshold, one whose own timeout is longer than the threshold.
        let config = try scratch.write(
            "probes.json",
            """
            {"defaults": {"interval": "5s", "timeout": "1s"}, "slo": {"latency": {"threshold": "2s"}},
             "services": [\(probe("a")), \(probe("b")), \(probe("c")), \(probe("d")),
               {"name": "fast", "slo": {"latency": {"threshold": "300ms"}},
                "probe": {"type": "http", "url": "http://127.0.0.1:1/"}},
               \(probe("slow", #", "timeout": "3s""#))]}
            """)
        let outcome = try await Binary.run(["validate", "--config", config])
        #expect(outcome.status == 0, "a warning does not fail validation: \(outcome.stderr)")
        let lines = outcome.stderr.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "incidentboard: \(config): warning: 4 services (a, b, c, …): latency threshold 2s is not below "
                    + "the probe timeout 1s: no answer can count as slow (one that takes longer is down)"
            ], "\(lines)")
    }
}
