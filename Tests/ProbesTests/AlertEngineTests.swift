import Foundation
import Testing

@testable import Probes

private let t0: Int64 = 1_800_000_000
private func at(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(t0 + seconds)) }

private func policy(downAfter: Int = 2, resolveAfter: Int = 2, latencyAlert: Bool = true) -> SLOPolicy {
    var alerts = AlertPolicy.standard
    alerts.downAfter = downAfter
    alerts.resolveAfter = resolveAfter
    alerts.latencyAlert = latencyAlert
    return SLOPolicy(objective: 99.9, window: .seconds(30 * 86_400), latency: .standard, alerts: alerts)
}

/// The Monitor's order of work for one service: record the result, then evaluate.
private struct Harness {
    var book: SLOBook
    var latency: LatencyBook
    var engine = AlertEngine()
    let service = "loan-application"

    init(policy: SLOPolicy) {
        book = SLOBook(policies: [(service, policy)])
        latency = LatencyBook(services: [service])
    }

    mutating func probe(_ status: ProbeStatus, at t: Int64, ms: Int64 = 50, error: String? = nil) -> [AlertEvent] {
        let result = ProbeResult(
            service: service, startedAt: at(t), status: status, latency: .milliseconds(ms),
            error: error)
        book.record(result)
        latency.record(result)
        return engine.evaluate(after: result, now: at(t), slo: &book, latency: latency)
    }

    /// Healthy history: six good probes a minute for `days`, ending at `t0`.
    mutating func healthyHistory(days: Int64, sli: SLIKind = .availability) {
        var t = -days * 86_400
        while t < 0 {
            book.record(service: service, sli: sli, good: 6, total: 6, at: at(t))
            t += 60
        }
    }
}

@Suite("Alert engine")
struct AlertEngineTests {
    @Test("down fires after downAfter failed probes and resolves after resolveAfter good ones")
    func downAfterN() throws {
        var h = Harness(policy: policy())
        #expect(h.probe(.down, at: 0, error: "HTTP 503").isEmpty)
        #expect(h.engine.states[AlertKey(service: h.service, kind: .down)]?.phase == .pending)
        let firing = h.probe(.down, at: 10, error: "HTTP 503")
        #expect(firing.count == 1)
        let event = try #require(firing.first)
        #expect(event.event == .firing)
        #expect(event.alert == .down)
        #expect(event.severity == .critical)
        #expect(event.summary == "loan-application down for 2 probes: HTTP 503")
        #expect(event.observed == 2)
        #expect(event.time == at(10))
        #expect(event.rootCause == nil && event.suppressed == false)
        #expect(h.probe(.unknown, at: 20, error: "timeout after 2000 ms").isEmpty)
        #expect(h.probe(.up, at: 30).isEmpty)
        #expect(h.engine.firing.map(\.key.kind) == [.down])
        let resolved = h.probe(.degraded, at: 40)
        #expect(resolved.map(\.event) == [.resolved])
        #expect(resolved.first?.summary == "loan-application up again after 30s down")
        #expect(h.engine.firing.isEmpty)
    }

    @Test("downAfter 3 needs three failures in a row")
    func downAfterThree() {
        var h = Harness(policy: policy(downAfter: 3))
        #expect(h.probe(.down, at: 0).isEmpty)
        #expect(h.probe(.down, at: 10).isEmpty)
        #expect(h.probe(.up, at: 20).isEmpty)
        #expect(h.probe(.down, at: 30).isEmpty)
        #expect(h.probe(.down, at: 40).isEmpty)
        let events = h.probe(.down, at: 50)
        #expect(events.map(\.alert) == [.down])
        #expect(events.first?.summary == "loan-application down for 3 probes: status down")
    }

    @Test("latency fires when the last minute's p99 is over the threshold and resolves once it is not")
    func latencyAlert() throws {
        var h = Harness(policy: policy())
        var t: Int64 = 0
        while t < 600 {
            #expect(h.probe(.up, at: t, ms: 50).isEmpty)
            t += 10
        }
        #expect(h.probe(.up, at: 600, ms: 800).isEmpty)
        let firing = h.probe(.degraded, at: 610, ms: 820)
        let event = try #require(firing.first { $0.alert == .latency })
        #expect(event.event == .firing)
        #expect(event.severity == .warning)
        let observed = try #require(event.observed)
        #expect(observed >= 820 && observed <= 820 * 1.008)
        #expect(event.summary.hasPrefix("loan-application p99 latency 8"))
        #expect(event.summary.hasSuffix(" over 500 ms (1m)"))
        // Fast again: resolves once the slow probes have left the window, after two good evaluations.
        var resolvedAt: Int64?
        t = 620
        while t < 1200, resolvedAt == nil {
            if h.probe(.up, at: t, ms: 40).contains(where: { $0.alert == .latency && $0.event == .resolved }) {
                resolvedAt = t
            }
            t += 10
        }
        let when = try #require(resolvedAt)
        // The window is the last minute at minute resolution: between one and two minutes later.
        #expect(when > 600 + 60 && when <= 600 + 120 + 20)
    }

    @Test("no latency alert when it is switched off")
    func latencyAlertOff() {
        var h = Harness(policy: policy(latencyAlert: false))
        var events: [AlertEvent] = []
        for i in 0..<10 { events += h.probe(.up, at: Int64(i) * 10, ms: 3000) }
        #expect(!events.contains { $0.alert == .latency })
    }

    @Test("burn-rate rules fire in order of their factors and all resolve when errors stop")
    func burnRateLifecycle() throws {
        var h = Harness(policy: policy())
        h.healthyHistory(days: 3)
        var events: [AlertEvent] = []
        var t: Int64 = 0
        var firedAt: [String: Int64] = [:]
        while t < 300 {
            for e in h.probe(.down, at: t, error: "HTTP 503") {
                events.append(e)
                if e.event == .firing, let rule = e.rule { firedAt[rule] = t }
            }
            t += 10
        }
        // Failures every 10 s: page-1h needs 1.44 % of 1 h of probes, page-6h 0.6 % of 6 h,
        // ticket-3d 0.1 % of 3 d.
        #expect(firedAt["page-1h"] == 50)
        #expect(firedAt["page-6h"] == 120)
        #expect(firedAt["ticket-3d"] == 250)
        let page = try #require(events.first { $0.rule == "page-1h" })
        #expect(page.alert == .burnRate)
        #expect(page.severity == .page)
        #expect(page.sli == .availability)
        #expect(page.window == "1h/5m")
        #expect(page.burnRate == 14.4)
        #expect((page.observed ?? 0) >= 14.4)
        #expect(page.summary.hasPrefix("loan-application error budget burning at "))
        #expect(page.summary.hasSuffix(" over 1h/5m (page-1h ≥ 14.4×)"))
        #expect(events.first { $0.rule == "ticket-3d" }?.severity == .ticket)
        #expect(events.first { $0.rule == "page-6h" }?.window == "6h/30m")

        while t < 7 * 3600 {
            events += h.probe(.up, at: t)
            t += 10
        }
        let resolved = events.filter { $0.event == .resolved }
        #expect(Set(resolved.compactMap(\.rule)) == ["page-1h", "page-6h", "ticket-3d"])
        #expect(resolved.contains { $0.alert == .down })
        for firing in events where firing.event == .firing {
            let index = try #require(events.firstIndex(of: firing))
            #expect(
                events[index...].contains {
                    $0.event == .resolved && $0.alert == firing.alert && $0.rule == firing.rule && $0.sli == firing.sli
                })
        }
        #expect(h.engine.firing.isEmpty)
        // page-1h's short window (5m) clears first, ticket-3d's (6h) last.
        let order = resolved.compactMap(\.rule)
        #expect(order == ["page-1h", "page-6h", "ticket-3d"])
    }

    @Test("burn-rate rules also watch the latency SLI")
    func latencyBudgetBurn() throws {
        var h = Harness(policy: policy())
        h.healthyHistory(days: 1, sli: .availability)
        h.healthyHistory(days: 1, sli: .latency)
        var events: [AlertEvent] = []
        var t: Int64 = 0
        while t < 900 {
            events += h.probe(.up, at: t, ms: 800)
            t += 10
        }
        // All probes are good but slow: 14.4 × 1 % of an hour's 360 probes are 52 slow ones.
        let page = try #require(events.first { $0.alert == .burnRate && $0.rule == "page-1h" })
        #expect(page.sli == .latency)
        #expect(page.time == at(510))
        #expect(page.summary.hasPrefix("loan-application latency budget burning at "))
        #expect(!events.contains { $0.sli == .availability })
        #expect(events.contains { $0.alert == .latency && $0.event == .firing })
        #expect(!events.contains { $0.alert == .down })
    }

    @Test("results of services outside the book raise nothing")
    func unknownService() {
        var h = Harness(policy: policy())
        let result = ProbeResult(service: "elsewhere", startedAt: at(0), status: .down, latency: .zero)
        #expect(h.engine.evaluate(after: result, now: at(0), slo: &h.book, latency: h.latency).isEmpty)
        #expect(h.engine.evaluateBurnRates(service: "elsewhere", now: at(0), slo: &h.book).isEmpty)
        #expect(h.engine.states.isEmpty)
    }

    @Test("after a fresh start one early failure does not page")
    func freshStartGate() {
        var h = Harness(policy: policy())
        var events = h.probe(.down, at: 0)
        var t: Int64 = 10
        while t < 2 * 3600 {
            events += h.probe(.up, at: t)
            t += 10
        }
        #expect(events.isEmpty)
        // Sustained failures after enough history do page.
        while t < 2 * 3600 + 120 {
            events += h.probe(.down, at: t)
            t += 10
        }
        #expect(events.contains { $0.rule == "page-1h" && $0.event == .firing })
    }

    @Test("a tick evaluates burn rates without new results")
    func tickEvaluation() {
        var h = Harness(policy: policy())
        h.healthyHistory(days: 1)
        for i in 0..<10 { _ = h.probe(.down, at: Int64(i) * 10) }
        #expect(h.engine.firing.contains { $0.key.rule == "page-1h" })
        // The service stops being probed; its 5m window empties and the page resolves.
        let first = h.engine.evaluateBurnRates(now: at(500), slo: &h.book)
        let second = h.engine.evaluateBurnRates(service: h.service, now: at(510), slo: &h.book)
        #expect(first.isEmpty)
        #expect(second.contains { $0.rule == "page-1h" && $0.event == .resolved })
    }

    @Test("the quiet shortcut: an SLI counts as quiet only once its last failure is out of every rule's reach")
    func quietShortcut() {
        var book = SLOBook(policies: [("svc", policy())])
        for k in 0..<6 { book.record(service: "svc", available: true, latency: .milliseconds(50), at: at(Int64(k))) }
        book.record(service: "svc", available: false, latency: .milliseconds(50), at: at(10))
        // ticket-3d's long window (3 d) plus the coarsest bucket (1 h) still reaches the failure.
        let reach: Int64 = 3 * 86_400 + 3600
        #expect(!book.entries[0].isQuiet(at: t0 + 10 + reach))
        #expect(book.entries[0].isQuiet(at: t0 + 10 + reach + 1))
        // A failure of the latency SLI (slow but available) keeps it from being quiet too.
        book.record(service: "svc", available: true, latency: .seconds(30), at: at(20))
        #expect(!book.entries[0].isQuiet(at: t0 + 10 + reach + 1))
    }

    @Test("a firing burn-rate alert still resolves when its service has gone quiet")
    func quietServiceStillResolves() {
        var h = Harness(policy: policy())
        h.healthyHistory(days: 1)
        for i in 0..<10 { _ = h.probe(.down, at: Int64(i) * 10) }
        #expect(h.engine.firing.contains { $0.key.rule == "ticket-3d" || $0.key.rule == "page-1h" })
        // Long after every window has forgotten the failures, ticks alone resolve everything.
        let later = 4 * 86_400 + 7200
        let events =
            h.engine.evaluateBurnRates(now: at(Int64(later)), slo: &h.book)
            + h.engine.evaluateBurnRates(now: at(Int64(later + 10)), slo: &h.book)
        #expect(h.engine.firing.allSatisfy { $0.key.kind != .burnRate })
        #expect(events.contains { $0.rule == "page-1h" && $0.event == .resolved })
    }

    @Test("alert states survive a restart and still resolve")
    func exportAndRestore() throws {
        var h = Harness(policy: policy())
        _ = h.probe(.down, at: 0)
        _ = h.probe(.down, at: 10)
        let saved = h.engine.exportStates()
        #expect(saved.map(\.key.kind) == [.down])
        let data = try JSONEncoder().encode(saved)
        let decoded = try JSONDecoder().decode([AlertState].self, from: data)

        var restarted = Harness(policy: policy())
        #expect(restarted.engine.restore(decoded, now: at(20), slo: restarted.book).isEmpty)
        #expect(restarted.engine.firing.map(\.key.kind) == [.down])
        #expect(restarted.probe(.up, at: 30).isEmpty)
        #expect(restarted.probe(.up, at: 40).map(\.event) == [.resolved])

        // A service that left the config: its firing alert resolves on restore.
        let other = SLOBook(policies: [("someone-else", policy())])
        var engine = AlertEngine()
        let events = engine.restore(decoded, now: at(50), slo: other)
        #expect(events.map(\.event) == [.resolved])
        #expect(events.first?.summary == "loan-application down alert resolved: no longer configured")
        #expect(engine.states.isEmpty)
    }

    @Test("forgetting a service resolves its firing alerts")
    func forgetService() {
        var h = Harness(policy: policy())
        _ = h.probe(.down, at: 0)
        _ = h.probe(.down, at: 10)
        let events = h.engine.forget(service: h.service, now: at(20))
        #expect(events.map(\.event) == [.resolved])
        #expect(h.engine.states.isEmpty)
    }

    @Test("events encode the contract's JSON fields")
    func eventJSON() throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        let down = AlertEvent(
            time: at(0), event: .firing, alert: .down, service: "loan-application",
            severity: .critical, observed: 3, summary: "loan-application down for 3 probes: HTTP 503")
        let downJSON = try #require(String(data: try encoder.encode(down), encoding: .utf8))
        #expect(downJSON.contains(#""alert":"down""#))
        #expect(downJSON.contains(#""rootCause":null"#))
        #expect(downJSON.contains(#""suppressed":false"#))
        #expect(!downJSON.contains("window"))
        let burn = AlertEvent(
            time: at(0), event: .resolved, alert: .burnRate, service: "s", severity: .page,
            rule: "page-1h", sli: .availability, window: "1h/5m", burnRate: 14.4, observed: 31.2,
            summary: "x", rootCause: "credit-bureau", suppressed: true)
        let burnJSON = try #require(String(data: try encoder.encode(burn), encoding: .utf8))
        #expect(burnJSON.contains(#""alert":"burn-rate""#))
        #expect(burnJSON.contains(#""window":"1h\/5m""#) || burnJSON.contains(#""window":"1h/5m""#))
        #expect(burnJSON.contains(#""burnRate":14.4"#))
        #expect(burnJSON.contains(#""observed":31.2"#))
        #expect(burnJSON.contains(#""event":"resolved""#))
        #expect(burnJSON.contains(#""rootCause":"credit-bureau""#))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode(AlertEvent.self, from: Data(burnJSON.utf8)) == burn)
    }
}
