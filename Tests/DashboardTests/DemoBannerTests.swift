import Foundation
import Probes
import Testing

@testable import Dashboard

/// What a viewer of `incidentboard demo` reads at the top of the board: the scenario and its
/// step, and a header that is not OK while alerts still fire.
@Suite("Board banner and recovering header")
struct DemoBannerTests {
    static let size = TerminalSize(width: 80, height: 24)
    static let banner =
        "DEMO tour 3/5: credit-bureau-cascade  step 4/5: credit bureau stops answering (connection refused)"

    @Test("the demo's header shows the scenario and its step")
    func demoHeaderShowsTheScenario() throws {
        var snapshot = BoardFixtures.oneRoot
        snapshot.banner = Self.banner
        let screen = BoardViewTests.render(snapshot, size: Self.size)
        try expectGolden(screen, "board-demo-banner-80x24")
        #expect(screen.lines[2].hasPrefix("DEMO tour 3/5: credit-bureau-cascade  step 4/5: credit bureau"))
        // The root-cause line stays where it was; the table moves down a row and keeps its rows.
        #expect(screen.lines[1].hasPrefix("ROOT credit-bureau ×3"))
        #expect(screen.lines[3].contains("SERVICE"))
        #expect(screen.lines.contains { $0.contains("ROOT ×3") })
        // Without a banner the board is as before: the column header right under the header.
        let plain = BoardViewTests.render(BoardFixtures.oneRoot, size: Self.size)
        #expect(plain.lines[2].contains("SERVICE"))
    }

    @Test("the feed stamps the banner on every snapshot, and a new banner is a new frame")
    func feedCarriesTheBanner() {
        let feed = BoardFeed()
        feed.publish(BoardFixtures.healthy)
        let before = feed.latest()
        #expect(before.snapshot?.banner == nil)
        feed.setBanner(Self.banner)
        let after = feed.latest()
        #expect(after.snapshot?.banner == Self.banner)
        #expect(after.version != before.version)
        feed.publish(BoardFixtures.oneRoot)
        #expect(feed.latest().snapshot?.banner == Self.banner)
        feed.setBanner(Self.banner)
        #expect(feed.latest().version == after.version + 1, "the same banner again is no new frame")
    }

    @Test("every service up while alerts still fire: RECOVERING, and what fires and why, never OK")
    func recoveringIsNotOK() throws {
        var snapshot = BoardFixtures.healthy
        let pages = ["point-portal", "card-point-cashout"].map { service in
            AlertEvent(
                time: BoardFixtures.time, event: .firing, alert: .burnRate, service: service, severity: .page,
                window: "1h/5m", burnRate: 13.44, observed: 40, summary: "\(service) burning",
                rootCause: "point-portal", suppressed: service != "point-portal")
        }
        let latency = AlertEvent(
            time: BoardFixtures.time, event: .firing, alert: .latency, service: "point-portal",
            severity: .warning, summary: "point-portal slow", rootCause: "point-portal",
            suppressed: false)
        snapshot.firing = pages + [latency]
        let screen = BoardViewTests.render(snapshot, size: Self.size)
        #expect(!screen.lines[0].contains("OK"), "\(screen.lines[0])")
        #expect(screen.lines[0].contains("▲ RECOVERING  12 up"), "\(screen.lines[0])")
        #expect(
            screen.lines[1].hasPrefix("● all up; alerts wait out their windows: 1 latency, 2 burn-rate"),
            "\(screen.lines[1])")
        #expect(screen.lines[1].hasSuffix("3 alerts firing"), "\(screen.lines[1])")
        // Once nothing fires, it is OK again.
        let healthy = BoardViewTests.render(BoardFixtures.healthy, size: Self.size)
        #expect(healthy.lines[0].contains("● OK"))
    }

    @Test("a budget from a sliver of the window shows as too new, not as an overspend")
    func youngBudget() throws {
        var snapshot = BoardFixtures.healthy
        let index = try #require(snapshot.services.firstIndex { $0.name == "point-portal" })
        var young = try #require(snapshot.services[index].availability)
        young.counts = WindowCounts(good: 0, total: 2, coverage: 0.000_01)
        young.budgetRemaining = -999
        snapshot.services[index].availability = young
        let screen = BoardViewTests.render(snapshot, size: Self.size)
        let row = try #require(screen.lines.first { $0.contains("point-portal  ") })
        #expect(row.contains("too new"), "\(row)")
        #expect(!row.contains("<-999%"), "\(row)")
    }
}
