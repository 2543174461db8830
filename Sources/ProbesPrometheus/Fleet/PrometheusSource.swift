import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Probes

/// Reads the agents' series from a Prometheus server's HTTP API: two instant queries
/// (`/api/v1/query`) per poll, the series and the sites' liveness, under one hard timeout, each
/// with a bounded body and no redirects followed.
///
/// - Important: Call ``shutdown()`` before releasing it.
public final class PrometheusSource: MetricsSource {
    /// A Prometheus base URL, split into what is sent and what may be shown.
    public struct Endpoint: Sendable, Equatable {
        /// The base URL without credentials, query or trailing slash.
        public let url: URL
        /// `Basic …` when the URL carried `user:password@`.
        let authorization: String?

        /// Parses the URL of `--source prometheus=URL`.
        /// - Throws: a problem whose message names the URL with any credentials masked.
        public init(parsing text: String) throws(SourceProblem) {
            let shown = Self.masked(text)
            guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
                scheme == "http" || scheme == "https"
            else {
                throw SourceProblem("\"\(shown)\" is not an http(s) URL")
            }
            guard let host = components.host, !host.isEmpty else {
                throw SourceProblem("\"\(shown)\" has no host")
            }
            guard components.query == nil, components.fragment == nil else {
                throw SourceProblem("\"\(shown)\": give the server's base URL, without a query")
            }
            var bare = components
            bare.scheme = scheme
            bare.user = nil
            bare.password = nil
            while bare.path.hasSuffix("/") { bare.path.removeLast() }
            guard let url = bare.url else { throw SourceProblem("\"\(shown)\" is not a usable URL") }
            self.url = url
            if let user = components.user {
                let secret = user + ":" + (components.password ?? "")
                authorization = "Basic " + Data(secret.utf8).base64EncodedString()
            } else {
                authorization = nil
            }
        }

        /// The URL as the board and messages show it (credentials never included).
        public var display: String { url.absoluteString }

        /// `text` with whatever stands between `://` and `@` in its authority replaced by `***`.
        public static func masked(_ text: String) -> String {
            guard let schemeEnd = text.range(of: "://") else {
                // Without a scheme, anything before an `@` may still be a secret.
                guard let at = text.firstIndex(of: "@") else { return text }
                return "***" + text[at...]
            }
            let rest = text[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
            guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return text }
            return String(text[..<schemeEnd.upperBound]) + "***" + String(rest[at...])
        }
    }

    /// The server read.
    public let endpoint: Endpoint
    /// Hard limit for one poll, connect and body included.
    public let timeout: Duration
    /// Largest answer read; a larger one is a problem, not a memory spike.
    public let maxBodyBytes: Int
    private let client: HTTPClient

    /// A source for `endpoint`; no connection is opened before the first ``read()``.
    public init(
        endpoint: Endpoint, timeout: Duration = .seconds(3), maxBodyBytes: Int = 32 << 20,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        var pool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(60))
        pool.retryConnectionEstablishment = false
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: TimeAmount(timeout)), connectionPool: pool,
            decompression: .disabled)
        configuration.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroupProvider: .shared(eventLoopGroup), configuration: configuration)
    }

    /// `prometheus http://127.0.0.1:9090`.
    public var description: String { "prometheus \(endpoint.display)" }

    /// Closes the client's connections.
    public func shutdown() async {
        try? await client.shutdown()
    }

    /// One poll: ``FleetReading/query``, then ``FleetReading/livenessQuery``, within ``timeout``.
    public func read() async -> Result<FleetReading, SourceProblem> {
        let deadline = ContinuousClock.now + timeout
        let timeout = self.timeout
        return await ProbeDeadline.race(until: deadline) {
            await self.exchange(deadline: deadline)
        } onTimeout: {
            .failure(SourceProblem(ProbeFailure.timeout(timeout).message))
        }
    }

    /// The query URL: the base URL's path plus `/api/v1/query?query=…`.
    var queryURL: String { url(for: FleetReading.query) }

    /// The URL of an instant query for `query`.
    func url(for query: String) -> String {
        endpoint.display + "/api/v1/query?query=" + Self.formEncoded(query)
    }

    /// The series query, then the liveness query (dark sites); a liveness query that fails leaves
    /// the reading without dark sites rather than failing the poll.
    private func exchange(deadline: ContinuousClock.Instant) async -> Result<FleetReading, SourceProblem> {
        let series: [UInt8]
        switch await fetch(queryURL, deadline: deadline) {
        case .failure(let problem): return .failure(problem)
        case .success(let bytes): series = bytes
        }
        let liveness = try? await fetch(url(for: FleetReading.livenessQuery), deadline: deadline).get()
        return Result { () throws(SourceProblem) in
            try FleetReading.parse(Data(series), liveness: liveness.map { Data($0) })
        }
    }

    /// One GET of `url`: the body of a 200 answer, or the problem.
    private func fetch(_ url: String, deadline: ContinuousClock.Instant) async -> Result<[UInt8], SourceProblem> {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "IncidentBoard")
        if let authorization = endpoint.authorization {
            request.headers.add(name: "Authorization", value: authorization)
        }
        do {
            let response = try await client.execute(
                request, deadline: NIODeadline.now() + TimeAmount(ContinuousClock.now.duration(to: deadline)))
            let status = Int(response.status.code)
            let body = try await CappedBody.read(
                response.body.map(\.readableBytesView), cap: maxBodyBytes, keep: true)
            guard status == 200 else { return .failure(Self.problem(status: status, body: body.bytes)) }
            return .success(body.bytes)
        } catch {
            if Task.isCancelled, ContinuousClock.now >= deadline {
                return .failure(SourceProblem(ProbeFailure.timeout(timeout).message))
            }
            return .failure(SourceProblem(ProbeFailure.classifyQuery(error, timeout: timeout).message))
        }
    }

    /// `HTTP 422: bad_data: …` when Prometheus explains itself, else `HTTP 500`.
    static func problem(status: Int, body: [UInt8]) -> SourceProblem {
        if (300..<400).contains(status) { return SourceProblem("HTTP \(status) (redirects are not followed)") }
        if let root = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
            let error = PrometheusAnswer.errorText(root)
        {
            return SourceProblem("HTTP \(status): \(error)")
        }
        return SourceProblem("HTTP \(status)")
    }

    /// Percent-encodes everything but the unreserved characters, so PromQL survives any server.
    static func formEncoded(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
