import Foundation
import Probes
import Testing

@testable import Dashboard

/// The board says what the fleet view knows it cannot see (issue 24): a dark site in the footer
/// and on its row in the detail pane, a failure the quorum outvoted as PARTIAL with the site named,
/// and a per-site budget below the coverage bar as not yet meaningful.
@Suite("Board view: dark sites and PARTIAL")
struct FleetTruthBoardTests {
    static let darkSince = BoardFixtures.time.addingTimeInterval(-42)

    /// The fleet fixture with west dark since 03:12:03 and point-portal failing at east only.
    static var snapshot: BoardSnapshot {
        var snapshot = FleetBoardTests.fleet
        snapshot.darkSites = [DarkSite(site: "west", since: darkSince, services: ["credit-bureau"])]
        for index in snapshot.services.indices where !snapshot.services[index].sites.isEmpty {
            var west = SiteState(site: "west", status: .unknown)
            west.reporting = false
            west.darkSince = darkSince
            snapshot.services[index].sites[1] = west
            if snapshot.services[index].name == "point-portal" {
                snapshot.services[index].sites[0].status = .down
                snapshot.services[index].partialSites = ["east"]
            }
            if snapshot.services[index].name == "credit-bureau" {
                snapshot.services[index].sites[0].budgetRemaining = -49
                snapshot.services[index].sites[0].budgetMeaningful = false
            }
        }
        return snapshot
    }

    @Test(
        "a dark site: the footer names it, the detail pane shows it DARK; a budget too new says so",
        arguments: BoardViewTests.sizes)
    func darkSite(size: TerminalSize) throws {
        let screen = BoardViewTests.render(Self.snapshot, FleetBoardTests.detailKeys, size: size)
        let footer = screen.lines[size.height - 1]
        #expect(footer.hasPrefix("▲ west DARK since 03:12:03"), "\(footer)")
        let west = try #require(
            screen.lines.first { $0.contains(" west") && $0.contains("DARK") },
            "\(screen.lines.joined(separator: "\n"))")
        #expect(west.contains("DARK since 03:12:03"), "\(west)")
        // credit-bureau's east agent is too new for its budget to mean anything.
        let east = try #require(screen.lines.first { $0.contains("sites") && $0.contains("east") })
        #expect(east.contains("budget too new"), "\(east)")
        #expect(!east.contains("<-999%") && !east.contains("-4900%"), "\(east)")
    }

    @Test("a failure the quorum outvoted is PARTIAL with the site named", arguments: BoardViewTests.sizes)
    func partial(size: TerminalSize) throws {
        let screen = BoardViewTests.render(Self.snapshot, size: size)
        let row = try #require(screen.lines.first { $0.contains("● point-portal") }, "\(screen.lines)")
        #expect(row.contains("PARTIAL east"), "\(row)")
    }

    @Test("the detail pane marks the outvoted site PARTIAL")
    func partialDetail() throws {
        let size = TerminalSize(width: 160, height: 48)
        // point-portal is the first row.
        let screen = BoardViewTests.render(Self.snapshot, [.enter], size: size)
        let east = try #require(
            screen.lines.first { $0.contains("sites") && $0.contains("east") },
            "\(screen.lines.joined(separator: "\n"))")
        #expect(east.contains("✖ east   71ms  PARTIAL"), "\(east)")
    }
}
