import Foundation
import Synchronization
import Testing

@testable import Probes

/// The one engine loop with local probes on a virtual clock: commands go in through the engine,
/// everything consumers need comes out in its boards, and stopping it flushes the history.
@Suite("EngineRunner", .timeLimit(.minutes(1)))
struct EngineRunnerTests {
    static let t0 = SchedulerHarness.wallStart

    /// What the engine handed its consumers.
    final class Outputs: Sendable {
        let boards = Mutex<[BoardSnapshot]>([])
        let events = Mutex<[AlertEvent]>([])

        /// Whether the alert lines stopped reaching their reader.
        let lost = Mutex(false)

        var engineOutputs: EngineOutputs {
            var outputs = EngineOutputs(
                onEvents: { events in self.events.withLock { $0 += events } },
                onSnapshot: { board in self.boards.withLock { $0.append(board) } })
            outputs.outputLost = { self.lost.withLock { $0 } }
            return outputs
        }

        /// Waits, without real time passing, until a board satisfies `condition`.
        func board(where condition: (BoardSnapshot) -> Bool) async -> BoardSnapshot? {
            for _ in 0..<1_000_000 {
                if let board = boards.withLock({ $0.last }), condition(board) { return board }
                await Task.yield()
            }
            return nil
        }
    }

    struct Rig {
        let clock = ManualClock()
        let runner: ScriptedProbeRunner
        let scheduler: ProbeScheduler<ManualClock>
        let engine: EngineRunner<LocalProbes<ManualClock>, Monitor, ManualClock>
        let outputs = Outputs()

        init(services: [String], store: HistoryStore? = nil) throws {
            let configs = services.map { scheduledService($0, interval: .seconds(60)) }
            let config = ProbesConfig(
                defaults: ProbeDefaults(interval: .seconds(60), timeout: .seconds(2)), slo: .standard,
                services: configs, redactor: Redactor())
            runner = ScriptedProbeRunner(clock: clock, latency: .milliseconds(20))
            scheduler = ProbeScheduler(
                services: configs, runner: runner, clock: clock, wallStart: EngineRunnerTests.t0,
                coalescingWindow: .zero)
            let clock = self.clock
            engine = EngineRunner(
                source: LocalProbes(scheduler: scheduler), state: Monitor(config: config), clock: clock,
                now: {
                    EngineRunnerTests.t0.addingTimeInterval(ManualClock.Instant.zero.duration(to: clock.now).seconds)
                },
                store: store, outputs: outputs.engineOutputs)
        }
    }

    @Test func pauseAndProbeNowGoThroughTheEngineAndTheNextBoardShowsThem() async throws {
        let rig = try Rig(services: ["loan-application"])
        let running = Task { await rig.engine.run() }

        rig.engine.send(.togglePause)
        let paused = await rig.outputs.board { $0.paused }
        #expect(paused != nil)
        #expect(rig.scheduler.isPaused)

        rig.engine.send(.togglePause)
        rig.engine.send(.probeNow("loan-application"))
        _ = await rig.outputs.board { !$0.paused }
        #expect(!rig.scheduler.isPaused)
        // The tick's board, a second on, carries the scheduler's statistics.
        var probed: BoardSnapshot?
        for _ in 0..<10 where probed == nil {
            await rig.clock.waitForSleepers(count: 1)
            rig.clock.advance(by: .milliseconds(250))
            probed = await rig.outputs.board { ($0.schedule?.started ?? 0) >= 1 }
        }
        #expect(probed?.schedule?.started == 1)
        // Out of turn: its place on the grid is further on.
        let offset = ProbeOffsets.startOffset(for: "loan-application", interval: .seconds(60))
        #expect(rig.runner.starts(of: "loan-application").count == 1)
        #expect(rig.runner.starts(of: "loan-application").allSatisfy { $0 < clockAt(offset) })

        running.cancel()
        await running.value
        #expect(rig.engine.state != nil, "the state is back in the runner once the run ends")
    }

    @Test func stoppingWritesWhatWasLearntToTheHistory() async throws {
        let dir = try HistoryStoreTests.TempDir()
        let path = dir.file("h.sqlite")
        let store = try HistoryStore(path: path) { Issue.record("unexpected warning: \($0)") }
        let rig = try Rig(services: ["card-issuance"], store: store)
        let running = Task { await rig.engine.run() }
        rig.engine.send(.probeNow("card-issuance"))
        // The probe takes 20 ms of virtual time: move the clock on until the result is in a board.
        var board: BoardSnapshot?
        for _ in 0..<100 where board == nil {
            await rig.clock.waitForSleepers(count: 1)
            rig.clock.advance(by: .milliseconds(500))
            board = await rig.outputs.board { $0.service(named: "card-issuance")?.lastResult != nil }
        }
        #expect(board != nil)
        // Cancelled before its next tick: only the final flush can have written the result.
        running.cancel()
        await running.value

        var restored = Monitor(config: try #require(rig.engine.state?.config))
        _ = try restored.restore(
            from: HistoryStore(path: path) { Issue.record("unexpected warning: \($0)") },
            now: Self.t0.addingTimeInterval(60))
        let status = try #require(restored.sloStatuses(now: Self.t0.addingTimeInterval(60)).first)
        #expect(status.availability.counts.total == 1)
    }

    /// Probes `service` out of turn until a board shows a `down` alert firing for it.
    /// Yields a little between steps, never spinning long: the other suites share the pool.
    static func probeUntilFiring(_ rig: Rig, _ service: String) async -> Bool {
        func firing() -> Bool {
            rig.outputs.boards.withLock { $0.last }?.firing.contains { $0.service == service && $0.alert == .down }
                ?? false
        }
        for _ in 0..<40 {
            rig.engine.send(.probeNow(service))
            await rig.clock.waitForSleepers(count: 1)
            rig.clock.advance(by: .seconds(1))
            for _ in 0..<2_000 {
                if firing() { return true }
                await Task.yield()
            }
        }
        return firing()
    }

    /// Alert lines that could not reach their reader are not remembered as told: a restart tells
    /// them again. While lines do reach it, a restart remembers them.
    @Test(arguments: [false, true])
    func alertsToldOnlyWhileTheirLinesReachTheReaderAreRemembered(lost: Bool) async throws {
        let dir = try HistoryStoreTests.TempDir()
        let path = dir.file("h.sqlite")
        let store = try HistoryStore(path: path) { Issue.record("unexpected warning: \($0)") }
        let rig = try Rig(services: ["card-issuance"], store: store)
        rig.outputs.lost.withLock { $0 = lost }
        rig.runner.failing.withLock { $0 = ["card-issuance"] }
        let running = Task { await rig.engine.run() }
        #expect(await Self.probeUntilFiring(rig, "card-issuance"))
        #expect(rig.outputs.events.withLock { $0 }.contains { $0.event == .firing && $0.alert == .down })
        running.cancel()
        await running.value

        var restored = Monitor(config: try #require(rig.engine.state?.config))
        _ = try restored.restore(
            from: HistoryStore(path: path) { Issue.record("unexpected warning: \($0)") },
            now: Self.t0.addingTimeInterval(120))
        let remembered = restored.snapshot(now: Self.t0.addingTimeInterval(120)).firing
            .contains { $0.service == "card-issuance" && $0.alert == .down }
        #expect(remembered == !lost, lost ? "a firing never read is told again" : "a firing told is remembered")
    }

    @Test func aSecondRunReturnsAtOnce() async throws {
        let rig = try Rig(services: ["gift"])
        let first = Task { await rig.engine.run() }
        rig.engine.send(.pause)
        _ = await rig.outputs.board { $0.paused }
        await rig.engine.run()
        #expect(rig.engine.state == nil, "the first run still holds the state")
        first.cancel()
        await first.value
        #expect(rig.engine.state != nil)
    }
}
