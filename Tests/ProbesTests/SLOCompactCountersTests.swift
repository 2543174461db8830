import Foundation
import GRDB
import Testing

@testable import Probes

private let hour: Int64 = 3600
private let day: Int64 = 86_400
/// On every bucket edge (a multiple of 1 h).
private let t0: Int64 = 1_800_000_000

@Suite("SLO counters: one ring of 5-, 10- and 13-bit counters for both SLIs")
struct SLOCompactCountersTests {
    // MARK: The overflow boundaries of the packed buckets

    @Test("an hour bucket past 8,191 probes saturates at the limit instead of wrapping")
    func hourBucketSaturates() {
        let layout = SLILayout(sloWindow: .seconds(28 * day))
        var narrow = RollingSLI(layout: layout)
        var wide = RollingSLI(layout: SLILayout(sloWindow: .seconds(28 * day), wideCounters: true))
        // 3 probes a second for an hour: 10,800, of which every 100th failed.
        for s in 0..<hour {
            for i in 0..<3 {
                let good = (s * 3 + Int64(i)) % 100 != 0
                narrow.record(good: good, at: t0 + s)
                wide.record(good: good, at: t0 + s)
            }
        }
        // The 10-second and 5-minute tiers (30 and 900 a bucket) stay under their limits: the 1 h
        // and 1 d windows are exact.
        #expect(narrow.counts(overSeconds: hour, now: t0 + hour).total == 10_800)
        let now = t0 + 2 * hour
        #expect(narrow.counts(overSeconds: day, now: now).total == 10_800)
        #expect(narrow.counts(overSeconds: day, now: now).good == 10_800 - 108)
        // The hour closed; the 3-day window reads the coarse tier's bucket for it.
        let wideCounts = wide.counts(overSeconds: 3 * day, now: now)
        #expect(wideCounts.total == 10_800)
        #expect(wideCounts.good == 10_800 - 108)
        let narrowCounts = narrow.counts(overSeconds: 3 * day, now: now)
        #expect(narrowCounts.total == Double(BucketRing.coarseLimit))
        #expect(narrowCounts.total == 8191)
        #expect(narrowCounts.good == 8191 - 108)
        // The saturated bucket leaves the running sum exactly as it entered it.
        #expect(narrow.counts(overSeconds: 3 * day, now: t0 + 4 * day).total == 0)
        #expect(narrow.counts(overSeconds: 28 * day, now: t0 + 30 * day).total == 0)
    }

    @Test("a 5 min bucket past 1,023 probes saturates at the limit instead of wrapping")
    func fiveMinuteBucketSaturates() {
        var narrow = RollingSLI(layout: SLILayout(sloWindow: .seconds(28 * day)))
        var wide = RollingSLI(layout: SLILayout(sloWindow: .seconds(28 * day), wideCounters: true))
        // 1,200 probes in the first 5 minutes (4 a second), every 10th failed, every 3rd slow.
        for i in 0..<1200 {
            let t = t0 + Int64(i / 4)
            narrow.record(available: i % 10 != 0, slow: i % 3 == 0, at: t)
            wide.record(available: i % 10 != 0, slow: i % 3 == 0, at: t)
        }
        let now = t0 + 2 * hour
        // The 1-day window reads the 5-minute tier, where the closed bucket kept 1,023 of 1,200.
        #expect(wide.counts(overSeconds: day, now: now).total == 1200)
        let counts = narrow.counts(overSeconds: day, now: now)
        #expect(counts.total == Double(BucketRing.mediumLimit))
        #expect(counts.total == 1023)
        #expect(counts.good == 1023 - 120)
        // The 1 h tier holds the whole bucket (1,200 of 8,191), and the sums let it go exactly.
        #expect(narrow.counts(overSeconds: 3 * day, now: now).total == 1200)
        #expect(narrow.counts(overSeconds: day, now: t0 + 2 * day).total == 0)
    }

    @Test("a 10 s bucket past 31 probes saturates at the limit instead of wrapping")
    func tenSecondBucketSaturates() {
        var narrow = RollingSLI(layout: SLILayout(sloWindow: .seconds(28 * day)))
        var wide = RollingSLI(layout: SLILayout(sloWindow: .seconds(28 * day), wideCounters: true))
        // 40 probes in one 10 s bucket: 4 failed, 12 of the others slow.
        for i in 0..<40 {
            narrow.record(available: i % 10 != 0, slow: i % 3 == 0, at: t0 + Int64(i % 10))
            wide.record(available: i % 10 != 0, slow: i % 3 == 0, at: t0 + Int64(i % 10))
        }
        // The 5-minute window reads the 10 s tier, where the closed bucket kept 31 of 40.
        #expect(wide.counts(overSeconds: 300, now: t0 + 20).total == 40)
        #expect(wide.counts(overSeconds: 300, now: t0 + 20, sli: .latency).good == 36 - 12)
        let counts = narrow.counts(overSeconds: 300, now: t0 + 20)
        #expect(counts.total == Double(BucketRing.fineLimit))
        #expect(counts.total == 31)
        #expect(counts.good == 31 - 4)
        #expect(narrow.counts(overSeconds: 300, now: t0 + 20, sli: .latency).total == 31 - 4)
        #expect(narrow.counts(overSeconds: 300, now: t0 + 20, sli: .latency).good == 31 - 4 - 12)
        // The coarser tiers hold the whole bucket; and the sums let it go exactly.
        #expect(narrow.counts(overSeconds: 7200, now: t0 + 20).total == 40)
        #expect(narrow.counts(overSeconds: 300, now: t0 + 3600).total == 0)
    }

    @Test("at the minimum interval an hour bucket holds every probe")
    func minimumIntervalFits() {
        var sli = RollingSLI(layout: SLILayout(sloWindow: .seconds(28 * day)))
        let perHour = hour / Int64(SLILayout.minimumProbeInterval.seconds)
        for s in 0..<perHour { sli.record(available: s % 50 != 0, slow: s % 7 == 0, at: t0 + s) }
        // Each tier: 10 per 10 s bucket, 300 per 5 min bucket, 3,600 in the hour bucket.
        for window in [hour, day, 3 * day] {
            let counts = sli.counts(overSeconds: window, now: t0 + (window == hour ? hour : 2 * hour))
            #expect(counts.total == Double(perHour), "window \(window) s")
            #expect(counts.good == Double(perHour - perHour / 50), "window \(window) s")
        }
    }

    @Test("the config refuses a probe interval under the 1 s the counters are sized for")
    func intervalMinimum() throws {
        let fast = """
            {"services": [{"name": "a", "probe": {"type": "tcp", "host": "127.0.0.1", "port": 1,
                                                   "interval": "500ms", "timeout": "100ms"}}]}
            """
        #expect(throws: ConfigErrors.self) {
            try ConfigLoader.load(data: Data(fast.utf8), displayName: "fast.json", environment: [:])
        }
        do {
            _ = try ConfigLoader.load(data: Data(fast.utf8), displayName: "fast.json", environment: [:])
        } catch {
            #expect(error.messages.contains { $0.contains("services[0].probe.interval") && $0.contains("minimum") })
        }
        let defaults = #"{"defaults": {"interval": "999ms", "timeout": "100ms"}, "services": []}"#
        #expect(throws: ConfigErrors.self) {
            try ConfigLoader.load(data: Data(defaults.utf8), displayName: "d.json", environment: [:])
        }
        let second = """
            {"services": [{"name": "a", "probe": {"type": "tcp", "host": "127.0.0.1", "port": 1,
                                                   "interval": "1s", "timeout": "100ms"}}]}
            """
        let config = try ConfigLoader.load(data: Data(second.utf8), displayName: "ok.json", environment: [:])
        #expect(config.services.first?.probe?.interval == .seconds(1))
    }

    @Test("both SLIs of a service share one ring of three counters a bucket")
    func footprint() {
        let sli = RollingSLI(layout: SLILayout(sloWindow: .seconds(28 * day)))
        // 361 buckets of 2 bytes, 289 of 4 bytes, 673 of 5 bytes, the struct and its inline sums.
        #expect(sli.memoryFootprint > 361 * 2 + 289 * 4 + 673 * 5)
        #expect(sli.memoryFootprint < 6 * 1024)
    }

    // MARK: A history written before the change

    /// Minute aggregates and raw results written as schema 1 has always stored them (rows inserted
    /// with SQL, not through this build's writer), read back through the Monitor.
    @Test("a history of schema 1 restores the same budgets and burn rates as its counts give")
    func historyBeforeTheChange() throws {
        let dir = NSTemporaryDirectory() + "incidentboard-compat-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/state.sqlite"
        let now = t0
        // Two days of 6 probes a minute; every 50th minute one failed, every 30th one slow.
        var availabilityBad: [Int64] = []
        var latencyBad: [Int64] = []
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE minute_aggregates (
                            service TEXT NOT NULL, minute INTEGER NOT NULL,
                            availability_good INTEGER NOT NULL, availability_total INTEGER NOT NULL,
                            latency_good INTEGER NOT NULL, latency_total INTEGER NOT NULL,
                            PRIMARY KEY (service, minute)) WITHOUT ROWID;
                        CREATE TABLE raw_results (
                            id INTEGER PRIMARY KEY AUTOINCREMENT, service TEXT NOT NULL, started_at REAL NOT NULL,
                            status TEXT NOT NULL, latency_ms REAL NOT NULL, error TEXT, failure TEXT,
                            http_status INTEGER);
                        CREATE INDEX raw_results_by_service ON raw_results (service, id);
                        CREATE TABLE alert_states (key TEXT PRIMARY KEY NOT NULL, payload BLOB NOT NULL);
                        PRAGMA user_version = 1;
                        """)
                let first = (now - 2 * day) / 60
                for minute in first..<(now / 60) {
                    let failed: Int64 = minute % 50 == 0 ? 1 : 0
                    let slow: Int64 = minute % 30 == 0 ? 1 : 0
                    availabilityBad.append(failed)
                    latencyBad.append(slow)
                    try db.execute(
                        sql: "INSERT INTO minute_aggregates VALUES ('api', ?, ?, 6, ?, ?)",
                        arguments: [minute, 6 - failed, 6 - failed - slow, 6 - failed])
                }
                for i in 0..<3 {
                    try db.execute(
                        sql: """
                            INSERT INTO raw_results (service, started_at, status, latency_ms, error, failure, http_status)
                            VALUES ('api', ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            Double(now - 30 + Int64(i) * 10), i == 1 ? "down" : "up", 12.5,
                            i == 1 ? "HTTP 503" : nil, i == 1 ? "condition" : nil, i == 1 ? 503 : 200,
                        ])
                }
            }
        }
        let json = """
            {"defaults": {"interval": "10s", "timeout": "2s"},
             "services": [{"name": "api", "probe": {"type": "http", "url": "http://127.0.0.1:1/"}}]}
            """
        var monitor = Monitor(
            config: try ConfigLoader.load(
                data: Data(json.utf8), displayName: "c.json",
                environment: [:]))
        let store = try HistoryStore(path: path) { Issue.record("unexpected warning: \($0)") }
        let date = Date(timeIntervalSince1970: TimeInterval(now))
        _ = try monitor.restore(from: store, now: date)
        let row = try #require(monitor.snapshot(now: date).service(named: "api"))
        let availability = try #require(row.availability)
        let latency = try #require(row.latencySLI)

        // Every minute lies inside the 28-day window; the 1-day window is the last 1,440 minutes.
        let total = Double(availabilityBad.count * 6)
        let failed = Double(availabilityBad.reduce(0, +))
        let slow = Double(latencyBad.reduce(0, +))
        #expect(availability.counts.total == total)
        #expect(availability.counts.good == total - failed)
        #expect(latency.counts.total == total - failed)
        #expect(latency.counts.good == total - failed - slow)
        let budget = 1 - (failed / total) / (1 - 0.999)
        #expect(abs(availability.budgetRemaining - budget) < 1e-9)
        let latencyBudget = 1 - (slow / (total - failed)) / (1 - 0.99)
        #expect(abs(latency.budgetRemaining - latencyBudget) < 1e-9)
        let lastDayFailed = Double(availabilityBad.suffix(1440).reduce(0, +))
        let dayRate = (lastDayFailed / (1440 * 6)) / (1 - 0.999)
        #expect(abs(availability.burnRates.oneDay - dayRate) < 1e-9)
        // The raw results fill the recent list, texts included.
        #expect(row.recent.map(\.status) == [.up, .down, .up])
        #expect(row.recent[1].error == "HTTP 503" && row.recent[1].httpStatus == 503)
    }
}
