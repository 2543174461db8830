import Foundation
import Probes
import ServiceLifecycle

/// The `/metrics` endpoint of a long-running agent: the exposition the engine's boards feed, and
/// the server Prometheus scrapes, run as a service beside the engine (``EngineLifecycle``), which
/// stops the server when the group shuts down.
public final class MetricsService: Service, Sendable {
    /// What is served, updated once an engine tick.
    public let exposition: MetricsExposition
    /// The listener.
    public let server: MetricsServer
    /// Where it listens (the port chosen when port 0 was asked for).
    public let bound: MetricsListenAddress

    private init(exposition: MetricsExposition, server: MetricsServer, bound: MetricsListenAddress) {
        self.exposition = exposition
        self.server = server
        self.bound = bound
    }

    /// Binds the listener, so an address that cannot be had is known before probing starts.
    /// - Parameters:
    ///   - site: the `site` label of every series (``MetricsSite``).
    ///   - version: the program's version, for `incidentboard_build_info`.
    public static func start(address: MetricsListenAddress, site: String, config: ProbesConfig, version: String)
        async throws(MetricsServerError) -> MetricsService
    {
        let exposition = MetricsExposition(config: config, site: site, version: version)
        let server = MetricsServer(address: address, exposition: exposition)
        let bound = try await server.start()
        return MetricsService(exposition: exposition, server: server, bound: bound)
    }

    /// Takes in one engine tick's board, with the scheduler's statistics it carries.
    public func publish(_ snapshot: BoardSnapshot) {
        exposition.update(snapshot, schedule: snapshot.schedule)
    }

    /// Serves until the group shuts down or the task is cancelled, then closes the listener and
    /// every connection.
    public func run() async {
        try? await gracefulShutdown()
        await server.stop()
    }
}
