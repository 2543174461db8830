import ArgumentParser
import Foundation
import Probes
import ProbesPrometheus
import Synchronization

/// `--metrics-listen` and `--site`, shared by `watch`, `dashboard` and `demo` (CONTRACT.md).
struct MetricsOptions: ParsableArguments {
    @Option(
        name: .customLong("metrics-listen"),
        help: ArgumentHelp(
            "Serve Prometheus metrics at http://HOST:PORT/metrics (PORT or :PORT alone: on 127.0.0.1; "
                + "[::1]:PORT for IPv6). Off by default.",
            valueName: "host:port"))
    var metricsListen: String?

    @Option(
        help: ArgumentHelp(
            "The site label of every metric series (default: this machine's short host name).", valueName: "name"))
    var site: String?

    func validate() throws {
        if let metricsListen {
            do {
                _ = try MetricsListenAddress(parsing: metricsListen)
            } catch {
                throw ValidationError("--metrics-listen \(metricsListen): \(error.description)")
            }
        }
        if let site, let problem = MetricsSite.problem(with: site) { throw ValidationError("--site: \(problem)") }
    }

    /// What was asked for, or `nil` when metrics are off.
    var settings: MetricsSettings? {
        guard let metricsListen, let address = try? MetricsListenAddress(parsing: metricsListen) else { return nil }
        return MetricsSettings(address: address, site: site ?? MetricsSettings.defaultSite())
    }
}

/// Where to serve `/metrics` and the site label, as `--metrics-listen` and `--site` gave them.
struct MetricsSettings: Sendable {
    var address: MetricsListenAddress
    var site: String

    /// This machine's short host name, made fit for a label.
    static func defaultSite() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return MetricsSite.defaultName(hostName: "") }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return MetricsSite.defaultName(hostName: name)
    }
}

/// The running `/metrics` endpoint of a long-running command: the exposition the engine feeds
/// once a tick, and the server Prometheus scrapes.
final class MetricsEndpoint: Sendable {
    let exposition: MetricsExposition
    let server: MetricsServer
    private let scheduler = Mutex<ProbeScheduler<ContinuousClock>?>(nil)

    private init(exposition: MetricsExposition, server: MetricsServer) {
        self.exposition = exposition
        self.server = server
    }

    /// Starts serving when `settings` asks for it (`nil` otherwise). A listener that cannot bind is a
    /// usage error: the reason goes to stderr and the command exits 3 before probing starts.
    static func start(_ settings: MetricsSettings?, config: ProbesConfig) async throws -> MetricsEndpoint? {
        guard let settings else { return nil }
        let exposition = MetricsExposition(
            config: config, site: settings.site, version: IncidentBoardCommand.configuration.version)
        let server = MetricsServer(address: settings.address, exposition: exposition)
        let bound: MetricsListenAddress
        do {
            bound = try await server.start()
        } catch {
            StandardError.write("incidentboard: --metrics-listen \(settings.address): \(error.description)")
            throw ExitCode(UsageExit.code)
        }
        StandardError.write("incidentboard: metrics at http://\(bound)/metrics (site \"\(settings.site)\")")
        return MetricsEndpoint(exposition: exposition, server: server)
    }

    /// The scheduler whose statistics go with each snapshot.
    func attach(_ scheduler: ProbeScheduler<ContinuousClock>) {
        self.scheduler.withLock { $0 = scheduler }
    }

    /// Takes in one engine tick's board.
    func publish(_ snapshot: BoardSnapshot) {
        exposition.update(snapshot, schedule: scheduler.withLock { $0 }?.statistics)
    }

    /// Stops the server.
    func stop() async {
        await server.stop()
    }
}
