import AsyncHTTPClient
import Probes

extension ProbeFailure {
    /// Classifies an error of AsyncHTTPClient while querying Prometheus, and any other as a probe's.
    static func classifyQuery(_ error: any Error, timeout: Duration) -> ProbeFailure {
        guard let error = error as? HTTPClientError else { return classify(error, timeout: timeout) }
        switch error {
        case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
            .getConnectionFromPoolTimeout:
            return .timeout(timeout)
        case .remoteConnectionClosed, .uncleanShutdown:
            return .closedEarly
        case .cancelled, .requestStreamCancelled:
            return .cancelled
        case .invalidURL, .emptyHost, .emptyScheme:
            return ProbeFailure(.other, "invalid URL")
        case .bodyLengthMismatch, .identityCodingIncorrectlyPresent:
            return .invalidHTTP
        default:
            return ProbeFailure(.other, String(String(describing: error).prefix(120)))
        }
    }
}
