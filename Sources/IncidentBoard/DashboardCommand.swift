import ArgumentParser
import Dashboard
import Dispatch
import Foundation
import Probes
import Synchronization

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

    @Flag(help: "No colours (also when NO_COLOR is set); glyphs and text carry every state.")
    var noColor = false

    func validate() throws {
        try sourceOptions.rejectLocalOnly(metrics: metricsOptions, state: stateOptions)
    }

    func run() async throws {
        guard Self.hasTerminal() else {
            StandardError.write(
                "incidentboard: dashboard: standard input and output must be a terminal; "
                    + "in scripts and pipelines use `incidentboard watch --headless`")
            throw ExitCode(UsageExit.code)
        }
        guard let config = options.load() else { throw ExitCode(UsageExit.code) }
        if let endpoint = try sourceOptions.endpoint() {
            return try await Self.runFleetDashboard(config: config, endpoint: endpoint, noColor: noColor)
        }
        try await Self.runDashboard(
            config: config, configPath: options.configPath,
            statePath: stateOptions.path(forConfig: options.configPath), noColor: noColor,
            metrics: metricsOptions.settings)
    }

    static func hasTerminal() -> Bool {
        isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
    }

    /// Runs the board against the live engine until the user quits, or SIGINT/SIGTERM arrives;
    /// history is flushed and the terminal restored either way. Also used by `demo`.
    ///
    /// - Throws: `ExitCode(3)` when there is no usable terminal, another agent holds the state file
    ///   or the history cannot be opened (the reason is on stderr).
    /// - Parameters:
    ///   - configIdentity: what the history records as its config (default: the absolute path
    ///     of `configPath`).
    ///   - feed: where the engine's snapshots go; `demo` keeps it to set the board's banner.
    static func runDashboard(config: ProbesConfig, configPath: String, configIdentity: String? = nil,
                             statePath: String, noColor: Bool, metrics: MetricsSettings? = nil,
                             feed: BoardFeed = BoardFeed(), lock held: StateLock? = nil) async throws {
        guard hasTerminal() else {
            StandardError.write(
                "incidentboard: dashboard: standard input and output must be a terminal; "
                    + "use `watch --headless` instead")
            throw ExitCode(UsageExit.code)
        }
        let lock = try held ?? EngineSession.lock(statePath)
        defer { if held == nil { lock.release() } }
        var session = EngineSession(
            config: config, configPath: configPath, statePath: statePath,
            configIdentity: configIdentity)
        let store: HistoryStore
        do {
            store = try session.openStore()
        } catch {
            StandardError.write("incidentboard: \(error.description)")
            throw ExitCode(UsageExit.code)
        }
        session.metrics = try await MetricsEndpoint.start(metrics, config: config)
        // The services from the config at once, so the first frame is the board, not a blank screen.
        var blank = Monitor(config: config)
        feed.publish(blank.snapshot(now: Date()))

        let scheduler = Mutex<ProbeScheduler<ContinuousClock>?>(nil)
        let engine = Task { [session] in
            let firing = await session.run(
                store: store, onEvents: { _ in }, onSnapshot: { feed.publish($0) },
                onStart: { started in scheduler.withLock { $0 = started } })
            feed.requestStop()
            return firing
        }
        let firing: Int
        do {
            firing = try await showBoard(feed: feed, engine: engine, noColor: noColor) { command in
                guard let probes = scheduler.withLock({ $0 }) else { return }
                switch command {
                case .probeNow(let name): probes.probeNow(name)
                case .togglePause: probes.isPaused ? probes.resume() : probes.pause()
                case .quit: break
                }
            }
        } catch {
            await session.metrics?.stop()
            throw error
        }
        await session.metrics?.stop()
        StandardError.write("incidentboard: stopped; history flushed; \(Plural.count(firing, "alert")) still firing")
    }

    /// Shows `feed` on the terminal until the user quits or `engine` ends (it asks the feed to
    /// stop), then stops the engine and returns what it returned: the alerts still firing.
    ///
    /// SIGINT and SIGTERM end the engine (the engine turns them into cancellation), which stops the
    /// board, which restores the terminal. They are ignored from here on so that ncurses, starting
    /// before the engine has installed its handlers, leaves them alone instead of taking them over.
    /// (Not a second `Termination.cancelling`: setting SIG_IGN again after the dispatch sources exist
    /// would switch them off.) A hang-up (a dropped ssh connection) stops the same way.
    ///
    /// - Throws: `ExitCode(3)` when the terminal cannot be used (the reason is on stderr), after
    ///   the engine has stopped.
    static func showBoard(feed: BoardFeed, engine: Task<Int, Never>, noColor: Bool,
                          onCommand: @escaping @Sendable (BoardCommand) -> Void) async throws -> Int {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hangup.setEventHandler { engine.cancel() }
        hangup.resume()
        defer { hangup.cancel() }

        let useColor = !noColor && !DashboardRunner.environmentForbidsColor()
        do {
            _ = try await DashboardRunner.run(feed: feed, useColor: useColor, onCommand: onCommand)
        } catch {
            engine.cancel()
            _ = await engine.value
            StandardError.write("incidentboard: dashboard: \(error.description)")
            throw ExitCode(UsageExit.code)
        }
        engine.cancel()
        return await engine.value
    }
}
