import Foundation
import Probes
import Testing

@testable import Dashboard

/// The step table of a transaction in the detail pane.
@Suite("Detail pane step table")
struct DetailStepTableTests {
    static func journey() -> ProbeResult {
        var result = ProbeResult(
            service: "gift-checkout", startedAt: Date(timeIntervalSince1970: 0), status: .down,
            latency: .milliseconds(40), error: #"step "order matches payment" failed: HTTP 409"#,
            failure: .condition, httpStatus: 409)
        result.steps = [
            StepResult(name: "log in", status: .up, latency: .milliseconds(4), httpStatus: 200),
            StepResult(
                name: "order matches payment", status: .down, latency: .milliseconds(11), error: "HTTP 409",
                failure: .condition, httpStatus: 409, upstream: "card-network"),
            StepResult(
                name: "print receipt", status: .skipped, latency: .zero, error: "not run: an earlier step failed"),
            StepResult(name: "cancel the test order", status: .up, latency: .milliseconds(3), isCleanup: true),
        ]
        return result
    }

    @Test func everyStepHasARowWithLatencyAndStatusAndTheFailingOneIsMarked() {
        let pane = DetailPane(theme: .plain, timeZone: TimeZone(identifier: "UTC") ?? .current)
        let rows = pane.stepLines(Self.journey(), width: 80).map(\.plainText)
        #expect(rows.first == "steps (latest run)")
        #expect(rows.count == 6, "\(rows)")
        let marker = Theme.plain.glyphs.selection
        let failing = rows.filter { $0.hasPrefix(" \(marker) ") }
        #expect(failing.count == 1 && failing.first?.contains("order matches payment") == true, "\(rows)")
        #expect(failing.first?.contains("HTTP 409") == true)
        #expect(rows[1].contains("log in") && rows[1].contains("4ms"), "\(rows)")
        #expect(rows[3].contains("print receipt") && rows[3].contains("not run"), "\(rows)")
        #expect(rows[4].contains("cancel the test order") && rows[4].contains("cleanup"), "\(rows)")
    }

    @Test func anHTTPProbeHasNoStepTable() {
        let pane = DetailPane(theme: .plain, timeZone: TimeZone(identifier: "UTC") ?? .current)
        let plain = ProbeResult(service: "api", startedAt: Date(), status: .up, latency: .milliseconds(3))
        #expect(pane.stepLines(plain, width: 80).isEmpty)
    }
}
