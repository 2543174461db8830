import Testing

@testable import Dashboard

@Suite("Screen writes")
struct ScreenTests {
    private func written(_ text: String, width: Int, x: Int = 0, clip: Rect? = nil) -> Screen {
        var screen = Screen(width: width, height: 1)
        screen.put(text, x: x, y: 0, clip: clip)
        return screen
    }

    @Test("a 3-glyph Korean word in 5 columns clips to two glyphs and a space")
    func koreanClipsByDisplayWidth() {
        let screen = written("한국어", width: 5)
        #expect(screen.lines == ["한국 "])
        #expect(screen[x: 0, y: 0] == Cell(symbol: "한", width: 2))
        #expect(screen[x: 1, y: 0].isContinuation)
        #expect(screen[x: 2, y: 0].symbol == "국")
        #expect(screen[x: 3, y: 0].isContinuation)
        #expect(screen[x: 4, y: 0] == .blank)
    }

    @Test(
        "mixed Korean and ASCII at odd and even widths",
        arguments: [
            (7, "ab한국c"), (6, "ab한국"), (5, "ab한 "), (4, "ab한"), (3, "ab "), (2, "ab"), (1, "a"),
        ]
    )
    func mixedWidths(width: Int, expected: String) {
        let screen = written("ab한국c", width: width)
        #expect(screen.lines == [expected])
        #expect(screen.lines[0].displayWidth == width)
    }

    @Test("text stops at the clip rectangle, not the screen edge")
    func clipRect() {
        let screen = written("한국어", width: 8, clip: Rect(x: 0, y: 0, width: 3, height: 1))
        #expect(screen.lines == ["한      "])
    }

    @Test("a wide glyph cut by the left clip edge leaves a space")
    func leftClip() {
        var screen = Screen(width: 6, height: 1)
        screen.fill(screen.area, with: ".")
        screen.put("한국", x: 0, y: 0, clip: Rect(x: 1, y: 0, width: 5, height: 1))
        #expect(screen.lines == [". 국.."])
    }

    @Test("writing over either half of a wide glyph blanks the other half")
    func overwriteHalf() {
        var screen = written("한국", width: 4)
        screen.put("x", x: 1, y: 0)
        #expect(screen.lines == [" x국"])
        #expect(!screen[x: 0, y: 0].isContinuation && screen[x: 0, y: 0].width == 1)

        screen = written("한국", width: 4)
        screen.put("y", x: 2, y: 0)
        #expect(screen.lines == ["한y "])
    }

    @Test("a wide glyph written over narrow text and the next wide glyph keeps every glyph whole")
    func wideOverWide() {
        var screen = written("abcd", width: 4)
        screen.put("한", x: 1, y: 0)
        #expect(screen.lines == ["a한d"])
        screen.put("국", x: 2, y: 0)
        #expect(screen.lines == ["a 국"])
        #expect(screen[x: 3, y: 0].isContinuation)
    }

    @Test("a wide glyph never starts in the last column")
    func wideAtEdge() {
        #expect(written("ab한", width: 3).lines == ["ab "])
        #expect(written("한", width: 1).lines == [" "])
    }

    @Test("combining marks join the previous glyph; a leading one is dropped")
    func combiningMarks() {
        let screen = written("e\u{301}x", width: 3)
        #expect(screen[x: 0, y: 0].symbol == "e\u{301}")
        #expect(screen[x: 1, y: 0].symbol == "x")
        #expect(written("\u{301}abc", width: 3).lines == ["abc"])
    }

    @Test("control characters are dropped, not drawn")
    func controls() {
        #expect(written("a\tb\u{7}c\u{1B}[31m", width: 8).lines == ["abc[31m "])
        #expect(written("a\u{202E}b", width: 3).lines == ["ab "])
    }

    @Test("emoji take two cells")
    func emoji() {
        let screen = written("😀a", width: 4)
        #expect(screen.lines == ["😀a "])
        #expect(screen[x: 1, y: 0].isContinuation)
    }

    @Test("writes outside the frame change nothing; a negative start clips on the left")
    func outside() {
        var screen = Screen(width: 3, height: 1)
        screen.put("abc", x: 0, y: 1)
        screen.put("abc", x: 0, y: -1)
        #expect(screen == Screen(width: 3, height: 1))
        screen.put("abc", x: -1, y: 0)
        #expect(screen.lines == ["bc "])
        #expect(screen.put("abc", x: 5, y: 0) == 5)
    }

    @Test("put returns the column after the last glyph drawn")
    func returnsColumn() {
        var screen = Screen(width: 10, height: 1)
        #expect(screen.put("a한", x: 1, y: 0) == 4)
    }

    @Test("styles travel with the cells; applyStyle lays attributes over them")
    func styles() {
        var screen = Screen(width: 4, height: 1)
        screen.put("ab", x: 0, y: 0, style: .fg(.red))
        screen.applyStyle(Style(attributes: .reverse), to: Rect(x: 1, y: 0, width: 3, height: 1))
        #expect(screen[x: 0, y: 0].style == .fg(.red))
        #expect(screen[x: 1, y: 0].style == Style(foreground: .red, attributes: .reverse))
        #expect(screen[x: 3, y: 0].style == Style(attributes: .reverse))
    }

    @Test("lines keep trailing spaces; trimmedText drops them but keeps every row")
    func plainText() {
        var screen = Screen(width: 4, height: 3)
        screen.put("한", x: 0, y: 0)
        screen.put("b", x: 1, y: 2)
        #expect(screen.lines == ["한  ", "    ", " b  "])
        #expect(screen.trimmedText == "한\n\n b")
    }

    @Test("zero and negative sizes make an empty frame that ignores writes")
    func emptyScreen() {
        var screen = Screen(width: -3, height: 0)
        screen.put("abc", x: 0, y: 0)
        screen.fill(Rect(x: 0, y: 0, width: 5, height: 5))
        #expect(screen.width == 0 && screen.cells.isEmpty)
    }
}

@Suite("Line truncation")
struct LineTruncationTests {
    @Test("cut by display width with an ellipsis, never splitting a wide glyph")
    func truncate() {
        #expect("abcdef".truncated(toWidth: 4, ellipsis: "…") == "abc…")
        #expect("abcd".truncated(toWidth: 4, ellipsis: "…") == "abcd")
        #expect("한국어서비스".truncated(toWidth: 7, ellipsis: "…") == "한국어…")
        #expect("한국어서비스".truncated(toWidth: 6, ellipsis: "…") == "한국…")
        #expect("한국어".truncated(toWidth: 1, ellipsis: "…") == "")
        #expect("abc".truncated(toWidth: 1, ellipsis: "~") == "a")
        #expect("abc".truncated(toWidth: 0, ellipsis: "~") == "")
    }

    @Test("spans keep their styles; the ellipsis takes the style of the cut span")
    func styledTruncate() {
        let line = Line([Span("● ", style: .fg(.green)), Span("credit-bureau", style: .fg(.red))])
        let cut = line.truncated(toWidth: 8, ellipsis: "…")
        #expect(cut.plainText == "● credi…")
        #expect(cut.spans.last == Span("…", style: .fg(.red)))
    }
}
