import Foundation
import Testing

@testable import Probes

/// `incidentboard slo` on a history too young for its budget to mean anything.
@Suite("SLO report with little data")
struct SLOReportTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func report(probes: Int, failing: Int, every seconds: Double) -> (SLOReport, ServiceSLOStatus)? {
        var book = SLOBook(policies: [
            (
                "db",
                SLOPolicy(
                    objective: 99.9, window: .seconds(28 * 86_400),
                    latency: .standard, alerts: .standard)
            )
        ])
        for i in 0..<probes {
            book.record(
                service: "db", available: i >= failing, latency: .milliseconds(20),
                at: t0.addingTimeInterval(Double(i) * seconds))
        }
        let now = t0.addingTimeInterval(Double(probes) * seconds)
        guard let status = book.status(of: "db", now: now) else { return nil }
        return (SLOReport(generatedAt: now, statuses: [status]), status)
    }

    @Test func aNewHistorysBudgetReadsAsNotYetMeaningful() throws {
        // Two failed probes, a few seconds in: the arithmetic says -99900 %.
        let (report, status) = try #require(Self.report(probes: 2, failing: 2, every: 3))
        #expect(status.availability.budgetRemaining < -900)
        #expect(!status.availability.budgetIsMeaningful)
        let text = report.text()
        let row = try #require(text.split(separator: "\n").first { $0.hasPrefix("db") && $0.contains("availability") })
        #expect(row.contains("not yet meaningful"), "\(row)")
        #expect(!text.contains("99900"), "\(text)")
        #expect(!row.contains("0m"), "no time to exhaustion from so little: \(row)")
        #expect(
            text.contains(
                "not yet meaningful: less than 1% of the SLO window has data (COVERAGE); "
                    + "budgets show from there (6h43m of 28d)."), "\(text)")
        // JSON keeps the raw figures, and says whether they mean anything yet.
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let services = try #require(json["services"] as? [[String: Any]])
        let availability = try #require((services.first?["slis"] as? [[String: Any]])?.first)
        #expect((availability["budgetRemaining"] as? Double ?? 0) < -900)
        #expect(availability["budgetMeaningful"] as? Bool == false)
    }

    @Test func fromOnePercentOfTheWindowTheBudgetShows() throws {
        // 7 hours of 15 s probes (1.04 % of 28 days), one of them failed.
        let (report, status) = try #require(Self.report(probes: 7 * 240, failing: 1, every: 15))
        #expect(status.availability.budgetIsMeaningful)
        let text = report.text()
        #expect(!text.contains("not yet meaningful"), "\(text)")
        let expected = String(format: "%.1f%%", status.availability.budgetRemaining * 100)
        #expect(text.contains(expected), "\(text)")
        #expect(text.contains("1.0%") || text.contains("1%"), "coverage shown: \(text)")
    }
}
