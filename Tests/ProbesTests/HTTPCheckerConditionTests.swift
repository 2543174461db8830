import Foundation
import ProbesTesting
import Testing

@testable import Probes

/// Conditions decide the status of an answer (the language itself is tested elsewhere).
@Suite("HTTP checker: conditions")
struct HTTPCheckerConditionTests {
    @Test func statusConditionCanAcceptANon2xxAnswer() async throws {
        try await withLoopbackHTTP(routes: ["/": .status(503)]) { server, checker in
            let result = await checker.check(
                HTTPProbe(url: server.url("/")), conditions: [try Condition(parsing: "[STATUS] == 503")])
            #expect(result.status == .up)
            #expect(result.httpStatus == 503)
        }
    }

    @Test func failedStatusConditionIsDownWithItsMessage() async throws {
        try await withLoopbackHTTP(routes: ["/": .status(500)]) { server, checker in
            let result = await checker.check(
                HTTPProbe(url: server.url("/")), conditions: [try Condition(parsing: "[STATUS] == 200")])
            #expect(result.status == .down)
            #expect(result.failure == .condition)
            let error = try #require(result.error)
            #expect(error.contains("[STATUS] == 200"))
            #expect(error.contains("500"))
        }
    }

    @Test func bodyConditionReadsTheJSONBody() async throws {
        try await withLoopbackHTTP(routes: ["/up": .json(#"{"status":"UP"}"#), "/down": .json(#"{"status":"DOWN"}"#)]) {
            server, checker in
            let conditions = [try Condition(parsing: "[STATUS] == 200"), try Condition(parsing: "[BODY].status == UP")]
            let up = await checker.check(HTTPProbe(url: server.url("/up")), conditions: conditions)
            #expect(up.status == .up)
            let down = await checker.check(HTTPProbe(url: server.url("/down")), conditions: conditions)
            #expect(down.status == .down)
            #expect(down.error?.contains("DOWN") == true)
        }
    }

    @Test func failedWarningConditionIsDegraded() async throws {
        try await withLoopbackHTTP(routes: ["/": .status(200, delay: .milliseconds(30))]) { server, checker in
            let conditions = [
                try Condition(parsing: "[STATUS] == 200"),
                try Condition(parsing: "[RESPONSE_TIME] < 1", severity: .warning),
            ]
            let result = await checker.check(HTTPProbe(url: server.url("/")), conditions: conditions)
            #expect(result.status == .degraded)
            #expect(result.error?.contains("[RESPONSE_TIME] < 1") == true)
        }
    }

    @Test func criticalFailureOutranksAWarning() async throws {
        try await withLoopbackHTTP(routes: ["/": .status(404)]) { server, checker in
            let conditions = [
                try Condition(parsing: "[RESPONSE_TIME] < 0", severity: .warning),
                try Condition(parsing: "[STATUS] == 200"),
            ]
            let result = await checker.check(HTTPProbe(url: server.url("/")), conditions: conditions)
            #expect(result.status == .down)
            #expect(result.error?.contains("[STATUS] == 200") == true)
        }
    }

    @Test func transportFailureIsDownWhateverTheConditions() async throws {
        let checker = HTTPChecker()
        let conditions = [try Condition(parsing: "[RESPONSE_TIME] < 9999")]
        let result = try await RefusingPort.withPort { port in
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/"))
            return await checker.check(HTTPProbe(url: url), conditions: conditions)
        }
        await checker.shutdown()
        #expect(result.status == .down)
        #expect(result.failure == .refused)
    }
}

@Suite("Condition verdicts")
struct HTTPCheckerVerdictTests {
    @Test func noConditionsIsUp() {
        #expect(ConditionVerdict.judge([], ConditionContext()) == ConditionVerdict(status: .up, message: nil))
    }
}
