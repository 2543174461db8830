import Testing

@testable import Dashboard

@Suite("Display width")
struct DisplayWidthTests {
    @Test("printable ASCII is one column, control characters are not drawn")
    func ascii() {
        #expect(Character("a").displayWidth == 1)
        #expect(Character(" ").displayWidth == 1)
        #expect(Character("~").displayWidth == 1)
        #expect(Character("\t").displayWidth == nil)
        #expect(Character("\u{7}").displayWidth == nil)
        #expect(Character("\u{7F}").displayWidth == nil)
        #expect(Character("\r\n").displayWidth == nil)
        #expect(Character("\u{9B}").displayWidth == nil)
    }

    @Test("Hangul, CJK and fullwidth forms take two columns; halfwidth forms one")
    func eastAsianWide() {
        #expect(Character("한").displayWidth == 2)
        #expect(Character("\u{1100}").displayWidth == 2)  // Hangul choseong kiyeok
        #expect(Character("\u{1100}\u{1161}\u{11A8}").displayWidth == 2)  // 각 from conjoining jamo
        #expect(Character("ㄱ").displayWidth == 2)  // compatibility jamo
        #expect(Character("中").displayWidth == 2)
        #expect(Character("日").displayWidth == 2)
        #expect(Character("Ａ").displayWidth == 2)  // fullwidth A
        #expect(Character("ｱ").displayWidth == 1)  // halfwidth katakana
        #expect(Character("\u{20000}").displayWidth == 2)  // CJK extension B
    }

    @Test("combining marks join their base; a lone mark is zero width")
    func combining() {
        #expect(Character("e\u{301}").displayWidth == 1)
        #expect(Character("\u{301}").displayWidth == 0)
        #expect(Character("한\u{302}").displayWidth == 2)
        #expect("e\u{301}x".displayWidth == 2)
    }

    @Test("emoji presentation is two columns, text-style symbols one")
    func emoji() {
        #expect(Character("😀").displayWidth == 2)
        #expect(Character("👍🏽").displayWidth == 2)
        #expect(Character("👨‍👩‍👧").displayWidth == 2)
        #expect(Character("🇰🇷").displayWidth == 2)
        #expect(Character("❤️").displayWidth == 2)
        #expect(Character("❤").displayWidth == 1)
        #expect(Character("1️⃣").displayWidth == 2)
        #expect(Character("✅").displayWidth == 2)
    }

    @Test("the board's own glyphs are one column")
    func boardGlyphs() {
        for glyph in ["●", "▲", "✖", "?", "▶", "…", "├", "─", "│", "└", "█", "░", "▁", "⢹", "•"] {
            #expect(glyph.displayWidth == 1, "\(glyph)")
        }
    }

    @Test("format characters that could reorder or hide text are dropped")
    func formatCharacters() {
        #expect(Character("\u{200B}").displayWidth == nil)  // zero width space
        #expect(Character("\u{202E}").displayWidth == nil)  // right-to-left override
        #expect(Character("\u{2066}").displayWidth == nil)  // left-to-right isolate
        #expect(Character("\u{FEFF}").displayWidth == nil)
    }

    @Test("strings add up their glyphs")
    func strings() {
        #expect("한국어".displayWidth == 6)
        #expect("a한b".displayWidth == 4)
        #expect("credit-bureau 신용평가".displayWidth == 22)
        #expect("a\tb".displayWidth == 2)
        #expect("".displayWidth == 0)
    }
}
