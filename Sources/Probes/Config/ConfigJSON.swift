import Foundation

// Our own JSON reader for probes.json: Foundation's loses key order, accepts duplicate keys
// silently and reports syntax errors without a usable line and column.

/// A JSON value as written in the config, with object members in file order.
enum ConfigJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number written without fraction or exponent that fits an `Int`.
    case int(Int)
    case double(Double)
    case string(String)
    case array([ConfigJSON])
    /// Members in file order, duplicates included (the parser reports them).
    case object([ConfigJSONMember])

    /// How the type is named in error messages ("must be a string, not a number").
    var typeDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// One `"key": value` of an object.
struct ConfigJSONMember: Sendable, Equatable {
    var key: String
    var value: ConfigJSON
}

/// A parsed document and the duplicate keys found in it (not fatal: the loader reports them
/// with the other problems).
struct ConfigJSONDocument: Sendable {
    var root: ConfigJSON
    var duplicateKeys: [ConfigJSONDuplicateKey]
}

/// A key given twice in one object.
struct ConfigJSONDuplicateKey: Sendable, Equatable {
    /// Path of the object holding the key, as in ``ConfigIssue/path``.
    var objectPath: String
    var key: String
    var line: Int
    var column: Int
    var firstLine: Int
    var firstColumn: Int
}

/// A JSON syntax error with its 1-based line and column (columns count Unicode scalars).
struct ConfigJSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    var line: Int
    var column: Int
    var message: String

    var description: String { "line \(line), column \(column): \(message)" }
}

/// A strict RFC 8259 parser over UTF-8 bytes. Never traps: deep nesting, truncation and invalid
/// UTF-8 are reported as ``ConfigJSONSyntaxError``.
struct ConfigJSONParser {
    /// Arrays and objects nested deeper than this are rejected, so hostile input cannot
    /// exhaust the stack.
    static let maxDepth = 64

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0
    private var path: [String] = []
    private var duplicates: [ConfigJSONDuplicateKey] = []

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses a whole document; a leading UTF-8 byte order mark is skipped.
    static func parse(_ bytes: [UInt8]) throws(ConfigJSONSyntaxError) -> ConfigJSONDocument {
        var parser = ConfigJSONParser(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }
        parser.skipWhitespace()
        if parser.index >= bytes.count {
            throw parser.error("the file is empty (expected a JSON object)")
        }
        let root = try parser.parseValue()
        parser.skipWhitespace()
        if parser.index < bytes.count {
            throw parser.error("unexpected \(parser.describeCurrent()) after the end of the document")
        }
        return ConfigJSONDocument(root: root, duplicateKeys: parser.duplicates)
    }

    static func parse(_ data: Data) throws(ConfigJSONSyntaxError) -> ConfigJSONDocument {
        try parse([UInt8](data))
    }

    // MARK: Values

    private mutating func parseValue() throws(ConfigJSONSyntaxError) -> ConfigJSON {
        guard index < bytes.count else { throw error("unexpected end of file, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", .null)
        case UInt8(ascii: "/"): throw error("comments are not allowed in JSON")
        case UInt8(ascii: "'"): throw error("strings must use double quotes")
        default: throw error("expected a value, found \(describeCurrent())")
        }
    }

    private mutating func parseLiteral(
        _ word: String, _ value: ConfigJSON
    ) throws(ConfigJSONSyntaxError) -> ConfigJSON {
        let start = index
        var end = index
        while end < bytes.count, isIdentifierByte(bytes[end]) { end += 1 }
        if Array(bytes[start..<end]) == Array(word.utf8) {
            index = end
            return value
        }
        let found = String(decoding: bytes[start..<end], as: UTF8.self)
        throw error("invalid literal \"\(found)\" (expected true, false, null, a number or a quoted string)")
    }

    private mutating func enterContainer() throws(ConfigJSONSyntaxError) {
        depth += 1
        if depth > Self.maxDepth { throw error("nesting deeper than \(Self.maxDepth) levels") }
    }

    private mutating func parseObject() throws(ConfigJSONSyntaxError) -> ConfigJSON {
        try enterContainer()
        index += 1
        var members: [ConfigJSONMember] = []
        // Byte offsets: positions are computed only for the rare duplicate, as that costs a scan.
        var firstSeen: [String: Int] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object([])
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file, expected a key or '}'") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                if bytes[index] == UInt8(ascii: "}") { throw error("trailing comma before '}'") }
                if bytes[index] == UInt8(ascii: "/") { throw error("comments are not allowed in JSON") }
                throw error("expected '\"' to start a key, found \(describeCurrent()) (keys must be quoted)")
            }
            let keyOffset = index
            let key = try parseString()
            if let firstOffset = firstSeen[key] {
                let here = position(of: keyOffset)
                let first = position(of: firstOffset)
                duplicates.append(
                    ConfigJSONDuplicateKey(
                        objectPath: ConfigPath.join(path), key: key, line: here.line, column: here.column,
                        firstLine: first.line, firstColumn: first.column))
            } else {
                firstSeen[key] = keyOffset
            }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file, expected ':'") }
            guard bytes[index] == UInt8(ascii: ":") else {
                throw error("expected ':' after the key \"\(key)\", found \(describeCurrent())")
            }
            index += 1
            skipWhitespace()
            path.append(ConfigPath.key(key))
            let value = try parseValue()
            path.removeLast()
            members.append(ConfigJSONMember(key: key, value: value))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file, expected ',' or '}'") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return .object(members)
            default:
                throw error("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray() throws(ConfigJSONSyntaxError) -> ConfigJSON {
        try enterContainer()
        index += 1
        var items: [ConfigJSON] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array([])
        }
        while true {
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { throw error("trailing comma before ']'") }
            path.append(ConfigPath.index(items.count))
            let item = try parseValue()
            path.removeLast()
            items.append(item)
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file, expected ',' or ']'") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return .array(items)
            default:
                throw error("expected ',' or ']'")
            }
        }
    }

    // MARK: Strings

    private mutating func parseString() throws(ConfigJSONSyntaxError) -> String {
        index += 1
        var out: [UInt8] = []
        while true {
            guard index < bytes.count else { throw error("unexpected end of file inside a string") }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                let scalar = try parseEscape()
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            case 0x00..<0x20:
                throw error(
                    byte == 0x0A
                        ? "line break inside a string (write it as \\n)"
                        : "control character inside a string (escape it)")
            case 0x00..<0x80:
                out.append(byte)
                index += 1
            default:
                let length = try validUTF8SequenceLength()
                out.append(contentsOf: bytes[index..<index + length])
                index += length
            }
        }
    }

    /// Parses `\x` or `\uXXXX` (with surrogate pairs) at `index`.
    private mutating func parseEscape() throws(ConfigJSONSyntaxError) -> Unicode.Scalar {
        index += 1
        guard index < bytes.count else { throw error("unexpected end of file inside a string") }
        let escape = bytes[index]
        index += 1
        if let byte = JSONLexis.escapedByte(escape) { return Unicode.Scalar(byte) }
        switch escape {
        case UInt8(ascii: "u"):
            let escapeStart = index - 2
            let high = try parseHex4()
            if (0xD800..<0xDC00).contains(high) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u")
                else {
                    throw error("unpaired surrogate \\u\(hex(high)) in a string", at: escapeStart)
                }
                index += 2
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else {
                    throw error("unpaired surrogate \\u\(hex(high)) in a string", at: escapeStart)
                }
                let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                guard let scalar = Unicode.Scalar(value) else {
                    throw error("invalid \\u escape", at: escapeStart)
                }
                return scalar
            }
            guard let scalar = Unicode.Scalar(high) else {
                throw error("unpaired surrogate \\u\(hex(high)) in a string", at: escapeStart)
            }
            return scalar
        default:
            index -= 1
            throw error("invalid escape \\\(describeByte(escape)) in a string", at: index - 1)
        }
    }

    private mutating func parseHex4() throws(ConfigJSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw error("unexpected end of file inside a \\u escape") }
            guard let digit = JSONLexis.hexDigit(bytes[index]) else {
                throw error("expected 4 hex digits after \\u")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Length of the well-formed UTF-8 sequence at `index` (Unicode table 3-7), or an error.
    private func validUTF8SequenceLength() throws(ConfigJSONSyntaxError) -> Int {
        let lead = bytes[index]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: throw error("invalid UTF-8 byte 0x\(hex(UInt32(lead), width: 2))")
        }
        for offset in 1..<length {
            let position = index + offset
            guard position < bytes.count else { throw error("invalid UTF-8: truncated sequence") }
            let range = offset == 1 ? secondRange : 0x80...0xBF
            guard range.contains(bytes[position]) else {
                throw error("invalid UTF-8 byte 0x\(hex(UInt32(bytes[position]), width: 2))", at: position)
            }
        }
        return length
    }

    // MARK: Numbers

    private mutating func parseNumber() throws(ConfigJSONSyntaxError) -> ConfigJSON {
        let start = index
        let isInteger: Bool
        do {
            (index, isInteger) = try JSONLexis.scanNumber(bytes, from: start)
        } catch {
            index = error.offset
            let message =
                switch error.rule {
                case .digitAfterMinus: "expected a digit after '-'"
                case .leadingZero: "numbers must not have leading zeros"
                case .digitAfterPoint: "expected a digit after '.'"
                case .digitInExponent: "expected a digit in the exponent"
                }
            throw self.error(message)
        }
        if index < bytes.count, isIdentifierByte(bytes[index]) {
            throw error("unexpected \(describeCurrent()) after a number (durations must be quoted, e.g. \"5s\")")
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let value = Int(text) { return .int(value) }
        guard let value = Double(text), value.isFinite else {
            throw error("number \(text) is out of range", at: start)
        }
        return .double(value)
    }

    // MARK: Positions and messages

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func isIdentifierByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    /// 1-based line and column of a byte offset; the column counts Unicode scalars, so a Korean
    /// title before the error does not push it to the right.
    private func position(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        let end = min(offset, bytes.count)
        var i = 0
        while i < end {
            let byte = bytes[i]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80, !(i < 3 && bytes.starts(with: [0xEF, 0xBB, 0xBF])) {
                column += 1
            }
            i += 1
        }
        return (line, column)
    }

    private func error(_ message: String, at offset: Int? = nil) -> ConfigJSONSyntaxError {
        let where_ = position(of: offset ?? index)
        return ConfigJSONSyntaxError(line: where_.line, column: where_.column, message: message)
    }

    private func describeCurrent() -> String {
        guard index < bytes.count else { return "end of file" }
        return describeByte(bytes[index])
    }

    private func describeByte(_ byte: UInt8) -> String {
        if byte >= 0x21, byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte >= 0x80 { return "a non-ASCII character outside a string" }
        return "byte 0x\(hex(UInt32(byte), width: 2))"
    }

    private func hex(_ value: UInt32, width: Int = 4) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// Formats config paths the way error lines show them: `services[3].probe.headers["X-Key"]`.
enum ConfigPath {
    /// A member path component: `.name`, or `["odd key"]` when the key is not a plain identifier.
    static func key(_ key: String) -> String {
        let isPlain =
            !key.isEmpty
            && key.unicodeScalars.enumerated().allSatisfy { offset, scalar in
                scalar == "_" || scalar == "$" || (scalar.isASCII && scalar.properties.isAlphabetic)
                    || (offset > 0 && scalar.isASCII && ("0"..."9").contains(scalar))
            }
        if isPlain { return "." + key }
        var escaped = ""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return "[\"" + escaped + "\"]"
    }

    static func index(_ index: Int) -> String { "[\(index)]" }

    /// Joins components; the leading dot of the first key is dropped.
    static func join(_ components: [String]) -> String {
        let joined = components.joined()
        return joined.hasPrefix(".") ? String(joined.dropFirst()) : joined
    }

    static func child(_ path: String, _ key: String) -> String { join([path, Self.key(key)]) }

    static func child(_ path: String, _ index: Int) -> String { path + Self.index(index) }
}
