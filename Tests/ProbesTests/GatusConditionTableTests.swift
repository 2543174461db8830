import Foundation
import Testing

@testable import Probes

/// Gatus's own verdicts, held against ours: the cases of its condition test table
/// (TwiN/gatus `config/endpoint/condition_test.go`, `TestCondition_evaluate`, at commit 082d70b5) that
/// our placeholders cover, as data. They are facts about Gatus's behaviour: the condition, what the
/// probe saw, and whether Gatus passed it. The `[IP]`, `[CONNECTED]` and `[CERTIFICATE_EXPIRATION]`
/// cases are left to the probe tests (they need a connection), as are `[DOMAIN_EXPIRATION]` (not
/// supported: `validate` says so).
@Suite("Gatus's condition table")
struct GatusConditionTableTests {
    struct GatusCase: CustomTestStringConvertible, Sendable {
        var name: String
        var condition: String
        var status: Int?
        var responseTime: Double
        var body: String?
        var gatus: Bool

        init(_ name: String, _ condition: String, status: Int?, responseTime: Double, body: String?, gatus: Bool) {
            self.name = name
            self.condition = condition
            self.status = status
            self.responseTime = responseTime
            self.body = body
            self.gatus = gatus
        }

        var testDescription: String { name }
    }

    static let cases: [GatusCase] = [
        GatusCase("status", "[STATUS] == 200", status: 200, responseTime: 0, body: nil, gatus: true),
        GatusCase("status-failure", "[STATUS] == 200", status: 500, responseTime: 0, body: nil, gatus: false),
        GatusCase("status-using-less-than", "[STATUS] < 300", status: 201, responseTime: 0, body: nil, gatus: true),
        GatusCase(
            "status-using-less-than-failure", "[STATUS] < 300", status: 404, responseTime: 0, body: nil, gatus: false),
        GatusCase(
            "response-time-using-less-than", "[RESPONSE_TIME] < 500", status: nil, responseTime: 50, body: nil,
            gatus: true),
        GatusCase(
            "response-time-using-less-than-with-duration", "[RESPONSE_TIME] < 1s", status: nil, responseTime: 50,
            body: nil, gatus: true),
        GatusCase(
            "response-time-using-less-than-invalid", "[RESPONSE_TIME] < potato", status: nil, responseTime: 50,
            body: nil, gatus: false),
        GatusCase(
            "response-time-using-greater-than", "[RESPONSE_TIME] > 500", status: nil, responseTime: 750, body: nil,
            gatus: true),
        GatusCase(
            "response-time-using-greater-than-with-duration", "[RESPONSE_TIME] > 1s", status: nil, responseTime: 2000,
            body: nil, gatus: true),
        GatusCase(
            "response-time-using-greater-than-or-equal-to-equal", "[RESPONSE_TIME] >= 500", status: nil,
            responseTime: 500, body: nil, gatus: true),
        GatusCase(
            "response-time-using-greater-than-or-equal-to-greater", "[RESPONSE_TIME] >= 500", status: nil,
            responseTime: 499, body: nil, gatus: false),
        GatusCase(
            "response-time-using-greater-than-or-equal-to-failure", "[RESPONSE_TIME] >= 500", status: nil,
            responseTime: 499, body: nil, gatus: false),
        GatusCase(
            "response-time-using-less-than-or-equal-to-equal", "[RESPONSE_TIME] <= 500", status: nil, responseTime: 500,
            body: nil, gatus: true),
        GatusCase(
            "response-time-using-less-than-or-equal-to-less", "[RESPONSE_TIME] <= 500", status: nil, responseTime: 25,
            body: nil, gatus: true),
        GatusCase(
            "response-time-using-less-than-or-equal-to-failure", "[RESPONSE_TIME] <= 500", status: nil,
            responseTime: 750, body: nil, gatus: false),
        GatusCase("body", "[BODY] == test", status: nil, responseTime: 0, body: "test", gatus: true),
        GatusCase("body-numerical-equal", "[BODY] == 123", status: nil, responseTime: 0, body: "123", gatus: true),
        GatusCase("body-numerical-less-than", "[BODY] < 124", status: nil, responseTime: 0, body: "123", gatus: true),
        GatusCase(
            "body-numerical-greater-than", "[BODY] > 122", status: nil, responseTime: 0, body: "123", gatus: true),
        GatusCase(
            "body-numerical-greater-than-failure", "[BODY] > 123", status: nil, responseTime: 0, body: "100",
            gatus: false),
        GatusCase(
            "body-jsonpath", "[BODY].status == UP", status: nil, responseTime: 0, body: "{\"status\":\"UP\"}",
            gatus: true),
        GatusCase(
            "body-jsonpath-complex", "[BODY].data.name == john", status: nil, responseTime: 0,
            body: "{\"data\": {\"id\": 1, \"name\": \"john\"}}", gatus: true),
        GatusCase(
            "body-jsonpath-complex-invalid", "[BODY].data.name == john", status: nil, responseTime: 0,
            body: "{\"data\": {\"id\": 1}}", gatus: false),
        GatusCase(
            "body-jsonpath-complex-len-invalid", "len([BODY].data.name) == john", status: nil, responseTime: 0,
            body: "{\"data\": {\"id\": 1}}", gatus: false),
        GatusCase(
            "body-jsonpath-double-placeholder", "[BODY].user.firstName != [BODY].user.lastName", status: nil,
            responseTime: 0, body: "{\"user\": {\"firstName\": \"john\", \"lastName\": \"doe\"}}", gatus: true),
        GatusCase(
            "body-jsonpath-double-placeholder-failure", "[BODY].user.firstName == [BODY].user.lastName", status: nil,
            responseTime: 0, body: "{\"user\": {\"firstName\": \"john\", \"lastName\": \"doe\"}}", gatus: false),
        GatusCase(
            "body-jsonpath-when-body-is-array", "[BODY][0].id == 1", status: nil, responseTime: 0,
            body: "[{\"id\": 1}, {\"id\": 2}]", gatus: true),
        GatusCase(
            "body-jsonpath-when-body-has-null-parameter", "[BODY].data == OK", status: nil, responseTime: 0,
            body: "{\"data\": null}\"", gatus: false),
        GatusCase(
            "body-jsonpath-when-body-has-array-with-null", "[BODY].items[0] == OK", status: nil, responseTime: 0,
            body: "{\"items\": [null, null]}\"", gatus: false),
        GatusCase(
            "body-jsonpath-when-body-is-null", "[BODY].data == OK", status: nil, responseTime: 0, body: "null",
            gatus: false),
        GatusCase(
            "body-jsonpath-when-body-is-array-but-actual-body-is-not", "[BODY][0].name == test", status: nil,
            responseTime: 0, body: "{\"statusCode\": 500, \"message\": \"Internal Server Error\"}", gatus: false),
        GatusCase(
            "body-jsonpath-complex-int", "[BODY].data.id == 1", status: nil, responseTime: 0,
            body: "{\"data\": {\"id\": 1}}", gatus: true),
        GatusCase(
            "body-jsonpath-complex-array-int", "[BODY].data[1].id == 2", status: nil, responseTime: 0,
            body: "{\"data\": [{\"id\": 1}, {\"id\": 2}, {\"id\": 3}]}", gatus: true),
        GatusCase(
            "body-jsonpath-complex-int-using-greater-than", "[BODY].data.id > 0", status: nil, responseTime: 0,
            body: "{\"data\": {\"id\": 1}}", gatus: true),
        GatusCase(
            "body-jsonpath-hexadecimal-int-using-greater-than", "[BODY].data > 0", status: nil, responseTime: 0,
            body: "{\"data\": \"0x1\"}", gatus: true),
        GatusCase(
            "body-jsonpath-hexadecimal-int-using-equal-to-0x1", "[BODY].data == 1", status: nil, responseTime: 0,
            body: "{\"data\": \"0x1\"}", gatus: true),
        GatusCase(
            "body-jsonpath-hexadecimal-int-using-equals", "[BODY].data == 0x1", status: nil, responseTime: 0,
            body: "{\"data\": \"0x1\"}", gatus: true),
        GatusCase(
            "body-jsonpath-hexadecimal-int-using-equal-to-0x2", "[BODY].data == 2", status: nil, responseTime: 0,
            body: "{\"data\": \"0x2\"}", gatus: true),
        GatusCase(
            "body-jsonpath-hexadecimal-int-using-equal-to-0xF", "[BODY].data == 15", status: nil, responseTime: 0,
            body: "{\"data\": \"0xF\"}", gatus: true),
        GatusCase(
            "body-jsonpath-hexadecimal-int-using-equal-to-0xC0ff33", "[BODY].data == 12648243", status: nil,
            responseTime: 0, body: "{\"data\": \"0xC0ff33\"}", gatus: true),
        GatusCase(
            "body-jsonpath-hexadecimal-int-len", "len([BODY].data) == 3", status: nil, responseTime: 0,
            body: "{\"data\": \"0x1\"}", gatus: true),
        GatusCase(
            "body-jsonpath-hexadecimal-int-greater", "[BODY].data >= 1", status: nil, responseTime: 0,
            body: "{\"data\": \"0x01\"}", gatus: true),
        GatusCase(
            "body-jsonpath-hexadecimal-int-0x01-len", "len([BODY].data) == 4", status: nil, responseTime: 0,
            body: "{\"data\": \"0x01\"}", gatus: true),
        GatusCase(
            "body-jsonpath-octal-int-using-greater-than", "[BODY].data > 0", status: nil, responseTime: 0,
            body: "{\"data\": \"0o1\"}", gatus: true),
        GatusCase(
            "body-jsonpath-octal-int-using-equal", "[BODY].data == 2", status: nil, responseTime: 0,
            body: "{\"data\": \"0o2\"}", gatus: true),
        GatusCase(
            "body-jsonpath-octal-int-using-equals", "[BODY].data == 0o2", status: nil, responseTime: 0,
            body: "{\"data\": \"0o2\"}", gatus: true),
        GatusCase(
            "body-jsonpath-binary-int-using-greater-than", "[BODY].data > 0", status: nil, responseTime: 0,
            body: "{\"data\": \"0b1\"}", gatus: true),
        GatusCase(
            "body-jsonpath-binary-int-using-equal", "[BODY].data == 2", status: nil, responseTime: 0,
            body: "{\"data\": \"0b0010\"}", gatus: true),
        GatusCase(
            "body-jsonpath-binary-int-using-equals", "[BODY].data == 0b10", status: nil, responseTime: 0,
            body: "{\"data\": \"0b0010\"}", gatus: true),
        GatusCase(
            "body-jsonpath-complex-int-using-greater-than-failure", "[BODY].data.id > 5", status: nil, responseTime: 0,
            body: "{\"data\": {\"id\": 1}}", gatus: false),
        GatusCase(
            "body-jsonpath-float-using-greater-than-issue433", "[BODY].balance > 100", status: nil, responseTime: 0,
            body: "{\"balance\": \"123.40000000000005\"}", gatus: true),
        GatusCase(
            "body-jsonpath-complex-int-using-less-than", "[BODY].data.id < 5", status: nil, responseTime: 0,
            body: "{\"data\": {\"id\": 2}}", gatus: true),
        GatusCase(
            "body-jsonpath-complex-int-using-less-than-failure", "[BODY].data.id < 5", status: nil, responseTime: 0,
            body: "{\"data\": {\"id\": 10}}", gatus: false),
        GatusCase("no-placeholders", "1 == 2", status: nil, responseTime: 0, body: nil, gatus: false),
        GatusCase(
            "len-body-jsonpath-complex", "len([BODY].data.name) == 4", status: nil, responseTime: 0,
            body: "{\"data\": {\"name\": \"john\"}}", gatus: true),
        GatusCase(
            "len-body-array", "len([BODY]) == 3", status: nil, responseTime: 0,
            body: "[{\"id\": 1}, {\"id\": 2}, {\"id\": 3}]", gatus: true),
        GatusCase(
            "len-body-keyed-array", "len([BODY].data) == 3", status: nil, responseTime: 0,
            body: "{\"data\": [{\"id\": 1}, {\"id\": 2}, {\"id\": 3}]}", gatus: true),
        GatusCase(
            "len-body-array-invalid", "len([BODY].data) == 8", status: nil, responseTime: 0,
            body: "{\"name\": \"john.doe\"}", gatus: false),
        GatusCase("len-body-string", "len([BODY]) == 8", status: nil, responseTime: 0, body: "john.doe", gatus: true),
        GatusCase(
            "len-body-keyed-string", "len([BODY].name) == 8", status: nil, responseTime: 0,
            body: "{\"name\": \"john.doe\"}", gatus: true),
        GatusCase(
            "len-body-keyed-int", "len([BODY].age) == 2", status: nil, responseTime: 0, body: "{\"age\":18}",
            gatus: true),
        GatusCase(
            "len-body-keyed-bool", "len([BODY].adult) == 4", status: nil, responseTime: 0, body: "{\"adult\":true}",
            gatus: true),
        GatusCase(
            "len-body-object-inside-array", "len([BODY][0]) == 23", status: nil, responseTime: 0,
            body: "[{\"age\":18,\"adult\":true}]", gatus: true),
        GatusCase(
            "len-body-object-keyed-int-inside-array", "len([BODY][0].age) == 2", status: nil, responseTime: 0,
            body: "[{\"age\":18,\"adult\":true}]", gatus: true),
        GatusCase(
            "len-body-keyed-bool-inside-array", "len([BODY][0].adult) == 4", status: nil, responseTime: 0,
            body: "[{\"age\":18,\"adult\":true}]", gatus: true),
        GatusCase(
            "len-body-object", "len([BODY]) == 20", status: nil, responseTime: 0, body: "{\"name\": \"john.doe\"}",
            gatus: true),
        GatusCase(
            "pat-body-1", "[BODY] == pat(*john*)", status: nil, responseTime: 0, body: "{\"name\": \"john.doe\"}",
            gatus: true),
        GatusCase(
            "pat-body-2", "[BODY].name == pat(john*)", status: nil, responseTime: 0, body: "{\"name\": \"john.doe\"}",
            gatus: true),
        GatusCase(
            "pat-body-failure", "[BODY].name == pat(bob*)", status: nil, responseTime: 0,
            body: "{\"name\": \"john.doe\"}", gatus: false),
        GatusCase(
            "pat-body-html", "[BODY] == pat(*<div id=\"user\">john.doe</div>*)", status: nil, responseTime: 0,
            body:
                "<!DOCTYPE html><html lang=\"en\"><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\" /></head><body><div id=\"user\">john.doe</div></body></html>",
            gatus: true),
        GatusCase(
            "pat-body-html-failure", "[BODY] == pat(*<div id=\"user\">john.doe</div>*)", status: nil, responseTime: 0,
            body:
                "<!DOCTYPE html><html lang=\"en\"><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\" /></head><body><div id=\"user\">jane.doe</div></body></html>",
            gatus: false),
        GatusCase(
            "pat-body-html-failure-alt", "pat(*<div id=\"user\">john.doe</div>*) == [BODY]", status: nil,
            responseTime: 0,
            body:
                "<!DOCTYPE html><html lang=\"en\"><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\" /></head><body><div id=\"user\">jane.doe</div></body></html>",
            gatus: false),
        GatusCase(
            "pat-body-in-array", "[BODY].data == pat(*Whatever*)", status: nil, responseTime: 0,
            body: "{\"data\": [\"hello\", \"world\", \"Whatever\"]}", gatus: true),
        GatusCase("pat-status", "[STATUS] == pat(4*)", status: 404, responseTime: 0, body: nil, gatus: true),
        GatusCase("pat-status-failure", "[STATUS] == pat(4*)", status: 200, responseTime: 0, body: nil, gatus: false),
        GatusCase(
            "any-body-1", "[BODY].name == any(john.doe, jane.doe)", status: nil, responseTime: 0,
            body: "{\"name\": \"john.doe\"}", gatus: true),
        GatusCase(
            "any-body-2", "[BODY].name == any(john.doe, jane.doe)", status: nil, responseTime: 0,
            body: "{\"name\": \"jane.doe\"}", gatus: true),
        GatusCase(
            "any-body-failure", "[BODY].name == any(john.doe, jane.doe)", status: nil, responseTime: 0,
            body: "{\"name\": \"bob\"}", gatus: false),
        GatusCase("any-status-1", "[STATUS] == any(200, 429)", status: 200, responseTime: 0, body: nil, gatus: true),
        GatusCase("any-status-2", "[STATUS] == any(200, 429)", status: 429, responseTime: 0, body: nil, gatus: true),
        GatusCase(
            "any-status-reverse", "any(200, 429) == [STATUS]", status: 429, responseTime: 0, body: nil, gatus: true),
        GatusCase(
            "any-status-failure", "[STATUS] == any(200, 429)", status: 404, responseTime: 0, body: nil, gatus: false),
        GatusCase(
            "any-status-failure-but-dont-resolve", "[STATUS] == any(200, 429)", status: 404, responseTime: 0, body: nil,
            gatus: false),
        GatusCase("has", "has([BODY].errors) == false", status: nil, responseTime: 0, body: "{}", gatus: true),
        GatusCase(
            "has-key-of-map", "has([BODY].article) == true", status: nil, responseTime: 0,
            body:
                "{\"article\": {\"id\": 123, \"title\": \"Hello, world!\", \"author\": \"John Doe\", \"tags\": [\"hello\", \"world\"], \"content\": \"I really like Gatus!\"}}",
            gatus: true),
        GatusCase(
            "has-failure", "has([BODY].errors) == false", status: nil, responseTime: 0, body: "{\"errors\": [\"1\"]}",
            gatus: false),
        GatusCase(
            "has-failure-but-dont-resolve", "has([BODY].errors) == false", status: nil, responseTime: 0,
            body: "{\"errors\": [\"1\"]}", gatus: false),
    ]

    /// Cases where we deliberately differ from Gatus, with the reason (the README's "Coming from
    /// Gatus" lists them too): here only conditions `validate` refuses, since they can never pass.
    static let rejectedByValidate: [String: String] = [
        "response-time-using-less-than-invalid":
            "an ordering comparison with a word: Gatus reads the word as 0, so the condition can never pass"
    ]

    @Test("every case gives Gatus's verdict, or validate refuses it for a listed reason", arguments: cases)
    func verdict(_ gatusCase: GatusCase) throws {
        if Self.rejectedByValidate[gatusCase.name] != nil {
            #expect(throws: ConditionSyntaxError.self) { try Condition(parsing: gatusCase.condition) }
            #expect(gatusCase.gatus == false, "refused only where Gatus fails it anyway")
            return
        }
        let condition = try Condition(parsing: gatusCase.condition)
        let context = ConditionContext(
            status: gatusCase.status, responseTimeMs: gatusCase.responseTime, body: Array((gatusCase.body ?? "").utf8),
            connected: true)
        let outcome = condition.evaluate(context)
        #expect(outcome.passed == gatusCase.gatus, "\(gatusCase.condition): \(outcome.message ?? "passed")")
    }

    @Test func theTableHasTheCasesItClaims() {
        #expect(Self.cases.count == 87)
        #expect(Set(Self.cases.map(\.name)).count == Self.cases.count, "no case twice")
    }
}

/// Go's integer syntax, as Gatus reads a value that looks like a number (`strconv.ParseInt(s, 0, 64)`),
/// and what `validate` warns about.
@Suite("Gatus's numbers")
struct GatusNumberTests {
    @Test func integersInGoSyntax() {
        let cases: [(String, Int64?)] = [
            ("15", 15), ("-15", -15), ("+15", 15), ("0x1F", 31), ("0X1f", 31), ("-0x10", -16), ("0o17", 15),
            ("017", 15), ("0b101", 5), ("1_000", 1000), ("0x_1F", 31), ("0", 0),
            ("08", nil), ("0x", nil), ("1__0", nil), ("_1", nil), ("1_", nil), ("1.5", nil), ("0x1G", nil), ("", nil),
            ("9223372036854775807", .max), ("-9223372036854775808", .min), ("9223372036854775808", nil),
        ]
        for (text, expected) in cases {
            #expect(ConditionNumber.goInteger(text) == expected, "\(text)")
        }
    }

    @Test func conditionsThatJudgeAsGatusDoesRaiseNoWarning() throws {
        for source in [
            "[STATUS] == 200", "[BODY].x == 0x1F", "[BODY].x > 5", "len([BODY].items) < 3",
            "[RESPONSE_TIME] < 500", "[BODY].name == any(a, b)", "[BODY].x == UP", "[BODY].x > 1s",
        ] {
            #expect(try Condition(parsing: source).gatusDifferences.isEmpty, "\(source)")
        }
    }

    @Test func conditionsThatMayJudgeOtherwiseSayWhy() throws {
        #expect(try Condition(parsing: "[BODY].x <= 0").gatusDifferences.count == 1)
        #expect(try Condition(parsing: "5 > [BODY].x").gatusDifferences.count == 1, "the literal on the left")
        #expect(try Condition(parsing: "[BODY].x == 2.50").gatusDifferences.count == 1)
        #expect(try Condition(parsing: "[BODY].x > 0.5").gatusDifferences.count == 1)
        #expect(try Condition(parsing: "[BODY].x < 0.5").gatusDifferences.count == 2, "a fraction, and 0 passes")
    }
}
