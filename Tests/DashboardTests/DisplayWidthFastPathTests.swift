import Testing

@testable import Dashboard

/// The one-glyph-per-scalar fast path must agree with grapheme-by-grapheme drawing.
@Suite("Display width fast path")
struct DisplayWidthFastPathTests {
    /// Width and cells the slow way: one Character at a time.
    private func reference(_ text: String, width: Int) -> Screen {
        var screen = Screen(width: width, height: 1)
        var column = 0
        for character in text {
            guard let glyphWidth = character.displayWidth, glyphWidth > 0 else { continue }
            guard column + glyphWidth <= width else {
                if column < width { screen.put(" ", x: column, y: 0) }
                break
            }
            screen.put(String(character), x: column, y: 0)
            column += glyphWidth
        }
        return screen
    }

    @Test(
        "simple text takes the fast path and matches the reference",
        arguments: [
            "credit-bureau", "신용평가 NICE", "├─ ✖ loan-application 대출 신청", "▁▂▃▄▅▆▇█ ░░ 42%", "⠉⠒⣀ ← ×3 · …",
            "본인인증 SMS·간편인증", "à la carte ©",
        ])
    func simple(text: String) {
        #expect(DisplayWidth.isSimple(text))
        #expect(text.displayWidth == text.reduce(0) { $0 + ($1.displayWidth ?? 0) })
        for width in [1, 5, 8, 13, 40] {
            var screen = Screen(width: width, height: 1)
            screen.put(text, x: 0, y: 0)
            #expect(screen == reference(text, width: width), "\(text) at \(width)")
        }
    }

    @Test(
        "text that could join scalars takes the general path",
        arguments: [
            "e\u{301}", "✖\u{FE0F}", "👩‍💻", "🇰🇷", "\u{1100}\u{1161}", "a\u{200B}b", "tab\there",
        ])
    func general(text: String) {
        #expect(!DisplayWidth.isSimple(text))
        #expect(text.displayWidth == text.reduce(0) { $0 + ($1.displayWidth ?? 0) })
    }
}
