import Foundation
import Probes
import Synchronization
import Testing

@testable import DemoEstate

/// The demo carries its estate's config, so `incidentboard demo` works from any directory.
@Suite("Built-in demo config and the board's banner")
struct DemoEstateConfigTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theBuiltInConfigIsTheRepositorysProbesJSON() throws {
        let file = try String(contentsOf: Self.repository.appendingPathComponent("probes.json"), encoding: .utf8)
        #expect(
            DemoEstateConfig.json + "\n" == file,
            "copy probes.json into Sources/DemoEstate/Estate/DemoEstateConfig.swift when it changes")
        let config = try DemoEstateConfig.load(environment: [:])
        #expect(config.services.filter { $0.probe != nil }.count == 13)
        // The estate answers every probe of its own config: nothing to note.
        #expect(EstateLayout.standard.adopting(config).notes.isEmpty)
        #expect(DemoEstateConfig.describesDemoEstate(config))
    }

    @Test func aCopyWithPortsMovedStillDescribesTheDemoEstateAndOtherConfigsDoNot() throws {
        let moved = DemoEstateConfig.json.replacingOccurrences(of: "127.0.0.1:180", with: "127.0.0.1:280")
        let copy = try ConfigLoader.load(data: Data(moved.utf8), displayName: "copy.json", environment: [:])
        #expect(DemoEstateConfig.describesDemoEstate(copy))
        let other = try ConfigLoader.load(
            data: Data(
                #"""
                {"services": [{"name": "db", "probe": {"type": "http", "url": "http://127.0.0.1:5432/health"}},
                              {"name": "credit-bureau", "probe": {"type": "http", "url": "http://127.0.0.1:18083/health"}}]}
                """#.utf8), displayName: "other.json", environment: [:])
        #expect(!DemoEstateConfig.describesDemoEstate(other))
    }

    @Test func thePlayerReportsTheScenarioAndItsStepForTheBanner() async {
        let clock = ManualClock()
        let seen = Mutex<[ScenarioProgress]>([])
        let player = ScenarioPlayer(
            clock: clock, apply: { _ in }, progress: { step in seen.withLock { $0.append(step) } })
        let task = Task { await player.play(.tour(Scenario.incidents)) }
        let untilCascade = Scenario.incidents.prefix(2).reduce(Duration.zero) { $0 + $1.length } + .seconds(45)
        while clock.now.offset < untilCascade {
            await clock.waitForSleepers(count: 1)
            clock.advanceToNextDeadline()
        }
        task.cancel()
        await task.value
        let progress = seen.withLock { $0 }
        #expect(
            progress.first
                == ScenarioProgress(
                    scenario: "point-portal-flash-crowd", step: 1, steps: 8, note: "portal open, ordinary traffic",
                    tour: .init(position: 1, count: 5, round: 1)))
        let last = progress.last
        #expect(last?.scenario == "credit-bureau-cascade")
        #expect(
            last?.bannerLine
                == "DEMO tour 3/5: credit-bureau-cascade  step 4/5: credit bureau stops answering (connection refused)")
    }
}
