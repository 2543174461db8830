import Foundation
import Testing

@testable import Probes

/// `type: transaction` in probes.json: what it reads and every mistake it names with its path.
@Suite("Transaction config")
struct TransactionConfigTests {
    static func load(_ json: String, environment: [String: String] = [:]) throws(ConfigErrors) -> ProbesConfig {
        try ConfigLoader.load(data: Data(json.utf8), displayName: "probes.json", environment: environment)
    }

    /// The issues of a config that must not load.
    static func issues(_ json: String) -> [ConfigIssue] {
        do {
            _ = try load(json)
            Issue.record("expected the config to be rejected")
            return []
        } catch {
            return error.issues
        }
    }

    static func journey(_ steps: String, cleanup: String = "[]", extra: String = "") -> String {
        """
        {"services": [
          {"name": "bureau"},
          {"name": "journey", \(extra) "probe": {"type": "transaction", "steps": \(steps), "cleanup": \(cleanup)}}
        ]}
        """
    }

    @Test func readsStepsStoreUpstreamAndCleanup() throws {
        let config = try Self.load(
            Self.journey(
                """
                [{"name": "log in", "method": "POST", "url": "http://127.0.0.1:1/login", "timeout": "2s",
                  "store": {"token": "[BODY].auth.token", "code": "[STATUS]"}},
                 {"name": "pay", "url": "http://127.0.0.1:1/pay/[CONTEXT].token", "upstream": "bureau",
                  "headers": {"X-Token": "[CONTEXT].token"}, "body": "code=[CONTEXT].code",
                  "conditions": ["[BODY].paid == [CONTEXT].code"], "store": {"paid": "[BODY].paid"}, "public": ["paid"]}]
                """, cleanup: #"[{"name": "cancel", "url": "http://127.0.0.1:1/cancel?t=[CONTEXT].token"}]"#))
        let journey = try #require(config.service(named: "journey"))
        guard case .transaction(let transaction)? = journey.probe?.kind else {
            Issue.record("not a transaction")
            return
        }
        #expect(transaction.steps.map(\.name) == ["log in", "pay"])
        #expect(transaction.steps[0].method == "POST" && transaction.steps[0].timeout == .seconds(2))
        #expect(
            transaction.steps[0].store == [
                TransactionStore(
                    name: "token", source: .body([.key("auth"), .key("token")]), written: "[BODY].auth.token"),
                TransactionStore(name: "code", source: .status, written: "[STATUS]"),
            ])
        #expect(transaction.steps[1].upstream == "bureau")
        #expect(transaction.steps[1].isPublic("paid") && !transaction.steps[1].isPublic("token"))
        #expect(transaction.steps[1].contextNames == ["token", "token", "code", "code"])
        #expect(transaction.cleanup.map(\.name) == ["cancel"])
        // A transaction depends on what its steps exercise.
        #expect(journey.dependsOn == ["bureau"])
        #expect(journey.probe?.kind.typeName == "transaction")
    }

    @Test func theFourMistakesAreReportedTogetherWithTheirPaths() {
        let issues = Self.issues(
            Self.journey(
                """
                [{"name": "log in", "url": "http://127.0.0.1:1/login", "store": {"token": "[BODY].token"}},
                 {"name": "pay", "url": "http://127.0.0.1:1/pay", "body": "[CONTEXT].order", "upstream": "bureua"},
                 {"name": "pay", "url": "http://127.0.0.1:1/again"}]
                """,
                cleanup:
                    #"[{"name": "cancel", "url": "http://127.0.0.1:1/c", "headers": {"X-Order": "[CONTEXT].order"}}]"#))
        let lines = issues.map { "\($0.path): \($0.message)" }
        #expect(lines.count == 4, "\(lines)")
        #expect(
            lines.contains("services[1].probe.steps[1].body: [CONTEXT].order is used before any earlier step stores it")
        )
        #expect(
            lines.contains(
                #"services[1].probe.steps[1].upstream: unknown upstream "bureua" (not an entry of services); did you mean "bureau"?"#
            ))
        #expect(
            lines.contains(
                #"services[1].probe.steps[2].name: duplicate step name "pay" (also at services[1].probe.steps[1].name)"#
            ))
        #expect(
            lines.contains(
                #"services[1].probe.cleanup[0].headers["X-Order"]: [CONTEXT].order is used by a cleanup step but no step stores it"#
            ), "\(lines)")
    }

    @Test func aValueStoredByTheSameOrALaterStepIsNotYetAvailable() {
        let issues = Self.issues(
            Self.journey(
                """
                [{"name": "a", "url": "http://127.0.0.1:1/a", "conditions": ["[BODY].x == [CONTEXT].later"],
                  "store": {"later": "[BODY].x"}}]
                """))
        #expect(issues.map(\.path) == ["services[1].probe.steps[0].conditions[0]"])
        #expect(issues.first?.message == "[CONTEXT].later is used before any earlier step stores it")
    }

    @Test(arguments: [
        (
            #"[{"name": "a", "url": "http://127.0.0.1:1/", "store": {"t": "[HEADER].x"}}]"#,
            "services[1].probe.steps[0].store.t",
            #""[HEADER].x" is not a value to store (use [BODY], [BODY].json.path or [STATUS])"#
        ),
        (
            #"[{"name": "a", "url": "http://127.0.0.1:1/", "store": {"1t": "[BODY]"}}]"#,
            #"services[1].probe.steps[0].store["1t"]"#,
            #""1t" is not a valid stored name (letters, digits and _, starting with a letter or _)"#
        ),
        (
            #"[{"name": "a", "url": "http://127.0.0.1:1/", "store": {"t": "[BODY]"}, "public": ["paid"]}]"#,
            "services[1].probe.steps[0].public[0]", #""paid" is not stored by this step"#
        ),
        (
            #"[{"name": "a", "url": "ftp://127.0.0.1:1/x"}]"#,
            "services[1].probe.steps[0].url", #""ftp://127.0.0.1:1/x" is not an http(s) URL"#
        ),
        (
            #"[{"name": "a", "url": "http://127.0.0.1:1/", "upstream": "journey"}]"#,
            "services[1].probe.steps[0].upstream", #"a step cannot name its own transaction "journey" as its upstream"#
        ),
        (
            #"[{"name": "a", "url": "http://127.0.0.1:1/", "conditions": ["[CONTEXT] == 1"]}]"#,
            "services[1].probe.steps[0].conditions[0]", "[CONTEXT] takes one stored name, e.g. [CONTEXT].token"
        ),
        (
            #"[{"name": "a", "url": "http://127.0.0.1:1/", "verb": "GET"}]"#,
            "services[1].probe.steps[0]",
            #"unknown key "verb" (allowed: name, method, url, headers, body, conditions, timeout, store, public, upstream, maxBodyBytes)"#
        ),
        ("[]", "services[1].probe.steps", "must not be empty (add at least one step)"),
    ])
    func eachBadStepIsNamedWithItsPath(steps: String, path: String, message: String) {
        let issues = Self.issues(Self.journey(steps))
        #expect(issues.map(\.path) == [path], "\(issues)")
        #expect(issues.first?.message == message, "\(issues)")
    }

    @Test func contextIsOnlyForTransactionSteps() {
        let issues = Self.issues(
            #"{"services": [{"name": "a", "probe": {"type": "http", "url": "http://127.0.0.1:1/", "conditions": ["[BODY].x == [CONTEXT].y"]}}]}"#
        )
        #expect(issues.map(\.path) == ["services[0].probe.conditions[0]"])
        #expect(issues.first?.message == "[CONTEXT] values exist only in the steps of a transaction probe")
    }

    @Test func aTransactionHasNoConditionsOfItsOwn() {
        let issues = Self.issues(
            #"{"services": [{"name": "a", "probe": {"type": "transaction", "conditions": ["[STATUS] == 200"], "steps": [{"name": "s", "url": "http://127.0.0.1:1/"}]}}]}"#
        )
        #expect(issues.map(\.path) == ["services[0].probe.conditions"], "\(issues)")
    }

    @Test func environmentValuesStillComeFromTheEnvironment() throws {
        let config = try Self.load(
            Self.journey(
                #"[{"name": "a", "url": "http://127.0.0.1:1/", "headers": {"Authorization": "Bearer ${SHOP_KEY}"}}]"#),
            environment: ["SHOP_KEY": "k-secret-1"])
        #expect(config.redactor.redact("k-secret-1") == "***")
    }
}
