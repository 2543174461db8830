import Foundation
import Testing

@testable import Probes

/// The wall clock stepping (an NTP step, a VM resumed) while an agent runs or between two runs.
/// While it runs, the engine's time is its start date plus monotonic time, so a step cannot reach
/// it; across a restart, the history may hold minutes "in the future" (a step back) or leave a gap
/// (a step forward). Neither may invent alerts, lose counted probes or give negative durations.
@Suite("Wall-clock steps")
struct ClockStepTests {
    typealias Timeline = MonitorTests.Timeline

    /// A history of 20 minutes of probing with one outage of bureau (and its victims) in it,
    /// recovered, written to a store.
    static func history(at start: Date, in dir: HistoryStoreTests.TempDir) throws -> (HistoryStore, Timeline) {
        let store = try HistoryStore(path: dir.file("h.sqlite")) { Issue.record("unexpected warning: \($0)") }
        var t = try Timeline()
        t.now = start
        for round in 0..<240 {
            let failing: Set<String> = (100..<130).contains(round) ? ["bureau", "loans", "cards"] : []
            t.round(failing: failing)
            if round % 12 == 0 { try store.write(t.monitor.takeBatch()) }
        }
        try store.write(t.monitor.takeBatch())
        return (store, t)
    }

    static func counted(_ monitor: inout Monitor, now: Date) -> [String: Int] {
        var counts: [String: Int] = [:]
        for status in monitor.sloStatuses(now: now) { counts[status.service] = Int(status.availability.counts.total) }
        return counts
    }

    @Test(arguments: [-3600.0, -600.0, 3600.0])
    func aRestartAfterAStepKeepsEveryCountAndInventsNoAlert(step: TimeInterval) throws {
        let dir = try HistoryStoreTests.TempDir()
        let (store, before) = try Self.history(at: MonitorTests.t0, in: dir)
        var live = before.monitor
        let beforeCounts = Self.counted(&live, now: before.now)
        let firingBefore = live.firingCount

        // The process restarts with the wall clock stepped.
        let now = before.now.addingTimeInterval(step)
        var restarted = Monitor(config: try MonitorTests.config())
        let events = try restarted.restore(from: store, now: now)
        #expect(events.isEmpty, "no alert from a restore: \(events.map { "\($0.service) \($0.event)" })")
        let notice = restarted.takeRestoreNotice()
        #expect((notice != nil) == (step < 0), "a step back is said once: \(notice ?? "nothing")")
        #expect(restarted.takeRestoreNotice() == nil)
        #expect(restarted.firingCount == firingBefore)
        #expect(Self.counted(&restarted, now: now) == beforeCounts, "every probe counted before is counted after")
        let board = restarted.snapshot(now: now)
        for incident in board.incidentRecords {
            #expect(incident.record.duration(now: now) >= 0, "\(incident.record.id)")
        }

        // Probing goes on from the stepped clock: healthy results raise nothing, and a new outage
        // is one new incident with a duration that is not negative.
        var t = before
        t.monitor = restarted
        t.events = []
        t.now = now
        for _ in 0..<24 { t.round(failing: []) }
        #expect(t.events.isEmpty, "\(t.events.map { "\($0.service) \($0.alert) \($0.event)" })")
        for _ in 0..<6 { t.round(failing: ["bureau"]) }
        #expect(t.events.contains { $0.service == "bureau" && $0.event == .firing && $0.alert == .down })
        let open = try #require(t.monitor.incidents.open["bureau"])
        #expect(open.duration(now: t.now) >= 0 && open.onset <= t.now)
    }

    @Test func anIncidentWhoseOnsetIsAfterNowLastsZeroNotLessThanZero() {
        let onset = MonitorTests.t0
        let record = IncidentRecord(
            id: "x", root: "bureau", inferred: false, onset: onset,
            states: [.init(time: onset, state: .down)], victims: [], alerts: [])
        #expect(record.duration(now: onset.addingTimeInterval(-3600)) == 0)
        #expect(record.duration(now: onset.addingTimeInterval(60)) == 60)
    }
}
