import ArgumentParser
import Foundation
import Probes
import ProbesPrometheus

/// `--metrics-listen` and `--site`, shared by `watch`, `dashboard` and `demo`.
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
        return MetricsSettings(address: address, site: site ?? MetricsSite.thisMachine())
    }
}

/// Where to serve `/metrics` and the site label, as `--metrics-listen` and `--site` gave them.
struct MetricsSettings: Sendable {
    var address: MetricsListenAddress
    var site: String
}
