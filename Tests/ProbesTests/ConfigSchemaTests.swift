import Foundation
import Testing

@testable import Probes

/// Keeps probes.schema.json and the loader in step, and checks the repository's probes.json.
@Suite("Config schema")
struct ConfigSchemaTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let schemaURL = packageRoot.appendingPathComponent("probes.schema.json")
    static let sampleURL = packageRoot.appendingPathComponent("probes.json")

    /// The schema's object at a path of keys.
    static func node(_ root: [String: Any], _ keys: [String]) -> [String: Any]? {
        var current: [String: Any]? = root
        for key in keys { current = current?[key] as? [String: Any] }
        return current
    }

    static func propertyNames(_ root: [String: Any], _ keys: [String]) -> Set<String> {
        Set((node(root, keys + ["properties"]) ?? [:]).keys)
    }

    @Test func schemaAllowsExactlyTheKeysTheLoaderAllows() throws {
        let data = try Data(contentsOf: Self.schemaURL)
        let document = try ConfigJSONParser.parse(data)
        #expect(document.duplicateKeys.isEmpty)
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")

        #expect(Self.propertyNames(schema, []) == Set(ConfigValidator.topLevelKeys))
        #expect(Self.propertyNames(schema, ["properties", "defaults"]) == Set(ConfigValidator.defaultsKeys))
        #expect(Self.propertyNames(schema, ["$defs", "service"]) == Set(ConfigValidator.serviceKeys))
        for type in ConfigValidator.probeTypes {
            #expect(
                Self.propertyNames(schema, ["$defs", "\(type.name)Probe"])
                    == Set(ConfigValidator.commonProbeKeys + type.keys), "\(type.name)")
        }
        #expect(Self.propertyNames(schema, ["$defs", "transactionStep"]) == Set(ConfigValidator.transactionStepKeys))
        #expect(Self.propertyNames(schema, ["$defs", "slo"]) == Set(ConfigValidator.sloKeys))
        #expect(
            Self.propertyNames(schema, ["$defs", "slo", "properties", "latency"])
                == Set(ConfigValidator.latencySLOKeys))
        #expect(Self.propertyNames(schema, ["$defs", "slo", "properties", "alerts"]) == Set(ConfigValidator.alertKeys))
        #expect(Self.propertyNames(schema, ["$defs", "burnRateRule"]) == Set(ConfigValidator.burnRateKeys))
        #expect(Self.propertyNames(schema, ["$defs", "maintenanceWindow"]) == Set(ConfigValidator.maintenanceKeys))
        #expect(
            Self.propertyNames(schema, ["$defs", "groupMaintenanceWindow"])
                == Set(ConfigValidator.groupMaintenanceKeys))
        let methods = Self.node(schema, ["$defs", "httpProbe", "properties", "method"])?["enum"] as? [String]
        #expect(methods == ConfigValidator.httpMethods)
        let severities = Self.node(schema, ["$defs", "burnRateRule", "properties", "severity"])?["enum"] as? [String]
        #expect(Set(severities ?? []) == Set(AlertSeverity.allCases.map(\.rawValue)))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: sampleURL.path)))
    func repositoryProbesJSONLoads() throws {
        let config = try ConfigLoader.load(contentsOf: Self.sampleURL.path, environment: [:])
        #expect(!config.services.isEmpty)
    }
}
