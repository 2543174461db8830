import DequeModule
import Foundation

/// The fleet view's state: a ``Monitor`` fed one synthetic result per service per poll (the worst
/// site's state, so cascade analysis, root causes and alerts work as they do locally), plus what
/// each site reports, for the board and `check`.
///
/// A failed poll keeps the last good state; snapshots then carry the problem and the data's age.
public struct FleetView: Sendable {
    /// The engine state the synthetic results feed.
    public private(set) var monitor: Monitor
    /// How snapshots name the source, e.g. `prometheus http://127.0.0.1:9090`.
    public let source: String
    /// The last good reading.
    public private(set) var reading: FleetReading?
    /// When the last good reading arrived.
    public private(set) var readAt: Date?
    /// The problem of the last poll, `nil` when it succeeded.
    public private(set) var problem: SourceProblem?

    /// Budget remaining as the agents report it, sampled once a minute (the burn-down chart).
    private var budgetHistory: [String: Deque<Double>] = [:]
    private var lastBudgetMinute: Int64 = .min
    /// The problem last told through ``takeNotice()``.
    private var toldProblem: SourceProblem?
    /// Sites whose `site-dark` alert is firing, with when they went dark.
    public private(set) var darkSites: [String: Date?] = [:]

    /// A view with no reading yet.
    public init(config: ProbesConfig, source: String) {
        monitor = Monitor(config: config)
        self.source = source
    }

    /// Takes one poll's outcome: a reading feeds the monitor; a problem keeps the last good state.
    /// - Returns: the alert transitions the reading causes, attributed.
    public mutating func apply(_ outcome: Result<FleetReading, SourceProblem>, now: Date) -> [AlertEvent] {
        switch outcome {
        case .failure(let problem):
            self.problem = problem
            return []
        case .success(var reading):
            if !reading.livenessKnown, let previous = self.reading {
                // Not knowing is not news: sites dark before stay dark until they report again.
                let reporting = Set(reading.sites)
                reading = FleetReading(
                    services: reading.services,
                    dark: previous.dark.filter { !reporting.contains($0.site) })
                reading.livenessKnown = false
            }
            self.reading = reading
            readAt = now
            problem = nil
            var events = siteEvents(reading, now: now)
            let results = reading.results(config: monitor.config, at: now)
            for service in monitor.config.services {
                guard let result = results[service.name] else { continue }
                events += monitor.ingest(result, now: now)
            }
            return events
        }
    }

    /// `site-dark` firing for each site that went dark since the last reading, resolved for each
    /// that reports again (or that Prometheus no longer remembers).
    private mutating func siteEvents(_ reading: FleetReading, now: Date) -> [AlertEvent] {
        var events: [AlertEvent] = []
        let dark = Dictionary(reading.dark.map { ($0.site, $0) }, uniquingKeysWith: { first, _ in first })
        for site in reading.dark where darkSites[site.site] == nil {
            darkSites[site.site] = site.since
            let since = site.since.map { " since " + CheckReport.timestamp($0) } ?? ""
            var event = AlertEvent(
                time: now, event: .firing, alert: .siteDark, service: "", severity: .warning,
                summary: "site \(site.site) stopped reporting\(since): its view of "
                    + "\(site.services.count) service\(site.services.count == 1 ? "" : "s") is missing from the fleet")
            event.site = site.site
            events.append(event)
        }
        for site in darkSites.keys.sorted() where dark[site] == nil {
            darkSites[site] = nil
            let again = reading.sites.contains(site)
            var event = AlertEvent(
                time: now, event: .resolved, alert: .siteDark, service: "", severity: .warning,
                summary: again ? "site \(site) reports again" : "site \(site) no longer known to Prometheus")
            event.site = site
            events.append(event)
        }
        return events
    }

    /// Periodic work, as ``Monitor/tick(now:)``; also samples the agents' budgets once a minute.
    public mutating func tick(now: Date) -> [AlertEvent] {
        let minute = MinuteAggregate.minute(of: now)
        if minute != lastBudgetMinute, let reading, problem == nil {
            lastBudgetMinute = minute
            for service in monitor.config.services {
                guard let sites = reading.services[service.name],
                    let budget = reading.fleet(of: service).budget ?? sites.compactMap(\.state.budgetRemaining).min()
                else { continue }
                let service = service.name
                var ring = budgetHistory[service] ?? Deque(minimumCapacity: Monitor.budgetSamplesKept)
                if ring.count == Monitor.budgetSamplesKept { ring.removeFirst() }
                ring.append(budget)
                budgetHistory[service] = ring
            }
        }
        return monitor.tick(now: now)
    }

    /// The board as of `now`: the monitor's snapshot with per-site state, the agents' budgets and
    /// burn rates (the worst site's), the source and any problem reading it.
    public mutating func snapshot(now: Date) -> BoardSnapshot {
        var snapshot = monitor.snapshot(now: now)
        snapshot.source = source
        snapshot.sourceProblem = problemText(now: now)
        guard let reading else { return snapshot }
        snapshot.darkSites = reading.dark
        let services = Dictionary(
            monitor.config.services.map { ($0.name, $0) },
            uniquingKeysWith: { first, _ in first })
        for index in snapshot.services.indices {
            let name = snapshot.services[index].name
            guard let sites = reading.services[name], let service = services[name] else {
                snapshot.services[index].sites = reading.states(of: name)
                continue
            }
            let fleet = reading.fleet(of: service)
            snapshot.services[index].sites = fleet.sites
            snapshot.services[index].partialSites = fleet.partialSites
            if var availability = snapshot.services[index].availability {
                Self.adopt(sites, into: &availability, fleetBudget: fleet.budget)
                snapshot.services[index].availability = availability
            }
            if let history = budgetHistory[name] { snapshot.services[index].budgetHistory = Array(history) }
        }
        return snapshot
    }

    /// `prometheus http://127.0.0.1:9090: connection refused` when the polls' problem changes, and
    /// `…: reading again` once a poll succeeds after one failed; `nil` when nothing changed.
    public mutating func takeNotice() -> String? {
        guard problem != toldProblem else { return nil }
        toldProblem = problem
        return "\(source): " + (problem?.message ?? "reading again")
    }

    /// `prometheus: connection refused (data 35 s old)`; `nil` when the last poll succeeded.
    public func problemText(now: Date) -> String? {
        guard let problem else { return nil }
        let kind = source.split(separator: " ").first.map(String.init) ?? "source"
        guard let readAt else { return "\(kind): \(problem.message) (no data yet)" }
        return "\(kind): \(problem.message) (data \(Self.age(now.timeIntervalSince(readAt))) old)"
    }

    /// `35 s`, `4 min`, `2 h`.
    static func age(_ seconds: TimeInterval) -> String {
        let whole = Int(max(0, min(seconds, 1e9)).rounded(.down))
        if whole < 120 { return "\(whole) s" }
        if whole < 7200 { return "\(whole / 60) min" }
        return "\(whole / 3600) h"
    }

    /// The agents' budget and burn rates replace the fleet view's own counts where they report
    /// them: the fleet budget from their summed counters (else the worst site's budget) and, per
    /// window, the highest burn rate.
    static func adopt(_ sites: [SiteReading], into status: inout SLIStatus, fleetBudget: Double? = nil) {
        if let budget = fleetBudget ?? sites.compactMap(\.state.budgetRemaining).min() {
            status.budgetRemaining = budget
        }
        func worst(_ window: String) -> Double? { sites.compactMap { $0.burnRates[window] }.max() }
        var rates = status.burnRates
        if let rate = worst("5m") { rates.fiveMinutes = rate }
        if let rate = worst("30m") { rates.thirtyMinutes = rate }
        if let rate = worst("1h") { rates.oneHour = rate }
        if let rate = worst("2h") { rates.twoHours = rate }
        if let rate = worst("6h") { rates.sixHours = rate }
        if let rate = worst("1d") { rates.oneDay = rate }
        if let rate = worst("3d") { rates.threeDays = rate }
        if let rate = worst("slo") { rates.sloWindow = rate }
        status.burnRates = rates
        status.timeToExhaustion = ErrorBudget.timeToExhaustion(
            remaining: status.budgetRemaining, burnRate: rates.oneHour, windowSeconds: status.windowSeconds)
    }
}
