import ArgumentParser
import Dashboard
import Dispatch
import Foundation
import Probes
import ProbesPrometheus

/// `--source`, shared by `dashboard`, `watch` and `check`: probe locally (the default), or read
/// what IncidentBoard agents at many sites report through a Prometheus server (the fleet view).
struct SourceOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Where results come from: local probing (default), or prometheus=URL to read the agents "
                + "(`watch --metrics-listen`) that a Prometheus server scrapes: the fleet view, a row per site.",
            valueName: "prometheus=URL"))
    var source: String?

    func validate() throws {
        _ = try endpoint()
    }

    /// Options that only mean something when this process probes. A fleet view probes and records
    /// nothing, so giving one of them with `--source` is a mistake worth naming rather than a
    /// setting silently ignored (an endpoint that stays empty, a history that is never written).
    /// - Parameter concurrency: `--concurrency` as given (`nil` when left to its default).
    func rejectLocalOnly(metrics: MetricsOptions? = nil, state: StateOptions, concurrency: Int? = nil)
        throws(ValidationError)
    {
        guard let source, source != "local" else { return }
        let given: [(isGiven: Bool, why: String)] = [
            (metrics?.metricsListen != nil, "--metrics-listen serves what this process probes"),
            (state.state != nil, "--state is the history of local probing"),
            (concurrency != nil, "--concurrency limits local probes"),
        ]
        if let option = given.first(where: \.isGiven) {
            throw ValidationError("\(option.why), and with --source nothing is probed here; leave one of them out")
        }
    }

    /// The Prometheus server of `--source prometheus=URL`; `nil` for local probing.
    /// - Throws: a usage error that never shows credentials given in the URL.
    func endpoint() throws(ValidationError) -> PrometheusSource.Endpoint? {
        guard let source, source != "local" else { return nil }
        let prefix = "prometheus="
        guard source.hasPrefix(prefix) else {
            throw ValidationError(
                "--source: \"\(PrometheusSource.Endpoint.masked(source))\" is not a source; "
                    + "use prometheus=URL, e.g. prometheus=http://127.0.0.1:9090")
        }
        do {
            return try PrometheusSource.Endpoint(parsing: String(source.dropFirst(prefix.count)))
        } catch {
            throw ValidationError("--source: \(error.message)")
        }
    }
}

/// The fleet view as the commands wire it: a Prometheus source read through the engine runner
/// (``EngineRunner/fleet(config:source:interval:outputs:)``), or polled once for `check`.
enum FleetSource {
    /// One poll for `check --source`: the report, or why the source could not be read.
    static func check(config: ProbesConfig, selected names: [String], endpoint: PrometheusSource.Endpoint)
        async -> Result<CheckReport, SourceProblem>
    {
        let source = PrometheusSource(endpoint: endpoint)
        let checkedAt = Date()
        let outcome = await source.read()
        await source.shutdown()
        return outcome.map { reading in
            CheckReport.fleet(
                config: config, selected: names, reading: reading, source: source.description,
                checkedAt: checkedAt)
        }.mapError { SourceProblem("\(source.description): \($0.message)") }
    }
}

extension WatchCommand {
    /// `watch --headless --source prometheus=URL`: the fleet monitor's alert lines on stdout.
    static func runFleet(
        config: ProbesConfig, configPath: String, endpoint: PrometheusSource.Endpoint,
        format: Format
    ) async throws {
        StandardError.write(
            "incidentboard: watching \(config.services.count) entries of \(configPath) through prometheus "
                + endpoint.display)
        let output = OutputFailure()
        let firing = await printAlerts(to: output, format: format, redactor: config.redactor) { onEvents in
            let engine = EngineRunner.fleet(
                config: config, source: PrometheusSource(endpoint: endpoint),
                outputs: EngineOutputs(onEvents: onEvents, onNotice: Agent.notice))
            await EngineLifecycle.run([engine], stopOn: [.interrupt, .terminate])
            return engine.firingCount
        }
        try finish(output, firing: firing, flushed: false)
    }
}

extension DashboardCommand {
    /// `dashboard --source prometheus=URL`: the board from fleet snapshots until the user quits,
    /// or SIGINT/SIGTERM/SIGHUP arrives; the terminal is restored either way.
    static func runFleetDashboard(config: ProbesConfig, endpoint: PrometheusSource.Endpoint, noColor: Bool)
        async throws
    {
        try requireTerminal(otherwise: "use `watch --headless --source` instead")
        let feed = BoardFeed()
        // The services from the config at once, so the first frame is the board, not a blank screen.
        var blank = FleetView(config: config, source: "prometheus " + endpoint.display)
        feed.publish(blank.snapshot(now: Date()))
        // Problems show in the footer; stderr is held back while the board is up anyway.
        let engine = EngineRunner.fleet(
            config: config, source: PrometheusSource(endpoint: endpoint),
            outputs: EngineOutputs(onEvents: { _ in }, onSnapshot: { feed.publish($0) }))
        let firing = try await showBoard(
            feed: feed, engine: engine, services: [engine], noColor: noColor,
            onSilence: { service, _ in
                Agent.notice(
                    "\(service) not silenced: the fleet view keeps no state file; "
                        + "use `incidentboard silence add` on the agent's host")
            })
        StandardError.write("incidentboard: stopped; \(Plural.count(firing, "alert")) still firing")
    }
}
