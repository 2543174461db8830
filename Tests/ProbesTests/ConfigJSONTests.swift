import Foundation
import Testing

@testable import Probes

@Suite("Config JSON parser")
struct ConfigJSONTests {
    static func parse(_ text: String) throws(ConfigJSONSyntaxError) -> ConfigJSON {
        try ConfigJSONParser.parse(Array(text.utf8)).root
    }

    /// The syntax error's "line L, column C: message", or `nil` when the text parses.
    static func syntaxError(_ bytes: [UInt8]) -> String? {
        do {
            _ = try ConfigJSONParser.parse(bytes)
            return nil
        } catch {
            return error.description
        }
    }

    static func syntaxError(_ text: String) -> String? { syntaxError(Array(text.utf8)) }

    @Test func parsesEveryValueKindAndKeepsKeyOrder() throws {
        let value = try Self.parse(
            #"""
            {"z": null, "y": true, "x": false, "w": -12, "v": 2.5, "u": "text", "t": [1, "two", []], "s": {}}
            """#)
        #expect(
            value
                == .object([
                    ConfigJSONMember(key: "z", value: .null),
                    ConfigJSONMember(key: "y", value: .bool(true)),
                    ConfigJSONMember(key: "x", value: .bool(false)),
                    ConfigJSONMember(key: "w", value: .int(-12)),
                    ConfigJSONMember(key: "v", value: .double(2.5)),
                    ConfigJSONMember(key: "u", value: .string("text")),
                    ConfigJSONMember(key: "t", value: .array([.int(1), .string("two"), .array([])])),
                    ConfigJSONMember(key: "s", value: .object([])),
                ]))
    }

    @Test(arguments: [
        ("0", ConfigJSON.int(0)), ("-0", .int(0)), ("42", .int(42)), ("1.0", .double(1.0)), ("1e3", .double(1000)),
        ("-2.5E-1", .double(-0.25)), ("9223372036854775807", .int(Int.max)),
        ("9223372036854775808", .double(9_223_372_036_854_775_808)),
    ])
    func numbersKeepIntegersApartFromDoubles(text: String, expected: ConfigJSON) throws {
        #expect(try Self.parse(text) == expected)
    }

    @Test func stringsDecodeEscapesAndUTF8() throws {
        let value = try Self.parse(#""신용평가 \"q\" \\ \/ \b\f\n\r\t \u00e9 \uAC00 \uD83D\uDE00 😀""#)
        #expect(value == .string("신용평가 \"q\" \\ / \u{08}\u{0C}\n\r\t é 가 😀 😀"))
    }

    @Test func byteOrderMarkIsSkipped() throws {
        #expect(try ConfigJSONParser.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8)).root == .array([.int(1)]))
    }

    @Test(arguments: [
        ("{\n  \"a\": 1\n  \"b\": 2\n}", "line 3, column 3: expected ',' or '}'"),
        ("[1 2]", "line 1, column 4: expected ',' or ']'"),
        ("{\"a\": 1,}", "line 1, column 9: trailing comma before '}'"),
        ("[1,]", "line 1, column 4: trailing comma before ']'"),
        ("{a: 1}", "line 1, column 2: expected '\"' to start a key, found 'a' (keys must be quoted)"),
        ("{\"a\" 1}", "line 1, column 6: expected ':' after the key \"a\", found '1'"),
        ("{'a': 1}", "line 1, column 2: expected '\"' to start a key, found ''' (keys must be quoted)"),
        ("['a']", "line 1, column 2: strings must use double quotes"),
        ("{\n  // note\n}", "line 2, column 3: comments are not allowed in JSON"),
        ("{\"a\": \"x", "line 1, column 9: unexpected end of file inside a string"),
        ("{\"a\": [1, 2", "line 1, column 12: unexpected end of file, expected ',' or ']'"),
        ("{\"a\":", "line 1, column 6: unexpected end of file, expected a value"),
        ("", "line 1, column 1: the file is empty (expected a JSON object)"),
        ("  \n ", "line 2, column 2: the file is empty (expected a JSON object)"),
        (
            "[tru]",
            "line 1, column 2: invalid literal \"tru\" (expected true, false, null, a number or a quoted string)"
        ),
        ("[True]", "line 1, column 2: expected a value, found 'T'"),
        ("[01]", "line 1, column 3: numbers must not have leading zeros"),
        ("[1.]", "line 1, column 4: expected a digit after '.'"),
        ("[-]", "line 1, column 3: expected a digit after '-'"),
        ("[1e]", "line 1, column 4: expected a digit in the exponent"),
        ("[15s]", "line 1, column 4: unexpected 's' after a number (durations must be quoted, e.g. \"5s\")"),
        ("[1e999]", "line 1, column 2: number 1e999 is out of range"),
        ("[\"a\nb\"]", "line 1, column 4: line break inside a string (write it as \\n)"),
        ("[\"a\tb\"]", "line 1, column 4: control character inside a string (escape it)"),
        ("[\"\\x\"]", "line 1, column 3: invalid escape \\'x' in a string"),
        ("[\"\\u12\"]", "line 1, column 7: expected 4 hex digits after \\u"),
        ("[\"\\uD800\"]", "line 1, column 3: unpaired surrogate \\uD800 in a string"),
        ("[\"\\uDC00\"]", "line 1, column 3: unpaired surrogate \\uDC00 in a string"),
        ("{} {}", "line 1, column 4: unexpected '{' after the end of the document"),
        ("{\"t\": \"대출\", x}", "line 1, column 13: expected '\"' to start a key, found 'x' (keys must be quoted)"),
        ("[1, ,]", "line 1, column 5: expected a value, found ','"),
    ])
    func syntaxErrorsGiveLineAndColumn(text: String, message: String) {
        #expect(Self.syntaxError(text) == message)
    }

    @Test(
        arguments: [
            ([0x22, 0xFF, 0x22], "line 1, column 2: invalid UTF-8 byte 0xFF"),
            ([0x22, 0xC0, 0x80, 0x22], "line 1, column 2: invalid UTF-8 byte 0xC0"),
            ([0x22, 0xED, 0xA0, 0x80, 0x22], "line 1, column 3: invalid UTF-8 byte 0xA0"),
            ([0x22, 0xEB, 0x8C, 0x22], "line 1, column 3: invalid UTF-8 byte 0x22"),
            ([0x22, 0xEB, 0x8C], "line 1, column 2: invalid UTF-8: truncated sequence"),
            (
                [0x5B, 0xEB, 0x8C, 0x80, 0x5D],
                "line 1, column 2: expected a value, found a non-ASCII character outside a string"
            ),
        ] as [([UInt8], String)])
    func invalidUTF8IsASyntaxError(bytes: [UInt8], message: String) {
        #expect(Self.syntaxError(bytes) == message)
    }

    @Test func nestingIsLimited() throws {
        let limit = ConfigJSONParser.maxDepth
        let ok = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(Self.syntaxError(ok) == nil)
        let deep =
            String(repeating: "[", count: ConfigJSONParser.maxDepth + 1)
            + String(repeating: "]", count: ConfigJSONParser.maxDepth + 1)
        #expect(Self.syntaxError(deep) == "line 1, column 65: nesting deeper than 64 levels")
        let hostile = String(repeating: "{\"a\":[", count: 100_000)
        #expect(Self.syntaxError(hostile)?.hasSuffix("nesting deeper than 64 levels") == true)
    }

    @Test func duplicateKeysAreFoundWithTheirPaths() throws {
        let document = try ConfigJSONParser.parse(
            Array(
                #"""
                {"services": [{"name": "a"}, {"name": "b",
                  "probe": {"headers": {"X-A": "1", "X-A": "2"}}, "name": "c"}], "services": 1}
                """#.utf8))
        #expect(
            document.duplicateKeys == [
                ConfigJSONDuplicateKey(
                    objectPath: #"services[1].probe.headers"#, key: "X-A", line: 2, column: 37,
                    firstLine: 2, firstColumn: 25),
                ConfigJSONDuplicateKey(
                    objectPath: "services[1]", key: "name", line: 2, column: 51,
                    firstLine: 1, firstColumn: 31),
                ConfigJSONDuplicateKey(
                    objectPath: "", key: "services", line: 2, column: 66,
                    firstLine: 1, firstColumn: 2),
            ])
    }

    @Test func loaderReportsSyntaxErrorsAsOneLine() {
        let json = "{\n  \"services\": [\n    {\"name\": \"a\"}\n    {\"name\": \"b\"}\n  ]\n}"
        let errors = #expect(throws: ConfigErrors.self) {
            _ = try ConfigLoader.load(data: Data(json.utf8), displayName: "probes.json", environment: [:])
        }
        #expect(errors?.lines == ["incidentboard: probes.json: line 4, column 5: expected ',' or ']'"])
    }

    @Test func loaderReportsTheWrongRootType() {
        #expect(
            configIssues("\"services\"") == [
                ConfigIssue(path: "", message: #"the file must contain a JSON object with "services", not a string"#)
            ])
    }

    /// Every prefix of a valid file and many single-byte corruptions of it: always a value or an
    /// error, never a crash or a hang.
    @Test func truncatedAndCorruptedFilesNeverCrash() {
        let bytes = Array(ConfigLoaderTests.contractExample.utf8)
        for length in 0..<bytes.count {
            let prefix = Array(bytes[0..<length])
            #expect(Self.syntaxError(prefix) != nil, "prefix of \(length) bytes parsed")
            _ = configIssues(String(decoding: prefix, as: UTF8.self))
        }
        var generator = ConfigFuzzRandom(seed: 0x1CE_B0A2D)
        let replacements: [UInt8] = [0x00, 0x22, 0x2C, 0x3A, 0x5B, 0x5D, 0x7B, 0x7D, 0x5C, 0x80, 0xC3, 0xED, 0xFF]
        for _ in 0..<3000 {
            var mutated = bytes
            for _ in 0...(generator.next() % 3) {
                let position = Int(generator.next() % UInt64(mutated.count))
                mutated[position] = replacements[Int(generator.next() % UInt64(replacements.count))]
            }
            _ = Self.syntaxError(mutated)
            _ = try? ConfigLoader.load(data: Data(mutated), displayName: "fuzz.json", environment: [:])
        }
    }
}

/// A small deterministic generator, so fuzz cases are the same on every run.
struct ConfigFuzzRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
