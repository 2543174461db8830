import Foundation

/// Runs `command` probes: a Nagios-compatible plugin, started without a shell.
///
/// Exit codes map as in the plugin API: 0 up, 1 degraded, 2 down, 3 unknown; any other code,
/// death by a signal, or a program that cannot be started is unknown. The plugin's summary line
/// becomes the result's error for a non-OK status, and its perfdata is parsed.
public enum CommandChecker {
    /// Longest error text taken from a plugin, in characters.
    static let errorLimit = 200

    /// Runs the plugin of `probe` once and classifies the outcome.
    ///
    /// - Important: the plugin runs in a process group of its own, with standard input from
    ///   `/dev/null`. When `timeout` passes, or the calling task is cancelled, the whole group
    ///   is killed with SIGKILL (as Nagios does), so programs the plugin started die with it.
    ///   Children the plugin leaves behind after a normal exit are killed too.
    /// - Parameters:
    ///   - service: the service name to put on the result.
    ///   - timeout: the hard limit, counted from the start of the plugin.
    ///   - startedAt: the wall-clock start time to stamp on the result.
    public static func check(_ probe: CommandProbe, service: String, timeout: Duration, startedAt: Date) async
        -> ProbeResult
    {
        let run = await PluginProcess.run(argv: probe.argv, timeout: timeout)
        return result(of: run, argv: probe.argv, service: service, timeout: timeout, startedAt: startedAt)
    }

    /// Classifies a finished run.
    static func result(
        of run: PluginRun, argv: [String], service: String, timeout: Duration, startedAt: Date
    ) -> ProbeResult {
        var result = ProbeResult(service: service, startedAt: startedAt, status: .unknown, latency: run.elapsed)
        switch run.termination {
        case .failedToStart(let reason):
            let program = argv.first.map { "cannot run \(printable($0))" } ?? "cannot run the command"
            result.error = capped("\(program): \(reason)")
            result.failure = .command
            return result
        case .timedOut:
            result.status = .down
            result.error = "timeout after \(Int64(timeout.milliseconds.rounded())) ms"
            result.failure = .timeout
            return result
        case .cancelled:
            result.error = "cancelled before the plugin finished"
            result.failure = .other
            return result
        case .lost:
            result.error = "the plugin's exit status was lost (its process was reaped elsewhere)"
            result.failure = .other
            return result
        case .exited, .signalled:
            break
        }

        let output = PluginOutput(parsing: String(decoding: run.stdout, as: UTF8.self))
        result.perfdata = output.perfdata
        let summary = output.text.isEmpty ? lastLine(of: run.stderr) : printable(output.text)
        switch run.termination {
        case .exited(code: 0):
            result.status = .up
            return result
        case .exited(let code) where (1...3).contains(code):
            result.status = code == 1 ? .degraded : code == 2 ? .down : .unknown
            result.error = summary.isEmpty ? "exit code \(code)" : summary
        case .exited(let code):
            result.error = summary.isEmpty ? "exit code \(code)" : "exit code \(code): \(summary)"
        case .signalled(let signal):
            result.error = summary.isEmpty ? "killed by signal \(signal)" : "killed by signal \(signal): \(summary)"
        default:
            break
        }
        result.error = result.error.map(capped)
        result.failure = .command
        return result
    }

    /// The last non-blank line of standard error, where a failing program usually says why.
    private static func lastLine(of bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).last { !$0.allSatisfy(\.isWhitespace) } ?? ""
        return printable(line.trimmingCharacters(in: .whitespaces))
    }

    /// Replaces control characters, so plugin text cannot drive the terminal it is shown on.
    static func printable(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    scalar.properties.generalCategory == .control ? " " : scalar
                }))
    }

    private static func capped(_ text: String) -> String {
        text.count <= errorLimit ? text : text.prefix(errorLimit - 1) + "…"
    }
}
