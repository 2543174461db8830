import ArgumentParser
import DemoEstate
import Foundation
import Probes

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Probe once (all services, or the named ones and what they depend on), print, exit with the status.",
        discussion: """
            Exit codes (Nagios): 0 every checked service up, 1 at least one degraded and none down, \
            2 at least one down, 3 UNKNOWN (config unreadable or invalid, the check itself failed, or its \
            output could not be written).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, nagios
    }

    @Option(help: "Output format: text, json or nagios.")
    var format: Format = .text

    @Option(
        help: ArgumentHelp(
            "Probes in flight at once (default \(OneShotCheck.defaultConcurrency)).",
            valueName: "n"))
    var concurrency: Int?

    @OptionGroup var options: ConfigOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var sourceOptions: SourceOptions

    @Argument(
        help: ArgumentHelp(
            "Services to check (default: all). What they depend on is checked too.",
            valueName: "service"))
    var services: [String] = []

    func validate() throws {
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        try sourceOptions.rejectLocalOnly(state: stateOptions, concurrency: concurrency)
    }

    func run() async throws {
        let config: ProbesConfig
        switch options.loadReporting() {
        case .success(let loaded): config = loaded
        case .failure(let errors):
            // The same words as on stderr: `probes.json: cannot read: No such file or directory`.
            let first = errors.messages.first ?? "\(options.configPath): invalid config"
            let more = errors.messages.count - 1
            try printUnknown(first + (more > 0 ? " (and \(Plural.count(more, "more problem")), see stderr)" : ""))
            throw ExitCode(CheckStatus.unknown.exitCode)
        }
        let names: [String]
        switch OneShotCheck.selection(services, in: config) {
        case .success(let selected): names = selected
        case .failure(let unknown):
            for (name, hint) in zip(unknown.names, unknown.hints) {
                StandardError.write("incidentboard: \(name): no such service in \(options.configPath)\(hint)")
            }
            try printUnknown("unknown service \(unknown.names.joined(separator: ", "))")
            throw ExitCode(CheckStatus.unknown.exitCode)
        }
        var report: CheckReport
        if let endpoint = try sourceOptions.endpoint() {
            switch await FleetSource.check(config: config, selected: names, endpoint: endpoint) {
            case .success(let fleet): report = fleet
            case .failure(let problem):
                StandardError.write("incidentboard: \(problem.message)")
                try printUnknown(problem.message)
                throw ExitCode(CheckStatus.unknown.exitCode)
            }
        } else {
            let runner = LiveProbeRunner(configuration: config)
            let checkedAt = Date()
            let results = await OneShotCheck.probe(
                names, in: config, runner: runner, concurrency: concurrency ?? OneShotCheck.defaultConcurrency)
            await runner.shutdown()
            if let line = Self.nothingAnswered(results, config: config, configPath: options.configPath) {
                StandardError.write(line)
            }
            report = CheckReport.assemble(config: config, selected: names, results: results, checkedAt: checkedAt)
            report.adoptIncidentIDs(from: openIncidents())
        }
        let text =
            switch format {
            case .text: report.text()
            case .json: report.json()
            case .nagios: report.nagios()
            }
        try Self.print(config.redactor.redact(text))
        throw ExitCode(report.status.exitCode)
    }

    /// The open incidents of an agent's history for this config (`--state`, or the config's
    /// default), so the report's incidents carry their ids; none when there is no history.
    private func openIncidents() -> [IncidentRecord] {
        let statePath = stateOptions.path(forConfig: options.configPath)
        guard FileManager.default.fileExists(atPath: statePath),
            let store = try? HistoryStore(path: statePath, warn: { StandardError.write($0) })
        else { return [] }
        return (try? store.incidents(since: Date())) ?? []
    }

    /// Writes the report. A reader that left keeps the check's own status (the caller throws it
    /// next); any other output error reaches `main`, which says it in one line and exits 3.
    private static func print(_ text: String) throws(OutputError) {
        do {
            try StandardOutput.write(text)
        } catch  where error.readerLeft {}
    }

    /// One line when every probe was refused: nothing listens, so the report's "root causes" are
    /// an estate that is not running, not an outage. For the demo estate's config it says how to
    /// start it.
    static func nothingAnswered(_ results: [String: ProbeResult], config: ProbesConfig, configPath: String)
        -> String?
    {
        guard !results.isEmpty, results.values.allSatisfy({ $0.failure == .refused }) else { return nil }
        let what = results.count == 1 ? "the only probe" : "all \(results.count) probes"
        var line = "incidentboard: \(configPath): nothing answered (\(what) refused: nothing listens there); "
        if DemoEstateConfig.describesDemoEstate(config) {
            line +=
                "this config describes the demo estate: `incidentboard demo` starts it and shows the board "
                + "(check again while it runs, from another terminal)"
        } else {
            line += "is the estate running?"
        }
        return line
    }

    /// UNKNOWN in the requested format, so a scheduler reading stdout still gets an answer (text
    /// has its reason on stderr already).
    private func printUnknown(_ reason: String) throws(OutputError) {
        let report = CheckReport.unknown(reason, checkedAt: Date())
        switch format {
        case .text: break
        case .nagios: try Self.print(report.nagios())
        case .json: try Self.print(report.json())
        }
    }
}
