import Foundation
import Probes
import Testing

@testable import Dashboard

/// The incidents view (`i`), one incident's timeline (Enter), the open incident's id in the
/// header, and the strip of the latest alert transitions, on snapshots a real Monitor made
/// (``IncidentFixtures``). Golden screens: `INCIDENTBOARD_RECORD=1` re-records them.
@Suite("Board: incidents")
struct IncidentsViewTests {
    static let view = BoardView(theme: .standard, timeZone: BoardFixtures.utc)
    static let sizes = [TerminalSize(width: 80, height: 24), TerminalSize(width: 160, height: 48)]

    static func press(_ keys: [Key], on snapshot: BoardSnapshot, size: TerminalSize) -> (BoardState, [BoardCommand]) {
        var state = BoardState()
        state.reconcile(with: snapshot, size: size)
        var commands: [BoardCommand] = []
        for key in keys {
            if let command = state.handle(key, snapshot: snapshot, size: size) { commands.append(command) }
        }
        return (state, commands)
    }

    @Test("the engine lists the open incident first, then the closed one, with the root's trace")
    func monitorListsIncidents() throws {
        let snapshot = try IncidentFixtures.snapshot()
        let records = snapshot.incidentRecords.map(\.record)
        #expect(records.map(\.id) == ["2025-11-22-credit-bureau-2", "2025-11-22-credit-bureau"])
        #expect(records[0].isOpen && !records[1].isOpen)
        #expect(records[1].victimNames.sorted() == ["card-issuance", "loan-application"])
        let trace = snapshot.incidentRecords[1].trace.points
        // From before the onset (as far back as the engine's recent results reach: 60 probes of
        // 5 s) to the close, a point per probe.
        let first = try #require(trace.first?.time)
        #expect(first.timeIntervalSince(records[1].onset) == -Double(Monitor.recentKept - 1) * 5)
        let closed = try #require(records[1].closed)
        #expect(trace.allSatisfy { $0.time <= closed })
        #expect(trace.count == Monitor.recentKept + Int(closed.timeIntervalSince(records[1].onset) / 5))
        #expect(trace.contains { $0.status == .down && $0.latencyMilliseconds == nil })
        #expect(trace.contains { ($0.latencyMilliseconds ?? 0) >= 900 }, "the slow minutes are in it")
        #expect(snapshot.openIncident(root: "credit-bureau")?.id == "2025-11-22-credit-bureau-2")
        #expect(!snapshot.transitions.isEmpty && snapshot.transitions.count <= Monitor.transitionsKept)
    }

    @Test("i opens the incidents view: open first, then the closed", arguments: sizes)
    func incidentsView(size: TerminalSize) throws {
        let snapshot = try IncidentFixtures.snapshot()
        let (state, _) = Self.press([.char("i")], on: snapshot, size: size)
        #expect(state.page == .incidents)
        #expect(state.selectedIncident == "2025-11-22-credit-bureau-2")
        let screen = Self.view.render(snapshot: snapshot, state: state, size: size)
        try expectGolden(screen, "incidents-\(size)")
        let text = screen.lines.joined(separator: "\n")
        // Below the header (whose ROOT line names the open incident too) and the view's own title.
        let rows = screen.lines.indices.dropFirst(3)
        let open = try #require(rows.first { screen.lines[$0].contains("2025-11-22-credit-bureau-2") })
        let closed = try #require(rows.first { screen.lines[$0].contains("2025-11-22-credit-bureau ") })
        #expect(open < closed)
        #expect(screen.lines[open].contains("✖ down") && screen.lines[closed].contains("closed"))
        #expect(screen.lines[open].contains("03:25:00") && screen.lines[closed].contains("03:10:00"))
        #expect(text.contains("Incidents · 1 open · 1 closed"))
    }

    @Test("Enter opens the selected incident's timeline with its chart and markers", arguments: sizes)
    func timeline(size: TerminalSize) throws {
        let snapshot = try IncidentFixtures.snapshot()
        let (state, _) = Self.press([.char("i"), .down, .enter], on: snapshot, size: size)
        #expect(state.page == .incident("2025-11-22-credit-bureau"))
        let screen = Self.view.render(snapshot: snapshot, state: state, size: size)
        try expectGolden(screen, "incident-timeline-\(size)")
        let text = screen.lines.joined(separator: "\n")
        #expect(text.contains("Incident 2025-11-22-credit-bureau · closed"))
        #expect(text.contains("ROOT credit-bureau closed"))
        #expect(
            text.contains("◆ onset 03:10:00  ▲ paged 03:10:05  ✔ root back 03:15:00  closed 03:15:00"),
            "\(text)")
        #expect(text.contains("credit-bureau slow: onset"))
        #expect(text.contains("loan-application falls with credit-bureau"))
        // The chart: the axis, a braille line, the failures, and the three markers under it.
        #expect(text.contains("root latency"))
        #expect(screen.lines.contains { $0.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) } })
        let markers = try #require(screen.lines.first { $0.contains("◆") && !$0.contains("onset") })
        #expect(markers.contains("▲") && markers.contains("✔"), "onset, first page and recovery marked")
        #expect(screen.lines.contains { $0.contains("✖✖✖") }, "the failed probes are marked")
    }

    @Test("Esc goes back one level, i goes to the board, q quits from anywhere")
    func navigation() throws {
        let snapshot = try IncidentFixtures.snapshot()
        let size = TerminalSize(width: 80, height: 24)
        #expect(Self.press([.char("i"), .enter, .escape], on: snapshot, size: size).0.page == .incidents)
        #expect(Self.press([.char("i"), .enter, .escape, .escape], on: snapshot, size: size).0.page == .services)
        #expect(Self.press([.char("i"), .enter, .char("i")], on: snapshot, size: size).0.page == .services)
        #expect(Self.press([.char("i"), .enter, .char("q")], on: snapshot, size: size).1 == [.quit])
        #expect(Self.press([.char("i"), .char("q")], on: snapshot, size: size).1 == [.quit])
        // The selection stays on screen and within the list.
        let (moved, _) = Self.press([.char("i"), .char("G"), .down, .down], on: snapshot, size: size)
        #expect(moved.selectedIncident == "2025-11-22-credit-bureau")
        let (back, _) = Self.press([.char("i"), .char("G"), .char("g")], on: snapshot, size: size)
        #expect(back.selectedIncident == "2025-11-22-credit-bureau-2")
    }

    @Test("the timeline scrolls within its lines")
    func timelineScrolls() throws {
        let snapshot = try IncidentFixtures.snapshot()
        let size = TerminalSize(width: 80, height: 24)
        let (state, _) = Self.press([.char("i"), .down, .enter, .char("G")], on: snapshot, size: size)
        let incident = try #require(snapshot.incident(id: "2025-11-22-credit-bureau"))
        let view = IncidentTimelineView(theme: .standard, timeZone: BoardFixtures.utc)
        let lines = view.timelineLines(incident).count
        let height = view.timelineHeight(in: BoardLayout(size: size, state: state).body)
        #expect(lines > height, "the fixture's timeline is longer than a screen")
        #expect(state.timelineOffset == lines - height)
        let screen = Self.view.render(snapshot: snapshot, state: state, size: size)
        let last = try #require(incident.record.moments.last?.text)
        #expect(screen.lines.contains { $0.contains(last) })
        #expect(screen.lines.contains { $0.contains(" \(lines - height + 1)-\(lines)/\(lines) ") })
        let (top, _) = Self.press([.char("i"), .down, .enter, .char("G"), .char("g"), .up], on: snapshot, size: size)
        #expect(top.timelineOffset == 0)
    }

    @Test("an empty incidents view says so; a timeline of an incident no longer listed says so")
    func emptyAndGone() throws {
        let size = TerminalSize(width: 80, height: 24)
        let healthy = BoardFixtures.healthy
        let (state, _) = Self.press([.char("i"), .enter, .down], on: healthy, size: size)
        #expect(state.page == .incidents)
        let text = Self.view.render(snapshot: healthy, state: state, size: size).lines.joined(separator: "\n")
        #expect(text.contains("no incidents since the board started"))
        var gone = BoardState()
        gone.page = .incident("2025-11-01-nothing")
        let goneText = Self.view.render(snapshot: healthy, state: gone, size: size).lines.joined(separator: "\n")
        #expect(goneText.contains("2025-11-01-nothing is no longer listed (Esc goes back)"))
    }

    @Test("every size from the minimum up draws the incidents views without overflowing")
    func everySize() throws {
        let snapshot = try IncidentFixtures.snapshot()
        for width in [60, 61, 79, 80, 100, 139, 140, 200] {
            for height in [12, 13, 20, 24, 34, 48] {
                let size = TerminalSize(width: width, height: height)
                for keys: [Key] in [[.char("i")], [.char("i"), .down, .enter]] {
                    let (state, _) = Self.press(keys, on: snapshot, size: size)
                    let screen = Self.view.render(snapshot: snapshot, state: state, size: size)
                    #expect(screen.lines.count == height)
                    #expect(screen.lines.allSatisfy { $0.displayWidth <= width })
                    // The footer is the last row, untouched by the view above it.
                    #expect(screen.lines[height - 1].hasPrefix("q quit"), "\(size) \(keys)")
                }
            }
        }
    }

    @Test("the header's ROOT names the open incident's id")
    func headerNamesIncident() throws {
        let snapshot = try IncidentFixtures.snapshot()
        for size in Self.sizes {
            let screen = Self.view.render(
                snapshot: snapshot, state: Self.press([], on: snapshot, size: size).0,
                size: size)
            #expect(screen.lines[1].hasPrefix("ROOT credit-bureau ×2 2025-11-22-credit-bureau-2"), "\(screen.lines[1])")
        }
    }

    @Test(
        "the latest alert transitions fill the rows the table leaves empty",
        arguments: [
            TerminalSize(width: 120, height: 36), TerminalSize(width: 160, height: 48),
        ])
    func transitionsStrip(size: TerminalSize) throws {
        let snapshot = try IncidentFixtures.snapshot()
        let screen = Self.view.render(snapshot: snapshot, state: Self.press([], on: snapshot, size: size).0, size: size)
        try expectGolden(screen, "board-transitions-\(size)")
        let heading = try #require(screen.lines.firstIndex { $0.hasPrefix("LATEST ALERTS") })
        let newest = try #require(snapshot.transitions.last)
        #expect(screen.lines[heading + 1].contains(newest.service))
        #expect(screen.lines[heading + 1].contains(BoardFormat.clock(newest.time, timeZone: BoardFixtures.utc)))
        // Never over the table's rows: twelve services at 80x16 leave no room for it.
        var full = BoardFixtures.oneRoot
        full.transitions = snapshot.transitions
        let small = TerminalSize(width: 80, height: 16)
        let cramped = Self.view.render(snapshot: full, state: Self.press([], on: full, size: small).0, size: small)
        #expect(!cramped.lines.contains { $0.contains("LATEST ALERTS") })
        #expect(cramped.lines.contains { $0.contains("card-point-cashout") })
    }
}
