import Foundation
import Testing

@testable import Probes

@Suite("History store")
struct HistoryStoreTests {
    /// A fresh directory per test, removed afterwards.
    final class TempDir {
        let path: String
        init() throws {
            path = NSTemporaryDirectory() + "incidentboard-store-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func file(_ name: String) -> String { path + "/" + name }
        func contents() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
    }

    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func result(
        _ service: String, at seconds: Double, _ status: ProbeStatus = .up,
        ms: Int64 = 100
    ) -> ProbeResult {
        ProbeResult(
            service: service, startedAt: t0.addingTimeInterval(seconds), status: status,
            latency: .milliseconds(ms), error: status == .up ? nil : "HTTP 503",
            failure: status == .up ? nil : .condition, httpStatus: status == .up ? 200 : 503)
    }

    @Test func aggregatesAddUpAcrossBatchesAndReopen() throws {
        let dir = try TempDir()
        let path = dir.file("h.sqlite")
        do {
            let store = try HistoryStore(path: path) { Issue.record("unexpected warning: \($0)") }
            var first = HistoryBatch()
            first.add(Self.result("a", at: 1), latencyThreshold: .milliseconds(500))
            first.add(Self.result("a", at: 2, .down), latencyThreshold: .milliseconds(500))
            first.add(Self.result("a", at: 3, .up, ms: 900), latencyThreshold: .milliseconds(500))
            try store.write(first)
            var second = HistoryBatch()
            second.add(Self.result("a", at: 4), latencyThreshold: .milliseconds(500))
            second.add(Self.result("a", at: 70), latencyThreshold: .milliseconds(500))
            second.add(Self.result("b", at: 5, .degraded), latencyThreshold: .milliseconds(500))
            try store.write(second)
        }
        let reopened = try HistoryStore(path: path) { Issue.record("unexpected warning: \($0)") }
        let all = try reopened.aggregates(since: Self.t0.addingTimeInterval(-3600))
        let minute = MinuteAggregate.minute(of: Self.t0)
        #expect(
            all["a"] == [
                MinuteAggregate(
                    minute: minute, availabilityGood: 3, availabilityTotal: 4, latencyGood: 2, latencyTotal: 3),
                MinuteAggregate(
                    minute: minute + 1, availabilityGood: 1, availabilityTotal: 1, latencyGood: 1,
                    latencyTotal: 1),
            ])
        #expect(all["b"]?.first?.availabilityGood == 1)
        let recent = try reopened.recentResults(service: "a")
        #expect(recent.map(\.startedAt) == [1, 2, 3, 4, 70].map { Self.t0.addingTimeInterval($0) })
        #expect(recent[1].status == .down && recent[1].error == "HTTP 503" && recent[1].httpStatus == 503)
        #expect(recent[2].latency == .milliseconds(900))
    }

    @Test func keepsOnlyTheLastRawResultsPerService() throws {
        let dir = try TempDir()
        let store = try HistoryStore(path: dir.file("h.sqlite")) { _ in }
        for chunk in 0..<6 {
            var batch = HistoryBatch()
            for i in 0..<100 {
                batch.add(Self.result("a", at: Double(chunk * 100 + i)), latencyThreshold: .seconds(1))
            }
            batch.add(Self.result("b", at: Double(chunk)), latencyThreshold: .seconds(1))
            try store.write(batch)
        }
        let a = try store.recentResults(service: "a", limit: 1000)
        #expect(a.count == HistoryStore.rawResultsKept)
        #expect(a.last?.startedAt == Self.t0.addingTimeInterval(599))
        #expect(try store.recentResults(service: "b").count == 6)
        // Aggregates keep every result even though raw ones are pruned.
        let total = try store.aggregates(since: Self.t0.addingTimeInterval(-60))["a"]?
            .reduce(0) { $0 + $1.availabilityTotal }
        #expect(total == 600)
    }

    @Test func rawResultsAreTrimmedInStepsAndNeverExceedTheBoundByMoreThanAStep() throws {
        let dir = try TempDir()
        let store = try HistoryStore(path: dir.file("h.sqlite")) { _ in }
        var most = 0
        for second in 0..<1200 {
            var batch = HistoryBatch()
            batch.add(Self.result("a", at: Double(second)), latencyThreshold: .seconds(1))
            try store.write(batch)
            let rows =
                try store.queue.read {
                    try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM raw_results WHERE service = 'a'")
                } ?? 0
            most = max(most, rows)
        }
        #expect(most == HistoryStore.rawResultsKept + HistoryStore.trimEvery - 1)
        let a = try store.recentResults(service: "a")
        #expect(a.count == HistoryStore.rawResultsKept)
        #expect(a.last?.startedAt == Self.t0.addingTimeInterval(1199))
        #expect(a.first?.startedAt == Self.t0.addingTimeInterval(Double(1200 - HistoryStore.rawResultsKept)))
    }

    @Test func alertStatesUpsertAndDelete() throws {
        let dir = try TempDir()
        let store = try HistoryStore(path: dir.file("h.sqlite")) { _ in }
        var batch = HistoryBatch()
        batch.alertStates = ["a/down": Data("one".utf8), "b/down": Data("two".utf8)]
        try store.write(batch)
        var next = HistoryBatch()
        next.alertStates = ["a/down": Data("three".utf8)]
        next.removedAlertStates = ["b/down"]
        try store.write(next)
        #expect(try store.alertStates() == ["a/down": Data("three".utf8)])
    }

    @Test func pruneDropsAggregatesPastTheWindow() throws {
        let dir = try TempDir()
        let store = try HistoryStore(path: dir.file("h.sqlite")) { _ in }
        var batch = HistoryBatch()
        batch.add(Self.result("a", at: 0), latencyThreshold: .seconds(1))
        batch.add(Self.result("a", at: 7200), latencyThreshold: .seconds(1))
        try store.write(batch)
        try store.prune(before: Self.t0.addingTimeInterval(3600))
        #expect(try store.aggregates(since: .distantPast)["a"]?.count == 1)
    }

    enum Damage: String, CaseIterable {
        case garbage, truncated, newerSchema, empty, missingTable
    }

    @Test(arguments: Damage.allCases)
    func unusableFilesAreMovedAsideNeverOverwritten(_ damage: Damage) throws {
        let dir = try TempDir()
        let path = dir.file("h.sqlite")
        do {
            let store = try HistoryStore(path: path) { _ in }
            var batch = HistoryBatch()
            for i in 0..<2000 {
                batch.add(Self.result("svc-\(i % 20)", at: Double(i * 60)), latencyThreshold: .seconds(1))
            }
            try store.write(batch)
            store.checkpoint()
        }
        switch damage {
        case .garbage:
            try Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }).write(to: URL(fileURLWithPath: path))
        case .truncated:
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(data.count > 8192)
            try data.prefix(data.count / 2 + 100).write(to: URL(fileURLWithPath: path))
        case .newerSchema:
            let queue = try GRDBTestAccess.queue(path)
            try queue.write { db in try db.execute(sql: "PRAGMA user_version = 99") }
            try queue.close()
        case .empty:
            try Data().write(to: URL(fileURLWithPath: path))
        case .missingTable:
            let queue = try GRDBTestAccess.queue(path)
            try queue.write { db in try db.execute(sql: "DROP TABLE alert_states") }
            try queue.close()
        }
        let damaged = try Data(contentsOf: URL(fileURLWithPath: path))
        var warnings: [String] = []
        let store = try HistoryStore(path: path, now: Self.t0) { warnings.append($0) }
        if damage == .empty {
            // An empty file is a database with nothing in it yet: nothing to save.
            #expect(warnings.isEmpty)
            return
        }
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.hasPrefix("incidentboard: \(path): "))
        #expect(warning.contains("moved aside to \(path).corrupt-"))
        if damage == .newerSchema { #expect(warning.contains("newer")) }
        let aside = try #require(dir.contents().first { $0.hasPrefix("h.sqlite.corrupt-") && !$0.hasSuffix("-wal") })
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file(aside))) == damaged)
        // The new file works.
        var batch = HistoryBatch()
        batch.add(Self.result("a", at: 0), latencyThreshold: .seconds(1))
        try store.write(batch)
        #expect(try store.aggregates(since: .distantPast)["a"]?.count == 1)
    }

    @Test func secondMoveAsideDoesNotClobberTheFirst() throws {
        let dir = try TempDir()
        let path = dir.file("h.sqlite")
        for round in 0..<2 {
            try Data("not a database, round \(round) of garbage text........".utf8).write(
                to: URL(fileURLWithPath: path))
            _ = try HistoryStore(path: path, now: Self.t0) { _ in }
        }
        let aside = dir.contents().filter { $0.contains(".corrupt-") }
        #expect(aside.count == 2)
    }

    @Test func unwritableLocationIsAClearError() {
        #expect(throws: HistoryError.self) {
            _ = try HistoryStore(path: "/proc/incidentboard-cannot-exist/h.sqlite") { _ in }
        }
    }

    @Test func defaultPathFollowsXDG() {
        let conf = HistoryStore.defaultPath(
            forConfig: "conf/probes.json", environment: ["XDG_STATE_HOME": "/x/state"],
            currentDirectory: "/srv")
        #expect(conf == "/x/state/incidentboard/probes-\(HistoryStore.shortHash("/srv/conf/probes.json")).sqlite")
        #expect(
            HistoryStore.defaultPath(forConfig: "estate.json", environment: ["HOME": "/home/u"], currentDirectory: "/w")
                .hasPrefix("/home/u/.local/state/incidentboard/estate-"))
        // A relative XDG_STATE_HOME is invalid per the spec and ignored.
        #expect(
            HistoryStore.defaultPath(forConfig: "p.json", environment: ["XDG_STATE_HOME": "rel", "HOME": "/h"])
                .hasPrefix("/h/.local/state/incidentboard/p-"))
        #expect(
            HistoryStore.legacyDefaultPath(forConfig: "conf/probes.json", environment: ["XDG_STATE_HOME": "/x/state"])
                == "/x/state/incidentboard/probes.sqlite")
    }

    @Test func configsOfTheSameNameInDifferentFoldersGetDifferentHistories() {
        let env = ["XDG_STATE_HOME": "/x/state"]
        let a = HistoryStore.defaultPath(forConfig: "/srv/a/probes.json", environment: env)
        let b = HistoryStore.defaultPath(forConfig: "/srv/b/probes.json", environment: env)
        #expect(a != b)
        #expect(
            a.range(of: #"^/x/state/incidentboard/probes-[0-9a-f]{8}\.sqlite$"#, options: .regularExpression) != nil,
            "\(a)")
        // Every spelling of one file is one history.
        #expect(
            HistoryStore.defaultPath(forConfig: "b/../a/./probes.json", environment: env, currentDirectory: "/srv") == a
        )
        #expect(
            HistoryStore.configIdentity(forConfig: "probes.json", currentDirectory: "/srv/a") == "/srv/a/probes.json")
        // Stable across runs: the hash is of the path, not of the process.
        #expect(HistoryStore.shortHash("/srv/a/probes.json") == HistoryStore.shortHash("/srv/a/probes.json"))
        #expect(HistoryStore.shortHash("") == "cbf29ce4")
    }

    @Test func aHistoryUnderTheOldNameIsRenamedOnce() throws {
        let dir = try TempDir()
        let env = ["XDG_STATE_HOME": dir.path]
        let config = "/srv/estate/probes.json"
        let legacy = HistoryStore.legacyDefaultPath(forConfig: config, environment: env)
        do {
            let store = try HistoryStore(path: legacy) { _ in }
            var batch = HistoryBatch()
            batch.add(Self.result("a", at: 0), latencyThreshold: .seconds(1))
            try store.write(batch)
            store.checkpoint()
        }
        let note = try #require(HistoryStore.adoptLegacyHistory(forConfig: config, environment: env))
        let target = HistoryStore.defaultPath(forConfig: config, environment: env)
        #expect(note == "incidentboard: \(legacy): renamed to \(target) (histories are now kept per config path)")
        #expect(!FileManager.default.fileExists(atPath: legacy))
        let reopened = try HistoryStore(path: target) { Issue.record("unexpected warning: \($0)") }
        #expect(try reopened.aggregates(since: .distantPast)["a"]?.count == 1)
        // Once: a file under the old name that appears later is left alone, the new one kept.
        try Data().write(to: URL(fileURLWithPath: legacy))
        #expect(HistoryStore.adoptLegacyHistory(forConfig: config, environment: env) == nil)
        #expect(FileManager.default.fileExists(atPath: legacy))
        #expect(try reopened.aggregates(since: .distantPast)["a"]?.count == 1)
    }

    @Test func aHistoryRecordsTheConfigItWasWrittenFor() throws {
        let dir = try TempDir()
        let path = dir.file("h.sqlite")
        do {
            let store = try HistoryStore(path: path) { _ in }
            #expect(try store.recordedConfig() == nil)
            #expect(try store.claim(config: "/srv/a/probes.json") == nil)
            #expect(try store.claim(config: "/srv/a/probes.json") == nil)
        }
        let reopened = try HistoryStore(path: path) { _ in }
        #expect(try reopened.recordedConfig() == "/srv/a/probes.json")
        // Another config is told whose history it is, and does not take it over.
        #expect(try reopened.claim(config: "/srv/b/probes.json") == "/srv/a/probes.json")
        #expect(try reopened.recordedConfig() == "/srv/a/probes.json")
    }
}
