import Foundation
import Probes

/// Runs the live dashboard on a thread of its own that owns the ncurses terminal from start to
/// restore, so ncurses is only ever called from one thread.
public enum DashboardRunner {
    /// How the dashboard ended.
    public enum Outcome: Sendable, Hashable {
        /// The user pressed `q` (or `Esc` on the plain board).
        case quit
        /// ``BoardFeed/requestStop()`` was called (the engine ended, e.g. on SIGINT or SIGTERM).
        case stopped
    }

    /// Takes over the terminal, shows the board until the user quits or the feed asks it to stop,
    /// and gives the terminal back on every path (return, error, and crash through
    /// ``TerminalCrashGuard``).
    ///
    /// - Parameters:
    ///   - feed: where the engine publishes snapshots.
    ///   - useColor: `false` for `--no-color` or `NO_COLOR`.
    ///   - timeZone: for the clock and probe times.
    ///   - onCommand: engine commands (`probeNow`, `togglePause`), called on the dashboard thread.
    /// - Throws: ``TerminalError`` when there is no terminal or ncurses cannot start.
    public static func run(
        feed: BoardFeed, useColor: Bool, timeZone: TimeZone = .current,
        onCommand: @escaping @Sendable (BoardCommand) -> Void
    ) async throws(TerminalError) -> Outcome {
        let result: Result<Outcome, TerminalError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    returning: runHere(
                        feed: feed, useColor: useColor, timeZone: timeZone, onCommand: onCommand))
            }
            thread.name = "incidentboard-dashboard"
            thread.stackSize = 8 << 20
            thread.start()
        }
        return try result.get()
    }

    /// The body of the dashboard thread.
    private static func runHere(
        feed: BoardFeed, useColor: Bool, timeZone: TimeZone, onCommand: (BoardCommand) -> Void
    ) -> Result<Outcome, TerminalError> {
        TerminalCrashGuard.arm()
        defer { TerminalCrashGuard.disarm() }
        // Engine warnings on stderr would scribble over the board; they are shown after it.
        let heldBack = StandardErrorCapture()
        defer { heldBack.finish() }
        let terminal: NcursesTerminal
        do {
            terminal = try NcursesTerminal(useColor: useColor)
        } catch {
            return .failure(error)
        }
        defer { terminal.restore() }
        let theme = Theme(glyphs: terminal.isUTF8 ? .unicode : .ascii, usesColor: terminal.usesColor)
        let loop = DashboardLoop(terminal: terminal, view: BoardView(theme: theme, timeZone: timeZone), feed: feed)
        let quit = loop.run(onCommand: onCommand)
        return .success(quit ? .quit : .stopped)
    }

    /// Whether `NO_COLOR` asks for no colour (set and not empty, as no-color.org says).
    /// Whether standard input and output are a terminal, as the board needs.
    public static func hasTerminal() -> Bool {
        isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
    }

    public static func environmentForbidsColor(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Bool
    {
        !(environment["NO_COLOR"] ?? "").isEmpty
    }
}
