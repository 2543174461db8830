import Foundation
import Testing

@testable import Probes

/// What a monitor keeps for a screen (``Monitor/Retention/board``) and what an agent that only
/// alerts keeps (``Monitor/Retention/alerts``): the same alerts, less memory.
@Suite("Monitor retention: an agent that never draws the board keeps only what alerts need")
struct MonitorRetentionTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func config() throws -> ProbesConfig {
        let json = """
            {"defaults": {"interval": "10s", "timeout": "2s"},
             "slo": {"objective": 99.0, "window": "28d", "latency": {"threshold": "300ms", "objective": 99.0}},
             "services": [
               {"name": "bureau", "probe": {"type": "http", "url": "http://127.0.0.1:1/b"}},
               {"name": "loans", "dependsOn": ["bureau"], "probe": {"type": "http", "url": "http://127.0.0.1:1/l"}}
             ]}
            """
        return try ConfigLoader.load(data: Data(json.utf8), displayName: "test.json", environment: [:])
    }

    /// 30 minutes of probes every 10 s; the bureau turns slow (900 ms) for minutes 10–20 and fails
    /// for minutes 22–24; the loans desk is slow whenever the bureau is.
    static func feed(_ monitor: inout Monitor) -> [AlertEvent] {
        var events: [AlertEvent] = []
        for step in 0..<180 {
            let now = t0 + Double(step * 10)
            let minute = step / 6
            let slow = (10..<20).contains(minute)
            let down = (22..<25).contains(minute)
            for name in ["bureau", "loans"] {
                let failed = down && name == "bureau"
                let result = ProbeResult(
                    service: name, startedAt: now, status: failed ? .down : .up,
                    latency: .milliseconds(failed ? 2000 : slow ? 900 : 40),
                    error: failed ? "HTTP 503" : nil, failure: failed ? .condition : nil,
                    httpStatus: failed ? 503 : 200)
                events += monitor.ingest(result, now: now)
            }
            events += monitor.tick(now: now)
        }
        return events
    }

    @Test("the same alerts fire and resolve at the same times with either retention")
    func sameAlerts() throws {
        var board = Monitor(config: try Self.config(), retention: .board)
        var alerts = Monitor(config: try Self.config(), retention: .alerts)
        let fromBoard = Self.feed(&board)
        let fromAlerts = Self.feed(&alerts)
        // The latency alert (p99 over the last minute) and the down alert both happened.
        #expect(fromBoard.contains { $0.alert == .latency && $0.event == .firing })
        #expect(fromBoard.contains { $0.alert == .down && $0.event == .firing })
        #expect(fromAlerts == fromBoard)
        // Budgets and burn rates are the SLO rings', kept alike.
        let end = Self.t0 + 1800
        let a = board.snapshot(now: end, detail: false).services
        let b = alerts.snapshot(now: end, detail: false).services
        #expect(a.map(\.availability) == b.map(\.availability))
        #expect(a.map(\.latencySLI) == b.map(\.latencySLI))
        #expect(a.first?.availability?.budgetRemaining ?? 1 < 1)
    }

    @Test("without a board there is no hour of latency minutes and no burn-down samples")
    func noBoardDetail() throws {
        var board = Monitor(config: try Self.config(), retention: .board)
        var alerts = Monitor(config: try Self.config(), retention: .alerts)
        _ = Self.feed(&board)
        _ = Self.feed(&alerts)
        let end = Self.t0 + 1800
        let full = try #require(board.snapshot(now: end, detail: true).services.first { $0.name == "bureau" })
        let lean = try #require(alerts.snapshot(now: end, detail: true).services.first { $0.name == "bureau" })
        #expect(full.latency1h != nil)
        #expect(full.latency5m != nil)
        #expect(full.budgetHistory.count >= 29)
        #expect(lean.latency1h == nil)
        #expect(lean.latency5m == nil)
        #expect(lean.budgetHistory.isEmpty)
        // What does not depend on the retention is the same.
        #expect(lean.recent.map(\.startedAt) == full.recent.map(\.startedAt))
        #expect(lean.status == full.status)
    }

    @Test("a latency book for the alert window keeps two minutes: the same 60 s answer in a fifth of the memory")
    func shortHorizonBook() {
        var hour = LatencyBook(services: ["s"], intervals: ["s": .seconds(10)])
        var minute = LatencyBook(services: ["s"], intervals: ["s": .seconds(10)], horizon: .seconds(60))
        for step in 0..<720 {
            let at = Self.t0 + Double(step * 10)
            let latency = Duration.milliseconds(20 + (step * 37) % 400)
            hour.record(service: "s", latency: latency, at: at)
            minute.record(service: "s", latency: latency, at: at)
            let now = at + 5
            #expect(
                minute.summary(service: "s", window: .seconds(60), now: now)
                    == hour.summary(service: "s", window: .seconds(60), now: now))
        }
        let now = Self.t0 + 7200
        #expect(hour.summary(service: "s", window: .seconds(300), now: now) != nil)
        // A window longer than the book keeps is not answered under its name.
        #expect(minute.summary(service: "s", window: .seconds(300), now: now) == nil)
        #expect(minute.memoryFootprint * 5 < hour.memoryFootprint)
    }
}
