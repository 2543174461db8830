import ArgumentParser
import Foundation
import Probes
import ProbesPrometheus
import ServiceLifecycle

/// The steps every long-running command (`watch`, `dashboard`, `demo`) takes before it runs the
/// engine, each turning a failure into its line on stderr and exit 3.
enum Agent {
    /// Takes the state file for this agent (``StateLock``), or says who holds it.
    static func lock(_ statePath: String) throws(ExitCode) -> StateLock {
        do {
            return try StateLock.acquire(statePath: statePath)
        } catch {
            StandardError.write("incidentboard: \(error.description)")
            throw ExitCode(UsageExit.code)
        }
    }

    /// Opens the history with the state's lock held (``HistoryStore/openClaiming(path:identity:warn:)``).
    static func openHistory(_ statePath: String, identity: String) throws(ExitCode) -> HistoryStore {
        do {
            return try HistoryStore.openClaiming(path: statePath, identity: identity) { StandardError.write($0) }
        } catch {
            StandardError.write("incidentboard: \(error.description)")
            throw ExitCode(UsageExit.code)
        }
    }

    /// Starts `/metrics` when `--metrics-listen` asks for it; an address that cannot be had ends the
    /// command before probing starts.
    static func startMetrics(_ settings: MetricsSettings?, config: ProbesConfig) async throws(ExitCode)
        -> MetricsService?
    {
        guard let settings else { return nil }
        let service: MetricsService
        do {
            service = try await MetricsService.start(
                address: settings.address, site: settings.site, config: config,
                version: IncidentBoardCommand.configuration.version)
        } catch {
            StandardError.write("incidentboard: --metrics-listen \(settings.address): \(error.description)")
            throw ExitCode(UsageExit.code)
        }
        StandardError.write("incidentboard: metrics at http://\(service.bound)/metrics (site \"\(settings.site)\")")
        return service
    }

    /// The engine's notices go to stderr, one line each.
    static let notice: @Sendable (String) -> Void = { StandardError.write("incidentboard: \($0)") }

    /// Boards for `/metrics`, and for a screen when there is one.
    static func snapshots(screen: (@Sendable (BoardSnapshot) -> Void)?, metrics: MetricsService?)
        -> (@Sendable (BoardSnapshot) -> Void)?
    {
        switch (screen, metrics) {
        case (nil, nil): nil
        case (let screen?, nil): screen
        case (nil, let metrics?): { metrics.publish($0) }
        case (let screen?, let metrics?):
            {
                screen($0); metrics.publish($0)
            }
        }
    }

    /// The engine and, when serving, `/metrics` and alert delivery beside it (stopped after the
    /// engine, delivery last, so that the engine's last events get their attempt).
    static func services(_ engine: any Service, metrics: MetricsService?, delivery: AlertDelivery? = nil)
        -> [any Service]
    {
        (delivery.map { [$0] } ?? []) + (metrics.map { [$0] } ?? []) + [engine]
    }

    /// `onEvents` with every event first written to the delivery outbox (before it is shown, so
    /// that nothing told is lost to a crash).
    static func delivering(to delivery: AlertDelivery?, _ onEvents: @escaping @Sendable ([AlertEvent]) -> Void)
        -> @Sendable ([AlertEvent]) -> Void
    {
        guard let delivery else { return onEvents }
        return { events in
            delivery.enqueue(events)
            onEvents(events)
        }
    }
}
