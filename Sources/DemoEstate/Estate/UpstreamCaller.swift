import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix

/// How services call their upstreams: real HTTP over loopback with a hard timeout, so a slow
/// upstream makes its callers time out by themselves.
public final class UpstreamCaller: Sendable {
    /// What a call came back with.
    public enum Outcome: Sendable, Equatable {
        /// An HTTP answer (any status).
        case answered(status: Int, body: String)
        /// No answer: `timeout after 1000 ms`, `connection refused`, …
        case failed(String)

        /// A 2xx answer.
        public var isSuccess: Bool {
            if case .answered(let status, _) = self { return (200..<300).contains(status) }
            return false
        }

        /// `UP`, or why not: `HTTP 503`, `timeout after 1000 ms`.
        public var verdict: String {
            switch self {
            case .answered(let status, _): (200..<300).contains(status) ? "UP" : "HTTP \(status)"
            case .failed(let reason): reason
            }
        }
    }

    private let client: HTTPClient

    /// Largest answer body read.
    static let maxBodyBytes = 64 * 1024

    /// A caller with its own connection pool.
    public init() {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(5))
        var pool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(30))
        // A refused upstream fails the call at once, as it would for a real client, instead of
        // being retried until the timeout.
        pool.retryConnectionEstablishment = false
        configuration.connectionPool = pool
        configuration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Calls `url`; gives up after `timeout` (connect, answer and body included).
    public func call(
        _ url: String, method: HTTPMethod = .GET, body: String? = nil, timeout: Duration
    ) async -> Outcome {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(nanoseconds))
            let bytes = try await response.body.collect(upTo: Self.maxBodyBytes)
            return .answered(status: Int(response.status.code), body: String(buffer: bytes))
        } catch {
            return .failed(Self.reason(error, timeout: timeout))
        }
    }

    /// Closes the pool.
    public func shutdown() async {
        try? await client.shutdown()
    }

    static func reason(_ error: any Error, timeout: Duration) -> String {
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        let timedOut = "timeout after \(milliseconds) ms"
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout, .getConnectionFromPoolTimeout:
                return timedOut
            case .remoteConnectionClosed:
                return "connection closed"
            default:
                return "\(error)"
            }
        }
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first {
            return reason(first.error, timeout: timeout)
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED: return "connection refused"
            case ECONNRESET, EPIPE: return "connection reset"
            default: return "socket error \(error.errnoCode)"
            }
        }
        if error is CancellationError { return "cancelled" }
        return "\(error)"
    }
}
