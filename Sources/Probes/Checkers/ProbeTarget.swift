import Foundation
import NIOCore
import NIOSSL
import Synchronization

/// Where one request of a probe goes: connect address, TLS, `Host` and request target.
struct ProbeTarget: Sendable {
    var host: String
    var port: Int
    var tls: Bool
    /// The address when the host is an IP literal: connect to it directly, no resolver.
    var address: SocketAddress?
    /// The `Host` header: the host (IPv6 in brackets), with the port unless it is the scheme's default.
    var hostHeader: String
    /// The request target: the path (at least `/`) and query, percent-encoded as in the URL.
    var uri: String

    /// SNI and the name checked against the certificate; `nil` for IP literals, which NIOSSL
    /// checks against the connected address instead.
    var serverName: String? { address == nil ? host : nil }

    init(_ url: URL) throws {
        let scheme = url.scheme?.lowercased() ?? ""
        guard scheme == "http" || scheme == "https" else {
            throw ProbeFailure(.other, "unsupported URL scheme \"\(scheme)\"")
        }
        // Every probe builds its target, so this stays off Foundation's string search and off
        // URLComponents (a second parse of the URL): together they were half of its cost.
        var host = url.host ?? ""
        if host.utf8.first == UInt8(ascii: "["), host.utf8.last == UInt8(ascii: "]") {
            host = String(host.dropFirst().dropLast())
        }
        guard !host.isEmpty else { throw ProbeFailure(.other, "invalid URL") }
        tls = scheme == "https"
        let defaultPort = tls ? 443 : 80
        port = url.port ?? defaultPort
        guard (1...65_535).contains(port) else { throw ProbeFailure(.other, "invalid URL") }
        self.host = host
        address = try? SocketAddress(ipAddress: host, port: port)
        let literal = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
        hostHeader = port == defaultPort ? literal : "\(literal):\(port)"
        let path = url.path(percentEncoded: true)
        var uri = path.isEmpty ? "/" : path
        if let query = url.query(percentEncoded: true) { uri += "?" + query }
        self.uri = uri
    }

    /// Channels are reused only for the same endpoint and the same trust.
    func poolKey(insecure: Bool) -> String {
        "\(tls ? "https" : "http")://\(hostHeader)|\(port)|\(insecure ? "insecure" : "verify")"
    }
}

/// A channel kept open for the next probe of the same endpoint, with its exchange handler.
struct PooledProbeChannel: @unchecked Sendable {
    // The handler is only touched on `channel.eventLoop`; the struct merely carries it there.
    var channel: any Channel
    var handler: ProbeExchangeHandler
}

/// Open channels waiting for reuse (only with ``HTTPChecker/Options/reuseConnections``).
final class IdleProbeChannels: Sendable {
    private let channels = Mutex<[String: [PooledProbeChannel]]>([:])

    /// An open channel for `key`, if one is kept; closed ones met on the way are dropped.
    func take(_ key: String) -> PooledProbeChannel? {
        channels.withLock { channels -> PooledProbeChannel? in
            while let pooled = channels[key]?.popLast() {
                if pooled.channel.isActive { return pooled }
            }
            return nil
        }
    }

    func park(_ pooled: PooledProbeChannel, key: String) {
        channels.withLock { $0[key, default: []].append(pooled) }
    }

    func closeAll() async {
        let all = channels.withLock { channels in
            defer { channels.removeAll() }
            return channels.values.flatMap { $0 }
        }
        for pooled in all {
            try? await pooled.channel.close()
        }
    }
}

/// A client TLS context built on first use and kept (a failure to build it is kept too).
final class LazyTLSContext: Sendable {
    private let verifying: Bool
    private let trustRootsFile: String?
    private let context = Mutex<Result<NIOSSLContext, any Error>?>(nil)

    /// - Parameters:
    ///   - verifying: verify the peer's chain and name; off for `insecure_skip_verify`.
    ///   - trustRootsFile: a PEM file of CA certificates trusted besides the system's.
    init(verifying: Bool, trustRootsFile: String? = nil) {
        self.verifying = verifying
        self.trustRootsFile = trustRootsFile
    }

    func get() throws -> NIOSSLContext {
        try context.withLock { stored in
            if let stored { return stored }
            let built = Result {
                var configuration = TLSConfiguration.makeClientConfiguration()
                if !verifying { configuration.certificateVerification = .none }
                if verifying, let trustRootsFile {
                    // Read here rather than by path in BoringSSL, so a bad file is one clear failure.
                    let certificates: [NIOSSLCertificate]
                    do {
                        certificates = try NIOSSLCertificate.fromPEMFile(trustRootsFile)
                    } catch {
                        throw ProbeFailure(.tls, "TLS: cannot read CA file \(trustRootsFile)")
                    }
                    guard !certificates.isEmpty else {
                        throw ProbeFailure(.tls, "TLS: no certificate in CA file \(trustRootsFile)")
                    }
                    configuration.additionalTrustRoots = [.certificates(certificates)]
                }
                return try NIOSSLContext(configuration: configuration)
            }
            stored = built
            return built
        }.get()
    }
}
