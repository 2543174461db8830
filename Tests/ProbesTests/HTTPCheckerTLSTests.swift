import Foundation
import ProbesTesting
import Testing

@testable import Probes

/// HTTPS against a loopback server with a self-signed certificate made by `openssl` at test time.
@Suite("HTTP checker: TLS", .enabled(if: TLSIdentity.openSSLPath != nil, "needs the openssl tool"))
struct HTTPCheckerTLSTests {
    @Test func selfSignedCertificateFailsVerification() async throws {
        let identity = try await TLSIdentity.selfSigned()
        try await withLoopbackHTTP(routes: ["/": .ok()], tls: identity) { server, checker in
            #expect(server.url("/").scheme == "https")
            let result = await checker.check(HTTPProbe(url: server.url("/")))
            #expect(result.status == .down)
            #expect(result.failure == .tls)
            let error = try #require(result.error)
            #expect(error == "TLS: certificate verify failed")
            #expect(server.requests.isEmpty)
        }
    }

    @Test func insecureSkipVerifyAcceptsIt() async throws {
        let identity = try await TLSIdentity.selfSigned()
        try await withLoopbackHTTP(routes: ["/": .ok()], tls: identity) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/"), insecureSkipVerify: true))
            #expect(result.status == .up)
            #expect(server.requests.count == 1)
            // The verifying client is still strict afterwards.
            #expect(await checker.check(HTTPProbe(url: server.url("/"))).failure == .tls)
        }
    }

    @Test func tlsToAPlainServerIsClassified() async throws {
        try await withLoopbackHTTP(routes: ["/": .ok()]) { server, checker in
            let url = try #require(URL(string: "https://127.0.0.1:\(server.port)/"))
            let result = await checker.check(HTTPProbe(url: url))
            #expect(result.failure == .tls)
            #expect(result.error == "TLS: connection closed during handshake")
        }
    }

    @Test func plainHTTPToATLSServerIsClassified() async throws {
        let identity = try await TLSIdentity.selfSigned()
        try await withLoopbackHTTP(routes: ["/": .ok()], tls: identity) { server, checker in
            let url = try #require(URL(string: "http://127.0.0.1:\(server.port)/"))
            let result = await checker.check(HTTPProbe(url: url))
            #expect(result.status == .down)
            #expect(result.failure == .reset)
        }
    }

    @Test func certificateExpiryIsReadFromThePeer() async throws {
        let identity = try await TLSIdentity.selfSigned(validDays: 30)
        let notAfter = try identity.notValidAfter()
        let server = try await LoopbackHTTPServer.start(tls: identity)
        let now = Date()
        let remaining = await CertificateInspector.timeUntilExpiry(
            host: "127.0.0.1", port: server.port, deadline: .now + .seconds(30), now: { now })
        await server.stop()
        let expected = notAfter.timeIntervalSince(now)
        let seconds = try #require(remaining).seconds
        #expect(abs(seconds - expected) < 1)
        #expect(seconds > 29 * 86_400)
    }

    @Test func certificateExpiryIsNilWithoutTLS() async throws {
        try await withLoopbackHTTP { server, _ in
            let remaining = await CertificateInspector.timeUntilExpiry(
                host: "127.0.0.1", port: server.port, deadline: .now + .seconds(2))
            #expect(remaining == nil)
        }
    }

    @Test func certificateExpirationConditionIsApplied() async throws {
        let longLived = try await TLSIdentity.selfSigned(validDays: 30)
        let shortLived = try await TLSIdentity.selfSigned(validDays: 1)
        let condition = try Condition(parsing: "[CERTIFICATE_EXPIRATION] > 48h")
        #expect(condition.usesCertificate)
        try await withLoopbackHTTP(routes: ["/": .ok()], tls: longLived) { server, checker in
            let result = await checker.check(
                HTTPProbe(url: server.url("/"), insecureSkipVerify: true), conditions: [condition])
            #expect(result.status == .up)
        }
        try await withLoopbackHTTP(routes: ["/": .ok()], tls: shortLived) { server, checker in
            let result = await checker.check(
                HTTPProbe(url: server.url("/"), insecureSkipVerify: true), conditions: [condition])
            #expect(result.status == .down)
            #expect(result.error?.contains("CERTIFICATE_EXPIRATION") == true)
        }
    }
}
