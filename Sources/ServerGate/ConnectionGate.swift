import NIOCore
import NIOHTTP1
import Synchronization

/// How much of a small HTTP server one client may hold, and for how long.
public struct ServerLimits: Sendable {
    /// Most connections at once.
    public var maxConnections: Int
    /// A new connection must deliver a whole request (head and body) within this time.
    public var requestTimeout: TimeAmount
    /// After a response, a kept-alive connection must deliver its next whole request within this time.
    public var keepAliveTimeout: TimeAmount
    /// A response must be written out (the client reading it) within this time; `nil` for no limit
    /// (a server that answers late on purpose).
    public var responseTimeout: TimeAmount?

    public init(
        maxConnections: Int, requestTimeout: TimeAmount, keepAliveTimeout: TimeAmount,
        responseTimeout: TimeAmount?
    ) {
        self.maxConnections = maxConnections
        self.requestTimeout = requestTimeout
        self.keepAliveTimeout = keepAliveTimeout
        self.responseTimeout = responseTimeout
    }
}

/// Admits connections up to ``ServerLimits/maxConnections`` and keeps a server answering while
/// someone holds that many open.
///
/// At the limit a new connection evicts the oldest connection that is not being answered (idle,
/// or still sending its request: a scan, a slowloris, a kept-alive scraper between scrapes); only
/// when every connection is being answered is the new one refused. A legitimate client sends its
/// request at once and is answered in milliseconds, so a hostile client would have to open the
/// limit's worth of new connections within that time to push it out; an idle hoard cannot starve
/// it. Refused connections are closed before they are wrapped in an `NIOAsyncChannel` (whose
/// writer must be finished by whoever wraps), evicted ones by closing their channel under the task
/// that serves them, which then finishes it.
public final class ConnectionGate: Sendable {
    private struct Entry {
        var channel: any Channel
        var order: UInt64
        var answering = false
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var next: UInt64 = 0
        var closed = false
        var evicted = 0
        var refused = 0
        var timedOut = 0
    }

    public let limits: ServerLimits
    private let state = Mutex(State())

    public init(limits: ServerLimits) {
        self.limits = limits
    }

    /// Connections open now.
    public var count: Int { state.withLock { $0.entries.count } }
    /// Connections being answered now (a whole request in, its response not yet out).
    public var answeringCount: Int { state.withLock { $0.entries.values.filter(\.answering).count } }
    /// Connections closed so far to make room for newer ones.
    public var evictedCount: Int { state.withLock { $0.evicted } }
    /// Connections closed so far by a timeout (a request or a response too slow).
    public var timedOutCount: Int { state.withLock { $0.timedOut } }
    /// Connections refused so far (all were being answered, or the server was stopping).
    public var refusedCount: Int { state.withLock { $0.refused } }

    /// Admits `channel` (evicting the oldest connection not being answered when full), or refuses
    /// it; the caller closes a refused channel without wrapping it. Call on the channel's event loop
    /// from the child channel initializer.
    public func admit(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let (admitted, evict) = state.withLock { state -> (Bool, (any Channel)?) in
            guard !state.closed else {
                state.refused += 1
                return (false, nil)
            }
            var evict: (any Channel)?
            if state.entries.count >= limits.maxConnections {
                guard
                    let oldest = state.entries.lazy.filter({ !$0.value.answering }).min(by: {
                        $0.value.order < $1.value.order
                    })
                else {
                    state.refused += 1
                    return (false, nil)
                }
                state.entries.removeValue(forKey: oldest.key)
                state.evicted += 1
                evict = oldest.value.channel
            }
            state.next += 1
            state.entries[id] = Entry(channel: channel, order: state.next)
            return (true, evict)
        }
        evict?.close(promise: nil)
        if admitted {
            channel.closeFuture.whenComplete { [self] _ in
                _ = state.withLock { $0.entries.removeValue(forKey: id) }
            }
        }
        return admitted
    }

    /// Marks a connection as being answered (not to be evicted) or back to waiting for a request.
    func setAnswering(_ channel: any Channel, _ answering: Bool) {
        state.withLock { state in
            state.entries[ObjectIdentifier(channel)]?.answering = answering
        }
    }

    func noteTimedOut() {
        state.withLock { $0.timedOut += 1 }
    }

    /// Refuses every new connection from now on and closes the open ones.
    public func closeAll() {
        let open = state.withLock { state in
            state.closed = true
            defer { state.entries = [:] }
            return state.entries.values.map(\.channel)
        }
        for channel in open { channel.close(promise: nil) }
    }

    /// The handler that enforces the timeouts and tells the gate which connections are being
    /// answered; add it after the HTTP server pipeline.
    public func deadlineHandler() -> any ChannelHandler {
        ConnectionDeadline(gate: self)
    }
}

/// Closes a connection whose client is too slow: no whole request within the request timeout (of
/// opening, or of the previous response), or a response not taken within the response timeout.
/// Sits after the HTTP server pipeline, so it sees whole request parts and response parts.
final class ConnectionDeadline: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let gate: ConnectionGate
    private var timer: Scheduled<Void>?
    /// Requests in whose response has not yet gone out (more than one when the client pipelines).
    private var pending = 0

    init(gate: ConnectionGate) {
        self.gate = gate
    }

    func handlerAdded(context: ChannelHandlerContext) {
        arm(context, gate.limits.requestTimeout)
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            pending += 1
            gate.setAnswering(context.channel, true)
            if let timeout = gate.limits.responseTimeout {
                arm(context, timeout)
            } else {
                disarm()
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        // The response is done once its end is on the wire; the next request's clock starts then.
        let written = promise ?? context.eventLoop.makePromise()
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let contextBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        written.futureResult.whenSuccess {
            loopBound.value.responded(contextBound.value)
        }
        context.write(data, promise: written)
    }

    /// A response is out: the connection waits for its next request, unless a pipelined one is
    /// already being answered.
    private func responded(_ context: ChannelHandlerContext) {
        pending = max(0, pending - 1)
        guard pending == 0, context.channel.isActive else { return }
        gate.setAnswering(context.channel, false)
        arm(context, gate.limits.keepAliveTimeout)
    }

    private func arm(_ context: ChannelHandlerContext, _ timeout: TimeAmount) {
        disarm()
        let channel = context.channel
        let gate = gate
        timer = context.eventLoop.scheduleTask(in: timeout) {
            gate.noteTimedOut()
            channel.close(promise: nil)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}

/// An HTTP/1 connection of a gated server, as its accept loop serves it.
public typealias GatedHTTPConnection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

/// What a gated server's child channel initializer hands its accept loop: a connection to serve,
/// or one the gate refused, closed there without ever being wrapped (an async channel that is
/// wrapped and never finished traps when it goes).
public enum GatedConnection: Sendable {
    case serve(GatedHTTPConnection)
    case refuse(any Channel)
}

extension ConnectionGate {
    /// The body of a child channel initializer: admit the connection or refuse it, then the HTTP/1
    /// pipeline with the gate's deadlines, wrapped for async use. Call on the channel's event loop.
    public func accept(
        _ channel: any Channel, decoderLimits: NIOHTTPDecoderLimitConfiguration = .init()
    ) throws -> GatedConnection {
        guard admit(channel) else { return .refuse(channel) }
        let sync = channel.pipeline.syncOperations
        try sync.configureHTTPServerPipeline(
            withErrorHandling: true, withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits)
        try sync.addHandler(deadlineHandler())
        return .serve(try GatedHTTPConnection(wrappingChannelSynchronously: channel))
    }

    /// The accept loop: every admitted connection is served by `handle` in a task of its own, every
    /// refused one closed, until the listener closes; then requests still in flight are cancelled.
    public static func serve(
        _ listener: NIOAsyncChannel<GatedConnection, Never>,
        handle: @escaping @Sendable (GatedHTTPConnection) async -> Void
    ) async {
        await withDiscardingTaskGroup { group in
            do {
                try await listener.executeThenClose { inbound in
                    for try await accepted in inbound {
                        switch accepted {
                        case .refuse(let channel): channel.close(promise: nil)
                        case .serve(let connection): group.addTask { await handle(connection) }
                        }
                    }
                }
            } catch {
                // The listener was closed under the loop: the server stops.
            }
            group.cancelAll()
        }
    }
}
