import ArgumentParser
import DemoEstate
import Foundation
import Probes

struct SLOCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slo",
        abstract: "SLO reports from stored history, and alert-policy simulation.",
        subcommands: [SLOReportCommand.self, SLOSimulateCommand.self],
        defaultSubcommand: SLOReportCommand.self
    )
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct SLOReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The SLO report from stored history (the default of `slo`).",
        discussion: """
            Per service and SLI: objective, window, good/total, error budget remaining, burn rates per window, \
            time to exhaustion at the current 1 h burn rate, and coverage (the share of the window with data). \
            Below 1 % coverage the budget is shown as not yet meaningful (JSON keeps the raw figures).
            """
    )

    @Option(help: "Output format: text or json.")
    var format: ReportFormat = .text

    @OptionGroup var options: ConfigOptions
    @OptionGroup var stateOptions: StateOptions

    func run() async throws {
        let statePath = stateOptions.path(forConfig: options.configPath)
        guard FileManager.default.fileExists(atPath: statePath) else {
            guard options.load() != nil else { throw ExitCode(UsageExit.code) }
            StandardError.write(
                "incidentboard: \(statePath): no history yet; run `incidentboard watch --headless` or the dashboard "
                    + "with this config first (or pass --state)")
            throw ExitCode(UsageExit.code)
        }
        let now = Date()
        let store: HistoryStore
        let recorded: String?
        do {
            store = try HistoryStore(path: statePath) { StandardError.write($0) }
            recorded = try store.recordedConfig()
        } catch {
            StandardError.write("incidentboard: \(error.description)")
            throw ExitCode(UsageExit.code)
        }
        // A demo's kept history (`demo --state PATH`) is read with the demo's own config unless
        // another one is given.
        let config: ProbesConfig
        let identity: String
        if recorded == DemoEstateConfig.identity, options.isDefault, let demo = try? DemoEstateConfig.load() {
            (config, identity) = (demo, DemoEstateConfig.identity)
        } else {
            guard let loaded = options.load() else { throw ExitCode(UsageExit.code) }
            (config, identity) = (loaded, HistoryStore.configIdentity(forConfig: options.configPath))
        }
        var monitor = Monitor(config: config)
        do {
            _ = try monitor.restore(from: store, now: now)
        } catch {
            StandardError.write("incidentboard: \(error.description)")
            throw ExitCode(UsageExit.code)
        }
        let statuses = monitor.sloStatuses(now: now)
        if let line = HistoryStore.ownerMismatch(statePath: statePath, recorded: recorded, identity: identity) {
            StandardError.write(line)
            // Another config's history with nothing of this one's services: a table of 0/0 would
            // only look like an estate that was never probed.
            if statuses.allSatisfy({ $0.availability.counts.total == 0 && $0.latency.counts.total == 0 }) {
                throw ExitCode(UsageExit.code)
            }
        }
        // Spent budget by cause: the same history's minute counts and incident records.
        let longest = config.services.map(\.slo.window).max() ?? config.slo.window
        let since = now.addingTimeInterval(-longest.seconds)
        let ledger: BudgetLedger
        do {
            ledger = BudgetLedger(
                aggregates: try store.aggregates(since: since),
                incidents: try store.incidents(since: since), now: now,
                windowStart: Dictionary(
                    config.services.map {
                        ($0.name, now.addingTimeInterval(-$0.slo.window.seconds))
                    }, uniquingKeysWith: { a, _ in a }))
        } catch {
            StandardError.write("incidentboard: \(error.description)")
            throw ExitCode(UsageExit.code)
        }
        var report = SLOReport(generatedAt: now, statuses: statuses, ledger: ledger)
        report.excludedMinutes = MaintenanceWindow.excludedMinutes(of: config, now: now)
        try StandardOutput.write(format == .json ? report.json() : report.text())
    }
}

struct SLOSimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the alert policy on a virtual clock against a synthetic error profile.",
        discussion: """
            Healthy for --healthy-for (default: the SLO window), then a constant --error-ratio, until every \
            burn-rate rule has fired or a whole window has passed. Reports when each rule fires (seconds after \
            the errors began) and how much of the error budget was spent by then. The rules are the SRE \
            Workbook's (page 2 % in 1h/5m, page 5 % in 6h/30m, ticket 10 % in 3d/6h), or those of \
            --config's `slo.alerts` when given.
            """
    )

    @Option(help: ArgumentHelp("Availability objective in percent, e.g. 99.9.", valueName: "percent"))
    var objective: Double

    @Option(help: ArgumentHelp("The SLO window, e.g. 30d or 28d.", valueName: "duration"))
    var window: String

    @Option(
        name: .customLong("error-ratio"),
        help: ArgumentHelp(
            "Share of failing probes, in (0, 1].",
            valueName: "ratio"))
    var errorRatio: Double

    @Option(
        name: .customLong("healthy-for"),
        help: ArgumentHelp(
            "Healthy time first (default: the window).",
            valueName: "duration"))
    var healthyFor: String?

    @Option(help: "Output format: text or json.")
    var format: ReportFormat = .text

    @Option(
        help: ArgumentHelp(
            "Take the burn-rate rules from this config's top-level `slo.alerts`.",
            valueName: "path"))
    var config: String?

    func run() async throws {
        guard let windowDuration = Duration(configString: window) else {
            throw ValidationError("--window: \"\(window)\" is not a duration (use e.g. 30d, 28d, 6h)")
        }
        var healthy: Duration?
        if let healthyFor {
            guard let parsed = Duration(configString: healthyFor) else {
                throw ValidationError("--healthy-for: \"\(healthyFor)\" is not a duration (use e.g. 0s, 1h, 30d)")
            }
            healthy = parsed
        }
        var rules = AlertPolicy.standard.burnRateRules
        if let config {
            guard let loaded = ConfigOptions(config: config).load() else { throw ExitCode(UsageExit.code) }
            rules = loaded.slo.alerts.burnRateRules
        }
        let simulation: SLOSimulation
        do {
            simulation = try SLOSimulation.run(
                objective: objective, window: windowDuration, errorRatio: errorRatio, healthyFor: healthy,
                rules: rules)
        } catch {
            throw ValidationError(error.description)
        }
        try StandardOutput.write(format == .json ? simulation.json() : simulation.text())
    }
}

extension ConfigOptions {
    init(config: String) {
        self.init()
        self.config = config
    }
}
