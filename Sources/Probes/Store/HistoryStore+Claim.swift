import Foundation

extension HistoryStore {
    /// Opens the history of an agent and records which config it belongs to: an unusable file is
    /// moved aside, and a history written for another config is named, each in one line to `warn`.
    ///
    /// - Important: Call with the state's ``StateLock`` held: only the agent that holds it may move a
    ///   file aside.
    /// - Parameter identity: the config's identity (``configIdentity(forConfig:currentDirectory:)``).
    public static func openClaiming(path: String, identity: String, warn: (String) -> Void)
        throws(HistoryError) -> HistoryStore
    {
        let store = try HistoryStore(path: path, warn: warn)
        let owner = try store.claim(config: identity)
        if let line = ownerMismatch(statePath: path, recorded: owner, identity: identity) { warn(line) }
        return store
    }

    /// `incidentboard: <state>: this history was written for <other config>, not for <this one>; …`,
    /// or `nil` when the history is this config's (or says nothing about its config).
    public static func ownerMismatch(statePath: String, recorded: String?, identity: String) -> String? {
        guard let recorded, recorded != identity else { return nil }
        return "incidentboard: \(statePath): this history was written for \(recorded), not for \(identity); "
            + "give each config its own --state (or leave --state out)"
    }
}
