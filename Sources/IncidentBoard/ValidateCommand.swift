import ArgumentParser
import Foundation
import Probes

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the config and print every problem.",
        discussion: """
            Exit 0 when the config is valid, 1 when it is not (each problem on stderr, with its JSON path). \
            Warnings (on stderr, with their JSON paths) name conditions that would judge some answer \
            otherwise than Gatus does; they do not change the exit code.
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        guard let config = options.load() else { throw ExitCode(1) }
        for line in Self.gatusWarnings(config, file: options.configPath) { StandardError.write(line) }
        let probed = config.services.filter { $0.probe != nil }.count
        let declared = config.services.count - probed
        var line = "\(options.configPath): valid: \(config.services.count) entries, \(probed) probed"
        if declared > 0 { line += ", \(declared) declared without a probe" }
        try StandardOutput.write(line)
    }

    /// `incidentboard: probes.json: warning: services[2].probe.conditions[0]: …`, one per difference.
    static func gatusWarnings(_ config: ProbesConfig, file: String) -> [String] {
        var lines: [String] = []
        for (i, service) in config.services.enumerated() {
            for (j, condition) in (service.probe?.conditions ?? []).enumerated() {
                for difference in condition.gatusDifferences {
                    lines.append(
                        "incidentboard: \(file): warning: services[\(i)].probe.conditions[\(j)]: "
                            + "unlike Gatus, \(difference)")
                }
            }
        }
        return lines
    }
}
