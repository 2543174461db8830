import Foundation
import Testing

@testable import Probes

@Suite("Check report")
struct CheckReportTests {
    static let at = Date(timeIntervalSince1970: 1_800_000_000)

    static func entry(
        _ name: String, _ status: ProbeStatus, probed: Bool = true, error: String? = nil,
        roots: [String] = []
    ) -> CheckReport.Entry {
        CheckReport.Entry(
            name: name, title: nil, status: status, latencyMs: probed ? 12.345 : nil, error: error,
            rootCauses: roots, probed: probed, warnMs: 500, critMs: 2000)
    }

    @Test(arguments: [
        ([ProbeStatus.up, .up], CheckStatus.ok),
        ([.up, .degraded], .warning),
        ([.degraded, .unknown], .unknown),
        ([.unknown, .down], .critical),
        ([.degraded, .down], .critical),
    ])
    func worstStatusDecidesTheExitCode(_ statuses: [ProbeStatus], _ expected: CheckStatus) {
        let report = CheckReport(
            checkedAt: Self.at, entries: statuses.enumerated().map { Self.entry("s\($0)", $1) },
            incidents: [])
        #expect(report.status == expected)
        #expect(report.status.exitCode == ["ok": 0, "warning": 1, "critical": 2, "unknown": 3][expected.rawValue])
    }

    @Test func probeLessEntriesCountOnlyWhenInferredDown() {
        var report = CheckReport(
            checkedAt: Self.at, entries: [Self.entry("a", .up), Self.entry("hub", .unknown, probed: false)],
            incidents: [])
        #expect(report.status == .ok)
        report.entries[1].status = .down
        #expect(report.status == .critical)
    }

    @Test func summaryNamesAFewAndCountsTheRest() {
        let entries = (1...8).map { Self.entry("svc\($0)", .down) }
        let report = CheckReport(
            checkedAt: Self.at, entries: entries,
            incidents: [CheckReport.Incident(rootCause: "svc1", impacted: ["svc2"], inferred: false)])
        #expect(report.summary == "8 down (svc1, svc2, svc3, svc4, svc5, +3 more) of 8; root cause: svc1")
    }

    @Test func jsonEscapesEverythingAndKeepsNulls() throws {
        let report = CheckReport(
            checkedAt: Self.at,
            entries: [
                Self.entry("a", .down, error: "got \"DOWN\"\n수취 은행\u{1}"), Self.entry("hub", .unknown, probed: false),
            ],
            incidents: [CheckReport.Incident(rootCause: "hub", impacted: ["b", "a"], inferred: true)])
        let json = report.json()
        #expect(!json.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let services = try #require(object["services"] as? [[String: Any]])
        #expect(services[0]["error"] as? String == "got \"DOWN\"\n수취 은행\u{1}")
        #expect(services[0]["latencyMs"] as? Double == 12.3)
        #expect(services[1]["latencyMs"] is NSNull && services[1]["error"] is NSNull)
        let incidents = try #require(object["incidents"] as? [[String: Any]])
        #expect(incidents[0]["impacted"] as? [String] == ["a", "b"])
        #expect(incidents[0]["inferred"] as? Bool == true)
        #expect(object["checkedAt"] as? String == "2027-01-15T08:00:00Z")
    }

    @Test func nagiosPerfdataSkipsUnprobedEntries() {
        let report = CheckReport(
            checkedAt: Self.at, entries: [Self.entry("a", .up), Self.entry("hub", .unknown, probed: false)],
            incidents: [])
        let first = report.nagios().split(separator: "\n").first.map(String.init) ?? ""
        #expect(first == "INCIDENTBOARD OK - 1 of 1 up | 'a_latency'=12.3ms;500;2000;0;")
        #expect(report.nagios().contains("hub: UNKNOWN (no probe)"))
    }

    @Test func textColumnsLineUpWhateverTheLatencyAndARootWithoutDependentsReadsWell() {
        var slow = Self.entry("bureau", .down, error: "timeout after 2000 ms", roots: ["bureau"])
        slow.latencyMs = 2001.25
        let fast = Self.entry("db", .up)
        let lone = Self.entry("cache", .down, error: "connection refused", roots: ["cache"])
        let report = CheckReport(
            checkedAt: Self.at, entries: [slow, fast, lone],
            incidents: [
                CheckReport.Incident(rootCause: "bureau", impacted: ["loans"], inferred: false),
                CheckReport.Incident(rootCause: "cache", impacted: [], inferred: false),
            ])
        let lines = report.text().split(separator: "\n").map(String.init)
        #expect(lines[1] == "STATUS    SERVICE    LATENCY  DETAIL")
        #expect(lines[2] == "down      bureau   2001.3 ms  timeout after 2000 ms  ROOT CAUSE ×1")
        #expect(lines[3] == "up        db         12.3 ms", "no trailing blanks")
        #expect(lines[4] == "down      cache      12.3 ms  connection refused  ROOT CAUSE")
        #expect(lines[5] == "incident: bureau → loans")
        #expect(lines[6] == "incident: cache, affecting nothing else")
    }
}
