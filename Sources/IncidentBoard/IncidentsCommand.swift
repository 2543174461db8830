import ArgumentParser
import DemoEstate
import Foundation
import Probes

struct IncidentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "The incidents in the history: open and recent ones, or one incident's timeline.",
        discussion: """
            An incident opens when the board names a root cause and closes when the root and every victim \
            it took are back. Each has an id that names its day and root (2026-12-06-credit-bureau). \
            Without ID: one line per incident whose onset or end is within --since (open ones always), \
            newest first: root, state, start, how long it lasted, victims, alerts sent and suppressed. \
            With ID: its timeline. Reads the history of `watch` or the dashboard (--state, or the \
            config's default); runs beside an agent. Exit 3 when there is no history or no such id.
            """
    )

    @Argument(help: ArgumentHelp("An incident id, to show its timeline.", valueName: "id"))
    var id: String?

    @Option(help: ArgumentHelp("How far back to list (default: 7d).", valueName: "duration"))
    var since: String = "7d"

    @Option(help: "Output format: text or json.")
    var format: ReportFormat = .text

    @OptionGroup var options: ConfigOptions
    @OptionGroup var stateOptions: StateOptions

    func validate() throws {
        guard let span = Duration(configString: since), span > .zero else {
            throw ValidationError("--since: \"\(since)\" is not a duration (use e.g. 1d, 7d, 12h)")
        }
    }

    func run() async throws {
        let statePath = stateOptions.path(forConfig: options.configPath)
        try IncidentHistory.requireHistory(at: statePath)
        let now = Date()
        let span = Duration(configString: since) ?? .seconds(7 * 86_400)
        let records: [IncidentRecord]
        var costs: [String: [String: Double]] = [:]
        do {
            let store = try HistoryStore(path: statePath) { StandardError.write($0) }
            // One incident: whatever its age.
            records = try store.incidents(since: id == nil ? now.addingTimeInterval(-span.seconds) : .distantPast)
            // What each cost needs the config's objectives and windows; without a readable
            // config the list is shown without costs.
            if let config = Self.config(for: store, options: options) {
                let longest = config.services.map(\.slo.window).max() ?? config.slo.window
                costs = BudgetLedger.availabilityCosts(
                    of: records, config: config,
                    aggregates: try store.aggregates(since: now.addingTimeInterval(-longest.seconds)), now: now)
            }
        } catch {
            StandardError.write("incidentboard: \(error.description)")
            throw ExitCode(UsageExit.code)
        }
        guard let id else {
            let report = IncidentsReport(records: records, now: now, costs: costs)
            try StandardOutput.write(format == .json ? report.json() : report.text())
            return
        }
        let record = try IncidentHistory.record(id, in: records, statePath: statePath)
        try StandardOutput.write(
            format == .json
                ? IncidentsReport.json(record, now: now, cost: costs[record.id])
                : IncidentsReport.timelineText(record, now: now, cost: costs[record.id]))
    }

    /// The config the history belongs to: the demo's for a demo's history (unless --config is
    /// given), else --config's; `nil`, quietly, when it cannot be read.
    static func config(for store: HistoryStore, options: ConfigOptions) -> ProbesConfig? {
        if options.isDefault, (try? store.recordedConfig()) == DemoEstateConfig.identity {
            return try? DemoEstateConfig.load()
        }
        return try? ConfigLoader.load(contentsOf: options.configPath)
    }
}

/// What `incidents` and `report` say when the history or the incident is not there.
enum IncidentHistory {
    /// Exit 3, saying how incidents get recorded, when `statePath` holds no history yet.
    static func requireHistory(at statePath: String) throws(ExitCode) {
        guard FileManager.default.fileExists(atPath: statePath) else {
            StandardError.write(
                "incidentboard: \(statePath): no history yet; incidents are recorded by `incidentboard watch "
                    + "--headless` or the dashboard with this config (or pass --state)")
            throw ExitCode(UsageExit.code)
        }
    }

    /// The record of `id`, or exit 3 naming the nearest id.
    static func record(_ id: String, in records: [IncidentRecord], statePath: String) throws(ExitCode)
        -> IncidentRecord
    {
        guard let record = records.first(where: { $0.id == id }) else {
            let hint =
                ConfigSpelling.suggestion(for: id, among: records.map(\.id)).map { "; did you mean \($0)?" }
                ?? (records.isEmpty ? "; the history has no incidents" : "; `incidentboard incidents` lists them")
            StandardError.write("incidentboard: \(id): no such incident in \(statePath)\(hint)")
            throw ExitCode(UsageExit.code)
        }
        return record
    }
}
