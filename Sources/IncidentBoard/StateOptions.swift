import ArgumentParser
import Foundation
import Probes

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
            let note = HistoryStore.adoptLegacyHistory(forConfig: configPath)
        {
            StandardError.write(note)
        }
        return HistoryStore.defaultPath(forConfig: configPath)
    }
}
