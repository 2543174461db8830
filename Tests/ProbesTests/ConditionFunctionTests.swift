import Testing

@testable import Probes

@Suite("Condition functions")
struct ConditionFunctionTests {
    @Test func lengthOfArraysObjectsAndStrings() throws {
        let body = ConditionFixture.payment
        #expect(try ConditionFixture.passes("len([BODY].data.items) == 2", body: body))
        #expect(try ConditionFixture.passes("len([BODY].data.empty) == 0", body: body))
        // An object: its JSON text, compact (`{"items":[…],"empty":[],"nested":[[1,2],[3]]}`), as Gatus.
        #expect(try ConditionFixture.passes("len([BODY].data) == 77", body: body))
        #expect(try ConditionFixture.passes("len([BODY].currency) == 3", body: body))
        #expect(try ConditionFixture.passes("len([BODY].title) == 4", body: body))  // characters, not bytes
        #expect(try ConditionFixture.passes("len([BODY].note) == 0", body: body))
        #expect(try ConditionFixture.passes("len([BODY].amount) == 6", body: body))
        #expect(
            try ConditionFixture.evaluate("len([BODY].data.items) > 5", body: body).message
                == "condition len([BODY].data.items) > 5 failed: got 2")
    }

    @Test func lengthOfWholeBody() throws {
        #expect(try ConditionFixture.passes("len([BODY]) == 3", body: "[1, 2, 3]"))
        // A whole-body object: the body's text, as Gatus measures it.
        #expect(try ConditionFixture.passes("len([BODY]) == 24", body: #"{"a": 1, "b": [1, 2, 3]}"#))
        #expect(try ConditionFixture.passes("len([BODY]) == 5", body: " hello\n"))
        #expect(try ConditionFixture.passes("len([BODY]) == 0", body: ""))
    }

    @Test func lengthOfOtherPlaceholders() throws {
        #expect(try ConditionFixture.evaluate("len([STATUS]) == 3", ConditionFixture.context(status: 404)).passed)
        let disconnected = ConditionFixture.context(connected: false)
        #expect(try ConditionFixture.evaluate("len([CONNECTED]) == 5", disconnected).passed)
    }

    @Test func lengthOfMissingPathFails() throws {
        #expect(
            try ConditionFixture.evaluate("len([BODY].nope) == 0", body: "{}").message
                == "condition len([BODY].nope) == 0 failed: [BODY].nope not found")
    }

    @Test func has() throws {
        let body = ConditionFixture.payment
        #expect(try ConditionFixture.passes("has([BODY].data.items) == true", body: body))
        #expect(try ConditionFixture.passes("has([BODY].errors) == false", body: body))
        #expect(try ConditionFixture.passes("has([BODY].data.items[1].id) == true", body: body))
        #expect(try ConditionFixture.passes("has([BODY].data.items[2]) == false", body: body))
        #expect(
            try ConditionFixture.evaluate("has([BODY].errors) == true", body: body).message
                == "condition has([BODY].errors) == true failed: got false")
    }

    @Test func hasTreatsNullAsAbsentLikeGatus() throws {
        #expect(try ConditionFixture.passes("has([BODY].note) == false", body: ConditionFixture.payment))
    }

    @Test func hasOnWholeBodyAndNonJSON() throws {
        #expect(try ConditionFixture.passes("has([BODY]) == true", body: "x"))
        #expect(try ConditionFixture.passes("has([BODY]) == false", body: " \n "))
        #expect(try ConditionFixture.passes("has([BODY].a) == false", body: "not json"))
    }

    @Test func hasOnOtherPlaceholders() throws {
        #expect(try ConditionFixture.evaluate("has([STATUS]) == false", ConditionFixture.context(status: nil)).passed)
        #expect(try ConditionFixture.evaluate("has([STATUS]) == true", ConditionFixture.context(status: 200)).passed)
        let withCertificate = ConditionFixture.context(certificateExpiration: .seconds(1))
        #expect(try ConditionFixture.evaluate("has([CERTIFICATE_EXPIRATION]) == true", withCertificate).passed)
        #expect(
            try ConditionFixture.evaluate("has([CERTIFICATE_EXPIRATION]) == true", ConditionFixture.context())
                .passed == false)
    }

    @Test(arguments: [
        ("pat(D*)", true), ("pat(*OWN)", true), ("pat(D?WN)", true), ("pat(*)", true), ("pat(D*W*N)", true),
        ("pat(U*)", false), ("pat(D?N)", false), ("pat(DOWN?)", false), ("pat()", false), ("pat(d*)", false),
    ])
    func pattern(expectation: String, expected: Bool) throws {
        let source = "[BODY].status == \(expectation)"
        #expect(try ConditionFixture.passes(source, body: ConditionFixture.payment) == expected)
    }

    @Test func patternFailureAndNegation() throws {
        #expect(
            try ConditionFixture.evaluate("[BODY].status == pat(UP*)", body: ConditionFixture.payment).message
                == "condition [BODY].status == pat(UP*) failed: got DOWN")
        #expect(try ConditionFixture.passes("[BODY].status != pat(UP*)", body: ConditionFixture.payment))
        #expect(try !ConditionFixture.passes("[BODY].status != pat(DO*)", body: ConditionFixture.payment))
    }

    @Test func patternOnWholeBodyAndStatus() throws {
        #expect(try ConditionFixture.passes(#"[BODY] == pat(*"status": "DOWN"*)"#, body: ConditionFixture.payment))
        #expect(try ConditionFixture.evaluate("[STATUS] == pat(2*)", ConditionFixture.context(status: 204)).passed)
        #expect(try !ConditionFixture.evaluate("[STATUS] == pat(2*)", ConditionFixture.context(status: 404)).passed)
    }

    @Test func patternOnTheLeftLikeGatus() throws {
        #expect(try ConditionFixture.passes("pat(D*) == [BODY].status", body: ConditionFixture.payment))
    }

    @Test func patternEscapesAndQuotes() throws {
        #expect(try ConditionFixture.passes(#"[BODY].v == pat(a\*b)"#, body: #"{"v":"a*b"}"#))
        #expect(try !ConditionFixture.passes(#"[BODY].v == pat(a\*b)"#, body: #"{"v":"axb"}"#))
        #expect(try ConditionFixture.passes(#"[BODY].v == pat("a, b*")"#, body: #"{"v":"a, bc"}"#))
        #expect(try ConditionFixture.passes("[BODY].v == pat(선*)", body: #"{"v":"선물하기"}"#))
    }

    @Test func patternDoesNotBacktrackExponentially() {
        let pattern = ConditionWildcardPattern(String(repeating: "*a", count: 30) + "b")
        #expect(!pattern.matches(String(repeating: "a", count: 2000)))
    }

    @Test func any() throws {
        let body = ConditionFixture.payment
        #expect(try ConditionFixture.passes("[BODY].status == any(UP, DOWN)", body: body))
        #expect(try ConditionFixture.passes(#"[BODY].status == any("UP", 'DOWN')"#, body: body))
        #expect(try ConditionFixture.passes("[BODY].status != any(UP, DEGRADED)", body: body))
        #expect(
            try ConditionFixture.evaluate("[BODY].status == any(UP, OK)", body: body).message
                == "condition [BODY].status == any(UP, OK) failed: got DOWN")
        #expect(
            try ConditionFixture.evaluate("[STATUS] == any(200, 201, 204)", ConditionFixture.context(status: 204))
                .passed)
        #expect(try ConditionFixture.passes("[BODY].amount == any(1, 1250.5)", body: body))
        #expect(try ConditionFixture.passes(#"[BODY].v == any("a, b", c)"#, body: #"{"v":"a, b"}"#))
    }
}

@Suite("Condition JSON paths")
struct ConditionJSONPathTests {
    @Test func nestedObjectsAndArrays() throws {
        let body = ConditionFixture.payment
        #expect(try ConditionFixture.passes("[BODY].data.items[0].id == 7", body: body))
        #expect(try ConditionFixture.passes("[BODY].data.items[0].name == gift", body: body))
        #expect(try ConditionFixture.passes("[BODY].data.items[1].id == x", body: body))
        #expect(try ConditionFixture.passes("[BODY].data.nested[0][1] == 2", body: body))
        #expect(try ConditionFixture.passes("[BODY].data.nested[1][0] == 3", body: body))
    }

    @Test func rootArray() throws {
        let body = #"[{"name": "a"}, {"name": "b", "tags": ["x", "y"]}]"#
        #expect(try ConditionFixture.passes("[BODY][0].name == a", body: body))
        #expect(try ConditionFixture.passes("[BODY][1].tags[1] == y", body: body))
        #expect(
            try ConditionFixture.evaluate("[BODY][2].name == c", body: body).message
                == "condition [BODY][2].name == c failed: [BODY][2] not found")
    }

    @Test func missingPathsNameTheFirstMissingStep() throws {
        let body = ConditionFixture.payment
        #expect(
            try ConditionFixture.evaluate("[BODY].health == UP", body: body)
                == ConditionOutcome(
                    passed: false,
                    message: "condition [BODY].health == UP failed: [BODY].health not found"))
        #expect(
            try ConditionFixture.evaluate("[BODY].data.items[5].id == 1", body: body).message
                == "condition [BODY].data.items[5].id == 1 failed: [BODY].data.items[5] not found")
        #expect(
            try ConditionFixture.evaluate("[BODY].status.code == 1", body: body).message
                == "condition [BODY].status.code == 1 failed: [BODY].status.code not found")
        #expect(
            try ConditionFixture.evaluate("[BODY].data[0] == 1", body: body).message
                == "condition [BODY].data[0] == 1 failed: [BODY].data[0] not found")
        #expect(
            try ConditionFixture.evaluate("[BODY].note.x == 1", body: body).message
                == "condition [BODY].note.x == 1 failed: [BODY].note.x not found")
    }

    @Test func keysWithEscapesAndUnicode() throws {
        #expect(try ConditionFixture.passes("[BODY].상태 == 정상", body: #"{"상태": "정상"}"#))
        #expect(try ConditionFixture.passes("[BODY].상태 == 정상", body: #"{"\uc0c1\ud0dc": "\uc815\uc0c1"}"#))
        #expect(try ConditionFixture.passes("[BODY].a-b_c:d == 1", body: #"{"a-b_c:d": 1}"#))
    }

    @Test func stringEscapesAreDecoded() throws {
        #expect(try ConditionFixture.passes("[BODY].s == a/b", body: #"{"s": "a\/b"}"#))
        #expect(try ConditionFixture.passes("[BODY].e == 😀", body: #"{"e": "\ud83d\ude00"}"#))
        #expect(try ConditionFixture.passes("[BODY].e == \u{FFFD}x", body: #"{"e": "\ud83dx"}"#))
        #expect(try ConditionFixture.passes("len([BODY].t) == 3", body: #"{"t": "a\tb"}"#))
    }

    @Test func duplicateKeysTakeTheLastLikeGo() throws {
        #expect(try ConditionFixture.passes("[BODY].a == 2", body: #"{"a": 1, "a": 2}"#))
    }

    @Test func whitespaceAndByteOrderMark() throws {
        #expect(try ConditionFixture.passes("[BODY].a.b == 1", body: " {\n \"a\" :\t{ \"b\" : 1 } \r\n} \n"))
        #expect(try ConditionFixture.passes("[BODY].a == 1", body: "\u{FEFF}{\"a\": 1}"))
    }

    @Test func pathSegmentsParse() throws {
        let condition = try Condition(parsing: "[BODY].data.items[10].id == 1")
        #expect(condition.expression.left.reference?.path == [.key("data"), .key("items"), .index(10), .key("id")])
    }
}
