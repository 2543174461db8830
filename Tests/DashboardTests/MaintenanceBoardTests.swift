import Foundation
import Probes
import Testing

@testable import Dashboard

/// The board's side of maintenance windows and silences: `MAINT` and `SILENCED` on rows, the
/// warning before a silence ends, and `m` with its reason prompt.
@Suite("Board: maintenance and silences")
struct MaintenanceBoardTests {
    static let size = TerminalSize(width: 100, height: 30)

    /// The healthy estate with the credit bureau in its nightly window and auth-vendor silenced
    /// until `silenceLeft` seconds from the snapshot's time.
    static func snapshot(silenceLeft: TimeInterval) -> BoardSnapshot {
        var snapshot = BoardFixtures.healthy
        let window = MaintenanceWindow(
            schedule: .once(
                from: BoardFixtures.time.addingTimeInterval(-600),
                to: BoardFixtures.time.addingTimeInterval(600)), reason: "nightly batch")
        let silence = Silence(
            id: "s-0a0b0c", service: "auth-vendor", createdBy: "oncall",
            createdAt: BoardFixtures.time.addingTimeInterval(-60),
            endsAt: BoardFixtures.time.addingTimeInterval(silenceLeft), reason: "vendor says fixed soon")
        for index in snapshot.services.indices {
            if snapshot.services[index].name == "credit-bureau" { snapshot.services[index].maintenance = window }
            if snapshot.services[index].name == "auth-vendor" { snapshot.services[index].silence = silence }
        }
        return snapshot
    }

    static func render(_ snapshot: BoardSnapshot, _ keys: [Key] = []) -> (Screen, BoardState, [BoardCommand]) {
        var state = BoardState()
        state.reconcile(with: snapshot, size: size)
        var commands: [BoardCommand] = []
        for key in keys {
            if let command = state.handle(key, snapshot: snapshot, size: size) { commands.append(command) }
        }
        return (BoardViewTests.view.render(snapshot: snapshot, state: state, size: size), state, commands)
    }

    static func row(_ screen: Screen, _ name: String) -> String? {
        screen.lines.first { $0.contains(" \(name) ") || $0.contains(" \(name)  ") }
    }

    @Test func rowsShowMaintAndSilencedAndTheFooterWarnsBeforeASilenceEnds() throws {
        let (screen, _, _) = Self.render(Self.snapshot(silenceLeft: 7 * 60))
        try expectGolden(screen, "board-maintenance-silence-100x30")
        #expect(Self.row(screen, "credit-bureau")?.contains("MAINT") == true)
        #expect(Self.row(screen, "auth-vendor")?.contains("SILENCED") == true)
        #expect(Self.row(screen, "point-portal")?.contains("MAINT") == false)
        #expect(
            screen.lines.last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?
                .contains("silence s-0a0b0c on auth-vendor ends in 7m") == true)
    }

    @Test func noWarningWhileTheSilenceHasMoreThanTenMinutesLeft() {
        let (screen, _, _) = Self.render(Self.snapshot(silenceLeft: 11 * 60))
        #expect(!screen.lines.joined().contains("ends in"))
        #expect(Self.row(screen, "auth-vendor")?.contains("SILENCED") == true)
    }

    @Test func mAsksForAReasonAndSilencesTheSelectedRow() {
        let snapshot = BoardFixtures.healthy
        let first = snapshot.services[0].name
        // Enter without a reason is refused; Esc cancels; a typed reason silences.
        var (screen, state, commands) = Self.render(snapshot, [.char("m")])
        #expect(state.silencePrompt?.service == first)
        #expect(screen.lines.contains { $0.contains("silence \(first) for 1h, reason:") })
        (screen, state, commands) = Self.render(snapshot, [.char("m"), .enter])
        #expect(commands.isEmpty)
        #expect(state.silencePrompt != nil)
        #expect(screen.lines.contains { $0.contains("a silence needs a reason") })
        (_, state, commands) = Self.render(snapshot, [.char("m"), .char("x"), .escape])
        #expect(commands.isEmpty && state.silencePrompt == nil)
        let keys: [Key] = [.char("m")] + "db 이관".map { Key.char($0) } + [.backspace, .char("관"), .enter]
        (_, state, commands) = Self.render(snapshot, keys)
        #expect(commands == [.silence(service: first, reason: "db 이관")])
        #expect(state.silencePrompt == nil)
        #expect(state.message == "silencing \(first) for 1h")
    }

    @Test func quietAlertsAreNotCountedAsPaging() {
        var snapshot = BoardFixtures.oneRoot
        var quiet = BoardFixtures.alert("gift-payment", root: "gift-payment", suppressed: false)
        quiet.silence = "s-0a0b0c"
        snapshot.firing.append(quiet)
        let (screen, _, _) = Self.render(snapshot)
        #expect(screen.lines[1].contains("5 alerts firing (1 paging, 3 suppressed, 1 quiet)"), "\(screen.lines[1])")
    }
}
