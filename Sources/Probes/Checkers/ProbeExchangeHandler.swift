import NIOCore
import NIOHTTP1
import NIOSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One request on a probe channel, and how its answer is to be read.
struct ProbeRequest: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer?
    var maxBodyBytes: Int
    /// Keep the body of a final answer (conditions on `[BODY]`).
    var keepBody: Bool
    /// A redirect's body is only counted: it is followed, not judged.
    var followsRedirects: Bool
    /// Read the leaf certificate's expiry from this connection's handshake.
    var wantsCertificate: Bool
}

/// What a probe channel's answer held.
struct ProbeResponse: Sendable {
    var status: Int
    var location: String?
    var body: [UInt8]
    /// The server keeps the connection open after this answer.
    var keepAlive: Bool
    /// `notValidAfter` of the peer's leaf certificate, when asked for and on TLS.
    var certificateNotValidAfter: Int?

    /// Redirect statuses a probe follows when it has a `Location`.
    static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]
}

/// The last handler of a probe channel: sends one request, caps and collects its answer, and
/// reports exactly once per request, whatever the server does (answer, error, close, garbage).
///
/// Reporting is a direct call on the channel's event loop rather than a promise: the request
/// may never be sent (the connect fails first), and an unfulfilled promise is a leak.
final class ProbeExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    typealias Report = @Sendable (Result<ProbeResponse, any Error>) -> Void

    private let tls: NIOSSLClientHandler?
    private var context: ChannelHandlerContext?
    private var active = false
    private var request: ProbeRequest?
    private var report: Report?
    private var sent = false
    private var response: ProbeResponse?
    private var keepBody = false
    private var body = CappedBody(bytes: [], count: 0)

    /// - Parameter tls: the channel's TLS handler, for the peer certificate.
    init(tls: NIOSSLClientHandler?) {
        self.tls = tls
    }

    /// Sends `request` as soon as the channel is active; `report` is called once with its outcome.
    /// Call on the channel's event loop, and only when the previous request has reported.
    func begin(_ request: ProbeRequest, report: @escaping Report) {
        self.request = request
        self.report = report
        sent = false
        response = nil
        keepBody = false
        body = CappedBody(bytes: [], count: 0)
        if active, let context { send(context) }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        active = context.channel.isActive
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        if active { complete(.failure(ChannelError.eof)) }
    }

    func channelActive(context: ChannelHandlerContext) {
        active = true
        if report != nil, !sent { send(context) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        // Before activity the connect result reports; after it, a close without a complete answer.
        if active { complete(.failure(ChannelError.eof)) }
        active = false
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        complete(.failure(refined(error)))
        context.close(promise: nil)
    }

    /// BoringSSL reports every failed chain verification as `CERTIFICATE_VERIFY_FAILED`; the
    /// peer's leaf certificate (kept by the failed handshake) tells an expired or not yet valid
    /// certificate apart from an untrusted one.
    private func refined(_ error: any Error) -> any Error {
        guard let tls, error is NIOSSLError || error is BoringSSLError,
            ProbeFailure.tlsReason(error) == "certificate verify failed",
            let certificate = tls.peerCertificate
        else { return error }
        let now = time(nil)
        if certificate.notValidAfter < now { return ProbeFailure.certificateExpired }
        if certificate.notValidBefore > now { return ProbeFailure.certificateNotYetValid }
        return error
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard report != nil else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            let status = Int(head.status.code)
            // Interim answers (100 Continue, 103 Early Hints) precede the real one.
            if (100..<200).contains(status), status != 101 { return }
            let location = head.headers.first(name: "location")
            let followed =
                location != nil && ProbeResponse.redirectStatuses.contains(status)
                && request?.followsRedirects == true
            keepBody = request?.keepBody == true && !followed
            var notValidAfter: Int?
            if request?.wantsCertificate == true, let certificate = tls?.peerCertificate {
                notValidAfter = Int(certificate.notValidAfter)
            }
            response = ProbeResponse(
                status: status, location: location, body: [], keepAlive: head.isKeepAlive,
                certificateNotValidAfter: notValidAfter)
        case .body(let chunk):
            guard response != nil else { return }
            do {
                try body.append(chunk.readableBytesView, cap: request?.maxBodyBytes ?? 0, keep: keepBody)
            } catch {
                complete(.failure(error))
                context.close(promise: nil)
            }
        case .end:
            guard var answer = response else { return }
            answer.body = body.bytes
            body = CappedBody(bytes: [], count: 0)
            complete(.success(answer))
        }
    }

    private func send(_ context: ChannelHandlerContext) {
        guard let request else { return }
        sent = true
        context.write(wrapOutboundOut(.head(request.head)), promise: nil)
        if let body = request.body {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    private func complete(_ result: Result<ProbeResponse, any Error>) {
        guard let report else { return }
        self.report = nil
        request = nil
        response = nil
        report(result)
    }
}
