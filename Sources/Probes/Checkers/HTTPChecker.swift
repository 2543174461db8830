import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Probes HTTP(S) endpoints over one-shot HTTP/1.1 channels on SwiftNIO.
///
/// A probe is one future chain on one event loop: connect (the remaining time is the connect
/// timeout), TLS when https, NIO's HTTP/1 codec, and one ``ProbeExchangeHandler`` that caps the
/// body and reports once. Nothing is pooled unless ``Options/reuseConnections`` asks for it, so
/// a probe costs a connection and nothing else; only the result crosses into Swift concurrency.
///
/// Every probe has a hard timeout from its start, including connect, TLS and body, and reads
/// at most `maxBodyBytes` of body: whatever the server does, the result arrives within the
/// timeout plus a small margin. Redirects are followed here so that loops and long chains
/// become classified failures. `[CERTIFICATE_EXPIRATION]` is read from the probe's own handshake.
///
/// - Important: Call ``shutdown()`` before releasing the checker.
public final class HTTPChecker: Sendable {
    /// How the checker connects.
    public struct Options: Sendable, Equatable {
        /// Keep connections open between probes. Off by default, so that each probe measures a
        /// real connect (as blackbox_exporter does).
        public var reuseConnections: Bool
        /// Sent as `User-Agent` unless a probe sets its own.
        public var userAgent: String
        /// Upper bound for a connection attempt; a probe's remaining time bounds it too.
        public var connectTimeout: Duration
        /// A PEM file of CA certificates that verifying probes trust in addition to the system's
        /// roots (a private CA). A file that cannot be read fails every verifying https probe
        /// with `TLS: cannot read CA file PATH`. Set from `INCIDENTBOARD_CA_FILE` by
        /// ``LiveProbeRunner/init(configuration:httpOptions:)``.
        public var trustRootsFile: String?

        /// Options with the defaults: a fresh connection per probe, the system's trust roots.
        public init(
            reuseConnections: Bool = false, userAgent: String = "IncidentBoard",
            connectTimeout: Duration = .seconds(30), trustRootsFile: String? = nil
        ) {
            self.reuseConnections = reuseConnections
            self.userAgent = userAgent
            self.connectTimeout = connectTimeout
            self.trustRootsFile = trustRootsFile
        }

        /// These options with ``trustRootsFile`` taken from `INCIDENTBOARD_CA_FILE` when they
        /// name none and the variable is set and not empty.
        public func applying(environment: [String: String]) -> Options {
            var options = self
            if options.trustRootsFile == nil, let file = environment[HTTPChecker.trustRootsFileVariable], !file.isEmpty
            {
                options.trustRootsFile = file
            }
            return options
        }
    }

    /// The environment variable naming a PEM file of extra trusted CA certificates.
    public static let trustRootsFileVariable = "INCIDENTBOARD_CA_FILE"

    let group: any EventLoopGroup
    let options: Options
    let idle = IdleProbeChannels()
    private let verifying: LazyTLSContext
    private let insecure = LazyTLSContext(verifying: false)

    /// Creates the checker (no connection is opened and no TLS context built until a probe needs it).
    /// - Parameter eventLoopGroup: the NIO event loops to run on; the process-wide singleton by default.
    public init(
        options: Options = Options(), eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.options = options
        self.group = eventLoopGroup
        verifying = LazyTLSContext(verifying: true, trustRootsFile: options.trustRootsFile)
    }

    /// Closes connections kept for reuse.
    public func shutdown() async {
        await idle.closeAll()
    }

    /// The TLS context for a probe; built once per kind, on first use (loading the trust roots
    /// costs a start-up that plain-HTTP estates should not pay).
    func tlsContext(insecure skipVerify: Bool) throws -> NIOSSLContext {
        try (skipVerify ? insecure : verifying).get()
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
        // `any()`: the loop this task already runs on, if it runs on one of the group's loops
        // (then the probe starts inline, without waking another thread).
        let run = HTTPProbeRun(
            checker: self, probe: probe, conditions: conditions, timeout: timeout,
            service: service, startedAt: startedAt, loop: group.any())
        return await withTaskCancellationHandler {
            run.begin()
            // The run's timer always completes the future, so this cannot fail or hang.
            return (try? await run.result.get()) ?? run.cancelledResult()
        } onCancel: {
            run.cancel()
        }
    }
}

/// One probe, from its first connect to its result, on one event loop.
///
/// Its mutable state is touched only on `loop` (every entry point hops there first), which is
/// why it can be `@unchecked Sendable`: channel handlers and timers call back on that loop.
final class HTTPProbeRun: @unchecked Sendable {
    private let checker: HTTPChecker
    private let probe: HTTPProbe
    private let conditions: [Condition]
    private let timeout: Duration
    private let service: String
    private let startedAt: Date
    private let loop: any EventLoop
    private let start = ContinuousClock.now
    private let promise: EventLoopPromise<ProbeResult>

    private var done = false
    private var timer: Scheduled<Void>?
    /// Counts requests, so that a late report from an earlier hop is ignored.
    private var hop = 0
    private var channel: (any Channel)?
    private var handler: ProbeExchangeHandler?
    private var url: URL
    private var method: String
    private var body: String?
    private var visited: Set<String>
    private var certificateNotValidAfter: Int?

    init(
        checker: HTTPChecker, probe: HTTPProbe, conditions: [Condition], timeout: Duration, service: String,
        startedAt: Date, loop: any EventLoop
    ) {
        self.checker = checker
        self.probe = probe
        self.conditions = conditions
        self.timeout = timeout
        self.service = service
        self.startedAt = startedAt
        self.loop = loop
        promise = loop.makePromise(of: ProbeResult.self)
        url = probe.url
        method = probe.method.uppercased()
        body = probe.body
        visited = [probe.url.absoluteString]
    }

    /// The result; completed exactly once, by the timeout at the latest.
    var result: EventLoopFuture<ProbeResult> { promise.futureResult }

    func begin() {
        onLoop { run in
            run.timer = run.loop.scheduleTask(in: TimeAmount(run.timeout)) { [run] in
                run.finish(.failure(.timeout(run.timeout)))
            }
            run.send()
        }
    }

    /// The caller gave up: stop now (a timeout if the deadline has passed meanwhile).
    func cancel() {
        onLoop { run in
            run.finish(.failure(run.cancelledFailure()))
        }
    }

    /// What a cancelled caller returns if it could not wait for the run.
    func cancelledResult() -> ProbeResult {
        failureResult(cancelledFailure(), latency: ContinuousClock.now - start)
    }

    private func cancelledFailure() -> ProbeFailure {
        ContinuousClock.now - start >= timeout ? .timeout(timeout) : .cancelled
    }

    private func onLoop(_ body: @escaping @Sendable (HTTPProbeRun) -> Void) {
        if loop.inEventLoop {
            body(self)
        } else {
            loop.execute { [self] in body(self) }
        }
    }

    // MARK: Requests

    private func send() {
        guard !done else { return }
        let target: ProbeTarget
        do {
            target = try ProbeTarget(url)
        } catch {
            return finish(.failure(ProbeFailure.classify(error, timeout: timeout)))
        }
        hop += 1
        let request = makeRequest(target)
        let hop = self.hop
        let report: ProbeExchangeHandler.Report = { [self] result in received(result, hop: hop) }
        if checker.options.reuseConnections,
            let pooled = checker.idle.take(target.poolKey(insecure: probe.insecureSkipVerify))
        {
            channel = pooled.channel
            handler = pooled.handler
            pooled.channel.eventLoop.execute {
                pooled.handler.begin(request, report: report)
            }
            return
        }
        let remaining = timeout - (ContinuousClock.now - start)
        let connectTimeout = max(min(remaining, checker.options.connectTimeout), .milliseconds(1))
        let tls: NIOSSLContext?
        do {
            tls = target.tls ? try checker.tlsContext(insecure: probe.insecureSkipVerify) : nil
        } catch {
            return finish(.failure(ProbeFailure.classify(error, timeout: timeout)))
        }
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(TimeAmount(connectTimeout))
            // No TCP_NODELAY of our own: the bootstrap sets it (at the TCP level; once set here as a
            // socket option, it was SO_DEBUG, which only root may set, and every probe of anyone
            // else failed with "socket error 13").
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    var tlsHandler: NIOSSLClientHandler?
                    if let tls {
                        let handler = try NIOSSLClientHandler(context: tls, serverHostname: target.serverName)
                        try sync.addHandler(handler)
                        tlsHandler = handler
                    }
                    // No outbound header validator: the config refuses header names that are not
                    // tokens and values with line breaks, and the rest (Host, User-Agent, a
                    // redirect's target) comes from parsed URLs and constants.
                    try sync.addHTTPClientHandlers(
                        leftOverBytesStrategy: .dropBytes, enableOutboundHeaderValidation: false)
                    let exchange = ProbeExchangeHandler(tls: tlsHandler)
                    try sync.addHandler(exchange)
                    // The initializer runs on this run's loop (the bootstrap's only loop).
                    if hop == self.hop, !done { handler = exchange }
                    exchange.begin(request, report: report)
                }
            }
        let connected =
            target.address.map { bootstrap.connect(to: $0) }
            ?? bootstrap.connect(host: target.host, port: target.port)
        connected.whenComplete { [self] result in
            switch result {
            case .success(let channel):
                if hop == self.hop, !done {
                    self.channel = channel
                } else {
                    channel.close(promise: nil)
                }
            case .failure(let error):
                received(.failure(error), hop: hop)
            }
        }
    }

    private func makeRequest(_ target: ProbeTarget) -> ProbeRequest {
        var headers = HTTPHeaders()
        if !probe.headers.contains(where: { $0.name.lowercased() == "host" }) {
            headers.add(name: "Host", value: target.hostHeader)
        }
        for header in probe.headers {
            headers.add(name: header.name, value: header.value)
        }
        if !headers.contains(name: "user-agent") {
            headers.add(name: "User-Agent", value: checker.options.userAgent)
        }
        if !checker.options.reuseConnections, !headers.contains(name: "connection") {
            headers.add(name: "Connection", value: "close")
        }
        var buffer: ByteBuffer?
        if let body {
            buffer = ByteBuffer(string: body)
            if !headers.contains(name: "content-length"), !headers.contains(name: "transfer-encoding") {
                headers.add(name: "Content-Length", value: String(buffer?.readableBytes ?? 0))
            }
        }
        let head = HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: method), uri: target.uri,
            headers: headers)
        return ProbeRequest(
            head: head, body: buffer, maxBodyBytes: probe.maxBodyBytes,
            keepBody: conditions.contains { $0.usesBody }, followsRedirects: probe.followRedirects,
            wantsCertificate: target.tls && hop == 1 && conditions.contains { $0.usesCertificate })
    }

    // MARK: Answers

    private func received(_ result: Result<ProbeResponse, any Error>, hop: Int) {
        guard loop.inEventLoop else {
            loop.execute { [self] in received(result, hop: hop) }
            return
        }
        guard !done, hop == self.hop else { return }
        let response: ProbeResponse
        switch result {
        case .failure(let error):
            return finish(.failure(ProbeFailure.classify(error, timeout: timeout)))
        case .success(let answer):
            response = answer
        }
        if hop == 1 { certificateNotValidAfter = response.certificateNotValidAfter }
        releaseChannel(reusable: response.keepAlive)
        if probe.followRedirects, ProbeResponse.redirectStatuses.contains(response.status),
            let location = response.location
        {
            do {
                try followRedirect(status: response.status, location: location)
            } catch {
                return finish(.failure(ProbeFailure.classify(error, timeout: timeout)))
            }
            return send()
        }
        let expiry = certificateNotValidAfter.map { notValidAfter in
            Duration.milliseconds(
                Int64((Date(timeIntervalSince1970: TimeInterval(notValidAfter)).timeIntervalSinceNow * 1000).rounded()))
        }
        finish(
            .answer(
                status: response.status, body: response.body, latency: ContinuousClock.now - start,
                certificateExpiration: expiry))
    }

    private func followRedirect(status: Int, location: String) throws {
        guard let next = URL(string: location, relativeTo: url)?.absoluteURL,
            let scheme = next.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else {
            throw ProbeFailure(.redirects, "redirect to an unusable URL")
        }
        guard !visited.contains(next.absoluteString) else {
            throw ProbeFailure(.redirects, "redirect loop")
        }
        guard visited.count - 1 < probe.maxRedirects else {
            throw ProbeFailure(.redirects, "too many redirects (\(probe.maxRedirects))")
        }
        visited.insert(next.absoluteString)
        // As browsers do: 303, and 301/302 after a POST, continue as a GET without body.
        if status == 303 || ((status == 301 || status == 302) && method == "POST") {
            method = "GET"
            body = nil
        }
        url = next
    }

    /// Parks the channel for the next probe when reuse is on and the server keeps it open;
    /// otherwise closes it.
    private func releaseChannel(reusable: Bool) {
        guard let channel else { return }
        // Only reuse parses the URL again (for its pool key): a one-shot probe just closes.
        if checker.options.reuseConnections, reusable, let handler,
            let key = try? ProbeTarget(url).poolKey(insecure: probe.insecureSkipVerify)
        {
            checker.idle.park(PooledProbeChannel(channel: channel, handler: handler), key: key)
        } else {
            channel.close(promise: nil)
        }
        self.channel = nil
        self.handler = nil
    }

    // MARK: Result

    private enum Outcome {
        case answer(status: Int, body: [UInt8], latency: Duration, certificateExpiration: Duration?)
        case failure(ProbeFailure)
    }

    private func finish(_ outcome: Outcome) {
        guard !done else { return }
        done = true
        timer?.cancel()
        timer = nil
        channel?.close(promise: nil)
        channel = nil
        handler = nil
        switch outcome {
        case .failure(let failure):
            promise.succeed(failureResult(failure, latency: ContinuousClock.now - start))
        case .answer(let status, let body, let latency, let certificateExpiration):
            let verdict = judge(
                status: status, body: body, latency: latency,
                certificateExpiration: certificateExpiration)
            promise.succeed(
                ProbeResult(
                    service: service, startedAt: startedAt, status: verdict.status, latency: latency,
                    error: verdict.message, failure: verdict.status == .up ? nil : .condition, httpStatus: status))
        }
    }

    private func failureResult(_ failure: ProbeFailure, latency: Duration) -> ProbeResult {
        ProbeResult(
            service: service, startedAt: startedAt, status: .down, latency: latency,
            error: failure.message, failure: failure.kind)
    }

    private func judge(status: Int, body: [UInt8], latency: Duration, certificateExpiration: Duration?)
        -> ConditionVerdict
    {
        guard !conditions.isEmpty else {
            if (200..<300).contains(status) { return ConditionVerdict(status: .up, message: nil) }
            return ConditionVerdict(status: .down, message: "HTTP \(status)")
        }
        let context = ConditionContext(
            status: status, responseTimeMs: latency.milliseconds, body: body,
            connected: true, certificateExpiration: certificateExpiration)
        return ConditionVerdict.judge(conditions, context)
    }
}
