import ArgumentParser
import Foundation
import Probes

@main
struct IncidentBoardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidentboard",
        abstract: "Probe services and their upstreams, track SLOs, and name the root cause of a cascade.",
        discussion: """
            Exit codes follow the Nagios plugin convention: 0 OK, 1 WARNING (or `validate`: invalid \
            config), 2 CRITICAL, 3 UNKNOWN (usage or config error).
            """,
        version: "0.1.0",
        subcommands: [
            DashboardCommand.self, CheckCommand.self, WatchCommand.self, ValidateCommand.self, SLOCommand.self,
            RulesCommand.self, DemoCommand.self,
        ],
        defaultSubcommand: DashboardCommand.self
    )

    /// Argument errors exit 3 (CONTRACT.md: usage error), not ArgumentParser's 64.
    static func main() async {
        // A reader that leaves (`| head -1`) must arrive as EPIPE from write, never as a signal that
        // kills the process before history is flushed.
        signal(SIGPIPE, SIG_IGN)
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            // --help and --version arrive here as errors with a success code.
            if exitCode(for: error) == .success { self.exit(withError: error) }
            let message = fullMessage(for: error)
            StandardError.write(message.hasPrefix("Error: ") ? "incidentboard: " + message.dropFirst(7) : message)
            Foundation.exit(UsageExit.code)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch let output as OutputError {
            // A one-shot command's output failed: quiet success when its reader left, else one line.
            if !output.readerLeft { StandardError.write("incidentboard: \(output.description)") }
            Foundation.exit(output.exitCode(otherwise: 0))
        } catch let invalid as ValidationError {
            StandardError.write("incidentboard: \(invalid.message)")
            Foundation.exit(UsageExit.code)
        } catch {
            // The root command's run() asks for help by throwing; that is a success.
            if exitCode(for: error) == .success { self.exit(withError: error) }
            StandardError.write("incidentboard: \(message(for: error))")
            Foundation.exit(UsageExit.code)
        }
    }
}

/// CONTRACT.md: usage and config errors exit 3.
enum UsageExit {
    static let code: Int32 = 3
}

/// `--config`, shared by every command that reads probes.json.
struct ConfigOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The probes.json to read (default: $INCIDENTBOARD_CONFIG, else ./probes.json).", valueName: "path"))
    var config: String?

    var configPath: String {
        if let config { return config }
        if let env = ProcessInfo.processInfo.environment["INCIDENTBOARD_CONFIG"], !env.isEmpty { return env }
        return "probes.json"
    }

    /// Loads and validates the config; on failure prints every problem to stderr.
    func load() -> ProbesConfig? {
        do {
            return try ConfigLoader.load(contentsOf: configPath)
        } catch {
            for line in error.lines { StandardError.write(line) }
            return nil
        }
    }
}
