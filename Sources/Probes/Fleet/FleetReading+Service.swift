import Foundation

/// What the fleet view shows of one service beside its verdict: every site's state (dark ones
/// included), the sites a quorum outvoted, and the fleet budget.
public struct FleetService: Sendable, Equatable {
    /// Reporting and dark sites, sorted; per-site budgets below the coverage bar are marked.
    public var sites: [SiteState]
    /// Sites that see the service fail while fewer than its quorum do (PARTIAL).
    public var partialSites: [String]
    /// The budget from the reporting sites' counters summed (``FleetBudget``); `nil` without them.
    public var budget: Double?
    /// Whether ``budget`` covers enough of the SLO window to mean something.
    public var budgetMeaningful: Bool
}

extension FleetReading {
    /// The fleet's view of `service` under its quorum, SLO and probe interval.
    public func fleet(of service: ServiceConfig) -> FleetService {
        let readings = services[service.name] ?? []
        let interval = service.probe?.interval ?? .seconds(30)
        let window = service.slo.window
        var sites = states(of: service.name)
        let events = Dictionary(readings.map { ($0.state.site, $0.events) }, uniquingKeysWith: { first, _ in first })
        // An agent that exports no counters is taken at its word.
        for index in sites.indices where sites[index].reporting && sites[index].budgetRemaining != nil {
            guard let count = events[sites[index].site] ?? nil else { continue }
            sites[index].budgetMeaningful = FleetBudget.isMeaningful(events: count, interval: interval, window: window)
        }
        let objective = readings.compactMap(\.objective).first ?? service.slo.objective / 100
        // Coverage is time: the longest-running site's, not the sum (two sites for an hour cover an hour).
        let longest = readings.compactMap(\.events).max()
        return FleetService(
            sites: sites,
            partialSites: verdict(of: service.name, quorum: service.quorum)?.partialSites ?? [],
            budget: FleetBudget.remaining(readings, objective: objective),
            budgetMeaningful: FleetBudget.isMeaningful(events: longest, interval: interval, window: window))
    }
}
