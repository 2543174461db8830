import ArgumentParser
import Dashboard
import Dispatch
import Foundation
import Probes
import ServiceLifecycle

struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "The live ncurses board: latency, error budgets and the root cause of a cascade.",
        discussion: """
            Probes run live and SLOs roll while the board shows every service in dependency order, with \
            the upstream that causes a cascade named in the header and in the CAUSE column. Press ? for \
            the keys, q to quit. The same --state history as `watch` is used, so budgets show at once \
            after a restart. Needs a terminal; in scripts use `watch --headless`.
            """
    )

    @OptionGroup var options: ConfigOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var sourceOptions: SourceOptions
    @OptionGroup var metricsOptions: MetricsOptions
    @OptionGroup(title: "Alert delivery") var deliveryOptions: DeliveryOptions

    @Flag(help: "No colours (also when NO_COLOR is set); glyphs and text carry every state.")
    var noColor = false

    func validate() throws {
        try sourceOptions.rejectLocalOnly(metrics: metricsOptions, state: stateOptions)
        try deliveryOptions.rejectWithSource(sourceOptions)
    }

    func run() async throws {
        try Self.requireTerminal(otherwise: "in scripts and pipelines use `incidentboard watch --headless`")
        guard let config = options.load() else { throw ExitCode(UsageExit.code) }
        if let endpoint = try sourceOptions.endpoint() {
            return try await Self.runFleetDashboard(config: config, endpoint: endpoint, noColor: noColor)
        }
        try await Self.runDashboard(
            config: config, configPath: options.configPath,
            statePath: stateOptions.path(forConfig: options.configPath), noColor: noColor,
            metrics: metricsOptions.settings, delivery: deliveryOptions.settings(site: metricsOptions.site))
    }

    /// Ends the command with exit 3 and one line on stderr, naming `alternative`, unless standard
    /// input and output are a terminal.
    static func requireTerminal(otherwise alternative: String) throws(ExitCode) {
        guard DashboardRunner.hasTerminal() else {
            StandardError.write(
                "incidentboard: dashboard: standard input and output must be a terminal; \(alternative)")
            throw ExitCode(UsageExit.code)
        }
    }

    /// Runs the board against the live engine until the user quits, or SIGINT/SIGTERM/SIGHUP
    /// arrives; history is flushed and the terminal restored either way. Also used by `demo`.
    ///
    /// - Throws: `ExitCode(3)` when there is no usable terminal, another agent holds the state file
    ///   or the history cannot be opened (the reason is on stderr).
    /// - Parameters:
    ///   - configIdentity: what the history records as its config (default: the absolute path
    ///     of `configPath`).
    ///   - feed: where the engine's snapshots go; `demo` keeps it to set the board's banner.
    static func runDashboard(
        config: ProbesConfig, configPath: String, configIdentity: String? = nil,
        statePath: String, noColor: Bool, metrics settings: MetricsSettings? = nil,
        delivery deliverySettings: DeliverySettings? = nil, feed: BoardFeed = BoardFeed(), lock held: StateLock? = nil
    ) async throws {
        try requireTerminal(otherwise: "use `watch --headless` instead")
        let lock = try held ?? Agent.lock(statePath)
        defer { if held == nil { lock.release() } }
        let store = try Agent.openHistory(
            statePath, identity: configIdentity ?? HistoryStore.configIdentity(forConfig: configPath))
        let metrics = try await Agent.startMetrics(settings, config: config)
        let delivery = Agent.startDelivery(deliverySettings, store: store, redactor: config.redactor)
        // The services from the config at once, so the first frame is the board, not a blank screen.
        var blank = Monitor(config: config)
        feed.publish(blank.snapshot(now: Date()))
        let engine = EngineRunner.live(
            config: config, store: store, concurrency: ProbeScheduler<ContinuousClock>.defaultConcurrencyLimit,
            outputs: EngineOutputs(
                onEvents: Agent.delivering(to: delivery, { _ in }),
                onSnapshot: Agent.snapshots(screen: { feed.publish($0) }, metrics: metrics),
                onNotice: Agent.notice, onSilences: Agent.silenceSync(deliverySettings, store: store)))
        let firing = try await showBoard(
            feed: feed, engine: engine, services: Agent.services(engine, metrics: metrics, delivery: delivery),
            noColor: noColor,
            onSilence: SilenceFromBoard.adder(store: store))
        Agent.reportDelivery(delivery)
        StandardError.write(
            "incidentboard: stopped; " + (engine.historyIsComplete ? "history flushed; " : "")
                + "\(Plural.count(firing, "alert")) still firing")
    }

    /// Runs `services` (the engine among them) and shows `feed` on the terminal until the user
    /// quits or the engine stops, then stops the services and returns the alerts still firing.
    /// "Probe now" and "pause" go to the engine as commands.
    ///
    /// SIGINT, SIGTERM and SIGHUP (a dropped ssh connection) stop the services gracefully, which
    /// stops the board, which restores the terminal. They are ignored before anything starts so
    /// that ncurses, starting before the services watch them, leaves them alone instead of taking
    /// them over.
    ///
    /// - Throws: `ExitCode(3)` when the terminal cannot be used (the reason is on stderr), after
    ///   the services have stopped.
    static func showBoard<Source, State, C>(
        feed: BoardFeed, engine: EngineRunner<Source, State, C>, services: [any Service], noColor: Bool,
        onSilence: @escaping @Sendable (_ service: String, _ reason: String) -> Void = { _, _ in }
    ) async throws -> Int {
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] { signal(signalNumber, SIG_IGN) }
        let running = Task {
            await EngineLifecycle.run(services, stopOn: [.interrupt, .terminate, .hangUp])
            feed.requestStop()
        }
        let useColor = !noColor && !DashboardRunner.environmentForbidsColor()
        do {
            _ = try await DashboardRunner.run(feed: feed, useColor: useColor) { command in
                switch command {
                case .probeNow(let name): engine.send(.probeNow(name))
                case .togglePause: engine.send(.togglePause)
                case .silence(let service, let reason): onSilence(service, reason)
                case .quit: break
                }
            }
        } catch {
            running.cancel()
            await running.value
            StandardError.write("incidentboard: dashboard: \(error.description)")
            throw ExitCode(UsageExit.code)
        }
        running.cancel()
        await running.value
        return engine.firingCount
    }
}
