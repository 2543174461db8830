import NIOCore
import NIOHTTP1
import NIOPosix
import Probes
import ServerGate
import Synchronization

/// The `/metrics` endpoint: a small HTTP/1.1 server on raw SwiftNIO that Prometheus scrapes.
///
/// `GET /metrics` answers the exposition (text format 0.0.4), streamed chunk by chunk for large
/// boards; `/` a short page pointing there; other paths 404 and other methods 405. Requests are
/// bounded (headers 16 KB, bodies 64 KB), and whatever a client sends, the worst it gets is a 400
/// and a closed connection. Connections are bounded by a ``ConnectionGate`` (``defaultLimits``):
/// 32 at once, the oldest one not being answered evicted for a new one, so a scrape is answered
/// while another client holds them all; a whole request within 10 s of connecting (30 s after a
/// previous response on a kept-alive connection), and a response taken within 30 s.
public final class MetricsServer: Sendable {
    private struct State {
        var listener: GatedListener?
        var bound: MetricsListenAddress?
        var stopped = false
    }

    /// The address asked for.
    public let address: MetricsListenAddress
    private let exposition: MetricsExposition
    private let group: any EventLoopGroup
    private let state = Mutex(State())
    /// The connections open now, and the limits on them.
    let gate: ConnectionGate

    /// Largest request body accepted (a scrape has none).
    static let maxBodyBytes = 64 * 1024
    /// Most connections at once; at the limit a new one evicts the oldest not being answered.
    static let maxConnections = 32
    /// The limits of a server made without others.
    public static let defaultLimits = ServerLimits(
        maxConnections: maxConnections, requestTimeout: .seconds(10), keepAliveTimeout: .seconds(30),
        responseTimeout: .seconds(30))
    /// Header limits far below NIO's defaults (80 KB): a scrape sends a few hundred bytes.
    static let requestLimits = {
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderFieldSize = 8 * 1024
        limits.maxHeaderListSize = 16 * 1024
        limits.maxHeaderFieldCount = 100
        return limits
    }()
    /// Bodies up to this size go out in one piece with a Content-Length; larger ones are chunked.
    static let wholeBodyBytes = 1 << 20
    /// Chunks of a streamed board (64 KB each) handed to the event loop before waiting for it.
    static let chunksAhead = 8

    /// A server for `exposition` on `address`; nothing listens until ``start()``.
    public init(
        address: MetricsListenAddress, exposition: MetricsExposition,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        limits: ServerLimits = MetricsServer.defaultLimits
    ) {
        self.address = address
        self.exposition = exposition
        self.group = group
        self.gate = ConnectionGate(limits: limits)
    }

    /// Where the server listens once started (with the port the system chose when asked for 0).
    public var boundAddress: MetricsListenAddress? { state.withLock { $0.bound } }

    /// Starts listening.
    /// - Returns: the address bound.
    /// - Throws: ``MetricsServerError`` when the address cannot be bound (in use, not on this machine,
    ///   not permitted) or the server was stopped.
    @discardableResult
    public func start() async throws(MetricsServerError) -> MetricsListenAddress {
        if let bound = state.withLock({ $0.listener == nil ? nil : $0.bound }) { return bound }
        guard !state.withLock({ $0.stopped }) else { throw .stopped }
        let listener: GatedListener
        do {
            listener = try await GatedListener.bind(
                host: address.host, port: address.port, group: group, gate: gate, decoderLimits: Self.requestLimits
            ) { connection in await self.handle(connection) }
        } catch {
            throw MetricsServerError(binding: address, error: error)
        }
        let bound = MetricsListenAddress(host: address.host, port: listener.port)
        let accepted = state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.listener = listener
            state.bound = bound
            return true
        }
        guard accepted else {
            await listener.close()
            throw .stopped
        }
        return bound
    }

    /// Stops listening, closes every connection and waits for the server's tasks to end
    /// (``GatedListener/close()``). Idempotent.
    public func stop() async {
        let listener = state.withLock { state in
            state.stopped = true
            defer { state.listener = nil }
            return state.listener
        }
        gate.closeAll()
        await listener?.close()
    }

    private func handle(_ connection: GatedHTTPConnection) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var bodyBytes = 0
                var refused = false
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                        bodyBytes = 0
                    case .body(let chunk):
                        bodyBytes += chunk.readableBytes
                        if bodyBytes > Self.maxBodyBytes, !refused, let requestHead = head {
                            try await respond(
                                .payloadTooLarge, "Request body too large.\n", to: outbound,
                                for: requestHead, close: true)
                            refused = true
                        }
                        // Closing on unread bytes resets the connection, which can destroy the 413 before
                        // the client reads it: a little more is read and dropped first.
                        if refused && bodyBytes > Self.maxBodyBytes * 16 { return }
                    case .end:
                        if refused { return }
                        guard let requestHead = head else { continue }
                        head = nil
                        let keepOpen = try await answer(
                            requestHead, to: outbound, on: connection.channel.eventLoop)
                        if !keepOpen || Task.isCancelled { return }
                    }
                }
            }
        } catch {
            // The client went away, sent garbage (already answered 400 by NIO) or idled out.
        }
    }

    /// Answers one request; returns whether the connection may carry another.
    private func answer(
        _ request: HTTPRequestHead,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
        on eventLoop: any EventLoop
    ) async throws -> Bool {
        let path =
            request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first
            .map(String.init) ?? request.uri
        guard path == "/metrics" || path == "/" else {
            try await respond(.notFound, "Not found. Metrics are at /metrics.\n", to: outbound, for: request)
            return request.isKeepAlive
        }
        guard request.method == .GET || request.method == .HEAD else {
            try await respond(
                .methodNotAllowed, "Method not allowed: use GET.\n", to: outbound, for: request,
                extra: [("allow", "GET, HEAD")])
            return request.isKeepAlive
        }
        if path == "/" {
            try await respond(
                .ok, Self.indexPage, contentType: "text/html; charset=utf-8", to: outbound,
                for: request)
            return request.isKeepAlive
        }
        return try await writeMetrics(to: outbound, for: request, on: eventLoop)
    }

    /// Writes the exposition: whole with a length when small, else streamed in chunks, each
    /// rendered only once the socket has taken the ones before it. (The async writer hands a
    /// chunk to the event loop and returns before the loop has written it and found the socket
    /// full, so without waiting for the loop the whole board queued up in memory: 15.6 MB of
    /// chunks at 10,000 services.)
    private func writeMetrics(
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
        for request: HTTPRequestHead,
        on eventLoop: any EventLoop
    ) async throws -> Bool {
        var rendering = exposition.rendering()
        // Small boards (the usual case) go out whole with a length, so keep-alive works for any
        // client; a large one is streamed, never held as one text.
        var first: [UInt8] = []
        var finished = false
        while first.count < Self.wholeBodyBytes {
            guard let chunk = rendering.next() else {
                finished = true
                break
            }
            first += chunk
        }
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: MetricsServer.contentType)
        let isHead = request.method == .HEAD
        if finished || isHead {
            if isHead { while let chunk = rendering.next() { first += chunk } }
            headers.add(name: "content-length", value: String(first.count))
        }
        // HTTP/1.0 has no chunked encoding: the end of the body is the end of the connection.
        let closeAfter = !request.isKeepAlive || (!finished && !isHead && request.version.minor == 0)
        if closeAfter { headers.add(name: "connection", value: "close") }
        try await outbound.write(.head(HTTPResponseHead(version: request.version, status: .ok, headers: headers)))
        if !isHead {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: first))))
            first = []
            var sent = 0
            while !finished, let chunk = rendering.next() {
                // Every few chunks, once the loop has written what came before: if the socket is
                // full the writer knows by then, and the next write waits until it drains. At
                // most ``chunksAhead`` chunks wait in memory.
                sent += 1
                if sent % Self.chunksAhead == 0 { try await eventLoop.submit {}.get() }
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: chunk))))
            }
        }
        try await outbound.write(.end(nil))
        return !closeAfter
    }

    private func respond(
        _ status: HTTPResponseStatus, _ body: String, contentType: String = "text/plain; charset=utf-8",
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, for request: HTTPRequestHead,
        close: Bool = false, extra: [(String, String)] = []
    ) async throws {
        let bytes = ByteBuffer(string: body)
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        headers.add(name: "content-length", value: String(bytes.readableBytes))
        for (name, value) in extra { headers.add(name: name, value: value) }
        if close || !request.isKeepAlive { headers.add(name: "connection", value: "close") }
        try await outbound.write(.head(HTTPResponseHead(version: request.version, status: status, headers: headers)))
        if request.method != .HEAD { try await outbound.write(.body(.byteBuffer(bytes))) }
        try await outbound.write(.end(nil))
    }

    /// The Content-Type of the exposition (Prometheus text format 0.0.4).
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static let indexPage = """
        <!doctype html>
        <html><head><title>IncidentBoard</title></head>
        <body><h1>IncidentBoard</h1><p>Prometheus metrics are at <a href="/metrics">/metrics</a>.</p></body></html>

        """
}

/// Why the `/metrics` endpoint could not start.
public enum MetricsServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process listens on the address.
    case addressInUse(MetricsListenAddress)
    /// The address is not one of this machine's.
    case addressNotAvailable(MetricsListenAddress)
    /// Binding needs privileges the process lacks (ports below 1024).
    case permissionDenied(MetricsListenAddress)
    /// The host name does not resolve.
    case unknownHost(MetricsListenAddress)
    /// Anything else, with the system's reason.
    case cannotListen(MetricsListenAddress, String)
    /// The server was stopped before it started.
    case stopped

    init(binding address: MetricsListenAddress, error: any Error) {
        if let io = error as? IOError {
            switch io.errnoCode {
            case EADDRINUSE: self = .addressInUse(address)
            case EADDRNOTAVAIL: self = .addressNotAvailable(address)
            case EACCES, EPERM: self = .permissionDenied(address)
            default: self = .cannotListen(address, io.description)
            }
        } else if error is SocketAddressError.UnknownHost {
            self = .unknownHost(address)
        } else {
            self = .cannotListen(address, String(describing: error))
        }
    }

    /// One line for stderr, after `incidentboard: --metrics-listen <address>: `.
    public var description: String {
        switch self {
        case .addressInUse: "address in use"
        case .addressNotAvailable: "address not available on this machine"
        case .permissionDenied(let address):
            address.port < 1024 ? "permission denied (ports below 1024 need privileges)" : "permission denied"
        case .unknownHost(let address): "cannot resolve host \"\(address.host)\""
        case .cannotListen(_, let reason): "cannot listen: \(reason)"
        case .stopped: "the metrics server was stopped"
        }
    }
}
