import Probes
import Testing

@testable import Dashboard

/// The key reducer: a pure function of (state, key, snapshot, size) → (state, command).
@Suite("Board keys")
struct BoardKeyTests {
    let snapshot = BoardFixtures.oneRoot
    let size = TerminalSize(width: 80, height: 24)

    /// Service names in display order.
    var treeNames: [String] {
        BoardRows.rows(for: snapshot, state: BoardState()).map { snapshot.services[$0.index].name }
    }

    func press(_ keys: [Key], on start: BoardState? = nil, size: TerminalSize? = nil)
        -> (state: BoardState, commands: [BoardCommand])
    {
        var state = start ?? BoardState()
        state.reconcile(with: snapshot, size: size ?? self.size)
        var commands: [BoardCommand] = []
        for key in keys {
            if let command = state.handle(key, snapshot: snapshot, size: size ?? self.size) {
                commands.append(command)
            }
        }
        return (state, commands)
    }

    @Test("tree order puts every upstream above its dependents, each service once")
    func treeOrder() {
        let names = treeNames
        #expect(names.count == snapshot.services.count)
        #expect(Set(names).count == names.count)
        for service in snapshot.services {
            let position = names.firstIndex(of: service.name) ?? -1
            for upstream in service.dependsOn {
                #expect((names.firstIndex(of: upstream) ?? .max) < position, "\(upstream) above \(service.name)")
            }
        }
        // A service hangs under the last of its upstreams to be listed.
        #expect(
            names == [
                "point-portal", "auth-vendor", "auth-cert", "deposit-event", "credit-bureau", "loan-application",
                "account-opening", "card-network", "card-issuance", "gift-payment", "open-banking",
                "card-point-cashout", "transfers",
            ])
        let depths = BoardRows.rows(for: snapshot, state: BoardState()).map { $0.position?.depth ?? -1 }
        #expect(depths == [0, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1])
    }

    @Test("a cycle or an unknown upstream in bad input still lists every service once")
    func badGraph() {
        let entries = [
            BoardFixtures.Entry(name: "a", dependsOn: ["b"]), BoardFixtures.Entry(name: "b", dependsOn: ["a"]),
            BoardFixtures.Entry(name: "c", dependsOn: ["ghost", "c"]),
        ]
        let snapshot = BoardFixtures.snapshot(entries: entries)
        let names = BoardRows.rows(for: snapshot, state: BoardState()).map { snapshot.services[$0.index].name }
        #expect(names.sorted() == ["a", "b", "c"])
    }

    @Test("a long chain of dependencies is listed without deep recursion")
    func longChain() {
        let entries = (0..<20_000).map { BoardFixtures.Entry(name: "n\($0)", dependsOn: $0 == 0 ? [] : ["n\($0 - 1)"]) }
        let snapshot = BoardFixtures.snapshot(entries: entries)
        let rows = BoardRows.treeOrder(snapshot.services)
        #expect(rows.count == 20_000)
        #expect(rows.last?.position?.depth == 19_999)
    }

    @Test("j/k and arrows move the selection and stop at the ends")
    func movement() {
        let names = treeNames
        #expect(press([]).state.selected == names[0])
        #expect(press([.char("j"), .down]).state.selected == names[2])
        #expect(press([.char("j"), .char("k"), .up, .up]).state.selected == names[0])
        #expect(press([.char("G")]).state.selected == names.last)
        #expect(press([.end, .down]).state.selected == names.last)
        #expect(press([.char("G"), .char("g")]).state.selected == names[0])
        #expect(press([.end, .home]).state.selected == names[0])
    }

    @Test("PgDn and PgUp move by the rows the table shows")
    func paging() {
        let entries = (0..<100).map { BoardFixtures.Entry(name: "svc-\($0)") }
        let many = BoardFixtures.snapshot(entries: entries)
        var state = BoardState()
        state.reconcile(with: many, size: size)
        _ = state.handle(.pageDown, snapshot: many, size: size)
        // 24 rows: 2 header, 1 footer, 1 column header → 20 table rows.
        #expect(state.selected == "svc-20")
        #expect(state.offset == 1)
        _ = state.handle(.pageDown, snapshot: many, size: size)
        _ = state.handle(.pageUp, snapshot: many, size: size)
        #expect(state.selected == "svc-20")
        _ = state.handle(.pageUp, snapshot: many, size: size)
        _ = state.handle(.pageUp, snapshot: many, size: size)
        #expect(state.selected == "svc-0")
        #expect(state.offset == 0)
    }

    @Test("the selection follows its service when the sort changes")
    func selectionByName() {
        let (state, _) = press([.char("j"), .char("j"), .char("j"), .char("j"), .char("s")])
        #expect(state.sort == .status)
        #expect(state.selected == "credit-bureau")
        let statusOrder = BoardRows.rows(for: snapshot, state: state).map { snapshot.services[$0.index].name }
        #expect(statusOrder.first == "credit-bureau")  // down and the root: first
    }

    @Test("s cycles tree, status, name, budget, burn")
    func sortCycle() {
        var state = BoardState()
        var seen: [BoardSortOrder] = []
        for _ in 0..<5 {
            _ = state.handle(.char("s"), snapshot: snapshot, size: size)
            seen.append(state.sort)
        }
        #expect(seen == [.status, .name, .budget, .burn, .tree])
        state.sort = .budget
        let budgetOrder = BoardRows.rows(for: snapshot, state: state).map { snapshot.services[$0.index] }
        let budgets = budgetOrder.map { $0.availability?.budgetRemaining ?? .infinity }
        #expect(budgets == budgets.sorted())
        #expect(budgetOrder.last?.name == "open-banking")  // no budget: last
    }

    @Test("/ filters incrementally by name or title; Esc clears; Enter keeps")
    func filter() {
        var (state, _) = press([.char("/"), .char("c"), .char("a"), .char("r"), .char("d")])
        #expect(state.isEditingFilter)
        #expect(state.filter == "card")
        let names = BoardRows.rows(for: snapshot, state: state).map { snapshot.services[$0.index].name }
        #expect(names == ["card-network", "card-issuance", "card-point-cashout"])
        #expect(state.selected == "card-network")
        // "q" is text while typing, not quit.
        var command = state.handle(.char("q"), snapshot: snapshot, size: size)
        #expect(command == nil && state.filter == "cardq")
        _ = state.handle(.backspace, snapshot: snapshot, size: size)
        _ = state.handle(.enter, snapshot: snapshot, size: size)
        #expect(!state.isEditingFilter && state.filter == "card")
        command = state.handle(.escape, snapshot: snapshot, size: size)
        #expect(command == nil && state.filter.isEmpty)

        // Korean titles match too.
        (state, _) = press([.char("/"), .char("대"), .char("출")])
        #expect(
            BoardRows.rows(for: snapshot, state: state).map { snapshot.services[$0.index].name }
                == ["loan-application"])
        (state, _) = press([.char("/"), .char("x"), .escape])
        #expect(state.filter.isEmpty && !state.isEditingFilter)
    }

    @Test("c shows only root causes and the services they impact")
    func cascadeOnly() {
        let (state, _) = press([.char("c")])
        let rows = BoardRows.rows(for: snapshot, state: state)
        #expect(
            rows.map { snapshot.services[$0.index].name }
                == ["credit-bureau", "account-opening", "card-issuance", "loan-application"])
        #expect(rows.map { $0.position?.depth } == [0, 1, 1, 1])
        #expect(state.selected == "credit-bureau")
        #expect(press([.char("c"), .char("c")]).state.cascadeOnly == false)
    }

    @Test("r asks the engine to probe the selection now; p toggles pause; q quits")
    func commands() {
        let probe = press([.char("j"), .char("j"), .char("j"), .char("j"), .char("r")])
        #expect(probe.commands == [.probeNow("credit-bureau")])
        #expect(probe.state.message == "probing credit-bureau now")
        #expect(press([.char("p")]).commands == [.togglePause])
        #expect(press([.char("q")]).commands == [.quit])
        #expect(press([.escape]).commands == [.quit])
    }

    @Test("r on a declared dependency without a probe asks nothing and says why")
    func probeWithoutProbe() {
        let index = treeNames.firstIndex(of: "open-banking") ?? 0
        let result = press(Array(repeating: .char("j"), count: index) + [.char("r")])
        #expect(result.state.selected == "open-banking")
        #expect(result.commands.isEmpty)
        #expect(result.state.message == "open-banking has no probe of its own")
        // The next key clears the message.
        var state = result.state
        _ = state.handle(.char("j"), snapshot: snapshot, size: size)
        #expect(state.message == nil)
    }

    @Test("? opens help; ? or Esc closes it; other keys are swallowed; q still quits")
    func help() {
        var (state, commands) = press([.char("?"), .char("j"), .char("s")])
        #expect(state.showsHelp && state.sort == .tree && state.selected == treeNames[0])
        #expect(commands.isEmpty)
        _ = state.handle(.escape, snapshot: snapshot, size: size)
        #expect(!state.showsHelp)
        (state, commands) = press([.char("?"), .char("?")])
        #expect(!state.showsHelp && commands.isEmpty)
        #expect(press([.char("?"), .char("q")]).commands == [.quit])
    }

    @Test("Enter opens the detail pane and focuses it; arrows then scroll it; Esc closes it before quitting")
    func detail() {
        var (state, commands) = press([.enter])
        #expect(state.detailOpen && state.focus == .detail)
        _ = state.handle(.down, snapshot: snapshot, size: size)
        _ = state.handle(.down, snapshot: snapshot, size: size)
        #expect(state.detailOffset == 2)
        #expect(state.selected == treeNames[0])
        _ = state.handle(.end, snapshot: snapshot, size: size)
        let bottom = state.detailOffset
        _ = state.handle(.down, snapshot: snapshot, size: size)
        #expect(state.detailOffset == bottom)  // clamped at the last page
        _ = state.handle(.char("g"), snapshot: snapshot, size: size)
        #expect(state.detailOffset == 0)
        let command = state.handle(.escape, snapshot: snapshot, size: size)
        #expect(command == nil && !state.detailOpen && state.focus == .table)
        (state, commands) = press([.enter, .enter])
        #expect(!state.detailOpen && commands.isEmpty)
    }

    @Test("Tab switches panes; on a wide terminal the detail pane stays and only the focus moves")
    func tab() {
        let wide = TerminalSize(width: 160, height: 48)
        var (state, _) = press([.tab], size: wide)
        #expect(state.focus == .detail && !state.detailOpen)
        _ = state.handle(.tab, snapshot: snapshot, size: wide)
        #expect(state.focus == .table)
        _ = state.handle(.enter, snapshot: snapshot, size: wide)
        #expect(state.focus == .detail)
        (state, _) = press([.tab])
        #expect(state.focus == .detail && state.detailOpen)
        _ = state.handle(.backTab, snapshot: snapshot, size: size)
        #expect(state.focus == .table && !state.detailOpen)
    }

    @Test("moving the selection resets the detail scroll")
    func detailScrollReset() {
        let wide = TerminalSize(width: 140, height: 30)
        var (state, _) = press([.tab, .down, .down, .tab], size: wide)
        #expect(state.detailOffset > 0)
        _ = state.handle(.down, snapshot: snapshot, size: wide)
        #expect(state.detailOffset == 0)
        #expect(state.selected == treeNames[1])
    }

    @Test("a filter that hides the selection moves it to the first match; an empty match leaves it")
    func reconcile() {
        var state = BoardState(selected: "gift-payment")
        state.reconcile(with: snapshot, size: size)
        #expect(state.selected == "gift-payment")
        state.filter = "credit"
        state.reconcile(with: snapshot, size: size)
        #expect(state.selected == "credit-bureau")
        state.filter = "nothing matches this"
        state.reconcile(with: snapshot, size: size)
        #expect(state.selected == "credit-bureau")
        #expect(state.offset == 0)
    }

    @Test("a resize keeps the selection visible")
    func resize() {
        let entries = (0..<100).map { BoardFixtures.Entry(name: "svc-\($0)") }
        let many = BoardFixtures.snapshot(entries: entries)
        var state = BoardState()
        let tall = TerminalSize(width: 80, height: 60)
        state.reconcile(with: many, size: tall)
        for _ in 0..<50 { _ = state.handle(.down, snapshot: many, size: tall) }
        #expect(state.offset == 0)
        _ = state.handle(.resize, snapshot: many, size: size)
        #expect(state.selected == "svc-50")
        #expect(state.offset == 31)
    }

    @Test("keys before the first snapshot do nothing harmful")
    func noSnapshot() {
        var state = BoardState()
        for key in [Key.down, .char("G"), .enter, .char("r"), .char("/"), .char("x"), .escape, .tab] {
            let command = state.handle(key, snapshot: nil, size: size)
            #expect(command == nil)
        }
        #expect(state.selected == nil)
        #expect(state.handle(.char("q"), snapshot: nil, size: size) == .quit)
    }
}
