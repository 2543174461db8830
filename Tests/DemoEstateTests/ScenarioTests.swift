import Probes
import Synchronization
import Testing

@testable import DemoEstate

/// Scenario timelines on a manual clock: the right faults at the right times.
@Suite("Scenarios")
struct ScenarioTests {
    /// Faults applied, with the manual time they were applied at.
    final class Recorder: Sendable {
        private let storage = Mutex<[(Duration, [String: FaultProfile])]>([])
        private let lines = Mutex<[String]>([])
        let clock: ManualClock

        init(clock: ManualClock) { self.clock = clock }

        func apply(_ faults: [String: FaultProfile]) {
            let now = clock.now.offset
            storage.withLock { $0.append((now, faults)) }
        }

        func report(_ line: String) { lines.withLock { $0.append(line) } }

        var applied: [(Duration, [String: FaultProfile])] { storage.withLock { $0 } }
        var reported: [String] { lines.withLock { $0 } }

        func player(pace: Double = 1) -> ScenarioPlayer<ManualClock> {
            ScenarioPlayer(clock: clock, pace: pace, apply: { self.apply($0) }, report: { self.report($0) })
        }
    }

    /// Plays `plan` to its end by jumping from deadline to deadline.
    static func playToEnd(_ plan: DemoPlan, recorder: Recorder, pace: Double = 1) async {
        let player = recorder.player(pace: pace)
        let task = Task { await player.play(plan) }
        let finished = Mutex(false)
        let watcher = Task {
            await task.value
            finished.withLock { $0 = true }
        }
        while !finished.withLock({ $0 }) {
            await recorder.clock.waitForSleepers(count: 1)
            recorder.clock.advanceToNextDeadline()
            await Task.yield()
            if recorder.clock.sleeperCount == 0 { await AdmissionGateTests.settle { finished.withLock { $0 } } }
        }
        await watcher.value
    }

    @Test func catalogueListsTheTourFirstThenTheFiveIncidents() {
        #expect(
            DemoPlan.catalogue.map(\.name) == [
                "tour", "point-portal-flash-crowd", "deposit-event-burst", "credit-bureau-cascade",
                "auth-vendor-migration", "silent-wrong-charge",
            ])
        #expect(DemoPlan.catalogue.allSatisfy { !$0.summary.isEmpty && !$0.summary.contains("\n") })
        #expect(DemoPlan.named("tour") == .tour(Scenario.incidents))
        #expect(DemoPlan.named("credit-bureau-cascade") == .single(Scenario.creditBureauCascade))
        #expect(DemoPlan.named("no-such-thing") == nil)
    }

    @Test(arguments: Scenario.incidents.map(\.name))
    func incidentStartsHealthyFaultsWithin30sHoldsThenRecovers(name: String) throws {
        let scenario = try #require(Scenario.incidents.first { $0.name == name })
        let first = try #require(scenario.steps.first)
        #expect(first.at == .zero && first.faults.isEmpty, "starts healthy")
        let fault = try #require(scenario.faultStart)
        #expect(fault <= .seconds(30))
        let recovery = try #require(scenario.recovery, "ends with a healthy step")
        #expect(recovery - fault >= .seconds(30), "holds the fault long enough for alerts to fire")
        #expect(scenario.length >= recovery + .seconds(30), "leaves time to see the alerts resolve")
        // Every fault names a node of the estate.
        let nodes = Set(EstateLayout.standard.nodeNames)
        #expect(scenario.steps.allSatisfy { $0.faults.keys.allSatisfy(nodes.contains) })
    }

    @Test func cascadeSlowsTheCreditBureauThenStopsItThenRecovers() async {
        let recorder = Recorder(clock: ManualClock())
        await Self.playToEnd(.single(Scenario.creditBureauCascade), recorder: recorder)
        let applied = recorder.applied
        #expect(applied.map(\.0) == [.zero, .seconds(10), .seconds(20), .seconds(45), .seconds(75)])
        #expect(applied[0].1.isEmpty)
        #expect(applied[1].1["credit-bureau"]?.latency.base == .milliseconds(700))
        #expect(applied[2].1["credit-bureau"]?.latency.base == .milliseconds(1200))
        #expect(applied[2].1["credit-bureau"]?.hardDown == false)
        #expect(applied[3].1["credit-bureau"]?.hardDown == true)
        #expect(applied[4].1.isEmpty)
        // Only the credit bureau is touched: everything downstream must fail by itself.
        #expect(applied.allSatisfy { Set($0.1.keys).isSubset(of: ["credit-bureau"]) })
        #expect(
            recorder.reported.contains(
                "scenario credit-bureau-cascade: credit bureau slowing (p50 1.2 s): calls to it time out"))
        #expect(recorder.reported.last?.hasPrefix("scenario credit-bureau-cascade: over") == true)
        #expect(recorder.clock.now.offset == .seconds(110))
    }

    @Test func paceCompressesTheTimeline() async {
        let recorder = Recorder(clock: ManualClock())
        await Self.playToEnd(.single(Scenario.silentWrongCharge), recorder: recorder, pace: 4)
        #expect(recorder.applied.map(\.0) == [.zero, .milliseconds(2500), .milliseconds(17_500)])
        #expect(recorder.applied[1].1["card-network"]?.wrongAnswer == true)
        #expect(recorder.clock.now.offset == .seconds(25))
    }

    @Test func migrationOverwhelmsOnlyTheSMSPath() {
        let faults = Scenario.authVendorMigration.steps.map(\.faults).filter { !$0.isEmpty }
        #expect(faults.allSatisfy { Set($0.keys) == ["auth-vendor"] }, "the certificate path is never touched")
        // It slows first (so the board sees the vendor in trouble before its dependents fail), then collapses.
        #expect(faults.first?["auth-vendor"]?.latency.base ?? .zero > .milliseconds(500))
        let sms = faults.last?["auth-vendor"]
        // Even at its smallest swing the crowd fills workers and line: every SMS call is turned away.
        let room = Double((sms?.capacity ?? 0) + (sms?.queueLimit ?? 0))
        #expect(Double(sms?.crowd ?? 0) * (1 - SimulatedNode.crowdSwing) > room)
    }

    @Test func tourPlaysEveryIncidentInTurnAndLoopsUntilCancelled() async {
        let clock = ManualClock()
        let recorder = Recorder(clock: clock)
        let player = recorder.player()
        let task = Task { await player.play(.tour(Scenario.incidents)) }
        let oneRound = Scenario.incidents.reduce(Duration.zero) { $0 + $1.length }
        while clock.now.offset < oneRound + .seconds(15) {
            await clock.waitForSleepers(count: 1)
            clock.advanceToNextDeadline()
        }
        task.cancel()
        await task.value
        let tourLines = recorder.reported.filter { $0.hasPrefix("tour") }
        #expect(
            tourLines.map { $0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces) }
                == Scenario.incidents.map(\.name) + [Scenario.incidents[0].name])
        #expect(tourLines.last?.hasPrefix("tour (round 2)") == true)
        // The second round started exactly when the first ended.
        let secondStart = recorder.applied.first { $0.0 >= oneRound }?.0
        #expect(secondStart == oneRound)
    }

    @Test func applyingAStepSetsTheNamedNodesAndHealsTheRest() async throws {
        let estate = try await Estate.start(EstateLayout.standard.withEphemeralPorts())
        let down = EstateLayout.creditBureau.down()
        await estate.apply(["credit-bureau": down, "card-network": EstateLayout.cardNetwork.answeringWrongly()])
        #expect(estate.profiles["credit-bureau"] == down)
        await estate.apply(["card-network": EstateLayout.cardNetwork.answeringWrongly()])
        #expect(estate.profiles["credit-bureau"] == EstateLayout.creditBureau)
        #expect(estate.profiles["card-network"]?.wrongAnswer == true)
        await estate.apply([:])
        #expect(
            estate.profiles
                == Dictionary(
                    uniqueKeysWithValues: estate.layout.nodeNames.map {
                        ($0, estate.layout.baselineProfile(of: $0))
                    }))
        await estate.stop()
    }
}
