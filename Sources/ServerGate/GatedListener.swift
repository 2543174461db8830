import NIOCore
import NIOHTTP1
import NIOPosix

/// The listening socket of one of our small HTTP/1 servers and the task serving it: the
/// bind-accept-close skeleton that `/metrics` and every demo estate endpoint share.
///
/// Bound with address reuse, a backlog of 256 and no Nagle delay; each connection passes the
/// ``ConnectionGate`` (admitted or refused) and is then served by `handle` in a task of its own.
/// ``close()`` closes the gate's connections, then the socket, then waits for the accept loop,
/// which is never cancelled: it ends when the socket closes, after taking every connection already
/// accepted, so that each one's writer is finished (a wrapped connection dropped unserved would end
/// the process); requests still in flight are cancelled then.
public final class GatedListener: Sendable {
    /// The port bound: the one asked for, or the one the system chose when asked for 0.
    public let port: Int
    private let channel: any Channel
    private let gate: ConnectionGate
    private let serving: Task<Void, Never>

    private init(
        _ listener: NIOAsyncChannel<GatedConnection, Never>, askedPort: Int, gate: ConnectionGate,
        handle: @escaping @Sendable (GatedHTTPConnection) async -> Void
    ) {
        port = listener.channel.localAddress?.port ?? askedPort
        channel = listener.channel
        self.gate = gate
        serving = Task { await ConnectionGate.serve(listener, handle: handle) }
    }

    /// Binds `host:port` and starts serving.
    /// - Throws: what binding throws (`IOError` with the errno, `SocketAddressError` for a host
    ///   that does not resolve); the callers turn it into their own errors.
    public static func bind(
        host: String, port: Int, group: any EventLoopGroup, gate: ConnectionGate,
        decoderLimits: NIOHTTPDecoderLimitConfiguration = .init(),
        handle: @escaping @Sendable (GatedHTTPConnection) async -> Void
    ) async throws -> GatedListener {
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            // TCP_NODELAY: the bootstrap sets it on the listening socket and accepted ones inherit it.
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try gate.accept(channel, decoderLimits: decoderLimits) }
            }
        return GatedListener(listener, askedPort: port, gate: gate, handle: handle)
    }

    /// Closes every open connection and the socket, and waits until the accept loop and the
    /// requests in flight have ended. Calling it again only waits.
    public func close() async {
        gate.closeAll()
        try? await channel.close()
        await serving.value
    }
}
