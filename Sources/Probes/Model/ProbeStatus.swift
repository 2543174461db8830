/// The state of a service as one probe saw it, ordered from best to worst.
///
/// `unknown` sorts between `degraded` and `down`: a probe that could not decide is worse than a
/// slow answer and better than a failure, as in the Nagios plugin convention.
public enum ProbeStatus: String, Sendable, Codable, CaseIterable, Comparable {
    case up
    case degraded
    case unknown
    case down

    private var rank: Int {
        switch self {
        case .up: 0
        case .degraded: 1
        case .unknown: 2
        case .down: 3
        }
    }

    public static func < (lhs: ProbeStatus, rhs: ProbeStatus) -> Bool { lhs.rank < rhs.rank }

    /// Whether the probe counts as good for the availability SLI.
    public var isAvailable: Bool { self == .up || self == .degraded }
}

/// Why a probe failed, so later stages can reason about it (a timeout downstream of a slow
/// upstream is attributed to that upstream).
public enum FailureKind: String, Sendable, Codable {
    /// No complete answer within the probe's timeout.
    case timeout
    /// The target actively refused the connection.
    case refused
    /// The connection was reset or closed before a complete answer.
    case reset
    /// The name could not be resolved or the address is unusable.
    case dns
    /// TLS handshake or certificate verification failed.
    case tls
    /// The peer answered with something that is not the expected protocol.
    case protocolError
    /// The response body was larger than the probe's cap.
    case bodyTooLarge
    /// Too many redirects, or a redirect loop.
    case redirects
    /// The answer arrived but a status check or condition failed.
    case condition
    /// A command probe exited non-zero, or could not be started.
    case command
    /// Anything else (a bug or an unexpected local error).
    case other
}
