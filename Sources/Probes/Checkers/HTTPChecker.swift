import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Probes HTTP(S) endpoints through one shared AsyncHTTPClient.
///
/// Every probe has a hard timeout from its start, including connect, TLS and body, and reads
/// at most `maxBodyBytes` of body: whatever the server does, the result arrives within the
/// timeout plus a small margin. Redirects are followed here rather than by the client, so
/// that loops and long chains become classified failures.
///
/// - Important: Call ``shutdown()`` before releasing the checker.
public final class HTTPChecker: Sendable {
    /// How the shared client behaves.
    public struct Options: Sendable, Equatable {
        /// Keep connections open between probes. Off by default, so that each probe measures a
        /// real connect (as blackbox_exporter does).
        public var reuseConnections: Bool
        /// Sent as `User-Agent` unless a probe sets its own.
        public var userAgent: String
        /// Upper bound for a connection attempt left behind by a probe that timed out.
        public var connectTimeout: Duration

        /// Options with the defaults: a fresh connection per probe.
        public init(reuseConnections: Bool = false, userAgent: String = "IncidentBoard",
                    connectTimeout: Duration = .seconds(30)) {
            self.reuseConnections = reuseConnections
            self.userAgent = userAgent
            self.connectTimeout = connectTimeout
        }
    }

    private static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    private let verifyingClient: HTTPClient
    private let insecureClient: HTTPClient
    private let group: any EventLoopGroup
    private let options: Options

    /// Creates the checker and its clients (no connection is opened until a probe runs).
    /// - Parameter eventLoopGroup: the NIO event loops to run on; the process-wide singleton by default.
    public init(
        options: Options = Options(), eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.options = options
        self.group = eventLoopGroup
        verifyingClient = HTTPClient(
            eventLoopGroupProvider: .shared(eventLoopGroup),
            configuration: Self.configuration(verifying: true, options: options))
        insecureClient = HTTPClient(
            eventLoopGroupProvider: .shared(eventLoopGroup),
            configuration: Self.configuration(verifying: false, options: options))
    }

    /// Shuts the clients down; probes still running fail.
    public func shutdown() async {
        try? await verifyingClient.shutdown()
        try? await insecureClient.shutdown()
    }

    private static func configuration(verifying: Bool, options: Options) -> HTTPClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if !verifying { tls.certificateVerification = .none }
        var pool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(options.reuseConnections ? 60 : 5),
            concurrentHTTP1ConnectionsPerHostSoftLimit: 1024)
        // A refused connection is an answer: report it rather than retrying until the timeout.
        pool.retryConnectionEstablishment = false
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: TimeAmount(options.connectTimeout)), connectionPool: pool,
            decompression: .disabled)
        // HTTP/1 so that `Connection: close` means one connection per probe.
        configuration.httpVersion = .http1Only
        return configuration
    }

    /// Probes `probe` once.
    /// - Parameters:
    ///   - conditions: decide the status when present; without them a 2xx answer is `up`.
    ///   - timeout: hard limit from now, including connect, TLS, redirects and body.
    ///   - service: the service name stamped on the result.
    ///   - startedAt: the wall-clock start stamped on the result.
    public func check(
        _ probe: HTTPProbe, conditions: [Condition], timeout: Duration, service: String, startedAt: Date
    ) async -> ProbeResult {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + timeout
        let outcome = await ProbeDeadline.race(until: deadline) {
            await self.exchange(probe, conditions: conditions, deadline: deadline, timeout: timeout)
        } onTimeout: {
            .failure(.timeout(timeout))
        }
        let elapsed = clock.now - start
        switch outcome {
        case .failure(let failure):
            return ProbeResult(service: service, startedAt: startedAt, status: .down, latency: elapsed,
                               error: failure.message, failure: failure.kind)
        case .answer(let answer):
            let latency = answer.latency
            let verdict = judge(answer, conditions: conditions)
            return ProbeResult(
                service: service, startedAt: startedAt, status: verdict.status, latency: latency,
                error: verdict.message, failure: verdict.status == .up ? nil : .condition, httpStatus: answer.status)
        }
    }

    private func judge(_ answer: Answer, conditions: [Condition]) -> ConditionVerdict {
        guard !conditions.isEmpty else {
            if (200..<300).contains(answer.status) { return ConditionVerdict(status: .up, message: nil) }
            return ConditionVerdict(status: .down, message: "HTTP \(answer.status)")
        }
        let context = ConditionContext(
            status: answer.status, responseTimeMs: answer.latency.milliseconds, body: answer.body,
            connected: true, certificateExpiration: answer.certificateExpiration)
        return ConditionVerdict.judge(conditions, context)
    }

    /// What a completed exchange saw.
    struct Answer: Sendable {
        var status: Int
        var body: [UInt8]
        var latency: Duration
        var certificateExpiration: Duration?
    }

    enum Outcome: Sendable {
        case answer(Answer)
        case failure(ProbeFailure)
    }

    /// Sends the request, follows redirects and reads the body; throws nothing, classifies all.
    private func exchange(
        _ probe: HTTPProbe, conditions: [Condition], deadline: ContinuousClock.Instant, timeout: Duration
    ) async -> Outcome {
        let start = ContinuousClock.now
        let scheme = probe.url.scheme?.lowercased() ?? ""
        guard scheme == "http" || scheme == "https" else {
            return .failure(ProbeFailure(.other, "unsupported URL scheme \"\(scheme)\""))
        }
        let nioDeadline = NIODeadline.now() + TimeAmount(deadline - start)
        let keepBody = conditions.contains { $0.usesBody }
        let wantsCertificate = scheme == "https" && conditions.contains { $0.usesCertificate }
        let client = probe.insecureSkipVerify ? insecureClient : verifyingClient

        async let certificateExpiration = wantsCertificate
            ? CertificateInspector.timeUntilExpiry(
                host: probe.url.host ?? "", port: probe.url.port ?? 443, deadline: deadline, group: group)
            : nil

        do {
            var url = probe.url
            var method = probe.method.uppercased()
            var body = probe.body
            var visited: Set<String> = [url.absoluteString]
            var redirects = 0
            while true {
                let request = makeRequest(probe, url: url, method: method, body: body)
                let response = try await client.execute(request, deadline: nioDeadline)
                let status = Int(response.status.code)
                let chunks = response.body.map(\.readableBytesView)
                if probe.followRedirects, Self.redirectStatuses.contains(status),
                    let location = response.headers.first(name: "location")
                {
                    // Drain (bounded) so the connection ends cleanly; the redirect's body is not judged.
                    _ = try await CappedBody.read(chunks, cap: probe.maxBodyBytes, keep: false)
                    guard let next = URL(string: location, relativeTo: url)?.absoluteURL,
                        let scheme = next.scheme?.lowercased(), scheme == "http" || scheme == "https"
                    else {
                        throw ProbeFailure(.redirects, "redirect to an unusable URL")
                    }
                    guard !visited.contains(next.absoluteString) else {
                        throw ProbeFailure(.redirects, "redirect loop")
                    }
                    guard redirects < probe.maxRedirects else {
                        throw ProbeFailure(.redirects, "too many redirects (\(probe.maxRedirects))")
                    }
                    redirects += 1
                    visited.insert(next.absoluteString)
                    // As browsers do: 303, and 301/302 after a POST, continue as a GET without body.
                    if status == 303 || ((status == 301 || status == 302) && method == "POST") {
                        method = "GET"
                        body = nil
                    }
                    url = next
                    continue
                }
                let read = try await CappedBody.read(chunks, cap: probe.maxBodyBytes, keep: keepBody)
                let latency = ContinuousClock.now - start
                return .answer(Answer(status: status, body: read.bytes, latency: latency,
                                      certificateExpiration: await certificateExpiration))
            }
        } catch {
            if Task.isCancelled, ContinuousClock.now >= deadline { return .failure(.timeout(timeout)) }
            return .failure(ProbeFailure.classify(error, timeout: timeout))
        }
    }

    private func makeRequest(_ probe: HTTPProbe, url: URL, method: String, body: String?) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = HTTPMethod(rawValue: method)
        for header in probe.headers {
            request.headers.add(name: header.name, value: header.value)
        }
        if !request.headers.contains(name: "user-agent") {
            request.headers.add(name: "User-Agent", value: options.userAgent)
        }
        if !options.reuseConnections, !request.headers.contains(name: "connection") {
            request.headers.add(name: "Connection", value: "close")
        }
        if let body {
            request.body = .bytes(ByteBuffer(string: body))
        }
        return request
    }
}
