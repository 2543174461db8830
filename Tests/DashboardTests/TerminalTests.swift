import Testing

@testable import Dashboard

@Suite("Terminal diff")
struct TerminalDiffTests {
    private func frame(_ rows: [String], width: Int, height: Int) -> Screen {
        var screen = Screen(width: width, height: height)
        for (y, row) in rows.enumerated() {
            screen.put(row, x: 0, y: y)
        }
        return screen
    }

    @Test("the first frame is drawn in full, an unchanged frame writes nothing")
    func unchangedFrameWritesNothing() {
        let terminal = TestTerminal(width: 10, height: 2)
        let screen = frame(["한국 ok", "down"], width: 10, height: 2)
        terminal.draw(screen)
        #expect(terminal.fullRedraws == 1)
        #expect(terminal.lastWrites.count == 18)  // 20 cells less two continuation cells
        terminal.draw(screen)
        #expect(terminal.lastWrites.isEmpty)
        #expect(terminal.totalWrites == 18)
        #expect(terminal.visible == screen)
    }

    @Test("a one-cell change writes exactly that cell")
    func oneCellChange() {
        let terminal = TestTerminal(width: 10, height: 2)
        var screen = frame(["● auth", "▲ sms"], width: 10, height: 2)
        terminal.draw(screen)
        screen.put("✖", x: 0, y: 1, style: .fg(.red))
        terminal.draw(screen)
        #expect(terminal.lastWrites == [CellUpdate(x: 0, y: 1, cell: Cell(symbol: "✖", width: 1, style: .fg(.red)))])
        #expect(terminal.visible == screen)
    }

    @Test("a style-only change is a change")
    func styleChange() {
        let terminal = TestTerminal(width: 4, height: 1)
        var screen = frame(["abcd"], width: 4, height: 1)
        terminal.draw(screen)
        screen.applyStyle(Style(attributes: .reverse), to: Rect(x: 1, y: 0, width: 2, height: 1))
        terminal.draw(screen)
        #expect(terminal.lastWrites.map(\.x) == [1, 2])
    }

    @Test("a wide glyph replaced by narrow text leaves no debris")
    func wideReplacedByNarrow() {
        let terminal = TestTerminal(width: 6, height: 1)
        terminal.draw(frame(["한국어"], width: 6, height: 1))
        let narrow = frame(["a b"], width: 6, height: 1)
        terminal.draw(narrow)
        #expect(terminal.visible.lines == ["a b   "])
        #expect(terminal.visible == narrow)
        #expect(terminal.lastWrites.map(\.x) == [0, 1, 2, 3, 4, 5])
    }

    @Test("narrow text replaced by a shifted wide glyph leaves no debris")
    func shiftedWide() {
        let terminal = TestTerminal(width: 5, height: 1)
        terminal.draw(frame(["a한b"], width: 5, height: 1))
        let next = frame(["한b"], width: 5, height: 1)
        terminal.draw(next)
        #expect(terminal.visible == next)
        #expect(terminal.visible.lines == ["한b  "])
    }

    @Test("random sequences of Korean and ASCII frames: the terminal always shows the last frame")
    func randomFrames() {
        var random = SeededRandom(seed: 0x1B0A4D)
        let pieces = ["a", "bc", "한", "국어", " ", "●", "😀", "e\u{301}", "서비스"]
        let terminal = TestTerminal(width: 9, height: 3)
        for _ in 0..<300 {
            var screen = Screen(width: 9, height: 3)
            for y in 0..<3 {
                var text = ""
                for _ in 0..<random.next(upTo: 6) {
                    text += pieces[random.next(upTo: pieces.count)]
                }
                screen.put(text, x: random.next(upTo: 3), y: y)
            }
            terminal.draw(screen)
            #expect(terminal.visible == screen)
        }
    }

    @Test("after a resize the next frame is drawn in full at the new size")
    func resize() {
        let terminal = TestTerminal(width: 20, height: 5)
        terminal.draw(frame(["before the resize"], width: 20, height: 5))
        terminal.resize(width: 10, height: 3)
        #expect(terminal.readKey(timeout: .zero) == .resize)
        #expect(terminal.size == TerminalSize(width: 10, height: 3))
        let small = frame(["after", "한국"], width: 10, height: 3)
        terminal.draw(small)
        #expect(terminal.fullRedraws == 2)
        #expect(terminal.lastWrites.count == 28)
        #expect(terminal.visible == small)
    }

    @Test("a resize to the same size still redraws everything")
    func resizeSameSize() {
        let terminal = TestTerminal(width: 4, height: 1)
        let screen = frame(["abcd"], width: 4, height: 1)
        terminal.draw(screen)
        terminal.resize(width: 4, height: 1)
        terminal.draw(screen)
        #expect(terminal.lastWrites.count == 4)
        #expect(terminal.visible == screen)
    }

    @Test("a frame of another size than the last is a full update")
    func sizeChangeInDiff() {
        let small = Screen(width: 2, height: 1)
        let large = Screen(width: 3, height: 1)
        #expect(large.updates(from: small).count == 3)
        #expect(large.updates(from: nil).count == 3)
    }

    @Test("keys are queued and read in order; restore is recorded")
    func keys() {
        let terminal = TestTerminal(width: 1, height: 1)
        terminal.press(.down, .char("q"))
        #expect(terminal.readKey(timeout: .milliseconds(100)) == .down)
        #expect(terminal.readKey(timeout: .milliseconds(100)) == .char("q"))
        #expect(terminal.readKey(timeout: .milliseconds(100)) == nil)
        terminal.restore()
        terminal.restore()
        #expect(terminal.isRestored)
    }
}

@Suite("Key decoding")
struct KeyDecodingTests {
    @Test(
        "characters from get_wch",
        arguments: [
            (0x0D as UInt32, Key.enter), (0x0A, .enter), (0x09, .tab), (0x1B, .escape), (0x7F, .backspace),
            (0x08, .backspace), (0x0C, .ctrl("l")), (0x71, .char("q")), (0x3F, .char("?")),
            (0xD55C, .char("한")),
        ]
    )
    func characters(value: UInt32, key: Key) {
        #expect(Key(cursesCharacter: value) == key)
    }

    @Test("undecodable characters are ignored")
    func invalid() {
        #expect(Key(cursesCharacter: 0x00) == nil)
        #expect(Key(cursesCharacter: 0x1C) == nil)
        #expect(Key(cursesCharacter: 0x9B) == nil)
        #expect(Key(cursesCharacter: 0xD800) == nil)
        #expect(Key(cursesCharacter: 0x11_0000) == nil)
    }

    @Test("function key codes, as ncurses numbers them")
    func functionKeys() {
        #expect(Key(cursesKeyCode: 0o403) == .up)
        #expect(Key(cursesKeyCode: 0o402) == .down)
        #expect(Key(cursesKeyCode: 0o523) == .pageUp)
        #expect(Key(cursesKeyCode: 0o522) == .pageDown)
        #expect(Key(cursesKeyCode: 0o406) == .home)
        #expect(Key(cursesKeyCode: 0o550) == .end)
        #expect(Key(cursesKeyCode: 0o541) == .backTab)
        #expect(Key(cursesKeyCode: 0o632) == .resize)
        #expect(Key(cursesKeyCode: 0o410) == nil)  // F0: not used by the board
    }
}

/// A small deterministic generator (SplitMix64) so random tests replay exactly.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(upTo bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(max(1, bound)))
    }
}
