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
            "The SQLite history (default: $XDG_STATE_HOME/incidentboard/<config-name>-<hash of its path>.sqlite).",
            valueName: "path"))
    var state: String?

    /// `--state`, or the config's default history; a history left under the old default name
    /// (`<config-name>.sqlite`) is renamed to the new one first, with a line on stderr (only for
    /// a config that exists: a mistyped --config must not take another config's history).
    func path(forConfig configPath: String) -> String {
        if let state { return state }
        if FileManager.default.fileExists(atPath: configPath),
           let note = HistoryStore.adoptLegacyHistory(forConfig: configPath) {
            StandardError.write(note)
        }
        return HistoryStore.defaultPath(forConfig: configPath)
    }
}

/// Whose history a state file is: the line for a history written for another config.
enum HistoryOwner {
    /// `incidentboard: <state>: history of <other config>, not of <this one>; ...`, or `nil` when
    /// the history is this config's (or says nothing about its config).
    static func mismatch(statePath: String, recorded: String?, identity: String) -> String? {
        guard let recorded, recorded != identity else { return nil }
        return "incidentboard: \(statePath): this history was written for \(recorded), not for \(identity); "
            + "give each config its own --state (or leave --state out)"
    }
}
