import Foundation
import Probes

/// Where the demo keeps its history: the path given, or a fresh temporary file, so a demo never
/// adds simulated outages to the budgets of real services.
public struct DemoHistory: Sendable {
    /// The state file.
    public let path: String
    /// Whether it is the demo's own temporary file (removed at exit).
    public let isTemporary: Bool

    /// - Parameter requested: `--state`, or `nil` for a temporary file named after this process.
    public init(requested: String?) {
        if let requested {
            path = requested
            isTemporary = false
        } else {
            path = (NSTemporaryDirectory() as NSString)
                .appendingPathComponent("incidentboard-demo-\(ProcessInfo.processInfo.processIdentifier).sqlite")
            isTemporary = true
            removeIfTemporary()
        }
    }

    /// A new history starts with four weeks of healthy probing (``HealthyHistory``); an existing
    /// one given with --state resumes as it is.
    /// - Parameter warn: one line for stderr when an unusable file is moved aside.
    public func prepare(config: ProbesConfig, warn: (String) -> Void) throws(HistoryError) {
        guard !FileManager.default.fileExists(atPath: path) else { return }
        let store = try HistoryStore(path: path, warn: warn)
        try HealthyHistory.prefill(store, config: config, now: Date())
    }

    /// Removes the temporary history and its SQLite companions; a given --state is kept.
    public func removeIfTemporary() {
        guard isTemporary else { return }
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
