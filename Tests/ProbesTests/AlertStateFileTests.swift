import Foundation
import GRDB
import Testing

@testable import Probes

/// The alert states outlive a kill -9 while the disk is full: they are kept a second time in a
/// file whose space was reserved when it was made (`<history>.alerts`), rewritten in place.
@Suite("Alert states beside the history")
struct AlertStateFileTests {
    typealias TempDir = HistoryStoreTests.TempDir
    typealias Timeline = MonitorTests.Timeline

    /// Lets the store's SQLite file grow no further: SQLite's own "database or disk is full".
    static func fill(_ store: HistoryStore) throws {
        let pages = try store.queue.read { try Int.fetchOne($0, sql: "PRAGMA page_count") } ?? 1
        try store.queue.inDatabase { try $0.execute(sql: "PRAGMA max_page_count = \(pages)") }
    }

    /// Whether the bureau's down alert is firing, as told.
    static func downFiring(_ monitor: inout Monitor, now: Date) -> Bool {
        monitor.snapshot(now: now).firing.contains { $0.service == "bureau" && $0.alert == .down }
    }

    @Test func anAlertThatResolvedWhileTheDiskWasFullIsNotFiringAfterAKill() throws {
        let dir = try TempDir()
        let path = dir.file("state.sqlite")
        var t = try Timeline()
        do {
            let store = try HistoryStore(path: path) { Issue.record("unexpected warning: \($0)") }
            var backlog = HistoryBacklog()
            for _ in 0..<20 { t.round(failing: []) }
            for _ in 0..<8 { t.round(failing: ["bureau"]) }
            #expect(backlog.write(t.monitor.takeBatch(), to: store).isEmpty)
            #expect(t.events.contains { $0.service == "bureau" && $0.alert == .down && $0.event == .firing })
            #expect(try HistoryStore(path: path) { _ in }.alertStates().isEmpty == false)

            // The disk fills; the bureau recovers and its resolve is told, but the history
            // cannot take it. Then the agent is killed: the backlog dies with it.
            try Self.fill(store)
            var notices: [String] = []
            var rounds = 0
            while !backlog.isFailing && rounds < 2000 {
                t.round(failing: ["bureau"])
                notices += backlog.write(t.monitor.takeBatch(), to: store)
                rounds += 1
            }
            #expect(backlog.isFailing, "the history stops taking writes while the bureau is still down")
            t.events = []
            for _ in 0..<20 {
                t.round(failing: [])
                notices += backlog.write(t.monitor.takeBatch(), to: store)
            }
            #expect(t.events.contains { $0.service == "bureau" && $0.alert == .down && $0.event == .resolved })
            #expect(backlog.isFailing, "the disk is full: \(notices)")
            #expect(notices.contains { $0.contains("(disk full)") })
            #expect(!Self.downFiring(&t.monitor, now: t.now))
        }

        // The next agent knows the resolve was told: nothing fires, and the next failure pages again.
        let reopened = try HistoryStore(path: path) { Issue.record("unexpected warning: \($0)") }
        var restarted = Monitor(config: try MonitorTests.config())
        let events = try restarted.restore(from: reopened, now: t.now)
        #expect(events.isEmpty)
        #expect(!Self.downFiring(&restarted, now: t.now), "the resolve told before the kill is remembered")
        t.monitor = restarted
        t.events = []
        for _ in 0..<8 { t.round(failing: ["bureau"]) }
        #expect(
            t.events.contains { $0.service == "bureau" && $0.alert == .down && $0.event == .firing },
            "a new failure pages: \(t.events.map { "\($0.service) \($0.alert) \($0.event)" })")
    }

    @Test func aTornSlotLeavesThePreviousStates() throws {
        let dir = try TempDir()
        let file = AlertStateFile(path: dir.file("a.alerts"))
        #expect(file.write(.init(instance: "h", sequence: 1, states: ["k": Data("one".utf8)])) == nil)
        #expect(file.write(.init(instance: "h", sequence: 2, states: ["k": Data("two".utf8)])) == nil)
        #expect(AlertStateFile.read(path: file.path)?.states == ["k": Data("two".utf8)])
        // A kill in the middle of writing slot 0 (sequence 2): a few of its bytes changed.
        let handle = try #require(FileHandle(forUpdatingAtPath: file.path))
        try handle.seek(toOffset: 30)
        try handle.write(contentsOf: Data("garbage".utf8))
        try handle.close()
        let read = try #require(AlertStateFile.read(path: file.path))
        #expect(read.sequence == 1 && read.states == ["k": Data("one".utf8)])
        let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int
        #expect(size == 2 * AlertStateFile.minimumSlot, "the space is reserved when the file is made")
    }

    @Test func statesLargerThanASlotGrowTheFile() throws {
        let dir = try TempDir()
        let file = AlertStateFile(path: dir.file("a.alerts"))
        #expect(file.write(.init(instance: "h", sequence: 1, states: ["k": Data("small".utf8)])) == nil)
        let large = Data(repeating: 0x41, count: 3 * AlertStateFile.minimumSlot)
        #expect(file.write(.init(instance: "h", sequence: 2, states: ["k": large])) == nil)
        #expect(AlertStateFile.read(path: file.path)?.states["k"] == large)
        #expect(file.write(.init(instance: "h", sequence: 3, states: ["k": Data("small again".utf8)])) == nil)
        #expect(AlertStateFile.read(path: file.path)?.sequence == 3)
    }

    @Test func theFileOfAnotherHistoryIsIgnored() throws {
        let dir = try TempDir()
        let path = dir.file("state.sqlite")
        do {
            let store = try HistoryStore(path: path) { Issue.record("unexpected warning: \($0)") }
            var batch = HistoryBatch()
            batch.alertStates["k"] = Data("old".utf8)
            try store.write(batch)
        }
        #expect(FileManager.default.fileExists(atPath: path + ".alerts"))
        // The history is deleted (its alert-state file left behind) and a new one starts.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let fresh = try HistoryStore(path: path) { Issue.record("unexpected warning: \($0)") }
        #expect(try fresh.alertStates().isEmpty)
    }

    @Test func theHistoryWinsWhenTheFileIsOlder() throws {
        let dir = try TempDir()
        let path = dir.file("state.sqlite")
        let store = try HistoryStore(path: path) { Issue.record("unexpected warning: \($0)") }
        var batch = HistoryBatch()
        batch.alertStates["k"] = Data("first".utf8)
        try store.write(batch)
        // The file cannot be written any more (here: something else took its name); the history can.
        try FileManager.default.removeItem(atPath: path + ".alerts")
        try FileManager.default.createDirectory(atPath: path + ".alerts", withIntermediateDirectories: false)
        var backlog = HistoryBacklog()
        var notices: [String] = []
        for payload in ["second", "third"] {
            var next = HistoryBatch()
            next.alertStates["k"] = Data(payload.utf8)
            notices += backlog.write(next, to: store)
        }
        #expect(notices.count == 1, "reported once: \(notices)")
        #expect(notices.first?.contains("state.sqlite.alerts") == true, "\(notices)")
        #expect(try HistoryStore(path: path) { _ in }.alertStates() == ["k": Data("third".utf8)])
    }
}
