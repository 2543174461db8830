import Foundation
import GRDB
import Testing

@testable import Probes

@Suite("History store: delivery outbox")
struct OutboxStoreTests {
    typealias TempDir = HistoryStoreTests.TempDir

    static func item(
        _ destination: String, _ id: String, _ text: String,
        standing: OutboxItem.Standing? = nil
    ) -> OutboxItem {
        OutboxItem(destination: destination, deliveryID: id, payload: Data(text.utf8), standing: standing)
    }

    /// A history written by the build before the outbox (schema 2) opens without being moved aside,
    /// keeps its incidents, and gains the outbox (schema 3).
    @Test func aSchemaTwoHistoryOpensAndGainsTheOutbox() throws {
        let dir = try TempDir()
        let path = dir.file("v2.sqlite")
        do {
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
                        CREATE TABLE incidents (id TEXT PRIMARY KEY NOT NULL, root TEXT NOT NULL, onset REAL NOT NULL,
                            closed REAL, record BLOB NOT NULL) WITHOUT ROWID;
                        INSERT INTO minute_aggregates VALUES ('a', 29000000, 5, 6, 5, 5);
                        INSERT INTO incidents VALUES ('2026-12-06-bureau', 'bureau', 1800000000, NULL, x'7B7D');
                        PRAGMA user_version = 2;
                        """)
            }
            try queue.close()
        }
        let store = try HistoryStore(path: path) { Issue.record("a schema 2 history must open: \($0)") }
        #expect(try store.incidentIDs() == ["2026-12-06-bureau"])
        #expect(try store.aggregates(since: .distantPast)["a"]?.first?.availabilityTotal == 6)
        try store.enqueue([Self.item("webhook http://x", "d1", "one")], now: Date())
        #expect(try store.pending(destination: "webhook http://x").map(\.deliveryID) == ["d1"])
        let version = try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "PRAGMA user_version") }
        #expect(version == HistoryStore.schemaVersion && HistoryStore.schemaVersion == 4)
        #expect(dir.contents().allSatisfy { !$0.contains("corrupt") }, "nothing moved aside: \(dir.contents())")
    }

    /// Entries wait in order per destination across a reopen (a crash), count failed attempts, and
    /// leave only when delivered.
    @Test func entriesSurviveAReopenInOrderUntilDelivered() throws {
        let dir = try TempDir()
        let path = dir.file("h.sqlite")
        let t = Date(timeIntervalSince1970: 1_800_000_000)
        do {
            let store = try HistoryStore(path: path) { Issue.record("\($0)") }
            try store.enqueue(
                [
                    Self.item("am", "d1", "fire"), Self.item("hook", "d1", "fire"),
                    Self.item("am", "d2", "resolve"),
                ], now: t)
        }
        let store = try HistoryStore(path: path) { Issue.record("\($0)") }
        let waiting = try store.pending(destination: "am")
        #expect(waiting.map(\.deliveryID) == ["d1", "d2"])
        #expect(waiting.map { String(decoding: $0.payload, as: UTF8.self) } == ["fire", "resolve"])
        #expect(waiting.allSatisfy { $0.created == t && $0.attempts == 0 })
        try store.recordFailedAttempt(waiting.map(\.id))
        try store.recordFailedAttempt([waiting[0].id])
        #expect(try store.pending(destination: "am").map(\.attempts) == [2, 1])
        try store.removeDelivered([waiting[0].id])
        #expect(try store.pending(destination: "am").map(\.deliveryID) == ["d2"])
        #expect(try store.pendingCounts() == ["am": 1, "hook": 1])
    }

    static func fire(_ key: String, _ payload: String, group: String, victim: Bool = false) -> OutboxItem.Standing {
        .fire(key: key, payload: Data(payload.utf8), group: group, dependent: victim)
    }

    /// The reminders of firing alerts follow their events: set by a firing, replaced by a newer
    /// one, gone with the resolved.
    @Test func firingRemindersFollowTheirEvents() throws {
        let dir = try TempDir()
        let store = try HistoryStore(path: dir.file("h.sqlite")) { Issue.record("\($0)") }
        try store.enqueue(
            [
                Self.item("am", "d1", "e1", standing: Self.fire("bureau|down||", "b1", group: "bureau")),
                Self.item("am", "d2", "e2", standing: Self.fire("gift|down||", "g1", group: "gift")),
                Self.item("am", "d3", "e3", standing: Self.fire("bureau|down||", "b2", group: "bureau")),
            ], now: Date())
        #expect(try store.firing(destination: "am").map { String(decoding: $0, as: UTF8.self) } == ["b2", "g1"])
        #expect(try store.firing(destination: "am", key: "gift|down||") == Data("g1".utf8))
        try store.enqueue([Self.item("am", "d4", "e4", standing: .resolve(key: "bureau|down||"))], now: Date())
        #expect(try store.firing(destination: "am").map { String(decoding: $0, as: UTF8.self) } == ["g1"])
        #expect(try store.pending(destination: "am").map(\.deliveryID) == ["d1", "d2", "d3", "d4"])
        #expect(try store.firing(destination: "other").isEmpty)
    }

    /// A root's resolved waits while its victims fire (they must stay muted, as on the board), the
    /// root still reminded as firing; the last victim's resolved releases it, in that order.
    @Test func aRootsResolvedWaitsForItsLastVictim() throws {
        let dir = try TempDir()
        let store = try HistoryStore(path: dir.file("h.sqlite")) { Issue.record("\($0)") }
        try store.enqueue(
            [
                Self.item("am", "f1", "root fires", standing: Self.fire("bureau|down||", "b", group: "bureau")),
                Self.item(
                    "am", "f2", "loans fires", standing: Self.fire("loans|down||", "l", group: "bureau", victim: true)),
                Self.item(
                    "am", "f3", "cards fires", standing: Self.fire("cards|down||", "c", group: "bureau", victim: true)),
                Self.item("am", "r1", "root resolved", standing: .resolve(key: "bureau|down||")),
            ], now: Date())
        func waiting() throws -> [String] { try store.pending(destination: "am").map(\.deliveryID) }
        #expect(try waiting() == ["f1", "f2", "f3"], "the root's resolved is held")
        #expect(try store.firing(destination: "am").count == 3, "the root is still reminded")
        #expect(try store.heldResolvedCounts() == ["am": 1])
        try store.enqueue(
            [Self.item("am", "r2", "loans resolved", standing: .resolve(key: "loans|down||"))], now: Date())
        #expect(try waiting() == ["f1", "f2", "f3", "r2"])
        try store.enqueue(
            [Self.item("am", "r3", "cards resolved", standing: .resolve(key: "cards|down||"))], now: Date())
        #expect(try waiting() == ["f1", "f2", "f3", "r2", "r3", "r1"])
        #expect(try store.firing(destination: "am").isEmpty)
        #expect(try store.heldResolvedCounts().isEmpty)
        let released = try #require(try store.pending(destination: "am").last)
        #expect(String(decoding: released.payload, as: UTF8.self) == "root resolved")
        // The root firing again while held forgets the held resolved.
        try store.enqueue(
            [
                Self.item("am", "f4", "root fires", standing: Self.fire("bureau|down||", "b", group: "bureau")),
                Self.item(
                    "am", "f5", "loans fires", standing: Self.fire("loans|down||", "l", group: "bureau", victim: true)),
                Self.item("am", "r4", "root resolved", standing: .resolve(key: "bureau|down||")),
                Self.item("am", "f6", "root fires again", standing: Self.fire("bureau|down||", "b2", group: "bureau")),
                Self.item("am", "r5", "loans resolved", standing: .resolve(key: "loans|down||")),
            ], now: Date())
        #expect(try waiting().suffix(4) == ["f4", "f5", "f6", "r5"])
        #expect(try store.firing(destination: "am").map { String(decoding: $0, as: UTF8.self) } == ["b2"])
    }
}
