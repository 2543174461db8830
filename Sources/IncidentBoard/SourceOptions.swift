import ArgumentParser
import Dashboard
import Dispatch
import Foundation
import Probes
import ProbesPrometheus

/// `--source`, shared by `dashboard`, `watch` and `check`: probe locally (the default), or read
/// what IncidentBoard agents at many sites report through a Prometheus server (the fleet view).
struct SourceOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
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
    func rejectLocalOnly(metrics: MetricsOptions, state: StateOptions, concurrency: Int? = nil)
        throws(ValidationError)
    {
        guard let source, source != "local" else { return }
        let given: [(isGiven: Bool, why: String)] = [
            (metrics.metricsListen != nil, "--metrics-listen serves what this process probes"),
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

/// The fleet view as the long-running commands wire it: a Prometheus source polled on the wall
/// clock, feeding a ``FleetView``, until SIGINT/SIGTERM.
enum FleetSession {
    /// Runs until SIGINT/SIGTERM (or until the surrounding task is cancelled).
    /// - Parameters:
    ///   - onEvents: attributed alert transitions of the fleet monitor, in order.
    ///   - onSnapshot: a fresh board after every poll and tick; `nil` for none.
    ///   - onProblem: when reading the source fails or recovers (a line for stderr).
    /// - Returns: the number of alerts still firing at the end.
    static func run(
        config: ProbesConfig, endpoint: PrometheusSource.Endpoint,
        onEvents: @escaping @Sendable ([AlertEvent]) -> Void,
        onSnapshot: (@Sendable (BoardSnapshot) -> Void)? = nil,
        onProblem: (@Sendable (String) -> Void)? = nil
    ) async -> Int {
        let source = PrometheusSource(endpoint: endpoint)
        let name = source.description
        let report = onProblem ?? { StandardError.write($0) }
        let clock = ContinuousClock()
        let start = clock.now
        let wallStart = Date()
        let loop = FleetLoop(
            source: source, clock: clock, now: { wallStart.addingTimeInterval(start.duration(to: clock.now).seconds) })
        let task = Task {
            await loop.run(
                view: FleetView(config: config, source: name), onEvents: onEvents, onSnapshot: onSnapshot,
                onProblem: { problem in
                    report("incidentboard: \(name): " + (problem?.message ?? "reading again"))
                })
        }
        let signals = Termination.cancelling(task)
        let final = await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        signals.forEach { $0.cancel() }
        await source.shutdown()
        return final.monitor.firingCount
    }

    /// One poll for `check --source`: the report, or why the source could not be read.
    static func check(config: ProbesConfig, selected names: [String], endpoint: PrometheusSource.Endpoint)
        async -> Result<CheckReport, SourceProblem> {
        let source = PrometheusSource(endpoint: endpoint)
        let checkedAt = Date()
        let outcome = await source.read()
        await source.shutdown()
        return outcome.map { reading in
            CheckReport.fleet(config: config, selected: names, reading: reading, source: source.description,
                              checkedAt: checkedAt)
        }.mapError { SourceProblem("\(source.description): \($0.message)") }
    }
}

extension WatchCommand {
    /// `watch --headless --source prometheus=URL`: the fleet monitor's alert lines on stdout.
    static func runFleet(config: ProbesConfig, configPath: String, endpoint: PrometheusSource.Endpoint,
                         format: Format) async throws {
        let redactor = config.redactor
        StandardError.write(
            "incidentboard: watching \(config.services.count) entries of \(configPath) through prometheus "
                + endpoint.display)
        let output = OutputFailure()
        let firing = await printAlerts(to: output, format: format, redactor: redactor) { onEvents in
            await FleetSession.run(config: config, endpoint: endpoint, onEvents: onEvents)
        }
        try finish(output, firing: firing, flushed: false)
    }
}

extension DashboardCommand {
    /// `dashboard --source prometheus=URL`: the board from fleet snapshots until the user quits,
    /// or SIGINT/SIGTERM/SIGHUP arrives; the terminal is restored either way.
    static func runFleetDashboard(config: ProbesConfig, endpoint: PrometheusSource.Endpoint, noColor: Bool)
        async throws {
        guard hasTerminal() else {
            StandardError.write(
                "incidentboard: dashboard: standard input and output must be a terminal; "
                    + "use `watch --headless --source` instead")
            throw ExitCode(UsageExit.code)
        }
        let feed = BoardFeed()
        // The services from the config at once, so the first frame is the board, not a blank screen.
        var blank = FleetView(config: config, source: "prometheus " + endpoint.display)
        feed.publish(blank.snapshot(now: Date()))
        let engine = Task {
            // Problems show in the footer; stderr is held back while the board is up anyway.
            let firing = await FleetSession.run(
                config: config, endpoint: endpoint, onEvents: { _ in }, onSnapshot: { feed.publish($0) },
                onProblem: { _ in })
            feed.requestStop()
            return firing
        }
        // Probing is elsewhere (the agents): "probe now" and "pause" have nothing to act on.
        let firing = try await showBoard(feed: feed, engine: engine, noColor: noColor) { _ in }
        StandardError.write("incidentboard: stopped; \(Plural.count(firing, "alert")) still firing")
    }
}
