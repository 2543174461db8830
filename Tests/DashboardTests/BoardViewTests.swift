import Foundation
import Probes
import Testing

@testable import Dashboard

/// Whole-board screens compared with golden files (`INCIDENTBOARD_RECORD=1` re-records them).
@Suite("Board view")
struct BoardViewTests {
    static let view = BoardView(theme: .standard, timeZone: BoardFixtures.utc)
    static let sizes = [TerminalSize(width: 80, height: 24), TerminalSize(width: 160, height: 48)]

    /// A state as the keys would leave it, reconciled with the snapshot (first row selected).
    static func state(_ snapshot: BoardSnapshot, size: TerminalSize, _ keys: [Key] = []) -> BoardState {
        var state = BoardState()
        state.reconcile(with: snapshot, size: size)
        for key in keys {
            _ = state.handle(key, snapshot: snapshot, size: size)
        }
        return state
    }

    static func render(
        _ snapshot: BoardSnapshot?, _ keys: [Key] = [], size: TerminalSize,
        view: BoardView = view
    ) -> Screen {
        let state = snapshot.map { Self.state($0, size: size, keys) } ?? BoardState()
        return view.render(snapshot: snapshot, state: state, size: size)
    }

    @Test("healthy estate", arguments: sizes)
    func healthy(size: TerminalSize) throws {
        let screen = Self.render(BoardFixtures.healthy, size: size)
        try expectGolden(screen, "board-healthy-\(size)")
        #expect(screen.lines[0].contains("● OK"))
        #expect(screen.lines[1].contains("no incidents"))
    }

    @Test("one root cause with its cascade", arguments: sizes)
    func oneRoot(size: TerminalSize) throws {
        let screen = Self.render(BoardFixtures.oneRoot, size: size)
        try expectGolden(screen, "board-one-root-\(size)")
        let text = screen.lines.joined(separator: "\n")
        #expect(screen.lines[1].hasPrefix("ROOT credit-bureau ×3"))
        #expect(text.contains("ROOT ×3"))
        #expect(text.components(separatedBy: "← credit-bureau").count - 1 == 3)
    }

    @Test("a root cause's row keeps its colour: golden styles, red status glyph and red ROOT")
    func rootCauseRowKeepsItsColour() throws {
        let size = TerminalSize(width: 80, height: 24)
        let screen = Self.render(BoardFixtures.oneRoot, size: size)
        // The golden file holds every cell's style: a root row drawn plain fails here first.
        try expectGolden(screen, "board-one-root-80x24")
        let row = try #require(screen.lines.firstIndex { $0.contains("✖ credit-bureau") }, "no credit-bureau row")
        let status = try #require(Self.columns(of: "✖", in: screen, row: row).first)
        #expect(screen[x: status, y: row].style.foreground == .red, "the root's status glyph is red")
        let root = try #require(Self.columns(of: "ROOT", in: screen, row: row).last, "no ROOT in the cause column")
        for column in root..<(root + 4) {
            #expect(screen[x: column, y: row].style.foreground == .red, "ROOT is red (column \(column))")
        }
        let name = try #require(Self.columns(of: "credit-bureau", in: screen, row: row).first)
        #expect(screen[x: name, y: row].style.attributes.contains(.bold), "the root's name is bold")
    }

    /// The columns where `text` starts in `row`, by cells (a wide glyph before it counts two).
    static func columns(of text: String, in screen: Screen, row: Int) -> [Int] {
        var glyphs: [(column: Int, symbol: String)] = []
        for column in 0..<screen.width where !screen[x: column, y: row].isContinuation {
            glyphs.append((column, screen[x: column, y: row].symbol))
        }
        let wanted = text.map(String.init)
        guard wanted.count <= glyphs.count else { return [] }
        return (0...(glyphs.count - wanted.count)).filter { start in
            wanted.indices.allSatisfy { glyphs[start + $0].symbol == wanted[$0] }
        }.map { glyphs[$0].column }
    }

    @Test("two root causes, one inferred", arguments: sizes)
    func twoRoots(size: TerminalSize) throws {
        let screen = Self.render(BoardFixtures.twoRoots, size: size)
        try expectGolden(screen, "board-two-roots-\(size)")
        #expect(screen.lines[1].contains("ROOT credit-bureau ×3"))
        #expect(screen.lines[1].contains("ROOT open-banking ×2 (inferred)"))
        #expect(screen.lines.contains { $0.contains("inferred ×2") })
    }

    @Test("a slow root: the header names it while it is only slow, its victims point to it")
    func slowRoot() throws {
        let size = TerminalSize(width: 80, height: 24)
        let screen = Self.render(BoardFixtures.slowRoot, size: size)
        try expectGolden(screen, "board-slow-root-80x24")
        #expect(screen.lines[1].hasPrefix("ROOT credit-bureau ×3 (slow)"))
        let text = screen.lines.joined(separator: "\n")
        #expect(text.components(separatedBy: "← credit-bureau").count - 1 == 3)
    }

    @Test("a slow victim's detail pane shows its latency beside its root's")
    func slowVictimDetail() throws {
        let size = TerminalSize(width: 80, height: 24)
        // loan-application is the sixth row in tree order.
        let keys: [Key] = [.char("j"), .char("j"), .char("j"), .char("j"), .char("j"), .enter]
        let screen = Self.render(BoardFixtures.slowRoot, keys, size: size)
        try expectGolden(screen, "board-slow-root-detail-80x24")
        let text = screen.lines.joined(separator: "\n")
        #expect(text.contains("loan-application · 대출 신청"))
        #expect(text.contains("latency       loan-application p50 1.2s p99 1.5s"), "\(text)")
        #expect(text.contains("← credit-bureau p50 1.2s p99 1.4s"), "\(text)")
    }

    @Test("filter active", arguments: sizes)
    func filter(size: TerminalSize) throws {
        let screen = Self.render(BoardFixtures.oneRoot, [.char("/"), .char("c"), .char("a"), .char("r")], size: size)
        try expectGolden(screen, "board-filter-\(size)")
        let footer = try #require(screen.lines.last)
        #expect(footer.hasPrefix("/car"))
        #expect(footer.contains("3 of 13"))
    }

    @Test("detail pane open on the root cause", arguments: sizes)
    func detail(size: TerminalSize) throws {
        // credit-bureau is the fifth row in tree order.
        let keys: [Key] = [.char("j"), .char("j"), .char("j"), .char("j"), .enter]
        let screen = Self.render(BoardFixtures.oneRoot, keys, size: size)
        try expectGolden(screen, "board-detail-\(size)")
        let text = screen.lines.joined(separator: "\n")
        #expect(text.contains("credit-bureau · 신용평가 NICE"))
        #expect(text.contains("timeout after 2000 ms"))
        #expect(text.contains("none: this is the root cause"))
    }

    @Test("help overlay", arguments: sizes)
    func help(size: TerminalSize) throws {
        let screen = Self.render(BoardFixtures.oneRoot, [.char("?")], size: size)
        try expectGolden(screen, "board-help-\(size)")
        #expect(screen.lines.contains { $0.contains("cascade only: root causes and their victims") })
    }

    @Test("cascade-only view lists each root with its victims under it")
    func cascadeOnly() throws {
        let size = TerminalSize(width: 100, height: 24)
        let screen = Self.render(BoardFixtures.twoRoots, [.char("c")], size: size)
        try expectGolden(screen, "board-cascade-only-100x24")
        let names = screen.lines[3...9].map { $0.split(separator: " ").prefix(4).joined(separator: " ") }
        #expect(names[0].contains("credit-bureau"))
        #expect(names[1].contains("├─ ✖ account-opening"))
        #expect(names[3].contains("└─ ✖ loan-application"))
        #expect(names[4].contains("open-banking"))
    }

    @Test("ASCII glyphs and no colour: the cascade still reads")
    func asciiNoColor() throws {
        let view = BoardView(theme: .plain, timeZone: BoardFixtures.utc)
        let size = TerminalSize(width: 80, height: 24)
        let screen = Self.render(BoardFixtures.twoRoots, size: size, view: view)
        try expectGolden(screen, "board-two-roots-ascii-80x24")
        // Titles are drawn as they are (the backend replaces them without UTF-8); every glyph is ASCII.
        let titleCharacters = Set(BoardFixtures.twoRoots.services.compactMap(\.title).joined())
        for cell in screen.cells where !cell.symbol.unicodeScalars.allSatisfy(\.isASCII) {
            #expect(cell.symbol.allSatisfy { titleCharacters.contains($0) }, "\(cell.symbol)")
        }
        #expect(screen.cells.allSatisfy { $0.style.foreground == .default && $0.style.background == .default })
        #expect(screen.lines[1].contains("ROOT credit-bureau x3"))
        #expect(screen.lines.contains { $0.contains("<- credit-bureau") })
    }

    @Test("before the first snapshot the board shows its frame and says it is starting")
    func loading() throws {
        let screen = Self.view.render(snapshot: nil, state: BoardState(), size: TerminalSize(width: 80, height: 24))
        try expectGolden(screen, "board-loading-80x24")
        #expect(screen.lines[0].contains("starting"))
        #expect(screen.lines[2].contains("SERVICE"))
    }

    @Test("paused shows in the header; the footer offers resume")
    func paused() {
        var snapshot = BoardFixtures.healthy
        snapshot.paused = true
        let screen = Self.render(snapshot, size: TerminalSize(width: 80, height: 24))
        #expect(screen.lines[0].contains("PAUSED"))
        #expect(screen.lines[23].contains("p resume"))
    }

    @Test(
        "a 20x6 terminal and others below the minimum show the too-small notice",
        arguments: [(20, 6), (59, 24), (80, 11), (1, 1)])
    func tooSmall(width: Int, height: Int) throws {
        let size = TerminalSize(width: width, height: height)
        let screen = Self.render(BoardFixtures.oneRoot, size: size)
        let text = screen.lines.joined(separator: "\n")
        #expect(!text.contains("credit-bureau"))
        if width == 20 {
            try expectGolden(screen, "board-too-small-20x6")
            #expect(text.contains("terminal too small"))
            #expect(text.contains("20x6, need 60x12"))
        }
    }

    @Test("Korean titles are clipped by display width at odd widths, never split", arguments: [81, 83, 87, 91, 97])
    func koreanClipping(width: Int) throws {
        let size = TerminalSize(width: width, height: 24)
        let snapshot = BoardFixtures.healthy
        let screen = Self.render(snapshot, size: size)
        for line in screen.lines {
            #expect(line.displayWidth == width)
        }
        var checked = 0
        for service in snapshot.services {
            guard let title = service.title, let line = screen.lines.first(where: { $0.contains(service.name + " ") })
            else { continue }
            let afterName = try #require(line.range(of: service.name + "  ")).upperBound
            let shown = String(line[afterName...])
            if shown.hasPrefix(title) { continue }
            // Cut: a prefix of the title, then the ellipsis, then the column gap.
            let cut = try #require(shown.firstIndex(of: "…"), "\(service.name): \(shown)")
            #expect(title.hasPrefix(shown[..<cut]), "\(service.name): \(shown)")
            checked += 1
        }
        #expect(checked > 0)
        if width == 87 { try expectGolden(screen, "board-healthy-87x24") }
    }

    @Test(
        "every row of the detail pane stays inside it at every size",
        arguments: [
            (60, 12), (80, 24), (100, 40), (140, 30), (200, 60),
        ])
    func detailFits(width: Int, height: Int) {
        let size = TerminalSize(width: width, height: height)
        let snapshot = BoardFixtures.twoRoots
        var state = Self.state(snapshot, size: size, [.char("G"), .enter])
        let screen = Self.view.render(snapshot: snapshot, state: state, size: size)
        #expect(screen.lines.count == height)
        #expect(screen.lines.allSatisfy { $0.displayWidth == width })
        #expect(screen.lines.contains { $0.contains("transfers") })
        // Scrolling to the end shows the oldest probe.
        _ = state.handle(.end, snapshot: snapshot, size: size)
        let scrolled = Self.view.render(snapshot: snapshot, state: state, size: size)
        #expect(scrolled.lines.contains { $0.contains("03:11:50") })
    }

    @Test("a thousand services scroll: the selection stays on screen and a position marker shows")
    func manyServices() {
        let entries = (0..<1000).map { BoardFixtures.Entry(name: String(format: "svc-%04d", $0), title: nil) }
        let snapshot = BoardFixtures.snapshot(entries: entries)
        let size = TerminalSize(width: 80, height: 24)
        let state = Self.state(snapshot, size: size, [.end])
        let screen = Self.view.render(snapshot: snapshot, state: state, size: size)
        #expect(screen.lines[22].contains("▶ ● svc-0999"))
        #expect(screen.lines[23].hasSuffix("1000/1000"))
    }
}
