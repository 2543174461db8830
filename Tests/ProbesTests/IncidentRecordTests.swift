import Foundation
import GRDB
import Testing

@testable import Probes

/// Incidents as records, on the Monitor's virtual timeline (bureau ← loans, cards; gift alone):
/// opened when a root is named, victims joining and leaving, every alert stamped with the id,
/// closed when all are back, kept in the history so a restart continues the same incident.
@Suite("Incident records")
struct IncidentRecordTests {
    typealias Timeline = MonitorTests.Timeline

    /// Recovery grace and hysteresis both over.
    static func recover(_ t: inout Timeline) {
        for _ in 0..<4 { t.round(failing: []) }
        t.idle(seconds: 120)
    }

    @Test func anOutageIsOneRecordFromRootToLastVictimAndEveryAlertCarriesItsID() throws {
        var t = try Timeline()
        t.round(failing: [])
        let onset = t.now
        t.round(failing: ["bureau", "loans", "cards"])
        t.round(failing: ["bureau", "loans", "cards"])
        let id = "2027-01-15-bureau"  // MonitorTests.t0 is 2027-01-15 08:00 UTC
        let open = try #require(t.monitor.incidents.open["bureau"])
        #expect(open.id == id)
        #expect(open.onset == onset)
        #expect(open.state == .down)
        #expect(Set(open.victimNames) == ["loans", "cards"])

        Self.recover(&t)
        #expect(t.monitor.incidents.open.isEmpty)
        let alerts = t.events.filter { ["bureau", "loans", "cards"].contains($0.service) }
        #expect(!alerts.isEmpty)
        #expect(alerts.allSatisfy { $0.incident == id }, "\(alerts.map { ($0.service, $0.event, $0.incident) })")
        #expect(t.events.filter { $0.service == "gift" }.isEmpty)

        let closed = try #require(t.monitor.takeBatch().incidents.last)
        #expect(closed.id == id && !closed.isOpen)
        #expect(closed.firstAlert == t.firing("bureau")?.time)
        #expect(closed.alertCounts.sent == 1 && closed.alertCounts.suppressed == 2)
        #expect(closed.victims.allSatisfy { $0.left != nil })
        #expect(closed.alerts.filter { $0.event == .resolved }.count == 3, "the resolutions are in the record too")
        #expect(closed.states.last?.state == .recovered)
    }

    @Test func aServiceWithUpstreamsFailingOnItsOwnCarriesItsIncidentFromItsFirstAlert() throws {
        var t = try Timeline()
        t.round(failing: [])
        for _ in 0..<3 { t.round(failing: ["loans"]) }
        t.idle(seconds: 10)
        let alert = try #require(t.firing("loans"))
        #expect(alert.rootCause == "loans" && !alert.suppressed)
        #expect(alert.incident == "2027-01-15-loans", "its incident opens with its first alert, not after it")
        #expect(t.monitor.incidents.open["loans"]?.firstAlert == alert.time)
    }

    @Test func theSameRootTwiceInADayGetsTwoIDs() throws {
        var t = try Timeline()
        t.round(failing: [])
        for _ in 0..<2 { t.round(failing: ["gift"]) }
        Self.recover(&t)
        for _ in 0..<2 { t.round(failing: ["gift"]) }
        #expect(t.monitor.incidents.open["gift"]?.id == "2027-01-15-gift-2")
        let firings = t.events.filter { $0.service == "gift" && $0.event == .firing }.compactMap(\.incident)
        #expect(firings == ["2027-01-15-gift", "2027-01-15-gift-2"])
    }

    @Test func anInferredRootBecomesAnIncidentOnlyOnceItsInferenceHeld() throws {
        var t = try Timeline()
        t.round(failing: [])
        t.round(failing: ["pay", "shop"])
        #expect(t.monitor.snapshot(now: t.now).service(named: "hub")?.role == .inferredRootCause)
        #expect(t.monitor.incidents.open.isEmpty, "one round of failing dependents is no incident yet")
        t.round(failing: ["pay", "shop"])
        t.idle(seconds: 5)
        let hub = try #require(t.firing("hub"))
        let record = try #require(t.monitor.incidents.open["hub"])
        #expect(record.inferred && record.state == .inferred)
        #expect(hub.incident == record.id)
        #expect(Set(record.victimNames) == ["pay", "shop"])
    }

    @Test func aRestartInTheMiddleContinuesTheSameIncident() throws {
        let dir = try HistoryStoreTests.TempDir()
        let store = try HistoryStore(path: dir.file("h.sqlite")) { Issue.record("unexpected warning: \($0)") }
        var t = try Timeline()
        t.round(failing: [])
        t.round(failing: ["bureau", "loans"])
        t.round(failing: ["bureau", "loans"])
        let id = try #require(t.monitor.incidents.open["bureau"]?.id)
        try store.write(t.monitor.takeBatch())

        // A new process: the same history, the outage still on, cards falling now.
        var restarted = t
        restarted.monitor = Monitor(config: try MonitorTests.config())
        restarted.events = try restarted.monitor.restore(from: store, now: t.now)
        restarted.round(failing: ["bureau", "loans", "cards"])
        restarted.round(failing: ["bureau", "loans", "cards"])
        let record = try #require(restarted.monitor.incidents.open["bureau"])
        #expect(record.id == id, "the same incident, not a new one")
        #expect(Set(record.victimNames) == ["loans", "cards"])
        let cards = try #require(restarted.firing("cards"))
        #expect(cards.incident == id)

        Self.recover(&restarted)
        try store.write(restarted.monitor.takeBatch())
        let stored = try store.incidents(since: .distantPast)
        #expect(stored.map(\.id) == [id])
        #expect(stored.first?.closed != nil)
        #expect(try store.incidentIDs() == [id])
    }

    @Test func aHistoryOfTheFirstSchemaIsMigratedWithItsCounts() throws {
        let dir = try HistoryStoreTests.TempDir()
        let path = dir.file("old.sqlite")
        do {
            // Schema 1, as the first release wrote it.
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE minute_aggregates (service TEXT NOT NULL, minute INTEGER NOT NULL,
                            availability_good INTEGER NOT NULL, availability_total INTEGER NOT NULL,
                            latency_good INTEGER NOT NULL, latency_total INTEGER NOT NULL,
                            PRIMARY KEY (service, minute)) WITHOUT ROWID;
                        CREATE TABLE raw_results (id INTEGER PRIMARY KEY AUTOINCREMENT, service TEXT NOT NULL,
                            started_at REAL NOT NULL, status TEXT NOT NULL, latency_ms REAL NOT NULL, error TEXT,
                            failure TEXT, http_status INTEGER);
                        CREATE TABLE alert_states (key TEXT PRIMARY KEY NOT NULL, payload BLOB NOT NULL);
                        CREATE TABLE history_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                        INSERT INTO minute_aggregates VALUES ('bureau', 28800000, 9, 10, 8, 9);
                        PRAGMA user_version = 1;
                        """)
            }
        }
        let store = try HistoryStore(path: path) { Issue.record("unexpected warning: \($0)") }
        #expect(
            try store.aggregates(since: .distantPast)["bureau"] == [
                MinuteAggregate(
                    minute: 28_800_000, availabilityGood: 9, availabilityTotal: 10, latencyGood: 8,
                    latencyTotal: 9)
            ])
        #expect(try store.incidents(since: .distantPast).isEmpty)
        var batch = HistoryBatch()
        batch.incidents = [
            IncidentRecord(
                id: "2027-01-15-bureau", root: "bureau", inferred: false, onset: MonitorTests.t0,
                states: [.init(time: MonitorTests.t0, state: .slow)], victims: [], alerts: [])
        ]
        try store.write(batch)
        #expect(try store.incidents(since: .distantPast).map(\.id) == ["2027-01-15-bureau"])
    }

    @Test func theJSONLineCarriesTheIncidentOrNull() {
        var event = AlertEvent(
            time: MonitorTests.t0, event: .firing, alert: .down, service: "gift",
            severity: .critical, summary: "gift down", rootCause: "gift")
        #expect(event.jsonLine().contains("\"incident\":null"))
        event.incident = "2027-01-15-gift"
        #expect(event.jsonLine().contains("\"suppressed\":false,\"incident\":\"2027-01-15-gift\","))
        #expect(event.textLine(timeZone: TimeZone(identifier: "UTC")!).hasSuffix(" {2027-01-15-gift}"))
    }
}
