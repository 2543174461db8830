import ArgumentParser
import Foundation
import Probes

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The post-incident review of one incident: summary, timeline, impact, alerts and charts.",
        discussion: """
            Markdown by default, or one self-contained HTML file (charts inline), or JSON. With --output DIR \
            it writes DIR/<id>.md (or .html, .json) and, for Markdown, the charts as SVG files beside it \
            (latency, availability and budget, 10 minutes either side, with onset, first page and recovery \
            marked); without it the document goes to stdout. Times are in the local time zone, its offset \
            shown. Exit 3 for an unknown id (the nearest ids are suggested) or when there is no history.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case markdown, html, json
    }

    @Argument(help: ArgumentHelp("The incident's id, as `incidentboard incidents` lists it.", valueName: "id"))
    var id: String

    @Option(help: "Output format: markdown, html or json.")
    var format: Format = .markdown

    @Option(help: ArgumentHelp("Write the report (and its charts) into this directory.", valueName: "dir"))
    var output: String?

    @OptionGroup var options: ConfigOptions
    @OptionGroup var stateOptions: StateOptions

    func run() async throws {
        let statePath = stateOptions.path(forConfig: options.configPath)
        try IncidentHistory.requireHistory(at: statePath)
        let now = Date()
        let report: IncidentReport
        do {
            let store = try HistoryStore(path: statePath) { StandardError.write($0) }
            let records = try store.incidents(since: .distantPast)
            let record = try IncidentHistory.record(id, in: records, statePath: statePath)
            guard let config = IncidentsCommand.config(for: store, options: options) else {
                StandardError.write(
                    "incidentboard: \(options.configPath): cannot read the config the history "
                        + "belongs to; give it with --config")
                throw ExitCode(UsageExit.code)
            }
            let longest = config.services.map(\.slo.window).max() ?? config.slo.window
            let aggregates = try store.aggregates(
                since: record.onset.addingTimeInterval(-IncidentReport.margin - longest.seconds))
            var results: [String: [ProbeResult]] = [:]
            for service in [record.root] + record.victimNames {
                results[service] = try store.recentResults(service: service)
            }
            report = IncidentReport(record: record, config: config, aggregates: aggregates, results: results, now: now)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            StandardError.write("incidentboard: \(error)")
            throw ExitCode(UsageExit.code)
        }
        let document =
            switch format {
            case .markdown: report.markdown()
            case .html: report.html()
            case .json: report.json()
            }
        guard let output else {
            try StandardOutput.write(document)
            if format == .markdown {
                StandardError.write(
                    "incidentboard: the charts are files: --output DIR writes them beside the "
                        + "report (--format html carries them inline)")
            }
            return
        }
        let ext = format == .markdown ? "md" : format.rawValue
        var files = [(name: "\(id).\(ext)", text: document)]
        if format == .markdown { files += report.charts.map { ($0.fileName, $0.chart.svg()) } }
        do {
            let written = try GeneratedFiles.write(files, into: output)
            StandardError.write("incidentboard: wrote " + written.joined(separator: ", "))
        } catch {
            StandardError.write("incidentboard: \(error.path): \(error.reason)")
            throw ExitCode(UsageExit.code)
        }
    }
}
