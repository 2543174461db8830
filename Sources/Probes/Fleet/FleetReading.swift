import Foundation

/// A problem reading a metrics source: one short human line (`connection refused`, `HTTP 500`,
/// `timeout after 3000 ms`). Never carries credentials.
public struct SourceProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, e.g. `connection refused`.
    public var message: String

    /// A problem described by `message`.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// One agent's view of one service, as Prometheus last scraped it.
public struct SiteReading: Sendable, Equatable {
    /// Site, status, latency, HTTP status, budget and sample time: what the board shows per site.
    public var state: SiteState
    /// Whether that agent names the entry a root cause (`incidentboard_root_cause`).
    public var isRootCause: Bool
    /// The availability objective as a ratio (0.999), when exported.
    public var objective: Double?
    /// Availability burn rates by window label (`5m` … `3d`, and `slo` for the whole SLO window).
    public var burnRates: [String: Double]

    /// A reading; without burn rates or objective unless given.
    public init(state: SiteState, isRootCause: Bool = false, objective: Double? = nil,
                burnRates: [String: Double] = [:]) {
        self.state = state
        self.isRootCause = isRootCause
        self.objective = objective
        self.burnRates = burnRates
    }
}

/// What one poll of the fleet found: per service, what each site's agent reports (the series of README, "Beyond one machine").
public struct FleetReading: Sendable, Equatable {
    /// Per service name, one reading per site, sorted by site.
    public var services: [String: [SiteReading]]
    /// Every site that reported a service, sorted.
    public var sites: [String]

    /// A reading of these services.
    public init(services: [String: [SiteReading]]) {
        self.services = services.mapValues { $0.sorted { $0.state.site < $1.state.site } }
        sites = Set(services.values.flatMap { $0.map(\.state.site) }).sorted()
    }

    // MARK: Merging sites

    /// The reading that speaks for `service` fleet-wide: the worst known status (`unknown` only
    /// when no site knows), then the slowest.
    public func worst(of service: String) -> SiteReading? {
        guard let readings = services[service], !readings.isEmpty else { return nil }
        let known = readings.filter { $0.state.status != .unknown }
        return (known.isEmpty ? readings : known).max { a, b in
            if a.state.status != b.state.status { return a.state.status < b.state.status }
            return (a.state.latency ?? .zero) < (b.state.latency ?? .zero)
        }
    }

    /// One synthetic probe result per probed service of `config` that some site reports: the
    /// worst site's state, so the cascade analysis and the alerts work on it as on a local probe.
    public func results(config: ProbesConfig, at time: Date) -> [String: ProbeResult] {
        var results: [String: ProbeResult] = [:]
        for service in config.services {
            guard let probe = service.probe, let worst = worst(of: service.name) else { continue }
            results[service.name] = result(service.name, worst: worst, timeout: probe.timeout, at: time)
        }
        return results
    }

    private func result(_ service: String, worst: SiteReading, timeout: Duration, at time: Date) -> ProbeResult {
        let state = worst.state
        let latency = state.latency ?? .zero
        guard state.status != .up else {
            return ProbeResult(service: service, startedAt: time, status: .up, latency: latency,
                               httpStatus: state.httpStatus)
        }
        let sites = (services[service] ?? []).filter { $0.state.status == state.status }.map(\.state.site)
        var error = "\(state.status.rawValue) at \(sites.joined(separator: ", "))"
        if let code = state.httpStatus { error += " (HTTP \(code))" }
        // A probe that took its whole timeout timed out; the cascade attributes such failures to a
        // slow upstream, as it does locally.
        let failure: FailureKind? =
            switch state.status {
            case .up, .degraded: nil
            case .down, .unknown: latency >= timeout * 0.95 ? .timeout : state.httpStatus != nil ? .condition : .other
            }
        return ProbeResult(service: service, startedAt: time, status: state.status, latency: latency, error: error,
                           failure: failure, httpStatus: state.httpStatus)
    }
}
