import Foundation
import Probes
import Testing

@testable import DemoEstate

/// The estate serves exactly what the repository's probes.json probes.
@Suite("Estate layout")
struct EstateLayoutTests {
    static let probesJSON = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("probes.json").path

    @Test(.enabled(if: FileManager.default.fileExists(atPath: probesJSON)))
    func everyProbeOfTheRepositoryConfigHitsARouteOfItsNode() throws {
        let config = try ConfigLoader.load(contentsOf: Self.probesJSON, environment: [:])
        let layout = EstateLayout.standard
        var probed = 0
        for service in config.services {
            guard let probe = service.probe, case .http(let http) = probe.kind else { continue }
            probed += 1
            let server = try #require(layout.server(serving: service.name), "\(service.name) has no node")
            #expect(http.url.port == server.port, "\(service.name)")
            let route = server.routes.first { $0.path == http.url.path && $0.node == service.name }
            #expect(route != nil, "\(service.name): \(http.url.path)")
            #expect(route?.method.rawValue == http.method, "\(service.name)")
        }
        #expect(probed == 12)
        // Every node of the estate is an entry of the config, so the board can name it.
        let names = Set(config.services.map(\.name))
        #expect(layout.nodeNames.allSatisfy(names.contains))
    }

    @Test func serverNamesAndPortsAreDistinct() {
        let servers = EstateLayout.standard.servers
        #expect(Set(servers.map(\.name)).count == servers.count)
        #expect(Set(servers.map(\.port)).count == servers.count)
        #expect(EstateLayout.standard.withEphemeralPorts().servers.allSatisfy { $0.port == 0 })
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: probesJSON)))
    func adoptingTheRepositoryConfigChangesNothing() throws {
        let config = try ConfigLoader.load(contentsOf: Self.probesJSON, environment: [:])
        let (layout, notes) = EstateLayout.standard.adopting(config)
        #expect(notes.isEmpty, "\(notes)")
        #expect(layout.servers == EstateLayout.standard.servers)
    }

    @Test func adoptingFollowsAMovedPortAndNotesWhatItCannotServe() throws {
        let json = """
            {"services": [
              {"name": "loan-application", "probe": {"type": "http", "url": "http://127.0.0.1:19090/loans/health"}},
              {"name": "credit-bureau", "probe": {"type": "http", "url": "http://127.0.0.1:18083/status"}},
              {"name": "billing", "probe": {"type": "http", "url": "http://127.0.0.1:18099/health"}},
              {"name": "open-banking"}
            ]}
            """
        let config = try ConfigLoader.load(data: Data(json.utf8), displayName: "probes.json", environment: [:])
        let (layout, notes) = EstateLayout.standard.adopting(config)
        #expect(layout.server(serving: "loan-application")?.port == 19090)
        #expect(layout.server(serving: "credit-bureau")?.port == 18083)
        #expect(
            notes == [
                "credit-bureau probes /status; the estate serves it at /health, /credit/report",
                "billing is not part of the demo estate; its probe will fail",
            ])
    }
}
