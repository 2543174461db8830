import Foundation

extension CheckReport {
    /// Builds the report for the selected entries from their probe results and the cascade
    /// analysis of those results.
    public static func assemble(
        config: ProbesConfig, selected names: [String], results: [String: ProbeResult],
        checkedAt: Date
    ) -> CheckReport {
        let redactor = config.redactor
        // One lookup table: a scan of the config per name copies every entry it passes, which at
        // thousands of services was an eighth of a whole `check`.
        let services = ServicesByName(config.services)
        var observations: [String: CascadeObservation] = [:]
        for (name, result) in results {
            guard let service = services[name] else { continue }
            let slow = service.slo.latency.isSlow(result.latency)
            observations[name] = CascadeObservation(
                status: result.status, latencyOverThreshold: slow,
                onset: result.status != .up || slow ? result.startedAt : nil, failure: result.failure)
        }
        var blames: [JourneyEvidence.Blame] = []
        var blamedBy: [String: [String]] = [:]
        for name in names {
            guard let result = results[name], let upstream = JourneyEvidence.blamedUpstream(result) else { continue }
            blames.append(JourneyEvidence.Blame(upstream: upstream, onset: result.startedAt))
            blamedBy[upstream, default: []].append("\(name) step \"\(result.failedStep?.name ?? "")\"")
        }
        if !blames.isEmpty { observations = JourneyEvidence.merge(observations, blames: blames) }
        let assessment = CascadeAnalyzer(config: config).analyze(observations, now: checkedAt)
        let selected = Set(names)
        var entries: [Entry] = []
        for name in names {
            guard let service = services[name] else { continue }
            let result = results[name]
            let role = assessment.role(of: name)
            var status = result?.status ?? .unknown
            var error: String?
            if let result {
                error = result.error.map(redactor.redact)
            } else if service.probe != nil {
                error = "not probed"
            }
            if service.probe == nil, role == .inferredRootCause {
                status = .down
                let impacted = assessment.incident(rootCause: name)?.impacted ?? []
                error = "inferred down: \(impacted.count) dependents failing"
            }
            var journeyRoot = false
            if status.isAvailable, let seenBy = blamedBy[name], role?.isRootCause == true {
                // Green by its own probe, failing as the journeys that exercise it see it.
                error = "failing as seen by " + seenBy.joined(separator: ", ")
                journeyRoot = true
            }
            entries.append(
                Entry(
                    name: name, title: service.title, status: status,
                    latencyMs: result.map { $0.latency.milliseconds },
                    error: error,
                    rootCauses: status == .up && !journeyRoot ? [] : assessment.rootCauses(of: name),
                    probed: service.probe != nil,
                    warnMs: service.slo.latency.threshold.milliseconds,
                    critMs: (service.probe?.timeout ?? .zero).milliseconds,
                    steps: result?.steps ?? []))
            if service.maintenance.contains(where: { $0.contains(checkedAt) }) {
                entries[entries.count - 1].maintenance = true
            }
        }
        let incidents = assessment.incidents
            .filter { selected.contains($0.rootCause) }
            .map {
                Incident(
                    rootCause: $0.rootCause, impacted: $0.impacted.filter(selected.contains), inferred: $0.inferred,
                    state: Incident.state(of: $0.cause))
            }
        return CheckReport(checkedAt: checkedAt, entries: entries, incidents: incidents)
    }
}
