import ArgumentParser
import Dashboard
import DemoEstate
import Foundation
import Probes

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start the simulated estate on loopback and watch the board find the root cause.",
        discussion: """
            Starts simulated upstreams (point portal, auth vendor, credit bureau, card network) and the \
            services over them on loopback (ports 18081-18096, as the estate's config built into \
            incidentboard names them; the repository's probes.json is the same file), replays an incident on them and \
            runs the dashboard against them (with --headless: the alert lines of `watch --headless` on \
            stdout, scenario progress on stderr). Services really call their upstreams, so a cascade \
            emerges by itself. The demo keeps its own history (a temporary file unless --state is \
            given), never your real one. Ctrl-C stops everything.
            """
    )

    @Option(help: ArgumentHelp("The scenario to play (see --list).", valueName: "name"))
    var scenario: String = Scenario.tourName

    @Flag(help: "List the scenarios, one line each, and exit.")
    var list = false

    @Flag(help: "No dashboard: alerts on stdout as `watch --headless` writes them; progress on stderr.")
    var headless = false

    @Option(help: "Headless output format: text or json (default: text on a terminal, json otherwise).")
    var format: WatchCommand.Format?

    @Option(
        help: ArgumentHelp(
            "A probes.json describing the estate, e.g. with a port moved (default: the estate's own config, "
                + "built into incidentboard).", valueName: "path"))
    var config: String?

    @Option(
        help: ArgumentHelp(
            "The demo's history (default: a temporary file, removed at exit).", valueName: "path"))
    var state: String?

    @Flag(help: "No colours on the dashboard (also when NO_COLOR is set).")
    var noColor = false

    @OptionGroup var metricsOptions: MetricsOptions

    @Option(help: .hidden)
    var pace: Double?

    /// `INCIDENTBOARD_DEMO_PACE` speeds the timelines up (tests); `--pace` wins.
    static let paceVariable = "INCIDENTBOARD_DEMO_PACE"

    func validate() throws {
        guard DemoPlan.named(scenario) != nil else {
            throw ValidationError("unknown scenario \"\(scenario)\"; `incidentboard demo --list` shows them")
        }
        if let pace, !(pace > 0 && pace <= 100) { throw ValidationError("--pace must be above 0 and at most 100") }
    }

    func run() async throws {
        if list {
            let width = DemoPlan.catalogue.map(\.name.count).max() ?? 0
            for entry in DemoPlan.catalogue {
                let name = entry.name.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                try StandardOutput.write(name + entry.summary)
            }
            return
        }
        guard let plan = DemoPlan.named(scenario) else { throw ExitCode(UsageExit.code) }
        let probes: ProbesConfig
        let configName = config ?? DemoEstateConfig.displayName
        do {
            if let config {
                probes = try ConfigLoader.load(contentsOf: config)
            } else {
                probes = try DemoEstateConfig.load()
            }
        } catch {
            for line in error.lines { StandardError.write(line) }
            throw ExitCode(UsageExit.code)
        }
        let headless = headless || !DashboardRunner.hasTerminal()
        if !self.headless && headless {
            StandardError.write("incidentboard: demo: no terminal for the dashboard; running headless")
        }
        let history = DemoHistory(requested: state)
        // Before the estate starts: a second demo on the same --state stops here, naming the first.
        let lock = try Agent.lock(history.path)
        defer {
            history.removeIfTemporary()
            lock.release()
        }
        let (layout, notes) = EstateLayout.standard.adopting(probes)
        for note in notes { StandardError.write("incidentboard: demo: \(configName): \(note)") }
        let estate: Estate
        do {
            estate = try await Estate.start(layout, onWarning: { StandardError.write("incidentboard: \($0)") })
        } catch {
            StandardError.write("incidentboard: \(error.description)")
            throw ExitCode(UsageExit.code)
        }
        do {
            try history.prepare(config: probes) { StandardError.write($0) }
        } catch {
            await estate.stop()
            StandardError.write("incidentboard: \(error.description)")
            throw ExitCode(UsageExit.code)
        }

        let pace = pace ?? Self.environmentPace() ?? 1
        // On the dashboard, stderr is held back until the board closes; progress would arrive all at
        // once. The board shows the scenario and its step in its banner instead.
        let feed = BoardFeed()
        let player = ScenarioPlayer(
            clock: ContinuousClock(), pace: pace, apply: { await estate.apply($0) },
            report: { line in if headless { StandardError.write(line) } },
            progress: { feed.setBanner($0.bannerLine) })
        let ports = layout.servers.map(\.port)
        StandardError.write(
            "incidentboard: demo estate listening on 127.0.0.1 ports \(ports.min() ?? 0)–\(ports.max() ?? 0); "
                + "playing \(scenario)" + (pace == 1 ? "" : " at pace \(pace)")
                + (headless ? "; Ctrl-C stops" : "; q quits"))
        let identity = config.map { HistoryStore.configIdentity(forConfig: $0) } ?? DemoEstateConfig.identity
        let playing = Task { await player.play(plan) }
        do {
            if headless {
                try await WatchCommand.runHeadless(
                    config: probes, configPath: configName, configIdentity: identity, statePath: history.path,
                    format: format ?? (isatty(STDOUT_FILENO) == 1 ? .text : .json),
                    metrics: metricsOptions.settings, lock: lock)
            } else {
                try await DashboardCommand.runDashboard(
                    config: probes, configPath: configName, configIdentity: identity, statePath: history.path,
                    noColor: noColor, metrics: metricsOptions.settings, feed: feed, lock: lock)
            }
        } catch {
            playing.cancel()
            await estate.stop()
            throw error
        }
        playing.cancel()
        await playing.value
        await estate.stop()
        StandardError.write("incidentboard: demo estate stopped")
    }

    static func environmentPace() -> Double? {
        guard let text = ProcessInfo.processInfo.environment[paceVariable], let value = Double(text),
            value > 0, value <= 100
        else { return nil }
        return value
    }
}
