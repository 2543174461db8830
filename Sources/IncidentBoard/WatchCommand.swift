import ArgumentParser
import Foundation
import Probes
import Synchronization

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Probe continuously and write alerts to stdout as they fire and resolve, one line each.",
        discussion: """
            Every alert transition is one line on stdout, flushed at once: JSON (one object per line) or \
            text. Diagnostics go to stderr. Runs until SIGINT or SIGTERM, then flushes history and exits 0; \
            a closed stdout (its reader left) stops it the same way, any other output error exits 1. \
            With the same --state a restart resumes SLO budgets and alert states without re-firing; a second \
            agent on a --state in use exits 3, naming the pid that holds it.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Flag(help: "Run without a screen, alerts on stdout (the only mode of `watch`; the screen is `dashboard`).")
    var headless = false

    @Option(help: "Output format: text or json (default: text on a terminal, json otherwise).")
    var format: Format?

    @OptionGroup var options: ConfigOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var sourceOptions: SourceOptions
    @OptionGroup var metricsOptions: MetricsOptions
    @OptionGroup(title: "Alert delivery") var deliveryOptions: DeliveryOptions

    @Option(
        help: ArgumentHelp(
            "Most probes in flight at once (default: \(ProbeScheduler<ContinuousClock>.defaultConcurrencyLimit)).",
            valueName: "n"))
    var concurrency: Int?

    func validate() throws {
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        try sourceOptions.rejectLocalOnly(metrics: metricsOptions, state: stateOptions, concurrency: concurrency)
        try deliveryOptions.rejectWithSource(sourceOptions)
    }

    func run() async throws {
        guard let config = options.load() else { throw ExitCode(UsageExit.code) }
        if let endpoint = try sourceOptions.endpoint() {
            return try await Self.runFleet(
                config: config, configPath: options.configPath, endpoint: endpoint,
                format: format ?? (isatty(STDOUT_FILENO) == 1 ? .text : .json))
        }
        try await Self.runHeadless(
            config: config, configPath: options.configPath,
            statePath: stateOptions.path(forConfig: options.configPath),
            format: format ?? (isatty(STDOUT_FILENO) == 1 ? .text : .json),
            concurrency: concurrency ?? ProbeScheduler<ContinuousClock>.defaultConcurrencyLimit,
            metrics: metricsOptions.settings, delivery: deliveryOptions.settings(site: metricsOptions.site))
    }

    /// The headless mode, also used by `demo --headless` (which holds the state's lock already and
    /// passes it as `held`).
    /// - Parameter configIdentity: what the history records as its config (default: the
    ///   absolute path of `configPath`).
    static func runHeadless(
        config: ProbesConfig, configPath: String, configIdentity: String? = nil,
        statePath: String, format: Format,
        concurrency: Int = ProbeScheduler<ContinuousClock>.defaultConcurrencyLimit,
        metrics settings: MetricsSettings? = nil, delivery deliverySettings: DeliverySettings? = nil,
        lock held: StateLock? = nil
    ) async throws {
        let lock = try held ?? Agent.lock(statePath)
        defer { if held == nil { lock.release() } }
        let store = try Agent.openHistory(
            statePath, identity: configIdentity ?? HistoryStore.configIdentity(forConfig: configPath))
        let metrics = try await Agent.startMetrics(settings, config: config)
        let delivery = Agent.startDelivery(deliverySettings, store: store, redactor: config.redactor)
        let probed = config.services.filter { $0.probe != nil }.count
        StandardError.write("incidentboard: watching \(probed) probes from \(configPath) (history: \(statePath))")
        let output = OutputFailure()
        let complete = Mutex(true)
        let firing = await printAlerts(to: output, format: format, redactor: config.redactor) { onEvents in
            var outputs = EngineOutputs(
                onEvents: Agent.delivering(to: delivery, onEvents),
                onSnapshot: Agent.snapshots(screen: nil, metrics: metrics),
                snapshotDetail: false, onNotice: Agent.notice,
                onSilences: Agent.silenceSync(deliverySettings, store: store))
            outputs.outputLost = { output.error != nil }
            // Headless, nothing draws the board: the monitor keeps only what alerts need.
            let engine = EngineRunner.live(
                config: config, store: store, concurrency: concurrency, outputs: outputs, retention: .alerts)
            await EngineLifecycle.run(
                Agent.services(engine, metrics: metrics, delivery: delivery),
                stopOn: [.interrupt, .terminate])
            complete.withLock { $0 = engine.historyIsComplete }
            return engine.firingCount
        }
        Agent.reportDelivery(delivery)
        try finish(output, firing: firing, flushed: complete.withLock { $0 })
    }

    /// Runs `engine` with its alert lines going to stdout, one each, until it ends. Stdout failing
    /// (the reader left, the disk is full) stops it as SIGTERM does, as does cancelling the caller.
    /// - Returns: what the engine returned: the alerts still firing.
    static func printAlerts(
        to output: OutputFailure, format: Format, redactor: Redactor,
        engine: @escaping @Sendable (_ onEvents: @escaping @Sendable ([AlertEvent]) -> Void) async -> Int
    ) async -> Int {
        let running = Task {
            await engine { events in
                for event in events {
                    output.write(redactor.redact(format == .json ? event.jsonLine() : event.textLine()))
                }
            }
        }
        output.whenFailed { running.cancel() }
        output.watchForReaderLeaving()
        return await withTaskCancellationHandler {
            await running.value
        } onCancel: {
            running.cancel()
        }
    }

    /// The last line on stderr, and the exit status: 0, also when stdout's reader left (it chose
    /// to stop); 1 when stdout could not be written.
    static func finish(_ output: OutputFailure, firing: Int, flushed: Bool) throws(ExitCode) {
        let stopped =
            "stopped; " + (flushed ? "history flushed; " : "") + "\(Plural.count(firing, "alert")) still firing"
        guard let error = output.error else {
            StandardError.write("incidentboard: \(stopped)")
            return
        }
        if error.readerLeft {
            StandardError.write("incidentboard: stdout closed by its reader; \(stopped)")
            return
        }
        StandardError.write("incidentboard: \(error.description); \(stopped)")
        throw ExitCode(1)
    }
}
