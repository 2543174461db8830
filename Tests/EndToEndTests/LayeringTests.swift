import Foundation
import Testing

/// The one-way rules between the modules (docs/ARCHITECTURE.md), read off the sources and
/// Package.swift: the engine knows no terminal, no argument parsing, no demo, no Prometheus and
/// no server; the dashboard knows no demo and no Prometheus.
@Suite("Layering: imports point one way")
struct LayeringTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func sources(of target: String) -> [(name: String, text: String)] {
        let folder = root.appendingPathComponent("Sources").appendingPathComponent(target)
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        return (walker?.allObjects as? [URL] ?? []).filter { $0.pathExtension == "swift" }.compactMap { url in
            (try? String(contentsOf: url, encoding: .utf8)).map { (url.lastPathComponent, $0) }
        }
    }

    /// The modules a file imports (`import X`, `@testable import X`, `@preconcurrency import X`).
    static func imports(_ text: String) -> Set<String> {
        Set(
            text.split(separator: "\n").compactMap { line -> String? in
                let words = line.split(separator: " ")
                guard let index = words.firstIndex(of: "import"), index + 1 < words.count,
                    words[..<index].allSatisfy({ $0.hasPrefix("@") })
                else { return nil }
                return String(words[index + 1])
            })
    }

    /// The dependencies Package.swift lists for `target`: the text of its `.target(` entry.
    static func packageEntry(of target: String) throws -> String {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let pattern = "\\.target\\(\\s*name: \"\(target)\","
        let start = try #require(manifest.range(of: pattern, options: .regularExpression))
        let rest = manifest[start.upperBound...]
        let end =
            rest.range(of: ".target(")?.lowerBound ?? rest.range(of: ".executableTarget(")?.lowerBound
            ?? rest.endIndex
        return String(rest[..<end])
    }

    @Test func theImportReaderFindsImports() {
        #expect(
            Self.imports("import Foundation\n@testable import Probes\n// import Nothing\nlet x = 1")
                == ["Foundation", "Probes"])
    }

    @Test func theEngineImportsNoTerminalArgumentsDemoPrometheusOrServer() throws {
        let files = Self.sources(of: "Probes")
        #expect(files.count > 50, "the engine's sources were not found")
        let forbidden: Set = [
            "Dashboard", "CNcursesw", "DemoEstate", "ArgumentParser", "ProbesPrometheus", "Prometheus", "Hummingbird",
            "ServerGate",
        ]
        for file in files {
            let wrong = Self.imports(file.text).intersection(forbidden)
            #expect(wrong.isEmpty, "\(file.name) imports \(wrong.sorted())")
            #expect(!file.text.contains("ServerBootstrap"), "\(file.name) holds a server")
        }
        let entry = try Self.packageEntry(of: "Probes")
        for package in ["swift-prometheus", "hummingbird", "swift-argument-parser"] {
            #expect(!entry.contains(package), "Package.swift gives Probes \(package)")
        }
    }

    @Test func theDashboardImportsNoDemoPrometheusOrArguments() {
        let files = Self.sources(of: "Dashboard")
        #expect(files.count > 20, "the dashboard's sources were not found")
        for file in files {
            let wrong = Self.imports(file.text).intersection(["DemoEstate", "ProbesPrometheus", "ArgumentParser"])
            #expect(wrong.isEmpty, "\(file.name) imports \(wrong.sorted())")
        }
    }
}
