import ArgumentParser
import Dispatch
import Foundation
import Probes

/// SIGINT and SIGTERM end the program cleanly: the default action (die at once) is replaced by
/// cancelling the running work, which then flushes history and restores the terminal.
enum Termination {
    /// Cancels `task` when SIGINT or SIGTERM arrives. Keep the returned sources alive.
    static func cancelling<T: Sendable>(_ task: Task<T, Never>) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
    }
}

/// `--state`, shared by commands that keep history.
struct StateOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The SQLite history (default: $XDG_STATE_HOME/incidentboard/<config-name>.sqlite).", valueName: "path"))
    var state: String?

    func path(forConfig configPath: String) -> String {
        state ?? HistoryStore.defaultPath(forConfig: configPath)
    }
}
