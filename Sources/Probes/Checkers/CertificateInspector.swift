import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Reads when a TLS server's leaf certificate expires, for `[CERTIFICATE_EXPIRATION]`.
///
/// The HTTP checker reads the expiry from its probe's own handshake; this reader opens a
/// connection of its own, for a look at a certificate without a request. It reads the leaf
/// certificate in a custom verification callback during the handshake, which accepts any chain:
/// it reports expiry, not trust.
enum CertificateInspector {
    private static let context: NIOSSLContext? = {
        var configuration = TLSConfiguration.makeClientConfiguration()
        // Not `.none`: with verification off BoringSSL never calls the custom callback.
        configuration.certificateVerification = .noHostnameVerification
        return try? NIOSSLContext(configuration: configuration)
    }()

    /// The time from `now` until the leaf certificate of `host:port` expires (negative when it
    /// has), or `nil` when it could not be read by `deadline`.
    static func timeUntilExpiry(
        host: String, port: Int, deadline: ContinuousClock.Instant,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, now: @Sendable () -> Date = { Date() }
    ) async -> Duration? {
        let remaining = deadline - ContinuousClock.now
        guard let context, remaining > .zero, (1...65_535).contains(port) else { return nil }
        let loop = group.next()
        let notValidAfter = loop.makePromise(of: time_t.self)
        let timeout = loop.scheduleTask(in: TimeAmount(remaining)) {
            notValidAfter.fail(ChannelError.connectTimeout(TimeAmount(remaining)))
        }
        defer { timeout.cancel() }
        let serverName = (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(TimeAmount(remaining))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let tls = try NIOSSLClientHandler(
                            context: context, serverHostname: serverName
                        ) { chain, verdict in
                            if let leaf = chain.first {
                                notValidAfter.succeed(leaf.notValidAfter)
                            } else {
                                notValidAfter.fail(NIOSSLError.noCertificateToValidate)
                            }
                            verdict.succeed(.certificateVerified)
                        }
                        try channel.pipeline.syncOperations.addHandler(tls)
                        try channel.pipeline.syncOperations.addHandler(HandshakeFailureWatcher(notValidAfter))
                    }
                }
                .connect(host: host, port: port)
                .get()
        } catch {
            notValidAfter.fail(error)
            return nil
        }
        defer { channel.close(promise: nil) }
        guard let seconds = try? await notValidAfter.futureResult.get() else { return nil }
        let expiry = Date(timeIntervalSince1970: TimeInterval(seconds))
        return .milliseconds(Int64((expiry.timeIntervalSince(now()) * 1000).rounded()))
    }
}

/// Fails the promise when the connection fails before the certificate was seen.
private final class HandshakeFailureWatcher: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    private let promise: EventLoopPromise<time_t>

    init(_ promise: EventLoopPromise<time_t>) {
        self.promise = promise
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(ChannelError.eof)
        context.fireChannelInactive()
    }
}
