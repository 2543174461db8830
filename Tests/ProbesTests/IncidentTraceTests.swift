import Foundation
import Testing

@testable import Probes

/// What the board's incidents view is given: open incidents and the recently closed ones (a
/// bounded list), each with its root's trace (bounded however long it lasts), and after a restart
/// the closed ones read back from the history.
@Suite("Incidents on the board")
struct IncidentTraceTests {
    typealias Timeline = MonitorTests.Timeline

    static func result(_ second: Int, ms: Int64?, service: String = "bureau") -> ProbeResult {
        ProbeResult(
            service: service, startedAt: MonitorTests.t0.addingTimeInterval(Double(second)),
            status: ms == nil ? .down : .up, latency: .milliseconds(ms ?? 2000),
            error: ms == nil ? "timeout" : nil, failure: ms == nil ? .timeout : nil)
    }

    @Test func aTraceKeepsAtMostItsCapacityAndStillSpansTheWholeIncident() throws {
        var trace = IncidentTrace()
        let probes = 10 * IncidentTrace.capacity
        for second in 0..<probes { trace.append(Self.result(second, ms: second % 7 == 0 ? nil : 100)) }
        #expect(trace.points.count <= IncidentTrace.capacity)
        #expect(trace.points.count >= IncidentTrace.capacity / 2)
        #expect(trace.points.first?.time == MonitorTests.t0)
        let last = try #require(trace.points.last?.time)
        #expect(
            MonitorTests.t0.addingTimeInterval(Double(probes)).timeIntervalSince(last) <= 16,
            "the latest results are in it")
        #expect(zip(trace.points, trace.points.dropFirst()).allSatisfy { $0.time < $1.time })
        #expect(trace.points.contains { $0.latencyMilliseconds == nil && $0.status == .down })
    }

    @Test func aTraceStartsFromTheResultsHeldBeforeTheOnsetAndIgnoresOlderOnes() {
        let onset = MonitorTests.t0.addingTimeInterval(1000)
        let held = stride(from: 0, to: 1000, by: 5).map { Self.result($0, ms: 50) }
        let trace = IncidentTrace(seed: held, onset: onset)
        #expect(trace.points.first?.time == onset.addingTimeInterval(-IncidentTrace.leadIn))
        #expect(trace.points.count == Int(IncidentTrace.leadIn) / 5)
    }

    @Test func theBoardListsOpenIncidentsFirstThenAtMostTwentyClosedLatestFirst() throws {
        var t = try Timeline()
        t.round(failing: [])
        for _ in 0..<(IncidentLog.recentKept + 3) {
            t.round(failing: ["gift"])
            t.round(failing: ["gift"])
            IncidentRecordTests.recover(&t)
        }
        t.round(failing: ["bureau", "loans"])
        t.round(failing: ["bureau", "loans"])
        let board = t.monitor.snapshot(now: t.now).incidentRecords
        #expect(board.count == 1 + IncidentLog.recentKept)
        #expect(board[0].record.root == "bureau" && board[0].record.isOpen)
        let closed = board.dropFirst().map(\.record)
        #expect(closed.allSatisfy { !$0.isOpen && $0.root == "gift" })
        #expect(zip(closed, closed.dropFirst()).allSatisfy { $0.onset > $1.onset }, "latest first")
        #expect(closed.first?.id == "2027-01-15-gift-\(IncidentLog.recentKept + 3)")
        #expect(board.allSatisfy { !$0.trace.points.isEmpty }, "each with its root's results")
        #expect(board[0].trace.points.last?.status == .down)
    }

    @Test func afterARestartTheClosedIncidentsOfTheHistoryAreListedWithoutATrace() throws {
        let dir = try HistoryStoreTests.TempDir()
        let store = try HistoryStore(path: dir.file("h.sqlite")) { Issue.record("unexpected warning: \($0)") }
        var t = try Timeline()
        t.round(failing: [])
        t.round(failing: ["gift"])
        t.round(failing: ["gift"])
        IncidentRecordTests.recover(&t)
        t.round(failing: ["bureau", "loans"])
        t.round(failing: ["bureau", "loans"])
        try store.write(t.monitor.takeBatch())

        var restarted = Monitor(config: try MonitorTests.config())
        _ = try restarted.restore(from: store, now: t.now)
        let board = restarted.snapshot(now: t.now).incidentRecords
        #expect(board.map(\.record.id) == ["2027-01-15-bureau", "2027-01-15-gift"])
        #expect(board[1].trace.points.isEmpty, "its results are gone with the process")
        // The open one continues, its trace started again from the results the history kept.
        #expect(!board[0].trace.points.isEmpty)
    }

    @Test func theBoardIsGivenTheLatestTransitionsOnly() throws {
        var t = try Timeline()
        t.round(failing: [])
        for _ in 0..<6 {
            t.round(failing: ["gift"])
            t.round(failing: ["gift"])
            IncidentRecordTests.recover(&t)
        }
        let told = t.events
        let board = t.monitor.snapshot(now: t.now).transitions
        #expect(told.count > Monitor.transitionsKept)
        #expect(board.count == Monitor.transitionsKept)
        #expect(board.map(\.time) == told.suffix(Monitor.transitionsKept).map(\.time))
        #expect(t.monitor.snapshot(now: t.now, detail: false).transitions.isEmpty, "only a board with detail")
    }
}
