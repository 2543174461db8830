import Foundation

extension CheckReport {
    /// The report of `check --source`: one poll of the fleet, judged as a local check would judge
    /// the worst site's state of each service, with every site's state beside it.
    public static func fleet(
        config: ProbesConfig, selected names: [String], reading: FleetReading, source: String,
        checkedAt: Date
    ) -> CheckReport {
        let results = reading.results(config: config, at: checkedAt)
        var report = assemble(config: config, selected: names, results: results, checkedAt: checkedAt)
        report.source = source
        report.darkSites = reading.dark.map(\.site)
        let services = ServicesByName(config.services)
        for index in report.entries.indices {
            let name = report.entries[index].name
            guard let service = services[name] else { continue }
            let fleet = reading.fleet(of: service)
            report.entries[index].sites = fleet.sites
            report.entries[index].partialSites = fleet.partialSites
            report.entries[index].fleetBudget = fleet.budget
            report.entries[index].fleetBudgetMeaningful = fleet.budgetMeaningful
            if report.entries[index].probed, results[name] == nil {
                let dark = fleet.sites.filter { !$0.reporting }
                report.entries[index].error =
                    dark.isEmpty
                    ? "no series from any site"
                    : "no reporting site: " + dark.map { Self.darkText($0) }.joined(separator: ", ")
            }
        }
        return report
    }

    /// `seoul DARK since 2026-12-07T04:31:02Z` (`DARK` alone when Prometheus no longer knows when).
    static func darkText(_ site: SiteState) -> String {
        "\(site.site) DARK" + (site.darkSince.map { " since \(timestamp($0))" } ?? "")
    }

    /// `PARTIAL: down at busan (quorum 2)`.
    static func partialText(_ e: Entry) -> String {
        let failing = e.sites.filter { e.partialSites.contains($0.site) }
        let statuses = Set(failing.map(\.status)).sorted(by: >).map(\.rawValue).joined(separator: "/")
        return "PARTIAL: \(statuses.isEmpty ? "failing" : statuses) at \(e.partialSites.joined(separator: ", "))"
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
            if site.budgetRemaining != nil, !site.budgetMeaningful { o.add("budgetMeaningful", false) }
            o.add("reporting", site.reporting)
            if !site.reporting { o.add("since", site.darkSince.map { timestamp($0) }) }
            return o.text
        }
        return "[" + objects.joined(separator: ",") + "]"
    }

    /// ` [east DOWN 12 ms, west UP 9 ms]` for the Nagios lines; empty without sites.
    static func sitesSuffix(_ sites: [SiteState]) -> String {
        guard !sites.isEmpty else { return "" }
        let parts = sites.map { site in
            let latency = site.latency.map { " \(ms($0.milliseconds)) ms" } ?? ""
            guard site.reporting else { return darkText(site) }
            return "\(site.site) \(site.status.rawValue.uppercased())" + latency
        }
        return " [" + parts.joined(separator: ", ") + "]"
    }

    /// One line per site under its service in the text table: status, `@site`, latency, HTTP
    /// status and the budget that site's agent reports.
    func siteLines(_ sites: [SiteState], nameWidth: Int) -> [String] {
        sites.map { site in
            guard site.reporting else {
                let since = site.darkSince.map { " since \(Self.timestamp($0))" } ?? ""
                return " dark     "
                    + "@\(site.site)".padding(
                        toLength: max(nameWidth, site.site.count + 1),
                        withPad: " ", startingAt: 0) + "  DARK\(since)"
            }
            let latency = site.latency.map { "\(Self.ms($0.milliseconds)) ms" } ?? "-"
            var detail: [String] = []
            if let code = site.httpStatus { detail.append("HTTP \(code)") }
            if let budget = site.budgetRemaining {
                detail.append(site.budgetMeaningful ? "budget \(Self.percent(budget))" : "budget not yet meaningful")
            }
            func pad(_ text: String, _ width: Int) -> String {
                text + String(repeating: " ", count: max(0, width - text.count))
            }
            let line =
                " " + pad(site.status.rawValue, 9) + pad("@" + site.site, nameWidth) + "  "
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
