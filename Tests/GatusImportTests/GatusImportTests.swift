import Foundation
import Probes
import Testing

@testable import GatusImport

/// The conversion itself, without a process: names, defaults, what is kept and what is noted.
@Suite("Gatus import")
struct GatusImportTests {
    @Test func namesBecomeValidUniqueServiceNamesWithTheGatusNameAsTitle() throws {
        let output = try GatusImport.convert(
            """
            endpoints:
              - {name: "Front End", group: core, url: "http://127.0.0.1:1/a"}
              - {name: "Front End", group: core, url: "http://127.0.0.1:1/b"}
              - {name: "Front End", group: "Pay Ments", url: "http://127.0.0.1:1/c"}
              - {name: "신용평가", url: "http://127.0.0.1:1/d"}
              - {name: "api_v2.health", url: "http://127.0.0.1:1/e"}
            """)
        let config = try ConfigLoader.load(data: Data(output.json.utf8), displayName: "out.json", environment: [:])
        #expect(
            config.services.map(\.name) == [
                "front-end", "core-front-end", "pay-ments-front-end", "endpoint",
                "api_v2.health",
            ])
        #expect(config.services.map(\.title) == ["Front End", "Front End", "Front End", "신용평가", nil])
        #expect(config.services.first?.probe?.interval == .seconds(60), "Gatus's default interval")
        #expect(config.services.first?.probe?.timeout == .seconds(10), "Gatus's default client timeout")
    }

    @Test func aTimeoutNotShorterThanTheIntervalIsHalvedAndNoted() throws {
        let output = try GatusImport.convert(
            """
            endpoints:
              - {name: a, url: "http://127.0.0.1:1/", interval: 4s, client: {timeout: 6s}}
            """)
        let config = try ConfigLoader.load(data: Data(output.json.utf8), displayName: "out.json", environment: [:])
        #expect(config.services[0].probe?.timeout == .seconds(2))
        #expect(output.notes.map(\.path) == ["endpoints[0].client.timeout", "endpoints"])
    }

    @Test func unsupportedConditionsAreDroppedWithTheirPathAndDifferingOnesKeptWithANote() throws {
        let output = try GatusImport.convert(
            """
            endpoints:
              - name: a
                url: "http://127.0.0.1:1/"
                conditions: ["[STATUS] == 200", "[DOMAIN_EXPIRATION] > 720h", "[BODY].rate == 1.0", "[IP] == 1.1.1.1"]
            """)
        let paths = output.notes.map(\.path)
        #expect(paths.contains("endpoints[0].conditions[1]") && paths.contains("endpoints[0].conditions[3]"))
        #expect(output.notes.first { $0.path == "endpoints[0].conditions[2]" }?.message.hasPrefix("converted") == true)
        #expect(output.json.contains(#"["[STATUS] == 200", "[BODY].rate == 1.0"]"#))
    }

    @Test func yamlErrorsCarryTheirLineAndColumn() {
        #expect(throws: GatusImport.ImportError.self) { try GatusImport.convert("endpoints: [\n") }
        do {
            _ = try GatusImport.convert("endpoints:\n  - name: a\n   url: b\n")
            Issue.record("a bad indentation was read")
        } catch {
            #expect(error.line == 3, "\(error)")
            #expect(error.description.hasPrefix("line 3, column"))
        }
    }
}
