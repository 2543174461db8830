import Foundation

/// Where a config's history lives by default, and whose history a file is.
///
/// The default `--state` is named after the config's file name *and* its absolute path, so two
/// `probes.json` in different folders never share one history (README, "History").
extension HistoryStore {
    /// The identity a history records for its config: the config's absolute path, with `.`, `..`
    /// and symbolic links resolved, so every spelling of one file names the same history.
    public static func configIdentity(
        forConfig configPath: String,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) -> String {
        let absolute =
            configPath.hasPrefix("/")
            ? configPath : (currentDirectory as NSString).appendingPathComponent(configPath)
        return URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// The default `--state` path: `$XDG_STATE_HOME/incidentboard/<config-name>-<hash>.sqlite`,
    /// falling back to `~/.local/state/incidentboard/...`; `<hash>` is 8 hex digits of the
    /// config's absolute path (``configIdentity(forConfig:currentDirectory:)``).
    public static func defaultPath(
        forConfig configPath: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) -> String {
        let identity = configIdentity(forConfig: configPath, currentDirectory: currentDirectory)
        return (stateDirectory(environment) as NSString)
            .appendingPathComponent("\(configName(configPath))-\(shortHash(identity)).sqlite")
    }

    /// Where earlier versions kept the default history: `<config-name>.sqlite`, shared by every
    /// config of that file name.
    public static func legacyDefaultPath(
        forConfig configPath: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    )
        -> String
    {
        (stateDirectory(environment) as NSString).appendingPathComponent(configName(configPath) + ".sqlite")
    }

    /// Renames a history left under the old default name (``legacyDefaultPath(forConfig:environment:)``)
    /// to this config's default name, once: only when the new file does not exist yet.
    /// - Returns: one line saying what was renamed, or `nil` when there was nothing to do.
    public static func adoptLegacyHistory(
        forConfig configPath: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    )
        -> String?
    {
        let legacy = legacyDefaultPath(forConfig: configPath, environment: environment)
        let target = defaultPath(forConfig: configPath, environment: environment, currentDirectory: currentDirectory)
        let files = FileManager.default
        guard files.fileExists(atPath: legacy), !files.fileExists(atPath: target) else { return nil }
        do {
            try files.moveItem(atPath: legacy, toPath: target)
            for suffix in ["-wal", "-shm"] where files.fileExists(atPath: legacy + suffix) {
                try files.moveItem(atPath: legacy + suffix, toPath: target + suffix)
            }
        } catch {
            return "incidentboard: \(legacy): cannot rename to \(target) (\(error.localizedDescription)); "
                + "starting a new history there"
        }
        return "incidentboard: \(legacy): renamed to \(target) (histories are now kept per config path)"
    }

    private static func stateDirectory(_ environment: [String: String]) -> String {
        let base: String
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            base = (home as NSString).appendingPathComponent(".local/state")
        }
        return (base as NSString).appendingPathComponent("incidentboard")
    }

    private static func configName(_ configPath: String) -> String {
        let name = ((configPath as NSString).lastPathComponent as NSString).deletingPathExtension
        return name.isEmpty ? "probes" : name
    }

    /// 8 hex digits of FNV-1a (64-bit) over the UTF-8 bytes: stable across runs and platforms.
    static func shortHash(_ text: String) -> String {
        let hex = String(ProbeOffsets.fnv1a64(text), radix: 16)
        return String((String(repeating: "0", count: max(0, 16 - hex.count)) + hex).prefix(8))
    }
}
