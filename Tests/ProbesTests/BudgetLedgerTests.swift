import Foundation
import Testing

@testable import Probes

/// The budget ledger: a victim's bad minutes are charged to the root of the incident it was a
/// victim of, split evenly between two roots at once, everything else to the service itself, and
/// the parts always add up to what `slo` reports spent.
@Suite("Budget ledger")
struct BudgetLedgerTests {
    static let t0 = MonitorTests.t0

    @Test func anUpstreamsOutageIsChargedToItAndTheVictimsOwnFailuresToTheVictim() throws {
        let dir = try HistoryStoreTests.TempDir()
        let store = try HistoryStore(path: dir.file("h.sqlite")) { Issue.record("unexpected warning: \($0)") }
        var t = try MonitorTests.Timeline()
        t.round(failing: [])
        t.round(failing: [])
        // Minute 0: loans fails on its own, twice.
        t.round(failing: ["loans"])
        t.round(failing: ["loans"])
        for _ in 0..<4 { t.round(failing: []) }
        t.idle(seconds: 120 - Int(t.now.timeIntervalSince(Self.t0)))
        // Minute 2: the bureau goes down and takes loans with it, three probes each.
        for _ in 0..<3 { t.round(failing: ["bureau", "loans"]) }
        for _ in 0..<4 { t.round(failing: []) }
        t.idle(seconds: 120)
        try store.write(t.monitor.takeBatch())

        let now = t.now
        let status = try #require(t.monitor.sloStatuses(now: now).first { $0.service == "loans" })
        let spent = 1 - status.availability.budgetRemaining
        #expect(spent > 0)
        let ledger = BudgetLedger(
            aggregates: try store.aggregates(since: .distantPast), incidents: try store.incidents(since: .distantPast),
            now: now)
        #expect(ledger.bad["loans"]?[.availability] == [BudgetLedger.own: 2, "bureau": 3])
        #expect(ledger.bad["bureau"]?[.availability] == [BudgetLedger.own: 3], "the root's own failures are its own")
        let split = ledger.spentBy(service: "loans", sli: .availability, spent: spent)
        #expect(abs((split[BudgetLedger.own] ?? 0) - spent * 2 / 5) < 1e-12)
        #expect(abs((split["bureau"] ?? 0) - spent * 3 / 5) < 1e-12)
        #expect(abs(split.values.reduce(0, +) - spent) < 1e-12, "the ledger adds up to what slo reports")

        let report = SLOReport(generatedAt: now, statuses: t.monitor.sloStatuses(now: now), ledger: ledger)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let services = try #require(json["services"] as? [[String: Any]])
        let loans = try #require(services.first { $0["service"] as? String == "loans" })
        let availability = try #require(
            (loans["slis"] as? [[String: Any]])?.first { $0["sli"] as? String == "availability" })
        let spentBy = try #require(availability["spentBy"] as? [String: Double])
        #expect(Set(spentBy.keys) == [BudgetLedger.own, "bureau"])
        #expect(report.text().contains("bureau "))
    }

    @Test func aVictimOfTwoRootsAtOnceSplitsEvenly() {
        let minute = MinuteAggregate.minute(of: Self.t0)
        func incident(_ root: String, from: TimeInterval, to: TimeInterval) -> IncidentRecord {
            IncidentRecord(
                id: "x-\(root)", root: root, inferred: false, onset: Self.t0.addingTimeInterval(from),
                states: [.init(time: Self.t0.addingTimeInterval(from), state: .down)],
                victims: [
                    .init(
                        service: "pay", joined: Self.t0.addingTimeInterval(from),
                        left: Self.t0.addingTimeInterval(to))
                ],
                alerts: [], closed: Self.t0.addingTimeInterval(to))
        }
        let aggregates = [
            "pay": [
                MinuteAggregate(
                    minute: minute, availabilityGood: 6, availabilityTotal: 10, latencyGood: 4, latencyTotal: 6),
                MinuteAggregate(
                    minute: minute + 1, availabilityGood: 8, availabilityTotal: 10, latencyGood: 8,
                    latencyTotal: 8),
                MinuteAggregate(
                    minute: minute + 5, availabilityGood: 9, availabilityTotal: 10, latencyGood: 9,
                    latencyTotal: 9),
            ]
        ]
        // Both roots in minute 0; only the hub in minute 1; neither in minute 5.
        let ledger = BudgetLedger(
            aggregates: aggregates, incidents: [incident("hub", from: 0, to: 100), incident("bank", from: 10, to: 50)],
            now: Self.t0.addingTimeInterval(600))
        let availability: [String: Double] = [BudgetLedger.own: 1, "hub": 4, "bank": 2]
        let latency: [String: Double] = [BudgetLedger.own: 0, "hub": 1, "bank": 1]
        #expect(ledger.bad["pay"]?[.availability] == availability)
        #expect(ledger.bad["pay"]?[.latency] == latency)
        let split = ledger.spentBy(service: "pay", sli: .availability, spent: 0.5)
        let expected: [String: Double] = [BudgetLedger.own: 0.5 / 7, "hub": 0.5 * 4 / 7, "bank": 0.5 * 2 / 7]
        #expect(split == expected)
    }

    @Test func nothingBadIsAllOwnAndNothingSpent() {
        let ledger = BudgetLedger(aggregates: [:], incidents: [], now: Self.t0)
        #expect(ledger.spentBy(service: "gift", sli: .latency, spent: 0) == [BudgetLedger.own: 0])
    }
}
