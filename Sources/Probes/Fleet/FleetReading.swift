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
    /// The agent's availability counters (`incidentboard_sli_events_total` and
    /// `incidentboard_sli_errors_total`, since it started), when exported.
    public var events: Double?
    public var errors: Double?

    /// A reading; without burn rates or objective unless given.
    public init(
        state: SiteState, isRootCause: Bool = false, objective: Double? = nil,
        burnRates: [String: Double] = [:]
    ) {
        self.state = state
        self.isRootCause = isRootCause
        self.objective = objective
        self.burnRates = burnRates
    }
}

/// A site that reported lately and stopped: its agent's scrape fails (`up == 0`) or its series
/// went stale.
public struct DarkSite: Sendable, Equatable {
    /// The agent's `--site`.
    public var site: String
    /// When it last reported (its last snapshot), when known.
    public var since: Date?
    /// The services it reported before it went dark, sorted.
    public var services: [String]

    public init(site: String, since: Date?, services: [String]) {
        self.site = site
        self.since = since
        self.services = services.sorted()
    }
}

/// What one poll of the fleet found: per service, what each site's agent reports (the series of README, "Beyond one machine").
public struct FleetReading: Sendable, Equatable {
    /// Per service name, one reading per reporting site, sorted by site.
    public var services: [String: [SiteReading]]
    /// Every site that reported a service, sorted.
    public var sites: [String]
    /// Sites that reported lately and stopped, sorted by site; never also in ``sites``.
    public private(set) var dark: [DarkSite]
    /// `false` when the poll could not learn which sites are dark (its liveness query failed):
    /// ``dark`` is then empty for want of knowing, not because every site reports.
    public var livenessKnown = true
    /// Per service, the indices in ``dark`` of the sites that covered it (a lookup per service, not
    /// a scan of every dark site's list: a snapshot asks for every service each poll).
    private var darkByService: [String: [Int]] = [:]

    /// A reading of these services, with the sites that went dark.
    public init(services: [String: [SiteReading]], dark: [DarkSite] = []) {
        let darkNames = Set(dark.map(\.site))
        self.services =
            services
            .mapValues { $0.filter { !darkNames.contains($0.state.site) }.sorted { $0.state.site < $1.state.site } }
            .filter { !$0.value.isEmpty }
        sites = Set(self.services.values.flatMap { $0.map(\.state.site) }).sorted()
        self.dark = dark.sorted { $0.site < $1.site }
        for (index, site) in self.dark.enumerated() {
            for service in site.services { darkByService[service, default: []].append(index) }
        }
    }

    /// What every site says of `service`: the reporting sites' states, and a `reporting: false`,
    /// `unknown` state for each dark site that reported it, sorted by site.
    public func states(of service: String) -> [SiteState] {
        var states = (services[service] ?? []).map(\.state)
        for index in darkByService[service] ?? [] {
            let site = dark[index]
            var state = SiteState(site: site.site, status: .unknown)
            state.reporting = false
            state.darkSince = site.since
            states.append(state)
        }
        return states.sorted { $0.site < $1.site }
    }

    // MARK: Quorum

    /// The fleet's verdict on one service under a quorum: the status at least `quorum` of the
    /// reporting sites share (the worst such), the reading that speaks for it, and the sites that
    /// see worse on their own (PARTIAL).
    public struct Verdict: Sendable, Equatable {
        public var reading: SiteReading
        /// Sites whose own failure (degraded or down) the quorum outvoted, sorted.
        public var partialSites: [String]
    }

    /// The verdict on `service`; `nil` when no reporting site knows it.
    public func verdict(of service: String, quorum: FleetQuorum) -> Verdict? {
        guard let readings = services[service], !readings.isEmpty else { return nil }
        let known = readings.filter { $0.state.status != .unknown }
        guard !known.isEmpty else { return Verdict(reading: readings[0], partialSites: []) }
        let required = quorum.required(of: known.count)
        // Worst first; the `required`-th worst is the worst status that many sites share.
        let ordered = known.sorted { $0.state.status > $1.state.status }
        let status = ordered[required - 1].state.status
        let speaking =
            known.filter { $0.state.status == status }.max {
                ($0.state.latency ?? .zero) < ($1.state.latency ?? .zero)
            } ?? ordered[required - 1]
        let partial = known.filter { $0.state.status > status && $0.state.status != .up }.map(\.state.site)
        return Verdict(reading: speaking, partialSites: partial.sorted())
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
    /// Under a quorum the state is the verdict's instead: a failure fewer sites than the quorum
    /// see is left out (PARTIAL), so it alerts nothing and blames no upstream.
    public func results(config: ProbesConfig, at time: Date) -> [String: ProbeResult] {
        var results: [String: ProbeResult] = [:]
        for service in config.services {
            guard let probe = service.probe, let verdict = verdict(of: service.name, quorum: service.quorum)
            else { continue }
            results[service.name] = result(service.name, worst: verdict.reading, timeout: probe.timeout, at: time)
        }
        return results
    }

    private func result(_ service: String, worst: SiteReading, timeout: Duration, at time: Date) -> ProbeResult {
        let state = worst.state
        let latency = state.latency ?? .zero
        guard state.status != .up else {
            return ProbeResult(
                service: service, startedAt: time, status: .up, latency: latency,
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
        return ProbeResult(
            service: service, startedAt: time, status: state.status, latency: latency, error: error,
            failure: failure, httpStatus: state.httpStatus)
    }
}
