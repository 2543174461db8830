import Testing

@testable import Probes

/// Builds contexts and evaluates conditions for the condition suites.
enum ConditionFixture {
    static func context(
        status: Int? = 200, responseTimeMs: Double = 120, body: String = "",
        connected: Bool = true, certificateExpiration: Duration? = nil
    ) -> ConditionContext {
        ConditionContext(
            status: status, responseTimeMs: responseTimeMs, body: Array(body.utf8), connected: connected,
            certificateExpiration: certificateExpiration)
    }

    static func evaluate(_ source: String, _ context: ConditionContext) throws -> ConditionOutcome {
        try Condition(parsing: source).evaluate(context)
    }

    static func evaluate(_ source: String, body: String) throws -> ConditionOutcome {
        try evaluate(source, context(body: body))
    }

    static func passes(_ source: String, body: String) throws -> Bool {
        try evaluate(source, body: body).passed
    }

    static let payment = """
        {"status": "DOWN", "charged": true, "paid": false, "amount": 1250.5, "currency": "KRW",
         "data": {"items": [{"id": 7, "name": "gift"}, {"id": "x"}], "empty": [], "nested": [[1, 2], [3]]},
         "note": null, "title": "선물하기", "count": "42"}
        """
}

@Suite("Condition placeholders")
struct ConditionPlaceholderTests {
    @Test func status() throws {
        let context = ConditionFixture.context(status: 503)
        #expect(try ConditionFixture.evaluate("[STATUS] == 503", context).passed)
        #expect(
            try ConditionFixture.evaluate("[STATUS] == 200", context)
                == ConditionOutcome(passed: false, message: "condition [STATUS] == 200 failed: got 503"))
    }

    @Test func statusWithoutHTTPAnswerFails() throws {
        let outcome = try ConditionFixture.evaluate("[STATUS] != 200", ConditionFixture.context(status: nil))
        #expect(outcome == ConditionOutcome(passed: false, message: "condition [STATUS] != 200 failed: no HTTP status"))
    }

    @Test func responseTime() throws {
        let context = ConditionFixture.context(responseTimeMs: 1203)
        #expect(
            try ConditionFixture.evaluate("[RESPONSE_TIME] < 800", context)
                == ConditionOutcome(passed: false, message: "condition [RESPONSE_TIME] < 800 failed: got 1203"))
        #expect(try ConditionFixture.evaluate("[RESPONSE_TIME] < 1300", context).passed)
        #expect(try ConditionFixture.evaluate("[RESPONSE_TIME] < 2s", context).passed)
        #expect(try !ConditionFixture.evaluate("[RESPONSE_TIME] < 1s", context).passed)
    }

    @Test func responseTimeShowsOneDecimal() throws {
        let context = ConditionFixture.context(responseTimeMs: 1.26)
        let outcome = try ConditionFixture.evaluate("[RESPONSE_TIME] < 1", context)
        #expect(outcome.message == "condition [RESPONSE_TIME] < 1 failed: got 1.3")
    }

    @Test func wholeBody() throws {
        #expect(try ConditionFixture.passes("[BODY] == pong", body: "  pong\n"))
        #expect(
            try ConditionFixture.evaluate("[BODY] == pong", body: "ping").message
                == "condition [BODY] == pong failed: got ping")
        #expect(try ConditionFixture.passes("[BODY] == 42", body: "42.0"))
    }

    @Test func bodyPath() throws {
        #expect(
            try ConditionFixture.evaluate("[BODY].status == UP", body: ConditionFixture.payment)
                == ConditionOutcome(passed: false, message: "condition [BODY].status == UP failed: got DOWN"))
        #expect(try ConditionFixture.passes("[BODY].status == DOWN", body: ConditionFixture.payment))
    }

    @Test func connected() throws {
        #expect(try ConditionFixture.evaluate("[CONNECTED] == true", ConditionFixture.context(connected: true)).passed)
        let outcome = try ConditionFixture.evaluate("[CONNECTED] == true", ConditionFixture.context(connected: false))
        #expect(outcome.message == "condition [CONNECTED] == true failed: got false")
    }

    @Test func certificateExpirationAgainstDurations() throws {
        let context = ConditionFixture.context(certificateExpiration: .seconds(36 * 3600))
        #expect(try ConditionFixture.evaluate("[CERTIFICATE_EXPIRATION] > 24h", context).passed)
        #expect(
            try ConditionFixture.evaluate("[CERTIFICATE_EXPIRATION] > 48h", context)
                == ConditionOutcome(
                    passed: false, message: "condition [CERTIFICATE_EXPIRATION] > 48h failed: got 1d12h"))
        #expect(try !ConditionFixture.evaluate("[CERTIFICATE_EXPIRATION] > 7d", context).passed)
        #expect(try ConditionFixture.evaluate("[CERTIFICATE_EXPIRATION] > 1d11h59m", context).passed)
    }

    @Test func certificateExpirationAgainstMillisecondsLikeGatus() throws {
        let context = ConditionFixture.context(certificateExpiration: .milliseconds(4_461_677_039))
        #expect(try ConditionFixture.evaluate("[CERTIFICATE_EXPIRATION] > 4461677038", context).passed)
        #expect(try !ConditionFixture.evaluate("[CERTIFICATE_EXPIRATION] > 4461677039", context).passed)
    }

    @Test func expiredCertificateShowsNegativeDuration() throws {
        let context = ConditionFixture.context(certificateExpiration: .seconds(-(2 * 86_400 + 3 * 3600)))
        #expect(
            try ConditionFixture.evaluate("[CERTIFICATE_EXPIRATION] > 0", context).message
                == "condition [CERTIFICATE_EXPIRATION] > 0 failed: got -2d3h")
    }

    @Test func unknownCertificateFails() throws {
        let outcome = try ConditionFixture.evaluate("[CERTIFICATE_EXPIRATION] > 48h", ConditionFixture.context())
        #expect(outcome.message == "condition [CERTIFICATE_EXPIRATION] > 48h failed: certificate expiration unknown")
    }

    @Test func placeholderOnTheRightSide() throws {
        // Incident 5: money charged while the payment did not complete, behind a 200 OK.
        let outcome = try ConditionFixture.evaluate("[BODY].charged == [BODY].paid", body: ConditionFixture.payment)
        let message = "condition [BODY].charged == [BODY].paid failed: got true vs false"
        #expect(outcome == ConditionOutcome(passed: false, message: message))
        #expect(try ConditionFixture.passes("[BODY].charged == [BODY].paid", body: #"{"charged":true,"paid":true}"#))
        #expect(try ConditionFixture.passes("DOWN == [BODY].status", body: ConditionFixture.payment))
        #expect(
            try ConditionFixture.evaluate("UP == [BODY].status", body: ConditionFixture.payment).message
                == "condition UP == [BODY].status failed: got DOWN")
    }

    @Test func missingPlaceholderOnTheRightFails() throws {
        let outcome = try ConditionFixture.evaluate("[BODY].charged == [BODY].settled", body: ConditionFixture.payment)
        #expect(outcome.message == "condition [BODY].charged == [BODY].settled failed: [BODY].settled not found")
    }

    @Test func usesBodyAndCertificate() throws {
        #expect(try Condition(parsing: "[BODY].status == UP").usesBody)
        #expect(try Condition(parsing: "len([BODY]) > 0").usesBody)
        #expect(try Condition(parsing: "has([BODY].a) == true").usesBody)
        #expect(try Condition(parsing: "UP == [BODY].status").usesBody)
        #expect(try Condition(parsing: "[BODY] == pat(*ok*)").usesBody)
        #expect(try !Condition(parsing: "[STATUS] == 200").usesBody)
        #expect(try !Condition(parsing: "[STATUS] == 200").usesCertificate)
        #expect(try Condition(parsing: "[CERTIFICATE_EXPIRATION] > 48h").usesCertificate)
        #expect(try !Condition(parsing: "[CERTIFICATE_EXPIRATION] > 48h").usesBody)
    }

    @Test func severityIsKept() throws {
        #expect(try Condition(parsing: "[STATUS] == 200", severity: .warning).severity == .warning)
        #expect(try Condition(parsing: "[STATUS] == 200").severity == .critical)
    }
}

@Suite("Condition comparators")
struct ConditionComparatorTests {
    @Test(arguments: [
        ("[STATUS] == 200", true), ("[STATUS] == 201", false),
        ("[STATUS] != 201", true), ("[STATUS] != 200", false),
        ("[STATUS] < 201", true), ("[STATUS] < 200", false),
        ("[STATUS] <= 200", true), ("[STATUS] <= 199", false),
        ("[STATUS] > 199", true), ("[STATUS] > 200", false),
        ("[STATUS] >= 200", true), ("[STATUS] >= 201", false),
    ])
    func comparator(source: String, expected: Bool) throws {
        #expect(try ConditionFixture.evaluate(source, ConditionFixture.context(status: 200)).passed == expected)
    }

    @Test(arguments: ["[STATUS]==200", "[STATUS]  ==  200", "[STATUS]<300", "len([BODY].a)>=1", "\t[STATUS] == 200 "])
    func whitespaceIsOptional(source: String) throws {
        #expect(try ConditionFixture.evaluate(source, ConditionFixture.context(body: #"{"a":[1]}"#)).passed)
    }

    @Test func failedNotEqualShowsTheValue() throws {
        #expect(
            try ConditionFixture.evaluate("[BODY].status != DOWN", body: ConditionFixture.payment).message
                == "condition [BODY].status != DOWN failed: got DOWN")
    }

    @Test func orderingAgainstNonNumberFails() throws {
        let outcome = try ConditionFixture.evaluate("[BODY].status > 3", body: ConditionFixture.payment)
        #expect(
            outcome
                == ConditionOutcome(
                    passed: false,
                    message: "condition [BODY].status > 3 failed: got DOWN (not a number)"))
    }
}

@Suite("Condition values")
struct ConditionValueTests {
    @Test func numbersCompareNumerically() throws {
        #expect(try ConditionFixture.passes("[BODY].amount == 1250.50", body: ConditionFixture.payment))
        #expect(try ConditionFixture.passes("[BODY].amount > 999", body: ConditionFixture.payment))
        #expect(try ConditionFixture.passes("[BODY].amount < 1e4", body: ConditionFixture.payment))
        #expect(try ConditionFixture.passes("[BODY].data.items[0].id == 7.0", body: ConditionFixture.payment))
        // 10 > 9 only as numbers; as text "10" < "9".
        #expect(try ConditionFixture.passes("[BODY].n > 9", body: #"{"n": 10}"#))
    }

    @Test func numericStringsCompareNumerically() throws {
        #expect(try ConditionFixture.passes("[BODY].count == 42", body: ConditionFixture.payment))
        #expect(try ConditionFixture.passes("[BODY].count > 41.5", body: ConditionFixture.payment))
    }

    @Test func otherValuesCompareAsText() throws {
        #expect(try ConditionFixture.passes("[BODY].currency == KRW", body: ConditionFixture.payment))
        #expect(try !ConditionFixture.passes("[BODY].currency == krw", body: ConditionFixture.payment))
        #expect(try ConditionFixture.passes("[BODY].title == 선물하기", body: ConditionFixture.payment))
    }

    @Test func quotedValues() throws {
        #expect(try ConditionFixture.passes(#"[BODY].name == "John Doe""#, body: #"{"name":"John Doe"}"#))
        #expect(try ConditionFixture.passes("[BODY].name == 'John Doe'", body: #"{"name":"John Doe"}"#))
        #expect(try ConditionFixture.passes(#"[BODY].q == "say \"hi\"""#, body: #"{"q":"say \"hi\""}"#))
        #expect(try ConditionFixture.passes(#"[BODY].op == "==""#, body: #"{"op":"=="}"#))
        #expect(try ConditionFixture.passes(#"[BODY].empty == """#, body: #"{"empty":""}"#))
    }

    @Test func bareWordsMayContainSpaces() throws {
        #expect(try ConditionFixture.passes("[BODY].name == John Doe", body: #"{"name":"John Doe"}"#))
        #expect(try ConditionFixture.passes("[BODY].note == ok (cached)", body: #"{"note":"ok (cached)"}"#))
        #expect(try ConditionFixture.passes("len ([BODY].a) == 2", body: #"{"a":[1, 2]}"#))
    }

    @Test func booleans() throws {
        #expect(try ConditionFixture.passes("[BODY].charged == true", body: ConditionFixture.payment))
        #expect(try ConditionFixture.passes("[BODY].paid == false", body: ConditionFixture.payment))
        #expect(
            try ConditionFixture.evaluate("[BODY].paid == true", body: ConditionFixture.payment).message
                == "condition [BODY].paid == true failed: got false")
    }

    @Test func null() throws {
        #expect(try ConditionFixture.passes("[BODY].note == null", body: ConditionFixture.payment))
        #expect(
            try ConditionFixture.evaluate("[BODY].note == set", body: ConditionFixture.payment).message
                == "condition [BODY].note == set failed: got null")
    }

    @Test func objectsAndArraysShowAsCompactJSON() throws {
        let outcome = try ConditionFixture.evaluate("[BODY].a == x", body: #"{"a": {"b": [1, 2], "c": "d e"}}"#)
        #expect(outcome.message == #"condition [BODY].a == x failed: got {"b":[1,2],"c":"d e"}"#)
        #expect(try ConditionFixture.passes("[BODY].a == []", body: #"{"a": [ ]}"#))
    }

    @Test func durationsInMilliseconds() {
        #expect(ConditionNumber.durationMilliseconds("250ms") == 250)
        #expect(ConditionNumber.durationMilliseconds("1.5s") == 1500)
        #expect(ConditionNumber.durationMilliseconds("1h30m") == 5_400_000)
        #expect(ConditionNumber.durationMilliseconds("7d") == 604_800_000)
        #expect(ConditionNumber.durationMilliseconds("500us") == 0.5)
        #expect(ConditionNumber.durationMilliseconds("5") == nil)
        #expect(ConditionNumber.durationMilliseconds("5x") == nil)
        #expect(ConditionNumber.durationMilliseconds("h") == nil)
        #expect(ConditionNumber.durationMilliseconds("") == nil)
    }

    @Test func numbersAreStrict() {
        #expect(ConditionNumber.parse("-1.5e3") == -1500)
        #expect(ConditionNumber.parse(".5") == 0.5)
        #expect(ConditionNumber.parse("inf") == nil)
        #expect(ConditionNumber.parse("nan") == nil)
        #expect(ConditionNumber.parse("0x10") == nil)
        #expect(ConditionNumber.parse("1.") == nil)
        #expect(ConditionNumber.parse("1e") == nil)
        #expect(ConditionNumber.parse("") == nil)
        #expect(ConditionNumber.parse("12 ") == nil)
    }

    @Test func durationFormatting() {
        #expect(ConditionNumber.formattedDuration(250) == "250ms")
        #expect(ConditionNumber.formattedDuration(45_000) == "45s")
        #expect(ConditionNumber.formattedDuration(45_000_000) == "12h30m")
        #expect(ConditionNumber.formattedDuration(3_600_000) == "1h")
        #expect(ConditionNumber.formattedDuration(30 * 86_400_000 + 3_600_000) == "30d1h")
    }
}
