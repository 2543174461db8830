import Foundation
import Probes
import Testing

@testable import Dashboard

/// The live loop driven turn by turn against the in-memory terminal, with explicit instants
/// instead of waiting.
@Suite("Dashboard loop")
struct DashboardLoopTests {
    let view = BoardView(theme: .standard, timeZone: BoardFixtures.utc)

    func makeLoop(width: Int = 80, height: Int = 24) -> (DashboardLoop<TestTerminal>, TestTerminal, BoardFeed) {
        let terminal = TestTerminal(width: width, height: height)
        let feed = BoardFeed()
        return (DashboardLoop(terminal: terminal, view: view, feed: feed), terminal, feed)
    }

    @Test("the first turn draws the loading board before any snapshot; the next snapshot replaces it")
    func firstFrame() {
        let (loop, terminal, feed) = makeLoop()
        let start = ContinuousClock.now
        loop.turn(wait: .zero, now: start)
        #expect(terminal.fullRedraws == 1)
        #expect(terminal.visible.lines[0].contains("starting"))
        feed.publish(BoardFixtures.oneRoot)
        loop.turn(wait: .zero, now: start + .milliseconds(10))
        #expect(terminal.visible.lines[1].contains("ROOT credit-bureau ×3"))
        let expected = view.render(snapshot: BoardFixtures.oneRoot, state: loop.state, size: terminal.size)
        #expect(terminal.visible == expected)
        #expect(loop.state.selected == "point-portal")
    }

    @Test("an idle board writes nothing, also on the steady tick")
    func idle() {
        let (loop, terminal, feed) = makeLoop()
        feed.publish(BoardFixtures.healthy)
        let start = ContinuousClock.now
        loop.turn(wait: .zero, now: start)
        let writes = terminal.totalWrites
        let frames = loop.framesDrawn
        // Within the tick: not even rendered.
        loop.turn(wait: .zero, now: start + .milliseconds(100))
        #expect(loop.framesDrawn == frames)
        // Past it: rendered, but the diff writes nothing.
        for step in 1...8 {
            loop.turn(wait: .zero, now: start + .milliseconds(300 * step))
        }
        #expect(loop.framesDrawn == frames + 8)
        #expect(terminal.totalWrites == writes)
        #expect(terminal.lastWrites.isEmpty)
    }

    @Test("a new snapshot that changes one clock digit writes only that cell")
    func smallChange() {
        let (loop, terminal, feed) = makeLoop()
        var snapshot = BoardFixtures.healthy
        feed.publish(snapshot)
        let start = ContinuousClock.now
        loop.turn(wait: .zero, now: start)
        snapshot.time = snapshot.time.addingTimeInterval(1)
        feed.publish(snapshot)
        loop.turn(wait: .zero, now: start + .milliseconds(10))
        #expect(terminal.lastWrites.count == 1)
        #expect(terminal.lastWrites.first?.cell.symbol == "6")
    }

    @Test("keys are applied in one turn and their commands come back in order")
    func keysAndCommands() {
        let (loop, terminal, feed) = makeLoop()
        feed.publish(BoardFixtures.oneRoot)
        terminal.press(.char("j"), .char("j"), .char("j"), .char("j"), .char("r"))
        #expect(loop.turn(wait: .zero) == [.probeNow("credit-bureau")])
        #expect(terminal.visible.lines[23].contains("probing credit-bureau now"))
        terminal.press(.char("p"), .char("r"), .char("k"), .char("p"))
        #expect(loop.turn(wait: .zero) == [.togglePause, .probeNow("credit-bureau"), .togglePause])
        #expect(loop.state.selected == "deposit-event")
    }

    @Test("the footer message goes away by itself")
    func messageExpires() {
        let (loop, terminal, feed) = makeLoop()
        feed.publish(BoardFixtures.oneRoot)
        let start = ContinuousClock.now
        terminal.press(.char("r"))
        loop.turn(wait: .zero, now: start)
        #expect(loop.state.message != nil)
        loop.turn(wait: .zero, now: start + .seconds(5))
        #expect(loop.state.message == nil)
        #expect(!terminal.visible.lines[23].contains("probing"))
    }

    @Test("a resize redraws everything at the new size, with no debris")
    func resize() {
        let (loop, terminal, feed) = makeLoop(width: 100, height: 30)
        feed.publish(BoardFixtures.twoRoots)
        loop.turn(wait: .zero)
        terminal.resize(width: 80, height: 24)
        loop.turn(wait: .zero)
        #expect(terminal.fullRedraws == 2)
        let expected = view.render(snapshot: BoardFixtures.twoRoots, state: loop.state, size: terminal.size)
        #expect(terminal.visible == expected)
        terminal.resize(width: 20, height: 6)
        loop.turn(wait: .zero)
        #expect(terminal.visible.lines.joined().contains("terminal too small"))
    }

    @Test("q ends run(); the feed's stop request ends it too")
    func ending() {
        let (loop, terminal, feed) = makeLoop()
        feed.publish(BoardFixtures.healthy)
        terminal.press(.char("p"), .char("q"))
        var commands: [BoardCommand] = []
        #expect(loop.run { commands.append($0) } == true)
        #expect(commands == [.togglePause])

        let (other, _, otherFeed) = makeLoop()
        otherFeed.requestStop()
        #expect(other.run { _ in } == false)
        #expect(other.framesDrawn == 1)

        // A terminal that hung up (the ssh connection dropped) ends it as well.
        let (orphan, gone, _) = makeLoop()
        gone.hasHungUp = true
        #expect(orphan.run { _ in } == false)
    }
}
