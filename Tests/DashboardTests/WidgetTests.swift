import Probes
import Testing

@testable import Dashboard

@Suite("Tree prefixes")
struct TreeTests {
    private let children: [String: [String]] = [
        "cash-out": ["point-portal", "auth"],
        "auth": ["sms", "cert"],
        "loan": ["credit-bureau"],
    ]

    @Test("depth-first order with branch, last and vertical prefixes")
    func flatten() {
        let rows = TreePosition.flatten(roots: ["cash-out", "loan"]) { children[$0] ?? [] }
        let unicode = rows.map { $0.position.prefix(.unicode) + $0.node }
        #expect(
            unicode == [
                "cash-out", "├─ point-portal", "└─ auth", "   ├─ sms", "   └─ cert", "loan", "└─ credit-bureau",
            ])
        let ascii = rows.map { $0.position.prefix(.ascii) + $0.node }
        #expect(ascii[1] == "|- point-portal")
        #expect(ascii[4] == "   `- cert")
        #expect(rows.map(\.position.depth) == [0, 1, 1, 2, 2, 0, 1])
    }

    @Test("an ancestor with later siblings draws a vertical line")
    func vertical() {
        #expect(TreePosition(lastFlags: [true, false, true]).prefix(.unicode) == "│  └─ ")
        #expect(TreePosition(lastFlags: [true, false, false]).prefix(.ascii) == "|  |- ")
        #expect(TreePosition(lastFlags: []).prefix(.unicode) == "")
    }

    @Test("a cycle in the dependency graph is cut, and the limit holds")
    func cycles() {
        let graph = ["a": ["b"], "b": ["a", "c"]]
        let rows = TreePosition.flatten(roots: ["a"]) { graph[$0] ?? [] }
        #expect(rows.map(\.node) == ["a", "b", "c"])
        let endless = TreePosition.flatten(roots: [0], limit: 50) { [$0 + 1, $0 + 2] }
        #expect(endless.count == 50)
    }
}

@Suite("Paragraph and block")
struct TextWidgetTests {
    @Test("lines are placed by alignment and clipped, or cut with an ellipsis")
    func paragraph() {
        var screen = Screen(width: 8, height: 3)
        Paragraph([Line("left"), Line("right", alignment: .right), Line("centred", alignment: .center)])
            .render(in: screen.area, on: &screen)
        #expect(screen.lines == ["left    ", "   right", "centred "])
        var cut = Screen(width: 6, height: 1)
        Paragraph("connection refused", ellipsis: "…").render(in: cut.area, on: &cut)
        #expect(cut.lines == ["conne…"])
    }

    @Test("wrapping breaks at spaces, inside over-long words, and by display width")
    func wrapping() {
        #expect(
            Line("the credit bureau timed out").wrapped(toWidth: 10).map(\.plainText) == [
                "the credit", "bureau", "timed out",
            ])
        #expect(Line("abcdefghij").wrapped(toWidth: 4).map(\.plainText) == ["abcd", "efgh", "ij"])
        #expect(Line("가나다 라마").wrapped(toWidth: 5).map(\.plainText) == ["가나", "다", "라마"])
        #expect(Line("한").wrapped(toWidth: 1).map(\.plainText) == ["한"])
        var screen = Screen(width: 10, height: 2)
        Paragraph("the credit bureau timed out", wraps: true).render(in: screen.area, on: &screen)
        #expect(screen.lines == ["the credit", "bureau    "])
    }

    @Test("a block draws a border with its title between the corners")
    func block() {
        var screen = Screen(width: 10, height: 3)
        Block(title: "Svc", glyphs: .ascii).render(in: screen.area, on: &screen)
        #expect(screen.lines == ["+- Svc --+", "|        |", "+--------+"])
        #expect(Block().inner(screen.area) == Rect(x: 1, y: 1, width: 8, height: 1))
    }

    @Test("a long or wide title is cut by display width")
    func blockTitles() {
        var screen = Screen(width: 8, height: 2)
        Block(title: "Services", glyphs: .ascii).render(in: screen.area, on: &screen)
        #expect(screen.lines[0] == "+- Se~-+")
        var korean = Screen(width: 9, height: 2)
        Block(title: "서비스", glyphs: .ascii).render(in: korean.area, on: &korean)
        #expect(korean.lines[0] == "+- 서~--+")
        var unicode = Screen(width: 12, height: 3)
        Block(title: "서비스", glyphs: .unicode).render(in: unicode.area, on: &unicode)
        #expect(unicode.lines == ["┌─ 서비스 ─┐", "│          │", "└──────────┘"])
    }

    @Test("a block too small for a border draws nothing")
    func tinyBlock() {
        var screen = Screen(width: 1, height: 5)
        Block(title: "x").render(in: screen.area, on: &screen)
        #expect(screen == Screen(width: 1, height: 5))
    }
}

@Suite("Help overlay and notices")
struct OverlayTests {
    private let entries = [
        HelpEntry("↑/k ↓/j", "move"), HelpEntry("Enter", "detail"), HelpEntry("/", "filter"),
        HelpEntry("c", "cascade only"), HelpEntry("q/Esc", "quit"),
    ]

    @Test("the help box is centred over the board and blanks what is under it")
    func helpGolden() throws {
        var screen = Screen(width: 50, height: 12)
        screen.fill(screen.area, with: ".")
        HelpOverlay(entries: entries, theme: .standard).render(in: screen.area, on: &screen)
        try expectGolden(screen, "help-overlay")
    }

    @Test("in a terminal smaller than the box, the box is clamped and its content clipped")
    func helpSmall() {
        var screen = Screen(width: 12, height: 4)
        let overlay = HelpOverlay(entries: entries, theme: .plain)
        #expect(overlay.box(in: screen.area) == screen.area)
        overlay.render(in: screen.area, on: &screen)
        #expect(screen.lines == ["+- Help ---+", "| ↑/k ↓/j~ |", "| Enter  ~ |", "+----------+"])
    }

    @Test("the too-small notice says the size it has and needs")
    func tooSmall() {
        let notice = TooSmallNotice(minimumWidth: 80, minimumHeight: 24, theme: .plain)
        #expect(notice.applies(width: 60, height: 24))
        #expect(!notice.applies(width: 80, height: 24))
        var screen = Screen(width: 30, height: 4)
        notice.render(in: screen.area, on: &screen)
        #expect(
            screen.lines == [
                "                              ",
                "      terminal too small      ",
                "       30x4, need 80x24       ",
                "                              ",
            ])
    }
}

@Suite("Theme")
struct ThemeTests {
    @Test("a UTF-8 locale gives Unicode glyphs; LC_ALL wins over LANG")
    func locale() {
        #expect(Theme(environment: ["LANG": "en_US.UTF-8"]).glyphs == .unicode)
        #expect(Theme(environment: ["LANG": "ko_KR.utf8"]).glyphs == .unicode)
        #expect(Theme(environment: ["LANG": "C"]).glyphs == .ascii)
        #expect(Theme(environment: [:]).glyphs == .ascii)
        #expect(Theme(environment: ["LC_ALL": "C", "LANG": "en_US.UTF-8"]).glyphs == .ascii)
        #expect(Theme(environment: ["LC_ALL": "", "LC_CTYPE": "C.UTF-8", "LANG": "C"]).glyphs == .unicode)
    }

    @Test("NO_COLOR (non-empty), --no-color and a colourless terminal turn colour off")
    func noColor() {
        #expect(Theme(environment: ["NO_COLOR": "1"]).usesColor == false)
        #expect(Theme(environment: ["NO_COLOR": ""]).usesColor == true)
        #expect(Theme(environment: [:], noColor: true).usesColor == false)
        #expect(Theme(environment: [:], terminalHasColor: false).usesColor == false)
    }

    @Test("without colour, statuses keep their glyphs and down stays bold")
    func statusWithoutColour() {
        let plain = Theme(glyphs: .unicode, usesColor: false)
        #expect(plain.style(for: .down) == Style(attributes: .bold))
        #expect(plain.style(for: .up) == .plain)
        #expect(Theme.standard.style(for: .up) == .fg(.green))
        let glyphs = ProbeStatus.allCases.map { Glyphs.unicode.status($0) }
        #expect(Set(glyphs).count == ProbeStatus.allCases.count)
        #expect(ProbeStatus.allCases.map { Glyphs.ascii.status($0) } == ["o", "!", "?", "X"])
        #expect(Theme.standard.statusSpan(.down) == Span("✖", style: Style(foreground: .red, attributes: .bold)))
    }
}
