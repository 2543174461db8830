import Foundation
import Probes
import Testing

@testable import Dashboard

/// The board in the fleet view (`--source prometheus=URL`): the source in the header, a problem
/// reading it in the footer, and one row per site in the detail pane.
@Suite("Board view: fleet source")
struct FleetBoardTests {
    static let source = "prometheus http://127.0.0.1:9090"

    /// Incident 3 as two sites report it: the credit bureau fails at both, its victims at east only.
    static var fleet: BoardSnapshot {
        var snapshot = BoardFixtures.oneRoot
        snapshot.source = source
        for index in snapshot.services.indices where snapshot.services[index].hasProbe {
            let service = snapshot.services[index]
            let bureau = service.name == "credit-bureau"
            let latency = service.lastResult?.latency
            let budget = service.availability?.budgetRemaining ?? 1
            snapshot.services[index].sites = [
                SiteState(
                    site: "east", status: service.status ?? .unknown, latency: latency,
                    httpStatus: bureau ? nil : service.lastResult?.httpStatus, budgetRemaining: budget,
                    sampledAt: BoardFixtures.time.addingTimeInterval(-3)),
                SiteState(
                    site: "west", status: bureau ? .down : .up,
                    latency: bureau ? .milliseconds(2000) : .milliseconds(38),
                    httpStatus: bureau ? nil : 200, budgetRemaining: min(1, budget + 0.04),
                    sampledAt: BoardFixtures.time.addingTimeInterval(bureau ? -45 : -2)),
            ]
        }
        return snapshot
    }

    static var unreachable: BoardSnapshot {
        var snapshot = fleet
        snapshot.sourceProblem = "prometheus: connection refused (data 35 s old)"
        return snapshot
    }

    /// The detail pane open on credit-bureau (fifth row in tree order).
    static let detailKeys: [Key] = [.char("j"), .char("j"), .char("j"), .char("j"), .enter]

    @Test(
        "fleet source: the header names it, the detail pane has a row per site",
        arguments: BoardViewTests.sizes)
    func fleetDetail(size: TerminalSize) throws {
        let screen = BoardViewTests.render(Self.fleet, Self.detailKeys, size: size)
        try expectGolden(screen, "board-fleet-detail-\(size)")
        let text = screen.lines.joined(separator: "\n")
        #expect(screen.lines[0].contains("prometheus"))
        #expect(!text.contains("STALE"))
        let east = try #require(screen.lines.first { $0.contains("sites") && $0.contains("east") })
        #expect(east.contains("✖ east"))
        #expect(east.contains("2.0s"))
        #expect(east.contains("budget"))
        let west = try #require(screen.lines.first { $0.contains("✖ west") })
        #expect(west.contains("45s old"))
        // The key hints stay while the source reads fine.
        #expect(screen.lines[size.height - 1].contains("q quit"))
    }

    @Test(
        "fleet source unreachable: the footer says so and how old the data is; the header says STALE",
        arguments: BoardViewTests.sizes)
    func unreachable(size: TerminalSize) throws {
        let screen = BoardViewTests.render(Self.unreachable, size: size)
        try expectGolden(screen, "board-fleet-unreachable-\(size)")
        #expect(screen.lines[0].contains("STALE"))
        let footer = screen.lines[size.height - 1]
        #expect(footer.hasPrefix("▲ prometheus: connection refused (data 35 s old)"))
        // The last good state is still on the board.
        #expect(screen.lines[1].hasPrefix("ROOT credit-bureau ×3"))
    }

    @Test("the source is shortened, then dropped, before the state and counts are")
    func sourceGivesWay() {
        #expect(
            BoardView.sourceForms(Self.source) == [
                "prometheus http://127.0.0.1:9090", "prometheus 127.0.0.1:9090", "prometheus",
            ])
        #expect(BoardView.sourceForms(nil).isEmpty)
        for width in [60, 70, 80, 100, 160] {
            let screen = BoardViewTests.render(Self.fleet, size: TerminalSize(width: width, height: 24))
            #expect(screen.lines[0].hasPrefix("IncidentBoard  ✖ DOWN  8 up  4 down"), "\(width): \(screen.lines[0])")
            #expect(screen.lines[0].contains("03:12:45"))
        }
    }

    @Test("a local board shows no source and keeps its key hints")
    func localBoardUnchanged() {
        let screen = BoardViewTests.render(BoardFixtures.oneRoot, size: TerminalSize(width: 160, height: 48))
        #expect(!screen.lines[0].contains("prometheus"))
        #expect(screen.lines[47].contains("q quit"))
    }
}
