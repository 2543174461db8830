import Testing

@testable import Probes

@Suite("Condition bodies that are not what they should be")
struct ConditionBodyTests {
    private static func evaluate(_ source: String, bytes: [UInt8]) throws -> ConditionOutcome {
        try ConditionFixture.evaluate(source, ConditionContext(status: 200, body: bytes))
    }

    @Test func nonJSONBody() throws {
        #expect(
            try ConditionFixture.evaluate("[BODY].status == UP", body: "<html><body>OK</body></html>")
                == ConditionOutcome(passed: false, message: "condition [BODY].status == UP failed: body is not JSON"))
    }

    @Test func emptyBody() throws {
        #expect(
            try ConditionFixture.evaluate("[BODY].status == UP", body: "").message
                == "condition [BODY].status == UP failed: body is empty")
        #expect(
            try ConditionFixture.evaluate("[BODY].status == UP", body: " \r\n").message
                == "condition [BODY].status == UP failed: body is empty")
    }

    @Test(arguments: [
        #"{"status": "UP""#, #"{"status": "UP"} trailing"#, #"{"status": "UP",}"#, #"{status: "UP"}"#,
        #"{"status": 'UP'}"#, #"{"a": 01}"#, #"{"a": 1.}"#, #"{"a": -}"#, #"{"a": tru}"#, #"{"a": "\x"}"#,
        #"{"a": "\u12"}"#, "{\"a\": \"tab\there\"}", #"["a" "b"]"#, #"{"a" 1}"#, #"{"a": [1, 2}"#, #"{"a": NaN}"#,
        "}", "]", "[", "\"", "nul", "{\"status\": \"UP\"}\u{0}",
    ])
    func invalidJSONIsReportedNotTrusted(body: String) throws {
        #expect(
            try ConditionFixture.evaluate("[BODY].status == UP", body: body).message
                == "condition [BODY].status == UP failed: body is not JSON")
    }

    @Test(arguments: [
        "0", "-1.5e-3", "true", "null", #""text""#, "[]", "{}", #"{"a": [true, false, null, 1e10, "x"]}"#,
    ])
    func validJSONScalarsAndContainers(body: String) {
        #expect(ConditionJSON(Array(body.utf8)) != nil)
    }

    @Test func invalidUTF8IsRepairedNotFatal() throws {
        var bytes = Array(#"{"status": "D"#.utf8)
        bytes += [0xFF, 0xC3]
        bytes += Array(#"WN", "ok": 1}"#.utf8)
        #expect(try Self.evaluate("[BODY].ok == 1", bytes: bytes).passed)
        #expect(
            try Self.evaluate("[BODY].status == UP", bytes: bytes).message
                == "condition [BODY].status == UP failed: got D\u{FFFD}\u{FFFD}WN")
        #expect(try Self.evaluate("[BODY] == UP", bytes: [0xFF, 0xFE, 0x80]).passed == false)
    }

    @Test func controlCharactersAreEscapedInMessages() throws {
        #expect(
            try Self.evaluate("[BODY] == UP", bytes: Array("a\u{1B}[31mred\nnext".utf8)).message
                == "condition [BODY] == UP failed: got a\u{FFFD}[31mred\\nnext")
    }

    @Test func longValuesAreCut() throws {
        let long = String(repeating: "abcdefghij", count: 1000)
        let message = try ConditionFixture.evaluate("[BODY] == UP", body: long).message
        #expect(message == "condition [BODY] == UP failed: got \(long.prefix(39))…")
        let exact = String(repeating: "x", count: 40)
        #expect(
            try ConditionFixture.evaluate("[BODY] == UP", body: exact).message
                == "condition [BODY] == UP failed: got \(exact)")
        let array = long.map { "\"\($0)\"" }.joined(separator: ",")
        let container = try ConditionFixture.evaluate("[BODY].a == 1", body: #"{"a": [\#(array)]}"#)
        #expect(container.message?.hasSuffix("…") == true)
        #expect((container.message?.count ?? 0) < 100)
    }

    @Test func emptyValueShowsQuotes() throws {
        #expect(
            try ConditionFixture.evaluate("[BODY].s == x", body: #"{"s": ""}"#).message
                == #"condition [BODY].s == x failed: got """#)
    }

    @Test func deepNestingDoesNotOverflowTheStack() throws {
        let depth = 200_000
        let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(
            try ConditionFixture.evaluate("[BODY][0][0][0] == 1", body: deep).message
                == "condition [BODY][0][0][0] == 1 failed: got \(String(repeating: "[", count: 39))…")
        #expect(try ConditionFixture.passes("len([BODY]) == 1", body: deep))
        let unbalanced = String(repeating: "{\"a\":", count: depth)
        #expect(
            try ConditionFixture.evaluate("[BODY].a == 1", body: unbalanced).message
                == "condition [BODY].a == 1 failed: body is not JSON")
    }

    @Test func largeArray() throws {
        let body = "[" + (0..<50_000).map(String.init).joined(separator: ",") + "]"
        #expect(try ConditionFixture.passes("[BODY][49999] == 49999", body: body))
        #expect(try ConditionFixture.passes("len([BODY]) == 50000", body: body))
    }

    @Test func randomBodiesNeverCrash() throws {
        var generator = ConditionSplitMix(seed: 0x1BAD_B002)
        let conditions = try [
            "[BODY].a == 1", "[BODY][0].b == x", "len([BODY].a) > 0", "has([BODY].a.b) == true",
            "[BODY] == pat(*a*)", "len([BODY]) > 2", "[BODY].a == [BODY].b",
        ].map { try Condition(parsing: $0) }
        let alphabet = Array(#"{}[]",:\ u0123456789abtrufnlse-+.eE"#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF, 0x0A]
        for _ in 0..<2000 {
            let length = Int(generator.next() % 40)
            let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            for condition in conditions {
                let outcome = condition.evaluate(ConditionContext(status: 200, body: bytes))
                #expect(outcome.passed || outcome.message?.hasPrefix("condition ") == true)
            }
        }
    }

    @Test func randomValidDocumentsAgreeWithTheirShape() throws {
        var generator = ConditionSplitMix(seed: 42)
        let condition = try Condition(parsing: "len([BODY].items) == 3")
        for _ in 0..<200 {
            let values = (0..<3).map { _ in Self.randomValue(&generator, depth: 3) }
            let body = #"{"x": 1, "items": [\#(values.joined(separator: ", "))]}"#
            #expect(condition.evaluate(ConditionFixture.context(body: body)).passed, "\(body)")
        }
    }

    private static func randomValue(_ generator: inout ConditionSplitMix, depth: Int) -> String {
        let choice = generator.next() % (depth == 0 ? 4 : 6)
        switch choice {
        case 0: return "\(Int(generator.next() % 1000) - 500)"
        case 1: return #""s,[{\"]}""#
        case 2: return generator.next() % 2 == 0 ? "true" : "null"
        case 3: return "-1.5e+2"
        case 4:
            return "["
                + (0..<Int(generator.next() % 3)).map { _ in randomValue(&generator, depth: depth - 1) }
                .joined(separator: ",") + "]"
        default:
            let members = (0..<Int(generator.next() % 3)).map {
                "\"k\($0)\": \(randomValue(&generator, depth: depth - 1))"
            }
            return "{" + members.joined(separator: ", ") + "}"
        }
    }
}

/// A small deterministic generator so random tests repeat exactly.
struct ConditionSplitMix {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
