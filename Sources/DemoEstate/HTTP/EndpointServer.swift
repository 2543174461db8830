import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// One loopback HTTP listener of the estate, on raw SwiftNIO. It can be closed and reopened on
/// the same port while the estate runs: closed, clients get "connection refused" (a hard-down
/// upstream), and connections that were open are cut as well, so pooled clients notice too.
final class EndpointServer: Sendable {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    private struct State {
        var port: Int
        var listener: (any Channel)?
        var serving: Task<Void, Never>?
        var connections: [ObjectIdentifier: any Channel] = [:]
        /// Bumped on every open and close, so a connection accepted by an old listener is cut.
        var generation = 0
    }

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
        let listener: NIOAsyncChannel<Connection, Never>
        do {
            listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(host: "127.0.0.1", port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw .portInUse(port: port, server: name)
        } catch {
            throw .cannotListen(port: port, server: name, reason: String(describing: error))
        }
        let generation = state.withLock { state -> Int in
            state.generation += 1
            state.listener = listener.channel
            if let bound = listener.channel.localAddress?.port { state.port = bound }
            return state.generation
        }
        let task = Task { await self.serve(listener, generation: generation) }
        state.withLock { $0.serving = task }
    }

    /// Closes the listener and every open connection, and waits until in-flight requests end.
    func close() async {
        let (listener, connections, serving) = state.withLock { state in
            state.generation += 1
            defer {
                state.listener = nil
                state.connections = [:]
                state.serving = nil
            }
            return (state.listener, Array(state.connections.values), state.serving)
        }
        try? await listener?.close()
        for connection in connections { connection.close(promise: nil) }
        serving?.cancel()
        await serving?.value
    }

    private func serve(_ listener: NIOAsyncChannel<Connection, Never>, generation: Int) async {
        await withDiscardingTaskGroup { group in
            do {
                try await listener.executeThenClose { inbound in
                    for try await connection in inbound {
                        guard track(connection.channel, generation: generation) else {
                            connection.channel.close(promise: nil)
                            continue
                        }
                        group.addTask {
                            await self.handle(connection)
                            self.untrack(connection.channel)
                        }
                    }
                }
            } catch {
                // The listener was closed under the loop: the node went hard-down or the estate stops.
            }
            group.cancelAll()
        }
    }

    private func track(_ channel: any Channel, generation: Int) -> Bool {
        state.withLock { state in
            guard state.generation == generation else { return false }
            state.connections[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    private func untrack(_ channel: any Channel) {
        _ = state.withLock { $0.connections.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    private func handle(_ connection: Connection) async {
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
        try await outbound.write(.head(HTTPResponseHead(version: request.version, status: response.status,
                                                        headers: headers)))
        try await outbound.write(.body(.byteBuffer(body)))
        try await outbound.write(.end(nil))
    }
}
