/// Terminal display width of grapheme clusters, as wcwidth-style terminals lay them out.
///
/// East Asian Wide and Fullwidth characters (Hangul, CJK, fullwidth forms) and emoji with emoji
/// presentation take two columns; combining marks take none; control and format characters are not
/// displayed at all. Ambiguous-width characters (box drawing, `●`, `▲`) count as one column, as in a
/// UTF-8 locale outside East Asia.
extension Character {
    /// Columns this grapheme cluster occupies: 1 or 2, 0 for a lone combining mark (it belongs to the
    /// previous cell), or `nil` for characters that are never drawn (controls, bidi and other format
    /// characters, which could also reorder or hide what the terminal shows).
    public var displayWidth: Int? {
        // ASCII fast path: almost every byte the board draws.
        if let ascii = asciiValue {
            return ascii >= 0x20 && ascii < 0x7F ? 1 : nil
        }
        return DisplayWidth.width(of: unicodeScalars)
    }
}

extension StringProtocol {
    /// Columns the whole text occupies once drawn (undisplayable characters count zero).
    public var displayWidth: Int {
        // Printable ASCII (nearly everything the board draws) is one column per byte.
        var printable = 0
        for byte in utf8 {
            guard byte >= 0x20, byte < 0x7F else {
                printable = -1
                break
            }
            printable += 1
        }
        if printable >= 0 { return printable }
        if DisplayWidth.isSimple(self) {
            return unicodeScalars.reduce(0) { $0 + DisplayWidth.simpleWidth($1.value) }
        }
        var total = 0
        for character in self {
            total += character.displayWidth ?? 0
        }
        return total
    }
}

enum DisplayWidth {
    /// Whether every scalar of `text` is a glyph of its own that nothing can join: printable ASCII and
    /// Latin-1, general punctuation, arrows, box drawing, blocks, geometric shapes, dingbats, braille
    /// and precomposed Hangul syllables. Such text needs no grapheme breaking: one scalar, one glyph.
    /// Anything else (a combining mark, a variation selector, a joiner, a jamo) takes the general path.
    static func isSimple<S: StringProtocol>(_ text: S) -> Bool {
        for scalar in text.unicodeScalars where !isSimple(scalar.value) {
            return false
        }
        return true
    }

    private static func isSimple(_ value: UInt32) -> Bool {
        switch value {
        case 0x20..<0x7F, 0xA0..<0xAD, 0xAE...0xFF: true
        case 0x2010...0x2027, 0x2030...0x205E: true
        case 0x2190...0x21FF, 0x2500...0x27BF, 0x2800...0x28FF: true
        case 0xAC00...0xD7A3: true
        default: false
        }
    }

    /// The width of a scalar for which `isSimple` holds.
    static func simpleWidth(_ value: UInt32) -> Int {
        if value < 0x2010 { return 1 }
        if value >= 0xAC00 { return 2 }
        return isWide(value) ? 2 : 1
    }

    static func width(of scalars: Character.UnicodeScalarView) -> Int? {
        guard let first = scalars.first else { return nil }
        let value = first.value
        // Fast paths for what the board draws most after ASCII: Hangul syllables, and box, block,
        // arrow and braille glyphs (none of them emoji, so only a variation selector could widen them).
        if (0xAC00...0xD7A3).contains(value), scalars.count == 1 { return 2 }
        if (0x2190...0x21FF).contains(value) || (0x2500...0x259F).contains(value)
            || (0x2800...0x28FF).contains(value), scalars.count == 1
        {
            return 1
        }
        let properties = first.properties
        switch properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate:
            return nil
        case .nonspacingMark, .enclosingMark:
            return 0
        default:
            break
        }
        // Hangul medial vowels and final consonants only ever extend a preceding syllable.
        if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) {
            return 0
        }
        if value < 0x1100 {
            // Below the first wide block; only a keycap sequence ("1️⃣") turns these into emoji.
            return hasEmojiVariation(scalars) && properties.isEmoji ? 2 : 1
        }
        if (0x1F1E6...0x1F1FF).contains(value) {
            // Regional indicators: a pair is a flag, a lone one a letter.
            return scalars.count >= 2 ? 2 : 1
        }
        if isWide(value) {
            return 2
        }
        // Below U+1F000 every emoji-presentation character is in the wide table already.
        if value < 0x1F000, scalars.count == 1 {
            return 1
        }
        if properties.isEmojiPresentation {
            return 2
        }
        if properties.isEmoji && hasEmojiVariation(scalars) {
            return 2
        }
        return 1
    }

    private static func hasEmojiVariation(_ scalars: Character.UnicodeScalarView) -> Bool {
        scalars.contains { $0.value == 0xFE0F }
    }

    static func isWide(_ value: UInt32) -> Bool {
        var low = 0
        var high = wideRanges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = wideRanges[middle]
            if value < range.lowerBound {
                high = middle - 1
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    /// East Asian Width W and F (Unicode 14), adjacent runs merged across unassigned gaps; the CJK
    /// ideograph planes are wide as a whole, so newer ideographs are too.
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
        0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693, 0x26A1...0x26A1,
        0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA,
        0x26F2...0x26F3, 0x26F5...0x26F5, 0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B,
        0x2728...0x2728, 0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55, 0x2E80...0x303E,
        0x3041...0x3247, 0x3250...0x4DBF, 0x4E00...0xA4C6, 0xA960...0xA97C, 0xAC00...0xD7A3, 0xF900...0xFAFF,
        0xFE10...0xFE19, 0xFE30...0xFE6B, 0xFF01...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x1B2FB, 0x1F004...0x1F004,
        0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F320, 0x1F32D...0x1F335,
        0x1F337...0x1F37C, 0x1F37E...0x1F393, 0x1F3A0...0x1F3CA, 0x1F3CF...0x1F3D3, 0x1F3E0...0x1F3F0,
        0x1F3F4...0x1F3F4, 0x1F3F8...0x1F43E, 0x1F440...0x1F440, 0x1F442...0x1F4FC, 0x1F4FF...0x1F53D,
        0x1F54B...0x1F54E, 0x1F550...0x1F567, 0x1F57A...0x1F57A, 0x1F595...0x1F596, 0x1F5A4...0x1F5A4,
        0x1F5FB...0x1F64F, 0x1F680...0x1F6C5, 0x1F6CC...0x1F6CC, 0x1F6D0...0x1F6D2, 0x1F6D5...0x1F6DF,
        0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC, 0x1F7E0...0x1F7F0, 0x1F90C...0x1F93A, 0x1F93C...0x1F945,
        0x1F947...0x1F9FF, 0x1FA70...0x1FAF6, 0x20000...0x3FFFD,
    ]
}
