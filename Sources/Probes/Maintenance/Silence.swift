import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A silence added at run time (`incidentboard silence add`, or the dashboard's `s` key): one
/// service's alerts, and those of the victims it explains, are quiet until ``endsAt``. Kept in the
/// state file, so every agent and short-lived command on it sees the same silences.
public struct Silence: Sendable, Equatable, Codable {
    /// Short and unique in its state file, e.g. `s-3f9a1c`.
    public var id: String
    /// The service it quiets.
    public var service: String
    /// Who added it (the user name).
    public var createdBy: String
    /// When it was added.
    public var createdAt: Date
    /// When it ends by itself (or ended, when expired early).
    public var endsAt: Date
    /// Why, as given.
    public var reason: String
    /// The id Alertmanager gave its copy, when one was made there.
    public var alertmanagerID: String?

    /// Creates a silence.
    public init(
        id: String, service: String, createdBy: String, createdAt: Date, endsAt: Date, reason: String,
        alertmanagerID: String? = nil
    ) {
        self.id = id
        self.service = service
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.endsAt = endsAt
        self.reason = reason
        self.alertmanagerID = alertmanagerID
    }

    /// Whether it quiets alerts at `date`.
    public func isActive(at date: Date) -> Bool { createdAt <= date && date < endsAt }

    /// A fresh id: `s-` and six hex digits.
    public static func newID() -> String {
        "s-" + String(format: "%06x", UInt32.random(in: 0...0xFF_FFFF))
    }

    /// How far ahead of its end the board warns that a silence is about to expire.
    public static let expiryWarning: TimeInterval = 600

    /// The user name for ``createdBy``: `$USER`, else `$LOGNAME`, else the uid.
    public static func currentUser(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        for key in ["USER", "LOGNAME"] {
            if let name = environment[key], !name.isEmpty { return name }
        }
        return "uid \(getuid())"
    }
}

/// Why a silence request was refused; each message names what is wrong.
public enum SilenceRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownService(String, suggestion: String?)
    case badDuration(String)
    case zeroDuration(String)
    case emptyReason

    public var description: String {
        switch self {
        case .unknownService(let name, let suggestion):
            "unknown service \"\(name)\"" + (suggestion.map { "; did you mean \"\($0)\"?" } ?? " (not in the config)")
        case .badDuration(let text):
            "--for: \"\(text)\" is not a duration (use e.g. 30m, 1h, 2h30m)"
        case .zeroDuration(let text):
            "--for: \"\(text)\" must be longer than zero"
        case .emptyReason:
            "--reason must not be empty: say why, for whoever finds the silence"
        }
    }

    /// Checks a request against the config: the service exists, the duration is a positive one,
    /// the reason says something. Returns the duration.
    public static func check(service: String, duration text: String, reason: String, config: ProbesConfig)
        throws(SilenceRequestError) -> Duration
    {
        let names = config.services.map(\.name)
        guard names.contains(service) else {
            throw .unknownService(service, suggestion: ConfigSpelling.suggestion(for: service, among: names))
        }
        guard let duration = Duration(configString: text) else {
            // `0` alone is a zero duration however it is written.
            if text.trimmingCharacters(in: .whitespaces) == "0" { throw .zeroDuration(text) }
            throw .badDuration(text)
        }
        guard duration > .zero else { throw .zeroDuration(text) }
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .emptyReason }
        return duration
    }
}
