import Testing

@testable import Probes

@Suite("Condition syntax errors")
struct ConditionSyntaxTests {
    private static let placeholders = "[STATUS] [RESPONSE_TIME] [BODY] [CONNECTED] [CERTIFICATE_EXPIRATION]"

    private static func syntaxError(_ source: String) -> String? {
        do {
            _ = try Condition(parsing: source)
            return nil
        } catch {
            return error.message
        }
    }

    @Test(arguments: [
        // empty, comparator and operands
        ("", "empty condition"),
        ("   ", "empty condition"),
        ("[STATUS] 200", "no comparator (expected one of == != < <= > >=)"),
        ("== 200", "missing left operand before == at column 1"),
        ("[STATUS] ==", "missing right operand after == at column 10"),
        ("[STATUS] >=   ", "missing right operand after >= at column 10"),
        ("[STATUS] = 200", "unknown comparator = at column 10 (did you mean ==?)"),
        ("[STATUS] === 200", "unknown comparator === at column 10 (expected one of == != < <= > >=)"),
        ("[STATUS] => 200", "unknown comparator => at column 10 (did you mean >=?)"),
        ("[STATUS] =< 200", "unknown comparator =< at column 10 (did you mean <=?)"),
        ("[STATUS] <> 200", "unknown comparator <> at column 10 (did you mean !=?)"),
        ("[STATUS] ! 200", "unknown comparator ! at column 10 (did you mean !=?)"),
        ("[STATUS] << 200", "unknown comparator << at column 10 (expected one of == != < <= > >=)"),
        ("[STATUS] == 200 == 300", "more than one comparator (another == at column 17)"),
        ("[STATUS] == [BODY].a < 3", "more than one comparator (another one at column 22)"),
        ("[STATUS] == any(1) != 3", "more than one comparator (another one at column 20)"),
        // placeholders
        ("[STAUTS] == 200", "unknown placeholder [STAUTS] (did you mean [STATUS]?)"),
        ("[status] == 200", "unknown placeholder [status] (did you mean [STATUS]? placeholders are upper case)"),
        ("[RESPONSETIME] < 500", "unknown placeholder [RESPONSETIME] (did you mean [RESPONSE_TIME]?)"),
        ("[CERTIFICATE] > 48h", "unknown placeholder [CERTIFICATE] (did you mean [CERTIFICATE_EXPIRATION]?)"),
        ("[BODY].a == [BDY].b", "unknown placeholder [BDY] (did you mean [BODY]?)"),
        ("[FOO] == 1", "unknown placeholder [FOO] (expected one of \(placeholders))"),
        ("[IP] == 127.0.0.1", "placeholder [IP] is not supported (supported: \(placeholders))"),
        ("[].a == 1", "empty placeholder [] at column 1 (expected one of \(placeholders))"),
        ("[STATUS].code == 1", "[STATUS] takes no JSON path; only [BODY] does"),
        ("[STATUS]x == 1", #"unexpected "x" at column 9 after [STATUS]"#),
        // functions
        ("foo([BODY]) == 1", "unknown function foo() at column 1 (functions are len(), has(), pat(), any())"),
        ("LEN([BODY]) == 1", "unknown function LEN() at column 1 (did you mean len()?)"),
        ("length([BODY].a) == 1", "unknown function length() at column 1 (did you mean len()?)"),
        ("lenght([BODY].a) == 1", "unknown function lenght() at column 1 (did you mean len()?)"),
        // Two letters swapped are one edit, as in the config's hints (one spelling distance for both).
        ("lne([BODY]) == 1", "unknown function lne() at column 1 (did you mean len()?)"),
        ("[BODY].a == match(x*)", "unknown function match() at column 13 (did you mean pat()?)"),
        ("len() == 1", "len() needs a placeholder, e.g. len([BODY].items)"),
        ("has(abc) == true", "has() takes a placeholder such as [BODY].items, not abc"),
        ("len([BODY]) x == 1", #"unexpected "x" at column 13 after len([BODY])"#),
        ("any() == 1", "any() needs at least one value"),
        ("[STATUS] == any(200, , 201)", "any() has an empty value at column 22"),
        ("[STATUS] == any(200,)", "any() has an empty value at column 21"),
        ("[STATUS] == any(200, [STATUS])", "any() takes values, not placeholders (column 22)"),
        (#"[BODY].a == any("x" y)"#, "unexpected text at column 21 in any(); separate values with commas"),
        ("[STATUS] < pat(2*)", "pat() works only with == and !="),
        ("[STATUS] >= any(200, 300)", "any() works only with == and !="),
        ("pat(a*) == any(a)", "pat() and any() need a placeholder to match on the other side"),
        // ordering needs numbers
        ("[BODY].status > UP", "> needs a number or a duration, got UP"),
        (#"[STATUS] < "300""#, #"< needs a number or a duration, got "300""#),
        ("has([BODY].a) > 0", "has() gives true or false; compare it with == or !="),
        ("[CONNECTED] >= true", "[CONNECTED] is true or false; compare it with == or !="),
        // brackets, parentheses, quotes
        ("[STATUS == 200", "unbalanced brackets: [ at column 1 is not closed"),
        ("[BODY].a] == 1", "unbalanced brackets: ] at column 9 has no matching ["),
        ("[STATUS] == [BODY", "unbalanced brackets: [ at column 13 is not closed"),
        ("[STATUS] == 200]", "unbalanced brackets: ] at column 16 has no matching ["),
        ("len([BODY].a > 0", "unbalanced parentheses: ( at column 4 is not closed"),
        ("len([BODY].a)) > 0", "unbalanced parentheses: ) at column 14 has no matching ("),
        ("[BODY].a == pat(x*", "unbalanced parentheses: ( at column 16 is not closed"),
        ("[STATUS] == 200)", "unbalanced parentheses: ) at column 16 has no matching ("),
        (#"[BODY].a == "UP"#, #"unterminated quote: " at column 13 is not closed"#),
        (#"[BODY].a == "UP" x"#, #"unexpected "x" at column 18 after "UP""#),
        // JSON paths
        ("[BODY]. == 1", "bad JSON path [BODY].: empty key at column 7"),
        ("[BODY].a..b == 1", "bad JSON path [BODY].a..b: empty key at column 9"),
        ("[BODY]status == UP", "bad JSON path [BODY]status: expected . or [ at column 7 (did you mean [BODY].status?)"),
        ("[BODY].a[] == 1", "bad JSON path [BODY].a[]: empty index [] at column 9"),
        (
            "[BODY].a[x] == 1",
            "bad JSON path [BODY].a[x]: [x] at column 9 is not an array index (write .key for object keys)"
        ),
        (
            "[BODY].a[-1] == 1",
            "bad JSON path [BODY].a[-1]: [-1] at column 9 is not an array index (write .key for object keys)"
        ),
        ("[BODY].a[0 == 1", "unbalanced brackets: [ at column 9 is not closed"),
        ("[BODY].a[0]x == 1", "bad JSON path [BODY].a[0]x: expected . or [ at column 12"),
        ("[BODY].a b == 1", #"unexpected "b" at column 10 after [BODY].a"#),
    ])
    func syntaxError(source: String, message: String) {
        #expect(Self.syntaxError(source) == message)
    }

    @Test func errorIsTheConditionSyntaxErrorType() {
        #expect(throws: ConditionSyntaxError("empty condition")) { try Condition(parsing: "") }
        #expect(ConditionSyntaxError("x").description == "x")
    }

    @Test func echoedTextIsClipped() throws {
        let name = String(repeating: "Q", count: 300)
        let message = try #require(Self.syntaxError("[\(name)] == 1"))
        #expect(!message.contains(name))
        #expect(message.hasPrefix("unknown placeholder [\(name.prefix(39))…]"))
    }

    @Test(arguments: [
        "[STATUS] == 200", "[BODY].data.items[0].id == 7", "[BODY][0][1] == x", "len([BODY].items) > 0",
        "has([BODY].errors) == false", "[BODY].status == pat(U*)", "[BODY].status == any(UP, OK)",
        "[CERTIFICATE_EXPIRATION] > 48h", "[CONNECTED] == true", "[RESPONSE_TIME] <= 1.5s", "[BODY] == <html>",
        "[BODY].name == O'Brien", "[BODY].v == a=b", "[BODY].v == -3", "[BODY].v != ''",
    ])
    func validConditionsParse(source: String) {
        #expect(Self.syntaxError(source) == nil)
    }

    @Test func randomConditionsNeverCrash() {
        var generator = ConditionSplitMix(seed: 7)
        let pieces = [
            "[", "]", "(", ")", "[BODY]", "[STATUS]", ".a", "[0]", "==", "=", "<", ">", "!", " ", "\"",
            "'", ",", "len(", "has(", "pat(", "any(", "*", "UP", "42", "48h", "\\", "선", "\u{0}",
        ]
        for _ in 0..<5000 {
            let count = Int(generator.next() % 10)
            let source = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            if let condition = try? Condition(parsing: source) {
                _ = condition.evaluate(ConditionFixture.context(body: #"{"a": [1]}"#))
            } else {
                #expect(Self.syntaxError(source)?.isEmpty == false)
            }
        }
    }
}
