import Foundation
import Testing

@testable import Probes

/// The post-incident report of a fixed incident (bureau slow, then down, taking loans with it),
/// compared with golden files, and every chart rendered to PNG by Debian's `rsvg-convert`.
/// `INCIDENTBOARD_RECORD=1` re-records the golden files; review the diff before committing.
@Suite("Incident report")
struct IncidentReportTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let onset = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 08:00:00 UTC
    static let seoul = TimeZone(secondsFromGMT: 9 * 3600) ?? .current

    static func report() throws -> IncidentReport {
        let config = try ConfigLoader.load(
            data: Data(
                """
                {"defaults": {"interval": "10s", "timeout": "2s"},
                 "slo": {"objective": 99.5, "window": "7d"},
                 "services": [
                   {"name": "bureau", "probe": {"type": "http", "url": "http://127.0.0.1:1/b"}},
                   {"name": "loans", "dependsOn": ["bureau"], "probe": {"type": "http", "url": "http://127.0.0.1:1/l"}}
                 ]}
                """.utf8), displayName: "test.json", environment: [:])
        func at(_ seconds: TimeInterval) -> Date { onset.addingTimeInterval(seconds) }
        let record = IncidentRecord(
            id: "2027-01-15-bureau", root: "bureau", inferred: false, onset: at(0),
            states: [
                .init(time: at(0), state: .slow), .init(time: at(90), state: .down),
                .init(time: at(300), state: .recovered),
            ],
            victims: [.init(service: "loans", joined: at(20), left: at(310))],
            alerts: [
                .init(
                    time: at(60), event: .firing, alert: .latency, service: "bureau", rule: nil, sli: nil,
                    suppressed: false),
                .init(
                    time: at(62), event: .firing, alert: .latency, service: "loans", rule: nil, sli: nil,
                    suppressed: true),
                .init(
                    time: at(100), event: .firing, alert: .down, service: "bureau", rule: nil, sli: nil,
                    suppressed: false),
                .init(
                    time: at(320), event: .resolved, alert: .down, service: "bureau", rule: nil, sli: nil,
                    suppressed: false),
            ],
            firstAlert: at(60), rootRecovered: at(300), closed: at(312))
        // A day of healthy minutes before, then the incident: slow minutes 0–1, failed minutes 1–4.
        let first = MinuteAggregate.minute(of: onset)
        var aggregates: [String: [MinuteAggregate]] = [:]
        for service in ["bureau", "loans"] {
            aggregates[service] = (first - 1440..<first + 20).map { minute in
                let offset = minute - first
                let failed: Int64 = (1...4).contains(offset) ? 3 : 0
                let slow: Int64 = (0...1).contains(offset) ? 4 : 0
                return MinuteAggregate(
                    minute: minute, availabilityGood: 6 - failed, availabilityTotal: 6,
                    latencyGood: 6 - failed - slow, latencyTotal: 6 - failed)
            }
        }
        var results: [String: [ProbeResult]] = [:]
        for (service, base) in [("bureau", 120.0), ("loans", 180.0)] {
            results[service] = stride(from: -600.0, through: 900, by: 10).map { t in
                let slow = t >= 0 && t < 120
                let down = t >= 60 && t < 300
                return ProbeResult(
                    service: service, startedAt: at(t), status: down ? .down : .up,
                    latency: .milliseconds(Int64(slow ? base * 6 + t : base + (t.truncatingRemainder(dividingBy: 30)))))
            }
        }
        return IncidentReport(
            record: record, config: config, aggregates: aggregates, results: results,
            now: at(3600), timeZone: seoul)
    }

    static func compare(_ text: String, with name: String) throws {
        let url = golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["INCIDENTBOARD_RECORD"] == "1" {
            try Data(text.utf8).write(to: url)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "\(name) differs; INCIDENTBOARD_RECORD=1 re-records it")
    }

    @Test func theMarkdownReadsAsTheGoldenReview() throws {
        let report = try Self.report()
        try Self.compare(report.markdown(), with: "incident-report.md")
        #expect(report.summary.hasPrefix("bureau was slow from 17:00:00 and down from 17:01:30."))
        #expect(report.impacts.map(\.service) == ["bureau", "loans"])
        #expect(report.impacts.first { $0.service == "loans" }?.downMinutes == 4)
    }

    @Test func theLatencyChartIsTheGoldenSVG() throws {
        let report = try Self.report()
        let latency = try #require(report.charts.first { $0.name == "latency" })
        try Self.compare(latency.chart.svg(), with: "incident-latency.svg")
        #expect(latency.fileName == "2027-01-15-bureau-latency.svg")
    }

    @Test func everyChartRendersToAPNG() throws {
        let report = try Self.report()
        let directory = NSTemporaryDirectory() + "incidentboard-charts-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let converter = try #require(
            ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first {
                FileManager.default.isExecutableFile(atPath: $0)
            },
            "rsvg-convert is missing: scripts/test installs librsvg2-bin")
        #expect(report.charts.count == 3)
        for chart in report.charts {
            let svg = directory + "/" + chart.fileName
            let png = svg.replacingOccurrences(of: ".svg", with: ".png")
            try Data(chart.chart.svg().utf8).write(to: URL(fileURLWithPath: svg))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: converter)
            process.arguments = ["-o", png, svg]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(chart.fileName)")
            let size = (try? FileManager.default.attributesOfItem(atPath: png)[.size] as? Int) ?? 0
            #expect(size > 1000, "\(chart.fileName) rendered to \(size) bytes")
        }
    }

    @Test func theHTMLCarriesTheChartsInlineAndTheJSONTheImpact() throws {
        let report = try Self.report()
        let html = report.html()
        #expect(html.components(separatedBy: "<svg ").count == 4)
        #expect(html.contains("<h1>Incident 2027-01-15-bureau: bureau</h1>"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let impact = try #require(json["impact"] as? [[String: Any]])
        #expect(impact.map { $0["service"] as? String } == ["bureau", "loans"])
        #expect((json["charts"] as? [String])?.count == 3)
    }
}
