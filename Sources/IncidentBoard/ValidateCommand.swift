import ArgumentParser
import Foundation
import Probes

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the config and print every problem.",
        discussion: "Exit 0 when the config is valid, 1 when it is not (each problem on stderr, with its JSON path)."
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        guard let config = options.load() else { throw ExitCode(1) }
        let probed = config.services.filter { $0.probe != nil }.count
        let declared = config.services.count - probed
        var line = "\(options.configPath): valid: \(config.services.count) entries, \(probed) probed"
        if declared > 0 { line += ", \(declared) declared without a probe" }
        try StandardOutput.write(line)
    }
}
