import Testing

@testable import CascadeLab

/// One incident of every kind at a fixed seed on a 40-service estate, through the real engine on a
/// virtual clock: a change that breaks root-cause analysis or alert routing for a kind fails here
/// in seconds, long before anyone runs the thousand-incident lab.
@Suite("Cascade lab")
struct CascadeLabTests {
    static let seed: UInt64 = 20_261_206

    @Test(arguments: LabIncidentKind.allCases)
    func kindMeetsItsGoals(kind: LabIncidentKind) throws {
        let report = try LabReport.run(incidents: 1, services: 40, seed: Self.seed, kinds: [kind])
        let outcome = try #require(report.outcomes.first, "no \(kind) incident could be drawn")
        #expect(outcome.phantomPages == 0, "\(outcome)")
        #expect(outcome.missingResolves == 0, "\(outcome)")
        #expect(outcome.victimPages == 0, "\(outcome)")
        guard kind != .noise else { return }
        #expect(outcome.rootAtRank1, "\(outcome)")
        if kind != .flapping {
            let time = try #require(outcome.timeToRootAlert, "the root never paged: \(outcome)")
            #expect(time <= outcome.rootAlertGoal, "\(outcome)")
        }
    }

    @Test func runsRepeatFromTheirSeed() throws {
        let a = try LabReport.run(incidents: 3, services: 30, seed: 7)
        let b = try LabReport.run(incidents: 3, services: 30, seed: 7)
        #expect(a.outcomes.map(\.seed) == b.outcomes.map(\.seed))
        #expect(a.outcomes.map(\.timeToRootAlert) == b.outcomes.map(\.timeToRootAlert))
        #expect(a.outcomes.map(\.named) == b.outcomes.map(\.named))
    }
}
