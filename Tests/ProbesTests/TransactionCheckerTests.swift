import Foundation
import ProbesTesting
import Testing

@testable import Probes

/// The transaction checker against loopback servers: stored values reach later requests, bad
/// answers stop the journey with the step named, and stored secrets never reach a message.
@Suite("Transaction checker")
struct TransactionCheckerTests {
    static func run(_ transaction: TransactionProbe, timeout: Duration = .seconds(10)) async -> ProbeResult {
        let runner = LiveProbeRunner()
        var slo = SLOPolicy.standard
        slo.latency.threshold = .seconds(30)
        let service = ServiceConfig(
            name: "journey",
            probe: ProbeConfig(kind: .transaction(transaction), interval: .seconds(60), timeout: timeout), slo: slo)
        let result = await runner.run(service, startedAt: Date())
        await runner.shutdown()
        return result
    }

    static func condition(_ text: String) throws -> Condition { try Condition(parsing: text) }

    @Test func aStoredValueIsPercentEncodedInAURLAndVerbatimInAHeaderAndBody() async throws {
        let server = try await LoopbackHTTPServer.start(
            routes: [
                "/login": .json(#"{"session": {"id": "a b/c?d"}}"#)
            ], fallback: .ok())
        let transaction = TransactionProbe(steps: [
            TransactionStep(
                name: "log in", url: server.url("/login").absoluteString,
                store: [
                    TransactionStore(
                        name: "sid", source: .body([.key("session"), .key("id")]),
                        written: "[BODY].session.id")
                ]),
            TransactionStep(
                name: "use", method: "POST", url: server.url("/use/").absoluteString + "[CONTEXT].sid",
                headers: [HTTPHeader(name: "X-Sid", value: "[CONTEXT].sid")], body: "sid=[CONTEXT].sid"),
        ])
        let result = await Self.run(transaction)
        await server.stop()
        #expect(result.status == .up, "\(result)")
        let use = try #require(server.requests.first { $0.path.hasPrefix("/use/") })
        #expect(use.uri == "/use/a%20b%2Fc%3Fd")
        #expect(use.header("X-Sid") == "a b/c?d")
        #expect(String(decoding: use.body, as: UTF8.self) == "sid=a b/c?d")
        #expect(result.steps.map(\.status) == [.up, .up])
    }

    @Test func aValueThatIsNotInTheAnswerFailsTheStepThatStoresIt() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/login": .json(#"{"error": "locked"}"#)])
        let transaction = TransactionProbe(steps: [
            TransactionStep(
                name: "log in", url: server.url("/login").absoluteString,
                store: [
                    TransactionStore(
                        name: "token", source: .body([.key("token")]),
                        written: "[BODY].token")
                ]),
            TransactionStep(name: "next", url: server.url("/next").absoluteString),
        ])
        let result = await Self.run(transaction)
        await server.stop()
        #expect(result.status == .down)
        #expect(result.error == #"step "log in" failed: cannot store token: [BODY].token not found"#)
        #expect(result.failedStep?.name == "log in")
        #expect(result.steps.map(\.status) == [.down, .skipped])
        #expect(server.requests(to: "/next").isEmpty)
    }

    @Test func aStoredSecretIsMaskedInAFailedConditionUnlessPublic() async throws {
        let secret = "s3cr3t-" + UUID().uuidString
        let server = try await LoopbackHTTPServer.start(routes: [
            "/login": .json(#"{"token": "\#(secret)", "tier": "gold"}"#),
            "/me": .json(#"{"echo": "\#(secret)", "tier": "silver"}"#),
        ])
        let transaction = TransactionProbe(steps: [
            TransactionStep(
                name: "log in", url: server.url("/login").absoluteString,
                store: [
                    TransactionStore(name: "token", source: .body([.key("token")]), written: "[BODY].token"),
                    TransactionStore(name: "tier", source: .body([.key("tier")]), written: "[BODY].tier"),
                ],
                isPublic: false),
            TransactionStep(
                name: "me", url: server.url("/me").absoluteString,
                conditions: [try Self.condition("[BODY].echo != [CONTEXT].token")]),
        ])
        var publicTier = transaction
        publicTier.steps[0].publicNames = ["tier"]
        publicTier.steps[1].conditions = [try Self.condition("[CONTEXT].tier == silver")]
        let masked = await Self.run(transaction)
        let shown = await Self.run(publicTier)
        await server.stop()
        #expect(masked.status == .down)
        #expect(
            masked.error?.contains(secret) == false && masked.error?.contains("***") == true, "\(masked.error ?? "")")
        #expect(masked.steps.allSatisfy { $0.error?.contains(secret) != true })
        // A public value is shown as it is.
        #expect(
            shown.error == #"step "me" failed: condition [CONTEXT].tier == silver failed: got gold"#,
            "\(shown.error ?? "")")
    }

    @Test func aCleanupThatNeedsAValueNeverStoredIsSkipped() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/order": .status(500)], fallback: .ok())
        let transaction = TransactionProbe(
            steps: [
                TransactionStep(
                    name: "order", url: server.url("/order").absoluteString,
                    store: [TransactionStore(name: "id", source: .body([.key("id")]), written: "[BODY].id")])
            ],
            cleanup: [
                TransactionStep(name: "cancel", url: server.url("/cancel/").absoluteString + "[CONTEXT].id"),
                TransactionStep(name: "log out", url: server.url("/logout").absoluteString),
            ])
        let result = await Self.run(transaction)
        await server.stop()
        #expect(result.error == #"step "order" failed: HTTP 500"#)
        #expect(result.steps.map(\.status) == [.down, .skipped, .up])
        #expect(result.steps[1].error == "not run: [CONTEXT].id was not stored")
        #expect(server.requests(to: "/logout").count == 1, "a cleanup that needs nothing stored still runs")
    }

    @Test func aFailedCleanupAfterAGoodJourneyDegradesIt() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/cancel": .status(503)], fallback: .ok())
        let transaction = TransactionProbe(
            steps: [TransactionStep(name: "buy", url: server.url("/buy").absoluteString)],
            cleanup: [TransactionStep(name: "cancel", url: server.url("/cancel").absoluteString)])
        let result = await Self.run(transaction)
        await server.stop()
        #expect(result.status == .degraded)
        #expect(result.error == #"cleanup step "cancel" failed: HTTP 503"#)
        #expect(result.failedStep == nil)
    }
}
