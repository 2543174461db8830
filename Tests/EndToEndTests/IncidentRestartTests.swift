import Foundation
import Probes
import ProbesTesting
import Testing

/// An incident outlives the agent that opened it: `watch` stopped in the middle of an outage
/// (SIGTERM, or kill -9) and started again on the same history continues the same incident id,
/// and the incident's timeline keeps what the first agent recorded.
@Suite("Incidents across a restart (built binary)")
struct IncidentRestartTests {
    enum Stop: String, CaseIterable {
        case sigterm, sigkill
    }

    @Test(arguments: Stop.allCases)
    func aRestartInTheMiddleOfAnOutageContinuesTheSameIncident(_ stop: Stop) async throws {
        let server = try await WatchCommandTests.healthy()
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", WatchCommandTests.config(server))
        let state = scratch.file("state.sqlite")
        server.script("/bureau", .status(503))
        server.script("/loans", .status(503))

        let first = try RunningBinary(["watch", "--headless", "--format", "json", "--config", config, "--state", state])
        let rootLine = await first.waitForLine { WatchCommandTests.isEvent($0, "firing", "bureau") }
        let id = try #require(rootLine.flatMap(WatchCommandTests.event)?["incident"] as? String, "\(first.stdoutLines)")
        #expect(id.hasSuffix("-bureau"))
        // The victim's alert too, so the record holds more than its opening.
        _ = await first.waitForLine { WatchCommandTests.isEvent($0, "firing", "loans") }
        if stop == .sigkill {
            // A hard kill keeps what history has written (once a second): wait until the root's
            // and the victim's alerts are in it, as they are a second after they were told.
            for _ in 0..<200 where try await Self.storedAlerts(state, id: id) < 2 {
                try await Task.sleep(for: .milliseconds(50))
            }
            first.signal(SIGKILL)
        } else {
            first.signal(SIGTERM)
        }
        _ = await first.waitForExit(timeout: .seconds(5))

        // Cards falls now, under the same outage.
        server.script("/cards", .status(503))
        let second = try RunningBinary([
            "watch", "--headless", "--format", "json", "--config", config,
            "--state", state,
        ])
        let cardsLine = await second.waitForLine { WatchCommandTests.isEvent($0, "firing", "cards") }
        let cards = try #require(cardsLine.flatMap(WatchCommandTests.event), "\(second.stdoutLines)")
        #expect(cards["incident"] as? String == id, "the same incident after \(stop.rawValue)")
        second.signal(SIGTERM)
        #expect(await second.waitForExit(timeout: .seconds(5)) == 0)
        await server.stop()

        let listed = try await Binary.run(["incidents", "--state", state, "--config", config, "--format", "json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        let incidents = try #require(json["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1, "\(listed.stdout)")
        let record = try #require(incidents.first)
        #expect(record["id"] as? String == id)
        let victims = Set((record["victims"] as? [[String: Any]] ?? []).compactMap { $0["service"] as? String })
        #expect(victims == ["loans", "cards"])
        let alerts = (record["alerts"] as? [[String: Any]] ?? []).filter { $0["event"] as? String == "firing" }
        let services = alerts.compactMap { $0["service"] as? String }
        #expect(
            services.contains("bureau") && services.contains("loans") && services.contains("cards"),
            "the first agent's alerts are still in the timeline: \(services)")
    }

    /// Alerts the history holds for the incident so far.
    static func storedAlerts(_ state: String, id: String) async throws -> Int {
        guard FileManager.default.fileExists(atPath: state) else { return 0 }
        let store = try HistoryStore(path: state) { _ in }
        return try store.incidents(since: .distantPast).first { $0.id == id }?.alerts.count ?? 0
    }
}
