import Foundation

extension CheckReport {
    /// Builds the report for the selected entries from their probe results and the cascade
    /// analysis of those results.
    public static func assemble(config: ProbesConfig, selected names: [String], results: [String: ProbeResult],
                                checkedAt: Date) -> CheckReport {
        let redactor = config.redactor
        var entries: [Entry] = []
        for name in names {
            guard let service = config.service(named: name) else { continue }
            let result = results[name]
            entries.append(Entry(
                name: name, title: service.title,
                status: result?.status ?? .unknown,
                latencyMs: result.map { $0.latency.milliseconds },
                error: result?.error.map(redactor.redact) ?? (service.probe == nil ? nil : "not probed"),
                rootCauses: [],
                probed: service.probe != nil,
                warnMs: service.slo.latency.threshold.milliseconds,
                critMs: (service.probe?.timeout ?? .zero).milliseconds))
        }
        return CheckReport(checkedAt: checkedAt, entries: entries, incidents: [])
    }
}
