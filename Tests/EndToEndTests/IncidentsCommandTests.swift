import Foundation
import Probes
import ProbesTesting
import Testing

/// `incidentboard incidents` and the incident ids `check` adopts from an agent's history.
@Suite("incidents command (built binary)")
struct IncidentsCommandTests {
    @Test func listsTheAgentsIncidentNamesAWrongIDAndCheckCarriesTheID() async throws {
        let server = try await WatchCommandTests.healthy()
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", WatchCommandTests.config(server))
        let state = scratch.file("state.sqlite")
        server.script("/bureau", .status(503))
        server.script("/loans", .status(503))
        let watch = try RunningBinary(["watch", "--headless", "--format", "json", "--config", config, "--state", state])
        let line = await watch.waitForLine { WatchCommandTests.isEvent($0, "firing", "loans") }
        let id = try #require(line.flatMap(WatchCommandTests.event)?["incident"] as? String, "\(watch.stdoutLines)")
        watch.signal(SIGTERM)
        #expect(await watch.waitForExit(timeout: .seconds(5)) == 0)

        // The outage goes on: the incident is open in the history.
        let listed = try await Binary.run(["incidents", "--config", config, "--state", state])
        #expect(listed.status == 0, "\(listed.stderr)")
        let row = try #require(listed.stdout.split(separator: "\n").first { $0.hasPrefix(id) }, "\(listed.stdout)")
        #expect(row.contains("OPEN down") && row.contains("1 victim"), "\(row)")

        let timeline = try await Binary.run(["incidents", id, "--config", config, "--state", state])
        #expect(timeline.status == 0)
        #expect(timeline.stdout.contains("loans falls with bureau"), "\(timeline.stdout)")
        #expect(timeline.stdout.contains("alert sent: bureau down"), "\(timeline.stdout)")

        let typo = try await Binary.run(["incidents", String(id.dropLast()), "--config", config, "--state", state])
        #expect(typo.status == 3)
        #expect(
            typo.stderr.contains("no such incident") && typo.stderr.contains("did you mean \(id)?"),
            "\(typo.stderr)")

        let report = try await Binary.run(["report", id + "x", "--config", config, "--state", state])
        #expect(report.status == 3 && report.stderr.contains("did you mean \(id)?"), "\(report.stderr)")

        let check = try await Binary.run(["check", "--format", "json", "--config", config, "--state", state])
        #expect(check.status == 2)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
        let incidents = try #require(json["incidents"] as? [[String: Any]])
        #expect(incidents.first { $0["rootCause"] as? String == "bureau" }?["id"] as? String == id, "\(check.stdout)")
        await server.stop()

        // Without a history: no ids, and `incidents` says there is none.
        let fresh = scratch.file("none.sqlite")
        let none = try await Binary.run(["incidents", "--config", config, "--state", fresh])
        #expect(none.status == 3 && none.stderr.contains("no history yet"), "\(none.stderr)")
    }
}
