import Foundation
import NIOCore
import NIOHTTP1

/// Reads requests and acts out the scripted behaviour for their path, writing raw bytes (no
/// response encoder) so that it can also write what no encoder would.
final class ScriptedHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    /// Request bodies are recorded up to this size, so a client cannot grow the server.
    private static let recordedBodyLimit = 1 << 20

    private let state: ServerState
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    /// Set once a behaviour takes the connection over (it never answers, or streams forever).
    private var finished = false

    init(state: ServerState) {
        self.state = state
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
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let id = ObjectIdentifier(context.channel)
        state.withLock { _ = $0.children.removeValue(forKey: id) }
        finished = true
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = []
        case .body(let buffer):
            if body.count < Self.recordedBodyLimit {
                body.append(contentsOf: buffer.readableBytesView.prefix(Self.recordedBodyLimit - body.count))
            }
        case .end:
            guard let requestHead = head, !finished else { return }
            head = nil
            let path = String(requestHead.uri.split(separator: "?", maxSplits: 1).first ?? "")
            let headers = requestHead.headers.map { (name: $0.name, value: $0.value) }
            let request = RecordedRequest(
                method: requestHead.method.rawValue, uri: requestHead.uri, path: path, headers: headers, body: body)
            let behaviour = state.withLock { values -> ScriptedBehaviour in
                values.requests.append(request)
                return values.routes[path] ?? values.fallback
            }
            perform(behaviour, keepAlive: requestHead.isKeepAlive, context: context)
        }
    }

    private func perform(_ behaviour: ScriptedBehaviour, keepAlive: Bool, context: ChannelHandlerContext) {
        switch behaviour {
        case .respond(let response):
            if response.delay > .zero {
                context.eventLoop.assumeIsolated().scheduleTask(in: .init(response.delay)) {
                    self.send(response, keepAlive: keepAlive, context: context)
                }
            } else {
                send(response, keepAlive: keepAlive, context: context)
            }
        case .redirect(let location, let status):
            let response = ScriptedResponse(status: status, headers: ["Location": location])
            send(response, keepAlive: keepAlive, context: context)
        case .neverAnswer:
            finished = true
        case .endlessBody(let status, let chunkSize):
            finished = true
            writeChunkedHead(status: status, context: context)
            let chunk = Self.chunk(
                of: [UInt8](repeating: UInt8(ascii: "x"), count: max(1, chunkSize)),
                allocator: context.channel.allocator)
            streamEndlessly(chunk, payload: max(1, chunkSize), context: context)
        case .trickle(let status, let bytes, let interval, let count):
            finished = true
            writeChunkedHead(status: status, context: context)
            trickle(bytes, every: interval, remaining: count, context: context)
        case .reset:
            finished = true
            Self.reset(context: context)
        case .garbage(let bytes):
            finished = true
            let buffer = context.channel.allocator.buffer(bytes: bytes)
            context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        }
    }

    private func send(_ response: ScriptedResponse, keepAlive: Bool, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        var text = "HTTP/1.1 \(response.status) \(HTTPResponseStatus(statusCode: response.status).reasonPhrase)\r\n"
        var hasLength = false
        for (name, value) in response.headers.sorted(by: { $0.key < $1.key }) {
            let lower = name.lowercased()
            if lower == "content-length" || lower == "transfer-encoding" { hasLength = true }
            text += "\(name): \(value)\r\n"
        }
        if !hasLength { text += "Content-Length: \(response.body.count)\r\n" }
        if !keepAlive { text += "Connection: close\r\n" }
        text += "\r\n"
        var buffer = context.channel.allocator.buffer(capacity: text.utf8.count + response.body.count)
        buffer.writeString(text)
        buffer.writeBytes(response.body)
        let written = context.writeAndFlush(wrapOutboundOut(buffer))
        if !keepAlive {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    private func writeChunkedHead(status: Int, context: ChannelHandlerContext) {
        let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
        let text = "HTTP/1.1 \(status) \(reason)\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: nil)
    }

    private static func chunk(of bytes: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: bytes.count + 16)
        buffer.writeString(String(bytes.count, radix: 16) + "\r\n")
        buffer.writeBytes(bytes)
        buffer.writeString("\r\n")
        return buffer
    }

    /// Writes the next chunk only when the previous one reached the kernel, so a slow reader
    /// slows the server down instead of filling its memory.
    private func streamEndlessly(_ chunk: ByteBuffer, payload: Int, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        context.writeAndFlush(wrapOutboundOut(chunk)).assumeIsolated().whenComplete { result in
            switch result {
            case .success:
                self.state.withLock { $0.streamedBytes += payload }
                // Hop through the loop: a write that completes at once would otherwise recurse.
                context.eventLoop.assumeIsolated().execute {
                    self.streamEndlessly(chunk, payload: payload, context: context)
                }
            case .failure:
                context.close(promise: nil)
            }
        }
    }

    private func trickle(_ bytes: [UInt8], every interval: Duration, remaining: Int?, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        if let remaining, remaining <= 0 {
            let end = context.channel.allocator.buffer(string: "0\r\n\r\n")
            context.writeAndFlush(wrapOutboundOut(end), promise: nil)
            return
        }
        context.eventLoop.assumeIsolated().scheduleTask(in: .init(interval)) {
            guard context.channel.isActive else { return }
            let chunk = Self.chunk(of: bytes, allocator: context.channel.allocator)
            context.writeAndFlush(self.wrapOutboundOut(chunk), promise: nil)
            self.state.withLock { $0.streamedBytes += bytes.count }
            self.trickle(bytes, every: interval, remaining: remaining.map { $0 - 1 }, context: context)
        }
    }

    /// Aborts the connection: with `SO_LINGER` 0, `close` sends RST instead of FIN.
    private static func reset(context: ChannelHandlerContext) {
        guard let provider = context.channel as? any SocketOptionProvider else {
            context.close(promise: nil)
            return
        }
        provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
