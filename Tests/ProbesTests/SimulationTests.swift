import Foundation
import Testing

@testable import Probes

@Suite("SLO simulate")
struct SimulationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var days: Int64
        var errorRatio: Double
        /// Rules that must never fire at this error ratio.
        var silent: Set<String>
        var testDescription: String { "\(days)d at error ratio \(errorRatio)" }
    }

    static let cases: [Case] = [
        Case(days: 30, errorRatio: 1.0, silent: []),
        Case(days: 30, errorRatio: 0.1, silent: []),
        Case(days: 30, errorRatio: 0.01, silent: ["page-1h"]),
        Case(days: 28, errorRatio: 1.0, silent: []),
        Case(days: 28, errorRatio: 0.1, silent: []),
        Case(days: 28, errorRatio: 0.01, silent: ["page-1h"]),
    ]

    @Test("detection times agree with the Workbook formula within one 10 s bucket", arguments: cases)
    func agreesWithFormula(_ c: Case) throws {
        let result = try SLOSimulation.run(objective: 99.9, window: .seconds(c.days * 86_400), errorRatio: c.errorRatio)
        #expect(result.rules.map(\.name) == ["page-1h", "page-6h", "ticket-3d"])
        let windowSeconds = Double(c.days * 86_400)
        for rule in result.rules {
            let spec = try #require(AlertPolicy.standard.burnRateRules.first { $0.name == rule.name })
            let factor = spec.burnRate(sloWindow: .seconds(c.days * 86_400))
            let formula = factor * 0.001 / c.errorRatio * spec.longWindow.seconds
            if c.silent.contains(rule.name) {
                #expect(rule.firedAfterSeconds == nil, "\(rule.name) must never fire")
                #expect(rule.formulaSeconds == nil)
                continue
            }
            let fired = try #require(rule.firedAfterSeconds, "\(rule.name) never fired")
            #expect(abs(fired - formula) <= 10 + 1e-6, "\(rule.name): fired after \(fired) s, formula \(formula) s")
            #expect(abs((rule.formulaSeconds ?? 0) - formula) < 1e-6)
            let consumed = try #require(rule.budgetConsumed)
            #expect(abs(consumed - c.errorRatio * fired / (0.001 * windowSeconds)) < 1e-4)
        }
    }

    @Test("factors scale with the SLO window")
    func factors() throws {
        let thirty = try SLOSimulation.run(objective: 99.9, window: .seconds(30 * 86_400), errorRatio: 1)
        #expect(thirty.rules.map(\.burnRate) == [14.4, 6, 1])
        let twentyEight = try SLOSimulation.run(objective: 99.9, window: .seconds(28 * 86_400), errorRatio: 1)
        #expect(twentyEight.rules.map(\.burnRate) == [13.44, 5.6, 0.933333])
        #expect(twentyEight.rules.map(\.severity) == [.page, .page, .ticket])
        #expect(twentyEight.rules.map(\.longWindow) == ["1h", "6h", "3d"])
        #expect(twentyEight.rules.map(\.shortWindow) == ["5m", "30m", "6h"])
    }

    @Test("at 100 % errors the rules spend the Workbook's budget shares when they fire")
    func budgetShares() throws {
        let r = try SLOSimulation.run(objective: 99.9, window: .seconds(30 * 86_400), errorRatio: 1)
        let shares = r.rules.compactMap(\.budgetConsumed)
        // 2 %, 5 %, 10 %, plus at most one 10 s step (0.39 % of a 30-day budget).
        for (share, expected) in zip(shares, [0.02, 0.05, 0.10]) {
            #expect(share >= expected - 1e-9 && share <= expected + 10 / (0.001 * 2_592_000) + 1e-9)
        }
        #expect(r.simulatedSeconds == 260)
    }

    @Test("a ratio no rule can reach runs until the longest rule window has passed")
    func neverFires() throws {
        let r = try SLOSimulation.run(objective: 99.9, window: .seconds(30 * 86_400), errorRatio: 0.0005)
        #expect(r.rules.allSatisfy { $0.firedAfterSeconds == nil && $0.formulaSeconds == nil })
        #expect(r.simulatedSeconds >= 3 * 86_400)
        #expect(r.simulatedSeconds <= 30 * 86_400)
    }

    @Test("without healthy history the rules wait for a short window of data")
    func freshStart() throws {
        let r = try SLOSimulation.run(objective: 99.9, window: .seconds(30 * 86_400), errorRatio: 1, healthyFor: .zero)
        let page = try #require(r.rules.first?.firedAfterSeconds)
        #expect(page > 300 && page <= 320)
        #expect(r.healthyForSeconds == 0)
    }

    @Test("a coarser probe step still fires within one step of the formula")
    func coarseStep() throws {
        let r = try SLOSimulation.run(
            objective: 99.5, window: .seconds(7 * 86_400), errorRatio: 0.2,
            step: .seconds(60))
        for rule in r.rules {
            let formula = try #require(rule.formulaSeconds)
            let fired = try #require(rule.firedAfterSeconds)
            #expect(abs(fired - formula) <= 60 + 1e-6)
        }
    }

    @Test(
        "bad input is an error that names it",
        arguments: [
            (100.0, 30.0, 0.1), (0.0, 30.0, 0.1), (Double.nan, 30.0, 0.1), (99.9, 30.0, 0.0), (99.9, 30.0, 1.5),
            (99.9, 0.0, 0.1), (99.9, 500.0, 0.1),
        ])
    func badInput(objective: Double, days: Double, ratio: Double) {
        #expect(throws: SLOSimulationError.self) {
            try SLOSimulation.run(objective: objective, window: .seconds(days * 86_400), errorRatio: ratio)
        }
    }

    @Test("negative healthy time and steps out of range are errors")
    func badDurations() {
        #expect(throws: SLOSimulationError.self) {
            try SLOSimulation.run(objective: 99.9, window: .seconds(86_400), errorRatio: 1, healthyFor: .seconds(-1))
        }
        #expect(throws: SLOSimulationError.self) {
            try SLOSimulation.run(objective: 99.9, window: .seconds(86_400), errorRatio: 1, step: .zero)
        }
    }
}
