import Foundation
import ProbesTesting
import Testing

@testable import Probes

/// `[CERTIFICATE_EXPIRATION]` is read from the probe's own TLS handshake: one connection per probe.
@Suite("HTTP checker: one handshake per probe", .enabled(if: TLSIdentity.openSSLPath != nil, "needs the openssl tool"))
struct HTTPCheckerHandshakeTests {
    @Test func certificateExpirationNeedsNoSecondConnection() async throws {
        let identity = try await TLSIdentity.selfSigned(validDays: 30)
        // 29 to 30 days left: the value is the certificate's, read from the same handshake.
        let conditions = try ["[CERTIFICATE_EXPIRATION] > 696h", "[CERTIFICATE_EXPIRATION] < 721h"]
            .map { try Condition(parsing: $0) }
        try await withLoopbackHTTP(routes: ["/": .ok()], tls: identity) { server, checker in
            for round in 1...3 {
                let result = await checker.check(
                    HTTPProbe(url: server.url("/"), insecureSkipVerify: true), conditions: conditions)
                #expect(result.status == .up)
                #expect(result.error == nil)
                #expect(server.acceptedConnections == round)
                #expect(server.requests.count == round)
            }
        }
    }

    @Test func failingCertificateConditionStillUsesOneConnection() async throws {
        let identity = try await TLSIdentity.selfSigned(validDays: 1)
        let condition = try Condition(parsing: "[CERTIFICATE_EXPIRATION] > 48h")
        try await withLoopbackHTTP(routes: ["/": .ok()], tls: identity) { server, checker in
            let result = await checker.check(
                HTTPProbe(url: server.url("/"), insecureSkipVerify: true), conditions: [condition])
            #expect(result.status == .down)
            #expect(result.failure == .condition)
            #expect(server.acceptedConnections == 1)
        }
    }

    @Test func redirectedProbeReadsTheCertificateOfItsFirstHop() async throws {
        let identity = try await TLSIdentity.selfSigned(validDays: 30)
        let condition = try Condition(parsing: "[CERTIFICATE_EXPIRATION] > 48h")
        let routes: [String: ScriptedBehaviour] = ["/old": .redirect(to: "/new"), "/new": .ok()]
        try await withLoopbackHTTP(routes: routes, tls: identity) { server, checker in
            let result = await checker.check(
                HTTPProbe(url: server.url("/old"), insecureSkipVerify: true), conditions: [condition])
            #expect(result.status == .up)
            // One connection per request of the chain, none besides.
            #expect(server.acceptedConnections == 2)
            #expect(server.requests.map(\.path) == ["/old", "/new"])
        }
    }
}
