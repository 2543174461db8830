import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// An HTTP server on 127.0.0.1 with a free port, whose answer per path is scripted and can be
/// changed while it runs (an upstream that fails mid-test). Built on raw NIO so that it can
/// misbehave in ways a well-behaved framework will not: never answer, reset, send garbage,
/// stream an endless body.
///
/// - Important: Call ``stop()`` when done; it closes the listener and every open connection.
public final class LoopbackHTTPServer: Sendable {
    /// The port the server listens on.
    public let port: Int
    /// `http` or `https`.
    public let scheme: String
    private let listener: any Channel
    private let state: ServerState

    private init(port: Int, scheme: String, listener: any Channel, state: ServerState) {
        self.port = port
        self.scheme = scheme
        self.listener = listener
        self.state = state
    }

    /// Starts a server on 127.0.0.1 and a free port.
    /// - Parameters:
    ///   - tls: serve HTTPS with this identity instead of plain HTTP.
    ///   - routes: behaviour per path (the request path without its query).
    ///   - fallback: behaviour for paths without a route.
    public static func start(
        tls: TLSIdentity? = nil, routes: [String: ScriptedBehaviour] = [:],
        fallback: ScriptedBehaviour = .status(404, body: "not found")
    ) async throws -> LoopbackHTTPServer {
        let state = ServerState(routes: routes, fallback: fallback)
        let sslContext = try tls.map { try $0.makeServerContext() }
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // TCP_NODELAY: the bootstrap sets it on the listening socket and accepted ones inherit it.
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let sslContext {
                        try sync.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try sync.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
                    try sync.addHandler(ScriptedHTTPHandler(state: state))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = listener.localAddress?.port else {
            try? await listener.close()
            throw LoopbackServerError.noPort
        }
        return LoopbackHTTPServer(port: port, scheme: tls == nil ? "http" : "https", listener: listener, state: state)
    }

    /// Sets (or replaces) the behaviour for `path`; takes effect for the next request.
    public func script(_ path: String, _ behaviour: ScriptedBehaviour) {
        state.withLock { $0.routes[path] = behaviour }
    }

    /// The URL of `path` (which may carry a query) on this server.
    public func url(_ path: String) -> URL {
        var components = URLComponents()
        components.scheme = scheme
        components.host = "127.0.0.1"
        components.port = port
        let target = path.hasPrefix("/") ? path : "/" + path
        if let mark = target.firstIndex(of: "?") {
            components.path = String(target[..<mark])
            components.query = String(target[target.index(after: mark)...])
        } else {
            components.path = target
        }
        // Components built from a scheme, an IP and a port always form a URL; the fallback
        // only keeps this total.
        return components.url ?? URL(fileURLWithPath: "/dev/null")
    }

    /// Every request received so far, oldest first.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// The requests received for `path`, oldest first.
    public func requests(to path: String) -> [RecordedRequest] { requests.filter { $0.path == path } }

    /// Connections accepted so far.
    public var acceptedConnections: Int { state.withLock { $0.accepted } }

    /// Connections currently open.
    public var openConnections: Int { state.withLock { $0.children.count } }

    /// Body bytes of streamed (endless or trickled) bodies handed to the kernel so far.
    public var streamedBodyBytes: Int { state.withLock { $0.streamedBytes } }

    /// Closes the listener and every open connection.
    public func stop() async {
        try? await listener.close()
        let children = state.withLock { state -> [any Channel] in
            state.stopped = true
            return Array(state.children.values)
        }
        for child in children {
            try? await child.close()
        }
    }
}

/// Why a loopback server could not start.
public enum LoopbackServerError: Error, Sendable, Equatable {
    /// The listener has no local port (should not happen on 127.0.0.1).
    case noPort
    /// Making a TLS identity failed; the text says how.
    case tlsIdentity(String)
}

/// Mutable server state shared between the event loop and the test; guarded by a lock.
final class ServerState: @unchecked Sendable {
    struct Values {
        var routes: [String: ScriptedBehaviour]
        var fallback: ScriptedBehaviour
        var requests: [RecordedRequest] = []
        var children: [ObjectIdentifier: any Channel] = [:]
        var accepted = 0
        var streamedBytes = 0
        var stopped = false
    }

    private let lock = NSLock()
    private var values: Values

    init(routes: [String: ScriptedBehaviour], fallback: ScriptedBehaviour) {
        values = Values(routes: routes, fallback: fallback)
    }

    func withLock<T>(_ body: (inout Values) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&values)
    }
}
