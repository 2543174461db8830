import Foundation
import GRDB
import Synchronization
import Testing

@testable import Probes

/// A history that cannot be written (disk full, read-only, I/O error) loses nothing within the
/// bound: the batches wait in memory, merged, and are written once the disk takes writes again;
/// each kind of failure is reported once, and what falls past the bound is counted.
@Suite("History under a failing disk")
struct HistoryBacklogTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// One batch a second for `seconds`, of services a and b probed every second (a fails every 7th).
    static func batches(from start: Int = 0, seconds: Int) -> [HistoryBatch] {
        (start..<(start + seconds)).map { second in
            var batch = HistoryBatch()
            for service in ["a", "b"] {
                let down = service == "a" && second % 7 == 0
                batch.add(
                    ProbeResult(
                        service: service, startedAt: t0.addingTimeInterval(Double(second)),
                        status: down ? .down : .up, latency: .milliseconds(down ? 2000 : 40),
                        failure: down ? .timeout : nil),
                    latencyThreshold: .milliseconds(500))
            }
            return batch
        }
    }

    static func total(_ aggregates: [String: [MinuteAggregate]]) -> (probes: Int64, good: Int64) {
        aggregates.values.flatMap { $0 }.reduce((0, 0)) { ($0.0 + $1.availabilityTotal, $0.1 + $1.availabilityGood) }
    }

    /// Fails with the scripted kinds, in order, then writes to the real store.
    final class FlakyWriter: HistoryWriter, Sendable {
        let store: HistoryStore
        let failures: Mutex<[HistoryError.Kind]>
        init(store: HistoryStore, failures: [HistoryError.Kind]) {
            self.store = store
            self.failures = Mutex(failures)
        }
        func write(_ batch: HistoryBatch) throws(HistoryError) {
            if let kind = failures.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                throw HistoryError("state.sqlite: cannot write history", kind: kind)
            }
            try store.write(batch)
        }
    }

    @Test func batchesThatFailedAreWrittenWhenTheDiskRecoversAndEachKindIsReportedOnce() throws {
        let dir = try HistoryStoreTests.TempDir()
        let store = try HistoryStore(path: dir.file("h.sqlite")) { Issue.record("unexpected warning: \($0)") }
        let writer = FlakyWriter(store: store, failures: [.diskFull, .diskFull, .readOnly, .diskFull, .ioError])
        var backlog = HistoryBacklog()
        var notices: [String] = []
        let batches = Self.batches(seconds: 120)
        for batch in batches { notices += backlog.write(batch, to: writer) }
        #expect(notices.count == 4, "\(notices)")
        #expect(
            notices[0].contains("(disk full)") && notices[1].contains("(read-only)")
                && notices[2].contains("(I/O error)"))
        #expect(notices[3].hasPrefix("history written again after 5 failed writes"))
        #expect(!backlog.isFailing)
        let stored = try store.aggregates(since: Self.t0.addingTimeInterval(-60))
        #expect(Self.total(stored).probes == 240, "every probe counted once")
        #expect(Self.total(stored).good == 240 - 18, "a fails every 7th second: 18 of 120")
        #expect(try store.recentResults(service: "a").count == 120)
    }

    @Test func pastTheBoundTheOldestMinutesAreDroppedAndCounted() throws {
        let dir = try HistoryStoreTests.TempDir()
        let store = try HistoryStore(path: dir.file("h.sqlite")) { Issue.record("unexpected warning: \($0)") }
        // Failing for 190 minutes, a batch a minute of a minute's probes.
        let minutes = HistoryBacklog.minutesKept + 10
        let writer = FlakyWriter(store: store, failures: Array(repeating: .diskFull, count: minutes))
        var backlog = HistoryBacklog()
        var notices: [String] = []
        for minute in 0..<minutes {
            var merged = HistoryBatch()
            for batch in Self.batches(from: minute * 60, seconds: 60) { merged.merge(batch) }
            notices += backlog.write(merged, to: writer)
        }
        #expect(backlog.isFailing)
        #expect(backlog.pending.aggregates["a"]?.count == HistoryBacklog.minutesKept)
        #expect(backlog.droppedProbes == 10 * 60 * 2, "ten minutes of two services")
        notices += backlog.write(nil, to: writer)
        #expect(notices.count == 2)
        #expect(notices[1].contains("1200 probe results older than 3 h were dropped"), "\(notices[1])")
        let stored = try store.aggregates(since: Self.t0.addingTimeInterval(-60))
        #expect(stored["a"]?.count == HistoryBacklog.minutesKept)
        #expect(Self.total(stored).probes == Int64(HistoryBacklog.minutesKept * 60 * 2))
    }

    @Test func aRealSQLiteDiskFullIsClassifiedAndRecoversWhenSpaceReturns() throws {
        let dir = try HistoryStoreTests.TempDir()
        let store = try HistoryStore(path: dir.file("h.sqlite")) { Issue.record("unexpected warning: \($0)") }
        // SQLite's own "database or disk is full": the file may not grow past its current pages.
        let pages = try store.queue.read { try Int.fetchOne($0, sql: "PRAGMA page_count") } ?? 1
        try store.queue.inDatabase { try $0.execute(sql: "PRAGMA max_page_count = \(pages)") }
        var backlog = HistoryBacklog()
        var notices: [String] = []
        let batches = Self.batches(seconds: 300)
        for batch in batches.prefix(200) { notices += backlog.write(batch, to: store) }
        #expect(notices.count == 1)
        #expect(notices.first?.contains("(disk full)") == true, "\(notices)")
        try store.queue.inDatabase { try $0.execute(sql: "PRAGMA max_page_count = 1073741823") }
        for batch in batches.dropFirst(200) { notices += backlog.write(batch, to: store) }
        #expect(notices.count == 2 && notices[1].hasPrefix("history written again"))
        #expect(Self.total(try store.aggregates(since: Self.t0.addingTimeInterval(-60))).probes == 600)
    }

    @Test func mergingKeepsTheLatestAlertStatesAndIncidentsAndTheLastResultsPerService() {
        var first = HistoryBatch()
        first.alertStates["x"] = Data("1".utf8)
        first.removedAlertStates.insert("y")
        var later = HistoryBatch()
        later.alertStates["y"] = Data("2".utf8)
        later.removedAlertStates.insert("x")
        first.merge(later)
        #expect(first.alertStates == ["y": Data("2".utf8)])
        #expect(first.removedAlertStates == ["x"])
        var many = HistoryBatch()
        for batch in Self.batches(seconds: HistoryStore.rawResultsKept + 20) { many.merge(batch) }
        #expect(many.results.filter { $0.service == "a" }.count == HistoryStore.rawResultsKept)
        #expect(many.results.last?.startedAt == Self.t0.addingTimeInterval(Double(HistoryStore.rawResultsKept + 19)))
    }
}
