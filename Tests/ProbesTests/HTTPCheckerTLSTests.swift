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

    // MARK: A private CA (`HTTPChecker.Options.trustRootsFile`)

    /// Runs `body` with a checker that trusts `authority` as its CA file.
    private func withTrusted<T>(
        _ authority: TLSIdentity, serving identity: TLSIdentity,
        _ body: (LoopbackHTTPServer, HTTPChecker) async throws -> T
    ) async throws -> T {
        let caFile = try authority.writeCertificate()
        defer { try? FileManager.default.removeItem(at: caFile) }
        return try await withLoopbackHTTP(
            routes: ["/": .ok()], tls: identity, options: HTTPChecker.Options(trustRootsFile: caFile.path), body)
    }

    @Test func certificateFromATrustedPrivateCAIsAccepted() async throws {
        let authority = try await TLSIdentity.certificateAuthority()
        let identity = try await authority.issue(dnsName: "localhost", ipAddress: "127.0.0.1")
        try await withTrusted(authority, serving: identity) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/")))
            #expect(result.status == .up)
            #expect(result.error == nil)
            #expect(server.requests.count == 1)
        }
        // Without the CA file the same certificate is untrusted.
        try await withLoopbackHTTP(routes: ["/": .ok()], tls: identity) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/")))
            #expect(result.failure == .tls)
            #expect(result.error == "TLS: certificate verify failed")
        }
    }

    @Test func expiredCertificateIsClassifiedAsExpired() async throws {
        let authority = try await TLSIdentity.certificateAuthority()
        let expired = try await authority.issue(dnsName: "localhost", ipAddress: "127.0.0.1", validDays: -1)
        #expect(try expired.notValidAfter() < Date())
        try await withTrusted(authority, serving: expired) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/")))
            #expect(result.status == .down)
            #expect(result.failure == .tls)
            #expect(result.error == "TLS: certificate expired")
            #expect(server.requests.isEmpty)
        }
    }

    @Test func expiredCertificateFromAnUntrustedCAIsClassifiedAsExpired() async throws {
        // Expiry is what the board shows first, whether or not the issuer is trusted.
        let authority = try await TLSIdentity.certificateAuthority()
        let expired = try await authority.issue(dnsName: "localhost", ipAddress: "127.0.0.1", validDays: -1)
        try await withLoopbackHTTP(routes: ["/": .ok()], tls: expired) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/")))
            #expect(result.failure == .tls)
            #expect(result.error == "TLS: certificate expired")
        }
    }

    @Test func certificateForAnotherHostIsClassifiedAsHostnameMismatch() async throws {
        let authority = try await TLSIdentity.certificateAuthority()
        let otherHost = try await authority.issue(dnsName: "other.example", ipAddress: nil)
        try await withTrusted(authority, serving: otherHost) { server, checker in
            // By address (the certificate has no IP entry) and by name (`localhost` is not `other.example`).
            let byAddress = await checker.check(HTTPProbe(url: server.url("/")))
            #expect(byAddress.status == .down)
            #expect(byAddress.failure == .tls)
            #expect(byAddress.error == "TLS: hostname mismatch")
            let url = try #require(URL(string: "https://localhost:\(server.port)/"))
            let byName = await checker.check(HTTPProbe(url: url))
            #expect(byName.failure == .tls)
            #expect(byName.error == "TLS: hostname mismatch")
            #expect(server.requests.isEmpty)
        }
    }

    @Test func unreadableCAFileFailsEachVerifyingProbeClearly() async throws {
        let identity = try await TLSIdentity.selfSigned()
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent(
            "no-such-ca-\(UUID().uuidString).pem")
        try await withLoopbackHTTP(
            routes: ["/": .ok()], tls: identity, options: HTTPChecker.Options(trustRootsFile: missing.path)
        ) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/")))
            #expect(result.failure == .tls)
            #expect(result.error == "TLS: cannot read CA file \(missing.path)")
            // Probes that do not verify do not need the file.
            #expect(await checker.check(HTTPProbe(url: server.url("/"), insecureSkipVerify: true)).status == .up)
        }
    }

    @Test func caFileWithoutACertificateIsRefusedClearly() async throws {
        let identity = try await TLSIdentity.selfSigned()
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-ca-\(UUID().uuidString).pem")
        try Data("not a certificate\n".utf8).write(to: empty)
        defer { try? FileManager.default.removeItem(at: empty) }
        try await withLoopbackHTTP(
            routes: ["/": .ok()], tls: identity, options: HTTPChecker.Options(trustRootsFile: empty.path)
        ) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/")))
            #expect(result.failure == .tls)
            #expect(result.error?.hasPrefix("TLS: ") == true)
            #expect(result.error?.hasSuffix("CA file \(empty.path)") == true)
        }
    }

    @Test func caFileComesFromTheEnvironmentUnlessSet() {
        let fromEnvironment = HTTPChecker.Options().applying(environment: ["INCIDENTBOARD_CA_FILE": "/etc/ca.pem"])
        #expect(fromEnvironment.trustRootsFile == "/etc/ca.pem")
        let explicit = HTTPChecker.Options(trustRootsFile: "/mine.pem")
            .applying(environment: ["INCIDENTBOARD_CA_FILE": "/etc/ca.pem"])
        #expect(explicit.trustRootsFile == "/mine.pem")
        #expect(HTTPChecker.Options().applying(environment: ["INCIDENTBOARD_CA_FILE": ""]).trustRootsFile == nil)
        #expect(HTTPChecker.Options().applying(environment: [:]).trustRootsFile == nil)
    }
}
