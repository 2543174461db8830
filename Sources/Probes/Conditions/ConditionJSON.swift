/// A response body read as JSON without building a tree: validated once, then walked by byte offsets.
///
/// Everything here is iterative, so no nesting depth can exhaust the stack, and every byte access is
/// bounds-checked through ``byte(_:)``, so no body can crash it.
struct ConditionJSON: Sendable {
    let bytes: [UInt8]
    /// Offset of the root value.
    let root: Int

    /// `nil` when the bytes are not exactly one JSON document (surrounding whitespace allowed).
    init?(_ bytes: [UInt8]) {
        guard let root = Self.validatedRoot(bytes) else { return nil }
        self.bytes = bytes
        self.root = root
    }

    enum Found: Equatable {
        case at(Int)
        /// The index of the first path segment that could not be followed.
        case missing(segment: Int)
    }

    /// Follows a path from the root; for a duplicated key the last one wins, as in Go and JavaScript.
    func find(_ path: [ConditionPathSegment]) -> Found {
        var offset = root
        for (number, segment) in path.enumerated() {
            let next: Int?
            switch segment {
            case .key(let key): next = member(key, inObjectAt: offset)
            case .index(let index): next = element(index, inArrayAt: offset)
            }
            guard let next else { return .missing(segment: number) }
            offset = next
        }
        return .at(offset)
    }

    func value(at offset: Int) -> ConditionValue {
        switch byte(offset) {
        case Self.quote: return .text(string(at: offset))
        case UInt8(ascii: "t"): return .bool(true)
        case UInt8(ascii: "f"): return .bool(false)
        case UInt8(ascii: "n"): return .null
        case Self.openBrace, Self.openBracket: return .json(self, offset)
        default:
            let end = valueEnd(offset)
            let literal = String(decoding: bytes[offset..<end], as: UTF8.self)
            return .jsonNumber(Double(literal) ?? .nan, literal)
        }
    }

    func isNull(at offset: Int) -> Bool { byte(offset) == UInt8(ascii: "n") }
    func isObject(at offset: Int) -> Bool { byte(offset) == Self.openBrace }
    func isArray(at offset: Int) -> Bool { byte(offset) == Self.openBracket }

    /// `len()`: members of an object or array, characters of a string, 0 for null, else the literal's length.
    func length(at offset: Int) -> Int {
        if let count = memberCount(at: offset) { return count }
        switch byte(offset) {
        case Self.quote: return string(at: offset).count
        case UInt8(ascii: "n"): return 0
        default: return valueEnd(offset) - offset
        }
    }

    /// The number of members of the object or elements of the array at `offset`; `nil` for anything else.
    func memberCount(at offset: Int) -> Int? {
        let open = byte(offset)
        guard open == Self.openBrace || open == Self.openBracket else { return nil }
        var count = 0
        forEachEntry(ofContainerAt: offset) { _, _ in
            count += 1
            return true
        }
        return count
    }

    /// The container at `offset` as compact JSON text, cut after about `limit` bytes when one is given.
    func compactText(at offset: Int, limit: Int? = nil) -> String {
        let end = valueEnd(offset)
        var out: [UInt8] = []
        var inString = false
        var escaped = false
        var index = offset
        while index < end {
            let byte = bytes[index]
            index += 1
            if inString {
                out.append(byte)
                if escaped {
                    escaped = false
                } else if byte == Self.backslash {
                    escaped = true
                } else if byte == Self.quote {
                    inString = false
                }
            } else if !Self.isWhitespace(byte) {
                out.append(byte)
                inString = byte == Self.quote
            }
            if let limit, out.count >= limit { break }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Walking

    private func member(_ key: String, inObjectAt offset: Int) -> Int? {
        guard byte(offset) == Self.openBrace else { return nil }
        var found: Int?
        forEachEntry(ofContainerAt: offset) { keyStart, valueStart in
            if let keyStart, keyMatches(key, stringAt: keyStart) { found = valueStart }
            return true
        }
        return found
    }

    private func element(_ index: Int, inArrayAt offset: Int) -> Int? {
        guard byte(offset) == Self.openBracket else { return nil }
        var position = 0
        var found: Int?
        forEachEntry(ofContainerAt: offset) { _, valueStart in
            if position == index {
                found = valueStart
                return false
            }
            position += 1
            return true
        }
        return found
    }

    /// Calls `body` with (key offset for objects, value offset) per entry until it returns false.
    private func forEachEntry(ofContainerAt offset: Int, _ body: (Int?, Int) -> Bool) {
        let isObject = byte(offset) == Self.openBrace
        let close = isObject ? Self.closeBrace : Self.closeBracket
        var index = skipWhitespace(offset + 1)
        guard byte(index) != close else { return }
        while index < bytes.count {
            var keyStart: Int?
            if isObject {
                keyStart = index
                index = skipWhitespace(stringEnd(index) ?? bytes.count)
                index = skipWhitespace(index + 1)  // past ':'
            }
            guard index < bytes.count, body(keyStart, index) else { return }
            index = skipWhitespace(valueEnd(index))
            guard byte(index) == Self.comma else { return }
            index = skipWhitespace(index + 1)
        }
    }

    private func keyMatches(_ key: String, stringAt offset: Int) -> Bool {
        let end = (stringEnd(offset) ?? bytes.count) - 1
        guard end > offset else { return false }
        let raw = bytes[(offset + 1)..<end]
        if !raw.contains(Self.backslash) { return key.utf8.elementsEqual(raw) }
        return key.utf8.elementsEqual(Self.unescaped(raw))
    }

    private func string(at offset: Int) -> String {
        let end = (stringEnd(offset) ?? bytes.count) - 1
        guard end > offset else { return "" }
        let raw = bytes[(offset + 1)..<end]
        if !raw.contains(Self.backslash) { return String(decoding: raw, as: UTF8.self) }
        return String(decoding: Self.unescaped(raw), as: UTF8.self)
    }

    /// The offset just past the value starting at `offset` (the document is known to be valid).
    private func valueEnd(_ offset: Int) -> Int {
        switch byte(offset) {
        case Self.quote:
            return stringEnd(offset) ?? bytes.count
        case Self.openBrace, Self.openBracket:
            var depth = 0
            var index = offset
            while index < bytes.count {
                let byte = bytes[index]
                if byte == Self.quote {
                    index = stringEnd(index) ?? bytes.count
                    continue
                }
                if byte == Self.openBrace || byte == Self.openBracket {
                    depth += 1
                } else if byte == Self.closeBrace || byte == Self.closeBracket {
                    depth -= 1
                    if depth == 0 { return index + 1 }
                }
                index += 1
            }
            return bytes.count
        default:
            var index = offset
            while index < bytes.count, !Self.endsScalar(bytes[index]) { index += 1 }
            return index
        }
    }

    private func byte(_ offset: Int) -> UInt8 { Self.byte(bytes, offset) }
    private func skipWhitespace(_ offset: Int) -> Int { Self.skipWhitespace(bytes, offset) }
    private func stringEnd(_ offset: Int) -> Int? { Self.stringEnd(bytes, offset) }
}

// MARK: - Validation and lexing

extension ConditionJSON {
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let comma = UInt8(ascii: ",")
    static let colon = UInt8(ascii: ":")

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private static func endsScalar(_ byte: UInt8) -> Bool {
        isWhitespace(byte) || byte == comma || byte == closeBrace || byte == closeBracket
    }

    /// 0 past the end, so look-ahead never traps.
    static func byte(_ bytes: [UInt8], _ offset: Int) -> UInt8 {
        offset >= 0 && offset < bytes.count ? bytes[offset] : 0
    }

    static func skipWhitespace(_ bytes: [UInt8], _ offset: Int) -> Int {
        var index = offset
        while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
        return index
    }

    /// Offset of the root when `bytes` is one valid JSON document; a stack of open containers instead of
    /// recursion keeps deep nesting safe.
    static func validatedRoot(_ bytes: [UInt8]) -> Int? {
        // A byte order mark is not JSON, but some servers send one; it says nothing about the content.
        let hasByteOrderMark = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        let root = skipWhitespace(bytes, hasByteOrderMark ? 3 : 0)
        var index = root
        var open: [UInt8] = []
        var expectingValue = true
        while true {
            if expectingValue {
                switch byte(bytes, index) {
                case openBrace:
                    index = skipWhitespace(bytes, index + 1)
                    if byte(bytes, index) == closeBrace {
                        index += 1
                        expectingValue = false
                    } else {
                        open.append(openBrace)
                        guard let valueStart = memberValueStart(bytes, index) else { return nil }
                        index = valueStart
                    }
                case openBracket:
                    index = skipWhitespace(bytes, index + 1)
                    if byte(bytes, index) == closeBracket {
                        index += 1
                        expectingValue = false
                    } else {
                        open.append(openBracket)
                    }
                default:
                    guard let end = scalarEnd(bytes, index) else { return nil }
                    index = end
                    expectingValue = false
                }
            } else {
                index = skipWhitespace(bytes, index)
                guard let container = open.last else { return index == bytes.count ? root : nil }
                let next = byte(bytes, index)
                if next == comma {
                    index = skipWhitespace(bytes, index + 1)
                    if container == openBrace {
                        guard let valueStart = memberValueStart(bytes, index) else { return nil }
                        index = valueStart
                    }
                    expectingValue = true
                } else if (next == closeBrace && container == openBrace)
                    || (next == closeBracket && container == openBracket)
                {
                    open.removeLast()
                    index += 1
                } else {
                    return nil
                }
            }
        }
    }

    /// From a member's key, the offset of its value.
    private static func memberValueStart(_ bytes: [UInt8], _ offset: Int) -> Int? {
        guard byte(bytes, offset) == quote, let keyEnd = stringEnd(bytes, offset) else { return nil }
        let colonOffset = skipWhitespace(bytes, keyEnd)
        guard byte(bytes, colonOffset) == colon else { return nil }
        return skipWhitespace(bytes, colonOffset + 1)
    }

    /// The end of a string, number, `true`, `false` or `null` starting at `offset`.
    private static func scalarEnd(_ bytes: [UInt8], _ offset: Int) -> Int? {
        switch byte(bytes, offset) {
        case quote: return stringEnd(bytes, offset)
        case UInt8(ascii: "t"): return wordEnd(bytes, offset, "true")
        case UInt8(ascii: "f"): return wordEnd(bytes, offset, "false")
        case UInt8(ascii: "n"): return wordEnd(bytes, offset, "null")
        default: return numberEnd(bytes, offset)
        }
    }

    private static func wordEnd(_ bytes: [UInt8], _ offset: Int, _ word: StaticString) -> Int? {
        let count = word.utf8CodeUnitCount
        guard offset + count <= bytes.count else { return nil }
        let matches = word.withUTF8Buffer { bytes[offset..<(offset + count)].elementsEqual($0) }
        return matches ? offset + count : nil
    }

    private static func numberEnd(_ bytes: [UInt8], _ offset: Int) -> Int? {
        try? JSONLexis.scanNumber(bytes, from: offset).end
    }

    /// The offset just past the closing quote of the string starting at `offset`; `nil` when malformed.
    /// Invalid UTF-8 inside is tolerated (and repaired when decoded), as Go's decoder does.
    static func stringEnd(_ bytes: [UInt8], _ offset: Int) -> Int? {
        guard byte(bytes, offset) == quote else { return nil }
        var index = offset + 1
        while index < bytes.count {
            let current = bytes[index]
            if current == quote { return index + 1 }
            if current < 0x20 { return nil }
            if current == backslash {
                let letter = byte(bytes, index + 1)
                if JSONLexis.escapedByte(letter) != nil {
                    index += 2
                } else if letter == UInt8(ascii: "u"), hexValue(bytes[...], index + 2) != nil {
                    index += 6
                } else {
                    return nil
                }
            } else {
                index += 1
            }
        }
        return nil
    }

    /// Four hex digits at `offset`.
    private static func hexValue(_ bytes: ArraySlice<UInt8>, _ offset: Int) -> UInt32? {
        guard offset >= bytes.startIndex, offset + 4 <= bytes.endIndex else { return nil }
        var value: UInt32 = 0
        for byte in bytes[offset..<(offset + 4)] {
            guard let digit = JSONLexis.hexDigit(byte) else { return nil }
            value = value << 4 | digit
        }
        return value
    }

    /// The UTF-8 bytes of a string's contents with its escapes resolved; lone surrogates become U+FFFD.
    static func unescaped(_ raw: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index < raw.endIndex {
            let current = raw[index]
            guard current == backslash, index + 1 < raw.endIndex else {
                out.append(current)
                index += 1
                continue
            }
            let escape = raw[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "u"):
                guard let unit = hexValue(raw, index) else { continue }
                index += 4
                var scalar = Unicode.Scalar(unit)
                if (0xD800...0xDBFF).contains(unit), raw.count >= 2,
                    index + 1 < raw.endIndex, raw[index] == backslash, raw[index + 1] == UInt8(ascii: "u"),
                    let low = hexValue(raw, index + 2), (0xDC00...0xDFFF).contains(low)
                {
                    scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                    index += 6
                }
                UTF8.encode(scalar ?? "\u{FFFD}") { out.append($0) }
            default: out.append(JSONLexis.escapedByte(escape) ?? escape)
            }
        }
        return out
    }
}
