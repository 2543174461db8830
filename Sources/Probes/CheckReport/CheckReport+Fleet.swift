import Foundation

extension CheckReport {
    /// The report of `check --source`: one poll of the fleet, judged as a local check would judge
    /// the worst site's state of each service, with every site's state beside it.
    public static func fleet(config: ProbesConfig, selected names: [String], reading: FleetReading, source: String,
                             checkedAt: Date) -> CheckReport {
        let results = reading.results(config: config, at: checkedAt)
        var report = assemble(config: config, selected: names, results: results, checkedAt: checkedAt)
        report.source = source
        for index in report.entries.indices {
            let name = report.entries[index].name
            report.entries[index].sites = reading.services[name]?.map(\.state) ?? []
            if report.entries[index].probed, results[name] == nil {
                report.entries[index].error = "no series from any site"
            }
        }
        return report
    }

    /// `[{"site":"east","status":"up","latencyMs":12.3,"httpStatus":200,"budgetRemaining":0.98}]`.
    static func sitesJSON(_ sites: [SiteState]) -> String {
        let objects = sites.map { site -> String in
            var o = JSONText()
            o.add("site", site.site)
            o.add("status", site.status.rawValue)
            o.add("latencyMs", site.latency.map { ($0.milliseconds * 10).rounded() / 10 })
            o.add("httpStatus", site.httpStatus)
            o.add("budgetRemaining", site.budgetRemaining.map { ($0 * 10_000).rounded() / 10_000 })
            return o.text
        }
        return "[" + objects.joined(separator: ",") + "]"
    }

    /// ` [east DOWN 12 ms, west UP 9 ms]` for the Nagios lines; empty without sites.
    static func sitesSuffix(_ sites: [SiteState]) -> String {
        guard !sites.isEmpty else { return "" }
        let parts = sites.map { site in
            let latency = site.latency.map { " \(ms($0.milliseconds)) ms" } ?? ""
            return "\(site.site) \(site.status.rawValue.uppercased())" + latency
        }
        return " [" + parts.joined(separator: ", ") + "]"
    }

    /// One line per site under its service in the text table: status, `@site`, latency, HTTP
    /// status and the budget that site's agent reports.
    func siteLines(_ sites: [SiteState], nameWidth: Int) -> [String] {
        sites.map { site in
            let latency = site.latency.map { "\(Self.ms($0.milliseconds)) ms" } ?? "-"
            var detail: [String] = []
            if let code = site.httpStatus { detail.append("HTTP \(code)") }
            if let budget = site.budgetRemaining { detail.append("budget \(Self.percent(budget))") }
            func pad(_ text: String, _ width: Int) -> String {
                text + String(repeating: " ", count: max(0, width - text.count))
            }
            let line = " " + pad(site.status.rawValue, 9) + pad("@" + site.site, nameWidth) + "  "
                + String(repeating: " ", count: max(0, 7 - latency.count)) + latency + "  "
                + detail.joined(separator: "  ")
            return String(line.reversed().drop { $0 == " " }.reversed())
        }
    }

    /// `98.2%`, `-3.5%`; `<-999%` for a budget overspent many times (a fresh agent's first failures).
    static func percent(_ ratio: Double) -> String {
        guard ratio.isFinite else { return "--" }
        if ratio < -9.99 { return "<-999%" }
        let tenths = (ratio * 1000).rounded() / 10
        return (tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)) + "%"
    }
}
