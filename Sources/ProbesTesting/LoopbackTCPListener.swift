import Foundation
import NIOCore
import NIOPosix

/// A plain TCP listener on 127.0.0.1 with a free port: it accepts connections, optionally
/// writes a banner, and holds them open until the client or ``stop()`` closes them.
public final class LoopbackTCPListener: Sendable {
    /// The port it listens on.
    public let port: Int
    private let listener: any Channel
    private let state: ServerState

    private init(port: Int, listener: any Channel, state: ServerState) {
        self.port = port
        self.listener = listener
        self.state = state
    }

    /// Starts listening on 127.0.0.1 and a free port.
    public static func start(banner: [UInt8]? = nil) async throws -> LoopbackTCPListener {
        let state = ServerState(routes: [:], fallback: .neverAnswer)
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(HeldConnectionHandler(state: state, banner: banner))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = listener.localAddress?.port else {
            try? await listener.close()
            throw LoopbackServerError.noPort
        }
        return LoopbackTCPListener(port: port, listener: listener, state: state)
    }

    /// Connections accepted so far.
    public var acceptedConnections: Int { state.withLock { $0.accepted } }

    /// Closes the listener and every held connection.
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

/// Holds an accepted connection open, discarding what the peer sends.
private final class HeldConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let state: ServerState
    private let banner: [UInt8]?

    init(state: ServerState, banner: [UInt8]?) {
        self.state = state
        self.banner = banner
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        let stopped = state.withLock { values -> Bool in
            values.accepted += 1
            values.children[ObjectIdentifier(channel)] = channel
            return values.stopped
        }
        if stopped {
            context.close(promise: nil)
        } else if let banner {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: banner)), promise: nil)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let id = ObjectIdentifier(context.channel)
        state.withLock { _ = $0.children.removeValue(forKey: id) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// A port on 127.0.0.1 that refuses connections: a socket bound to it without listening, so
/// the kernel answers every SYN with a reset, and no other socket can take the port meanwhile
/// (a port merely bound and closed could be handed to a server a parallel test starts).
public final class RefusingPort: Sendable {
    /// The port whose connections are refused.
    public let port: Int
    private let descriptor: Int32

    /// Reserves a free port.
    public init() throws {
        #if os(Linux)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw LoopbackServerError.noPort }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw LoopbackServerError.noPort
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(descriptor)
    }

    /// Runs `body` with a refusing port, kept reserved until `body` returns.
    public static func withPort<T>(_ body: (Int) async throws -> T) async throws -> T {
        let reserved = try RefusingPort()
        defer { withExtendedLifetime(reserved) {} }
        return try await body(reserved.port)
    }
}

/// A listener that never accepts and whose accept queue is full, so the kernel drops new SYNs
/// and a connection attempt hangs until the client gives up: a black-holed host, on loopback.
///
/// - Important: Linux behaviour (the SYN is dropped when the accept queue overflows); on other
///   systems a connection may be refused or reset instead.
public final class LoopbackBlackhole: Sendable {
    /// The port whose connection attempts hang.
    public let port: Int
    private let listener: any Channel
    private let filler: any Channel

    private init(port: Int, listener: any Channel, filler: any Channel) {
        self.port = port
        self.listener = listener
        self.filler = filler
    }

    /// Starts the listener (backlog 0, never accepting) and fills its queue with one connection.
    public static func start() async throws -> LoopbackBlackhole {
        let group = MultiThreadedEventLoopGroup.singleton
        // With auto-read off a server channel never calls accept(2): connections stay queued.
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 0)
            .serverChannelOption(.autoRead, value: false)
            .childChannelInitializer { $0.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = listener.localAddress?.port else {
            try? await listener.close()
            throw LoopbackServerError.noPort
        }
        do {
            let filler = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(2))
                .connect(host: "127.0.0.1", port: port)
                .get()
            return LoopbackBlackhole(port: port, listener: listener, filler: filler)
        } catch {
            try? await listener.close()
            throw error
        }
    }

    /// Closes the filler connection and the listener.
    public func stop() async {
        try? await filler.close()
        try? await listener.close()
    }
}
