import NIOCore
import NIOHTTP1
import NIOPosix
import Probes
import ServerGate
import Synchronization

/// One loopback HTTP listener of the estate, on raw SwiftNIO. It can be closed and reopened on
/// the same port while the estate runs: closed, clients get "connection refused" (a hard-down
/// upstream), and connections that were open are cut as well, so pooled clients notice too.
///
/// Connections are bounded as the `/metrics` endpoint's are (``ConnectionGate``), with limits
/// for the estate (``limits``): a scan or a flood of connections cannot end the demo.
final class EndpointServer: Sendable {
    private struct State {
        var port: Int
        /// The listener open now; a fresh gate for every open, closed with it, so a connection
        /// accepted by an old listener is cut.
        var listener: GatedListener?
    }

    /// Room for every pooled client of the estate and the agent; kept-alive connections outlive
    /// the clients' pool timeouts (30 and 60 s), so a pooled request never meets a closing socket;
    /// no response timeout, since slow answers are what the scenarios play.
    static let limits = ServerLimits(
        maxConnections: 256, requestTimeout: .seconds(10), keepAliveTimeout: .seconds(75), responseTimeout: nil)

    /// The server's name in messages.
    let name: String
    private let state: Mutex<State>
    private let respond: @Sendable (EstateRequest) async -> EstateResponse

    /// Largest request body read; the rest is dropped.
    static let maxBodyBytes = 64 * 1024

    init(name: String, port: Int, respond: @escaping @Sendable (EstateRequest) async -> EstateResponse) {
        self.name = name
        self.respond = respond
        state = Mutex(State(port: port))
    }

    /// The port: the one asked for, or once open with port 0, the one the system gave.
    var port: Int { state.withLock { $0.port } }

    /// Whether the listener is open.
    var isOpen: Bool { state.withLock { $0.listener != nil } }

    /// Opens the listener on its port (again, after ``close()``); does nothing when open.
    func open() async throws(EstateError) {
        let port = state.withLock { $0.listener == nil ? $0.port : nil }
        guard let port else { return }
        let listener: GatedListener
        do {
            // Ends when the listener closes (the node went hard-down or the estate stops); a
            // scripted slow answer in flight is cancelled then rather than holding the close.
            listener = try await GatedListener.bind(
                host: "127.0.0.1", port: port, group: MultiThreadedEventLoopGroup.singleton,
                gate: ConnectionGate(limits: Self.limits)
            ) { connection in await self.handle(connection) }
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw .portInUse(port: port, server: name)
        } catch {
            throw .cannotListen(port: port, server: name, reason: String(describing: error))
        }
        state.withLock { state in
            state.listener = listener
            state.port = listener.port
        }
    }

    /// Closes the listener and every open connection, and waits until in-flight requests end
    /// (``GatedListener/close()``: requests in flight are cancelled, so that a scripted slow answer
    /// does not hold the close).
    func close() async {
        let listener = state.withLock { state in
            defer { state.listener = nil }
            return state.listener
        }
        await listener?.close()
    }

    private func handle(_ connection: GatedHTTPConnection) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body = ByteBuffer()
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                        body.clear()
                    case .body(var chunk):
                        if body.readableBytes + chunk.readableBytes <= Self.maxBodyBytes { body.writeBuffer(&chunk) }
                    case .end:
                        guard let requestHead = head else { continue }
                        head = nil
                        let path = requestHead.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
                        let request = EstateRequest(method: requestHead.method, path: path, body: String(buffer: body))
                        let response = await respond(request)
                        if response.dropsConnection || Task.isCancelled { return }
                        try await write(response, to: outbound, for: requestHead)
                        if !requestHead.isKeepAlive { return }
                    }
                }
            }
        } catch {
            // The client went away or the connection was cut on purpose; nothing to answer.
        }
    }

    private func write(
        _ response: EstateResponse, to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
        for request: HTTPRequestHead
    ) async throws {
        let body = ByteBuffer(string: response.body)
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json; charset=utf-8")
        headers.add(name: "content-length", value: String(body.readableBytes))
        if !request.isKeepAlive { headers.add(name: "connection", value: "close") }
        try await outbound.write(
            .head(
                HTTPResponseHead(
                    version: request.version, status: response.status,
                    headers: headers)))
        try await outbound.write(.body(.byteBuffer(body)))
        try await outbound.write(.end(nil))
    }
}
