import ArgumentParser
import Foundation
import Probes
import ProbesPrometheus

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Write Prometheus SLO rules and Alertmanager inhibit rules for the config.",
        discussion: """
            For running the alerting in Prometheus and Alertmanager across many agents (`--metrics-listen`). \
            Per probed service and SLI: recording rules slo:sli_error:ratio_rate<window>, the objective and error \
            budget as series, the multi-window multi-burn-rate alerts of the config's slo.alerts (same factors, \
            windows and severities as the local engine) and a down alert. The Alertmanager config groups alerts \
            by service and inhibits the alerts of every service that depends on an upstream with a firing \
            alert, as the local engine suppresses them.

            With --output-dir, writes DIR/\(PrometheusRules.fileName) and DIR/\(AlertmanagerConfig.fileName) \
            (each replaced atomically; DIR is created when missing). Without it, prints the rules file to \
            stdout. Exit 0 on success, 3 when the config cannot be read or a file cannot be written.
            """
    )

    @Option(
        name: .customLong("output-dir"),
        help: ArgumentHelp(
            "Write both files into this directory instead of printing the rules.",
            valueName: "dir"))
    var outputDir: String?

    @OptionGroup var options: ConfigOptions

    func run() throws {
        guard let config = options.load() else { throw ExitCode(UsageExit.code) }
        let rules = PrometheusRules(config: config, source: options.configPath)
        guard let outputDir else {
            try StandardOutput.write(rules.yaml)
            return
        }
        let alertmanager = AlertmanagerConfig(config: config, source: options.configPath)
        let rulesPath: String
        let alertmanagerPath: String
        do {
            let written = try GeneratedFiles.write(
                [(PrometheusRules.fileName, rules.yaml), (AlertmanagerConfig.fileName, alertmanager.yaml)],
                into: outputDir)
            (rulesPath, alertmanagerPath) = (written[0], written[1])
        } catch {
            StandardError.write("incidentboard: \(error.path): \(error.reason)")
            throw ExitCode(UsageExit.code)
        }
        let alerts = rules.rules.filter { $0.kind == .alerting }.count
        let recorded = rules.rules.count - alerts
        StandardError.write(
            "incidentboard: wrote \(rulesPath): \(Plural.count(rules.groups.count, "service")), "
                + "\(Plural.count(recorded, "recording rule")), \(Plural.count(alerts, "alert"))")
        StandardError.write(
            "incidentboard: wrote \(alertmanagerPath): "
                + "\(Plural.count(alertmanager.inhibitRules.count, "inhibit rule")) (edit the placeholder receiver before use)"
        )
    }
}
