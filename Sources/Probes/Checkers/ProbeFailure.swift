import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A classified probe failure: what kind, and the short text the board shows.
public struct ProbeFailure: Error, Sendable, Equatable {
    /// Why the probe failed.
    public var kind: FailureKind
    /// Short and human, e.g. `connection refused`, `timeout after 2000 ms`, `HTTP 503`.
    public var message: String

    /// A failure of `kind` shown as `message`.
    public init(_ kind: FailureKind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// `timeout after 2000 ms`: the probe's own timeout, not the time it happened to take.
    public static func timeout(_ timeout: Duration) -> ProbeFailure {
        ProbeFailure(.timeout, "timeout after \(Int(timeout.milliseconds.rounded())) ms")
    }

    /// `body larger than 1048576 bytes`.
    public static func bodyTooLarge(_ cap: Int) -> ProbeFailure {
        ProbeFailure(.bodyTooLarge, "body larger than \(cap) bytes")
    }

    static let refused = ProbeFailure(.refused, "connection refused")
    static let reset = ProbeFailure(.reset, "connection reset")
    package static let closedEarly = ProbeFailure(.reset, "connection closed before a complete answer")
    package static let invalidHTTP = ProbeFailure(.protocolError, "invalid HTTP response")
    static let unresolved = ProbeFailure(.dns, "name not resolved")
    package static let cancelled = ProbeFailure(.other, "probe cancelled")
    static let certificateExpired = ProbeFailure(.tls, "TLS: certificate expired")
    static let certificateNotYetValid = ProbeFailure(.tls, "TLS: certificate not yet valid")
}

extension ProbeFailure {
    /// Classifies an error thrown by SwiftNIO or NIOSSL while probing.
    /// - Parameter timeout: the probe's timeout, for the text of timeouts.
    package static func classify(_ error: any Error, timeout: Duration) -> ProbeFailure {
        if let failure = error as? ProbeFailure { return failure }
        if error is CancellationError { return .cancelled }
        if error is HTTPParserError { return .invalidHTTP }
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first {
                return classify(first.error, timeout: timeout)
            }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return .unresolved }
            return ProbeFailure(.other, "could not connect")
        }
        if error is SocketAddressError { return .unresolved }
        if let error = error as? IOError { return classify(errno: error.errnoCode, timeout: timeout) }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout: return .timeout(timeout)
            case .eof, .ioOnClosedChannel, .outputClosed, .inputClosed, .alreadyClosed: return .closedEarly
            default: return ProbeFailure(.other, "channel error: \(error)")
            }
        }
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            return ProbeFailure(.tls, "TLS: " + tlsReason(error))
        }
        return ProbeFailure(.other, shortened(String(describing: error)))
    }

    static func classify(errno code: Int32, timeout: Duration) -> ProbeFailure {
        switch code {
        case ECONNREFUSED: return .refused
        case ECONNRESET, EPIPE, ECONNABORTED: return .reset
        case ETIMEDOUT: return .timeout(timeout)
        case EHOSTUNREACH: return ProbeFailure(.dns, "host unreachable")
        case ENETUNREACH: return ProbeFailure(.dns, "network unreachable")
        case EADDRNOTAVAIL: return ProbeFailure(.dns, "address not available")
        // Errors of this machine rather than of the upstream, named so that nobody reads them as
        // an outage of the service.
        case EACCES, EPERM: return ProbeFailure(.other, "socket error \(code): permission denied on this machine")
        case EMFILE, ENFILE: return ProbeFailure(.other, "socket error \(code): too many open files on this machine")
        case ENOBUFS, ENOMEM:
            return ProbeFailure(.other, "socket error \(code): out of memory for sockets on this machine")
        default: return ProbeFailure(.other, "socket error \(code)")
        }
    }

    /// The reason BoringSSL gives (`CERTIFICATE_VERIFY_FAILED` becomes `certificate verify failed`),
    /// or a short name for NIOSSL's own errors.
    static func tlsReason(_ error: any Error) -> String {
        if let extra = error as? NIOSSLExtraError {
            switch extra {
            case .failedToValidateHostname, .serverHostnameImpossibleToMatch: return "hostname mismatch"
            default: return "handshake failed"
            }
        }
        if let error = error as? NIOSSLError {
            switch error {
            case .uncleanShutdown: return "unclean shutdown"
            case .unableToValidateCertificate, .noCertificateToValidate: return "certificate verify failed"
            case .handshakeFailed(let inner): return tlsReason(inner)
            default: break
            }
        }
        let text = String(describing: error)
        if text.contains("EOF during handshake") { return "connection closed during handshake" }
        let marker = "OPENSSL_internal:"
        if let range = text.range(of: marker, options: .backwards) {
            let code = text[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if !code.isEmpty { return code.lowercased().replacingOccurrences(of: "_", with: " ") }
        }
        return "handshake failed"
    }

    /// Library descriptions can be long; the board has one line.
    static func shortened(_ text: String, limit: Int = 120) -> String {
        let line = text.replacingOccurrences(of: "\n", with: " ")
        return line.count <= limit ? line : String(line.prefix(limit - 1)) + "…"
    }
}
