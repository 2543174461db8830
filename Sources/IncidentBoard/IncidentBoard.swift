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
            IncidentsCommand.self, ReportCommand.self, RulesCommand.self, ImportCommand.self, DemoCommand.self,
            SilenceCommand.self,
        ],
        defaultSubcommand: DashboardCommand.self
    )

    /// Argument errors exit 3 (README, "Exit codes": usage error), not ArgumentParser's 64.
    static func main() async {
        // A reader that leaves (`| head -1`) must arrive as EPIPE from write, never as a signal that
        // kills the process before history is flushed.
        signal(SIGPIPE, SIG_IGN)
        limitMallocArenas()
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            // --help and --version arrive here as errors with a success code.
            if exitCode(for: error) == .success { self.exit(withError: error) }
            if let unknown = UnknownCommand.find(in: Array(CommandLine.arguments.dropFirst())) {
                StandardError.write(unknown.line)
                // The usage of the command whose subcommand was misspelt, with its subcommands
                // (not the usage of its default subcommand).
                let help = helpMessage(for: unknown.parent)
                StandardError.write(help.range(of: "USAGE:").map { String(help[$0.lowerBound...]) } ?? help)
                Foundation.exit(UsageExit.code)
            }
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
            Foundation.exit(output.exitCode)
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

/// A word where a command name belongs that names no command: `incidentboard chek`,
/// `incidentboard slo repot`. The default subcommands (the dashboard, `slo report`) take no
/// arguments, so ArgumentParser would blame them (`Unexpected argument 'chek'`) and print their
/// usage. (Were a command with subcommands ever to get a default one that takes arguments, this
/// would have to look at it.)
enum UnknownCommand {
    /// `incidentboard: unknown command 'chek'; did you mean 'check'?` and the command it was
    /// given to, or `nil` when the arguments name commands down to the first option.
    static func find(in arguments: [String]) -> (line: String, parent: any ParsableCommand.Type)? {
        var command: any ParsableCommand.Type = IncidentBoardCommand.self
        var path = ["incidentboard"]
        for word in arguments {
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty, !word.hasPrefix("-") else { return nil }
            let names =
                subcommands.compactMap { $0.configuration.commandName }
                + (path.count == 1 ? ["help"] : [])
            guard let index = names.firstIndex(of: word) else {
                let hint = ConfigSpelling.suggestion(for: word, among: names).map { "; did you mean '\($0)'?" } ?? ""
                return ("\(path.joined(separator: " ")): unknown command '\(word)'\(hint)", command)
            }
            guard index < subcommands.count else { return nil }  // `help`
            command = subcommands[index]
            path.append(word)
        }
        return nil
    }
}

/// `1 alert`, `2 alerts`.
enum Plural {
    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}

/// Usage and config errors exit 3 (README, "Exit codes").
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

    /// Neither --config nor $INCIDENTBOARD_CONFIG was given.
    var isDefault: Bool {
        config == nil && (ProcessInfo.processInfo.environment["INCIDENTBOARD_CONFIG"] ?? "").isEmpty
    }

    var configPath: String {
        if let config { return config }
        if let env = ProcessInfo.processInfo.environment["INCIDENTBOARD_CONFIG"], !env.isEmpty { return env }
        return "probes.json"
    }

    /// Loads and validates the config; on failure prints every problem to stderr.
    func load() -> ProbesConfig? {
        try? loadReporting().get()
    }

    /// Loads and validates the config; on failure prints every problem to stderr and returns
    /// them too (for `check`'s machine-readable UNKNOWN).
    func loadReporting() -> Result<ProbesConfig, ConfigErrors> {
        do {
            return .success(try ConfigLoader.load(contentsOf: configPath))
        } catch {
            for line in error.lines { StandardError.write(line) }
            if isDefault, !FileManager.default.fileExists(atPath: configPath) {
                // Most likely a first try from somewhere without a config.
                StandardError.write(
                    "incidentboard: no --config given and no ./probes.json here; "
                        + "`incidentboard demo` shows the board on the built-in demo estate")
            }
            return .failure(error)
        }
    }
}

/// Caps glibc's malloc arenas at two (its default is eight per core) unless `MALLOC_ARENA_MAX` is
/// set. The engine's small short-lived allocations move between the NIO and concurrency threads,
/// and with an arena per thread the freed space stays scattered: the soak (2,000 services every
/// second) grew 18 MiB over its first minutes without the cap and 3 MiB with it
/// (docs/PERFORMANCE.md). Call before any thread starts.
private func limitMallocArenas() {
    #if os(Linux)
        // mallopt is in <malloc.h>, which the Glibc module does not export; M_ARENA_MAX is -8.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard getenv("MALLOC_ARENA_MAX") == nil, let symbol = dlsym(nil, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(-8, 2)
    #endif
}
