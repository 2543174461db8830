import Foundation
import Testing

@testable import Probes

private func at(_ seconds: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(1_800_000_000 + seconds)) }

@Suite("Alert state machine")
struct AlertStateTests {
    private func fresh() -> AlertState {
        AlertState(key: AlertKey(service: "s", kind: .down), severity: .critical, since: at(0))
    }

    @Test("inactive → pending → firing after fireAfter bad evaluations")
    func pendingThenFiring() {
        var s = fresh()
        #expect(s.evaluate(holds: true, now: at(1), fireAfter: 3, resolveAfter: 2) == nil)
        #expect(s.phase == .pending)
        #expect(s.since == at(1))
        #expect(s.evaluate(holds: true, now: at(2), fireAfter: 3, resolveAfter: 2) == nil)
        #expect(s.phase == .pending)
        #expect(s.since == at(1))
        #expect(s.evaluate(holds: true, now: at(3), fireAfter: 3, resolveAfter: 2) == .firing)
        #expect(s.phase == .firing)
        #expect(s.firedAt == at(3))
        #expect(s.badStreak == 3)
    }

    @Test("a good evaluation while pending goes back to inactive without an event")
    func pendingClears() {
        var s = fresh()
        _ = s.evaluate(holds: true, now: at(1), fireAfter: 2, resolveAfter: 2)
        #expect(s.evaluate(holds: false, now: at(2), fireAfter: 2, resolveAfter: 2) == nil)
        #expect(s.phase == .inactive)
        #expect(s.evaluate(holds: true, now: at(3), fireAfter: 2, resolveAfter: 2) == nil)
        #expect(s.phase == .pending)
    }

    @Test("fireAfter 1 fires on the first bad evaluation")
    func immediateFiring() {
        var s = fresh()
        #expect(s.evaluate(holds: true, now: at(1), fireAfter: 1, resolveAfter: 1) == .firing)
        #expect(s.evaluate(holds: true, now: at(2), fireAfter: 1, resolveAfter: 1) == nil)
        #expect(s.evaluate(holds: false, now: at(3), fireAfter: 1, resolveAfter: 1) == .resolved)
    }

    @Test("hysteresis: resolves only after resolveAfter good evaluations in a row")
    func hysteresis() {
        var s = fresh()
        _ = s.evaluate(holds: true, now: at(1), fireAfter: 1, resolveAfter: 3)
        #expect(s.evaluate(holds: false, now: at(2), fireAfter: 1, resolveAfter: 3) == nil)
        #expect(s.evaluate(holds: false, now: at(3), fireAfter: 1, resolveAfter: 3) == nil)
        #expect(s.goodStreak == 2)
        // A bad evaluation in between starts the count again.
        #expect(s.evaluate(holds: true, now: at(4), fireAfter: 1, resolveAfter: 3) == nil)
        #expect(s.goodStreak == 0)
        #expect(s.phase == .firing)
        #expect(s.evaluate(holds: false, now: at(5), fireAfter: 1, resolveAfter: 3) == nil)
        #expect(s.evaluate(holds: false, now: at(6), fireAfter: 1, resolveAfter: 3) == nil)
        #expect(s.evaluate(holds: false, now: at(7), fireAfter: 1, resolveAfter: 3) == .resolved)
        #expect(s.phase == .resolved)
        #expect(s.since == at(7))
    }

    @Test("resolved → inactive on the next good evaluation; a bad one fires again")
    func resolvedThenRefire() {
        var s = fresh()
        _ = s.evaluate(holds: true, now: at(1), fireAfter: 2, resolveAfter: 1)
        #expect(s.evaluate(holds: true, now: at(2), fireAfter: 2, resolveAfter: 1) == .firing)
        #expect(s.evaluate(holds: false, now: at(3), fireAfter: 2, resolveAfter: 1) == .resolved)
        #expect(s.evaluate(holds: true, now: at(4), fireAfter: 2, resolveAfter: 1) == nil)
        #expect(s.phase == .pending)
        #expect(s.evaluate(holds: true, now: at(5), fireAfter: 2, resolveAfter: 1) == .firing)
        #expect(s.firedAt == at(5))
        #expect(s.evaluate(holds: false, now: at(6), fireAfter: 2, resolveAfter: 1) == .resolved)
        #expect(s.evaluate(holds: false, now: at(7), fireAfter: 2, resolveAfter: 1) == nil)
        #expect(s.phase == .inactive)
    }

    @Test("nonsense thresholds act as 1")
    func clampedThresholds() {
        var s = fresh()
        #expect(s.evaluate(holds: true, now: at(1), fireAfter: 0, resolveAfter: -5) == .firing)
        #expect(s.evaluate(holds: false, now: at(2), fireAfter: 0, resolveAfter: -5) == .resolved)
    }

    @Test("states round-trip through JSON")
    func codable() throws {
        var s = AlertState(
            key: AlertKey(service: "s", kind: .burnRate, rule: "page-1h", sli: .availability),
            severity: .page, since: at(0))
        _ = s.evaluate(holds: true, now: at(1), fireAfter: 1, resolveAfter: 2)
        s.observed = 31.2
        s.burnRate = 14.4
        s.window = "1h/5m"
        let data = try JSONEncoder().encode([s])
        let back = try JSONDecoder().decode([AlertState].self, from: data)
        #expect(back == [s])
    }
}
