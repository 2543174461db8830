/// The lexical rules of JSON (RFC 8259) for strings and numbers, in one place for the two scanners
/// that read JSON byte by byte: the config parser (``ConfigJSONParser``, which says where a rule
/// is broken) and the condition scanner (``ConditionJSON``, which only needs where a token ends).
enum JSONLexis {
    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// The value of one hex digit, `nil` for any other byte.
    static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// The byte that the one-letter escape `\letter` stands for (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`,
    /// `\r`, `\t`); `nil` for `\u` (four hex digits follow) and for letters JSON does not allow.
    static func escapedByte(_ letter: UInt8) -> UInt8? {
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): letter
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }

    /// Where a number breaks the grammar: the rule, and the offset where the scan stopped.
    struct NumberError: Error, Equatable {
        enum Rule: Equatable {
            /// No digit at the start, or after a `-`.
            case digitAfterMinus
            /// A `0` followed by another digit.
            case leadingZero
            /// No digit after the `.`.
            case digitAfterPoint
            /// No digit after the `e` (and its sign).
            case digitInExponent
        }

        var rule: Rule
        var offset: Int
    }

    /// Scans the number starting at `offset`: the offset just past it, and whether it has neither
    /// a fraction nor an exponent. What follows the number is the caller's to judge.
    static func scanNumber(_ bytes: [UInt8], from offset: Int) throws(NumberError) -> (end: Int, isInteger: Bool) {
        func at(_ index: Int) -> UInt8 { index < bytes.count ? bytes[index] : 0 }
        var index = offset
        var isInteger = true
        if at(index) == UInt8(ascii: "-") { index += 1 }
        guard isDigit(at(index)) else { throw NumberError(rule: .digitAfterMinus, offset: index) }
        if at(index) == UInt8(ascii: "0") {
            index += 1
            if isDigit(at(index)) { throw NumberError(rule: .leadingZero, offset: index) }
        } else {
            while isDigit(at(index)) { index += 1 }
        }
        if at(index) == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard isDigit(at(index)) else { throw NumberError(rule: .digitAfterPoint, offset: index) }
            while isDigit(at(index)) { index += 1 }
        }
        if at(index) == UInt8(ascii: "e") || at(index) == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if at(index) == UInt8(ascii: "+") || at(index) == UInt8(ascii: "-") { index += 1 }
            guard isDigit(at(index)) else { throw NumberError(rule: .digitInExponent, offset: index) }
            while isDigit(at(index)) { index += 1 }
        }
        return (index, isInteger)
    }
}
