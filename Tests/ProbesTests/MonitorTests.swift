import Foundation
import Testing

@testable import Probes

/// The Monitor on a virtual timeline: results in, attributed alert events out.
@Suite("Monitor")
struct MonitorTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// bureau ← loans, cards; hub (no probe) ← pay, shop; gift standalone.
    static func config() throws -> ProbesConfig {
        let json = """
            {"defaults": {"interval": "5s", "timeout": "1s"},
             "services": [
               {"name": "bureau", "probe": {"type": "http", "url": "http://127.0.0.1:1/b"}},
               {"name": "loans", "dependsOn": ["bureau"], "probe": {"type": "http", "url": "http://127.0.0.1:1/l"}},
               {"name": "cards", "dependsOn": ["bureau"], "probe": {"type": "http", "url": "http://127.0.0.1:1/c"}},
               {"name": "hub"},
               {"name": "pay", "dependsOn": ["hub"], "probe": {"type": "http", "url": "http://127.0.0.1:1/p"}},
               {"name": "shop", "dependsOn": ["hub"], "probe": {"type": "http", "url": "http://127.0.0.1:1/s"}},
               {"name": "gift", "probe": {"type": "http", "url": "http://127.0.0.1:1/g"}}
             ]}
            """
        return try ConfigLoader.load(data: Data(json.utf8), displayName: "test.json", environment: [:])
    }

    struct Timeline {
        var monitor: Monitor
        var events: [AlertEvent] = []
        var now = MonitorTests.t0

        init() throws { monitor = Monitor(config: try MonitorTests.config()) }

        /// One round of probes at `now`: the named services fail, the others (with probes) are up.
        mutating func round(failing: Set<String>, except skipped: Set<String> = []) {
            for name in ["bureau", "loans", "cards", "pay", "shop", "gift"] where !skipped.contains(name) {
                let down = failing.contains(name)
                let result = ProbeResult(
                    service: name, startedAt: now, status: down ? .down : .up, latency: .milliseconds(down ? 1000 : 20),
                    error: down ? "HTTP 503" : nil, failure: down ? .condition : nil, httpStatus: down ? 503 : 200)
                events += monitor.ingest(result, now: now)
            }
            events += monitor.tick(now: now)
            now += 5
        }

        mutating func idle(seconds: Int) {
            for _ in 0..<seconds {
                now += 1
                events += monitor.tick(now: now)
            }
        }

        func firing(_ service: String) -> AlertEvent? {
            events.first { $0.service == service && $0.event == .firing && $0.alert == .down }
        }

        func resolved(_ service: String) -> AlertEvent? {
            events.first { $0.service == service && $0.event == .resolved && $0.alert == .down }
        }
    }

    @Test func rootFiresUnsuppressedAndVictimsAreSuppressed() throws {
        var t = try Timeline()
        t.round(failing: [])
        t.round(failing: ["bureau", "loans", "cards"])
        t.round(failing: ["bureau", "loans", "cards"])
        let root = try #require(t.firing("bureau"))
        #expect(root.rootCause == "bureau" && !root.suppressed)
        for victim in ["loans", "cards"] {
            let event = try #require(t.firing(victim))
            #expect(event.rootCause == "bureau")
            #expect(event.suppressed)
            #expect(event.summary.hasSuffix("; caused by bureau"))
        }
        // The root is told first, so on-call sees it before its victims.
        let order = t.events.filter { $0.event == .firing }.map(\.service)
        #expect(order.first == "bureau")
        #expect(t.firing("gift") == nil)
        // Recovery: every firing gets its resolved, with the attribution it fired with.
        t.round(failing: [])
        t.round(failing: [])
        for service in ["bureau", "loans", "cards"] {
            let resolved = try #require(t.resolved(service), "\(service) never resolved")
            #expect(resolved.suppressed == t.firing(service)?.suppressed)
            #expect(resolved.rootCause == "bureau")
        }
        #expect(t.monitor.firingCount == 0)
    }

    @Test func victimThatFailsFirstWaitsForItsRoot() throws {
        var t = try Timeline()
        t.round(failing: [])
        // The victims' probes see the failure a round before the bureau's own probe does.
        t.round(failing: ["loans", "cards"], except: ["bureau"])
        t.round(failing: ["bureau", "loans", "cards"])
        #expect(t.firing("loans") == nil, "held while the bureau is failing but not yet alerting")
        t.round(failing: ["bureau", "loans", "cards"])
        let root = try #require(t.firing("bureau"))
        #expect(!root.suppressed)
        let loans = try #require(t.firing("loans"))
        #expect(loans.suppressed && loans.rootCause == "bureau")
        let firings = t.events.filter { $0.event == .firing }.map(\.service)
        #expect(firings.firstIndex(of: "bureau")! < firings.firstIndex(of: "loans")!)
    }

    @Test func heldAlertGoesOutUnsuppressedWhenTheRootNeverFires() throws {
        var t = try Timeline()
        t.round(failing: [])
        // The bureau fails once (pending, never firing) while loans keeps failing.
        t.round(failing: ["loans", "bureau"], except: ["cards"])
        t.round(failing: ["loans"], except: ["cards", "bureau"])
        t.round(failing: ["loans"], except: ["cards", "bureau"])
        t.idle(seconds: 30)
        let loans = try #require(t.firing("loans"))
        #expect(!loans.suppressed)
    }

    @Test func inferredDependencyIsPagedOnceForItsDependents() throws {
        var t = try Timeline()
        t.round(failing: [])
        t.round(failing: ["pay", "shop"])
        t.round(failing: ["pay", "shop"])
        let hub = try #require(t.firing("hub"))
        #expect(hub.rootCause == "hub" && !hub.suppressed)
        #expect(hub.summary.contains("inferred"))
        for victim in ["pay", "shop"] {
            let event = try #require(t.firing(victim))
            #expect(event.suppressed && event.rootCause == "hub")
        }
        t.round(failing: [])
        t.round(failing: [])
        #expect(t.resolved("hub") != nil)
        #expect(t.resolved("pay") != nil && t.resolved("shop") != nil)
    }

    @Test func independentFailureIsItsOwnRoot() throws {
        var t = try Timeline()
        t.round(failing: [])
        t.round(failing: ["loans"])
        t.round(failing: ["loans"])
        let loans = try #require(t.firing("loans"))
        #expect(loans.rootCause == "loans" && !loans.suppressed)
    }

    @Test func snapshotShowsTheCascade() throws {
        var t = try Timeline()
        t.round(failing: [])
        t.round(failing: ["bureau", "loans", "cards"])
        t.round(failing: ["bureau", "loans", "cards"])
        let snapshot = t.monitor.snapshot(now: t.now)
        #expect(snapshot.incidents.map(\.rootCause) == ["bureau"])
        #expect(snapshot.incidents.first?.impacted == ["cards", "loans"])
        let bureau = try #require(snapshot.service(named: "bureau"))
        #expect(bureau.role == .rootCause && bureau.blastRadius == 2 && bureau.status == .down)
        #expect(bureau.dependents == ["loans", "cards"])
        #expect(snapshot.service(named: "loans")?.rootCauses == ["bureau"])
        #expect(snapshot.service(named: "hub")?.status == nil)
        #expect(snapshot.service(named: "gift")?.availability?.counts.total == 3)
        #expect(snapshot.overall == .down)
        #expect(Set(snapshot.firing.map(\.service)) == ["bureau", "loans", "cards"])
    }

    @Test func restartResumesWithoutReFiring() throws {
        let dir = NSTemporaryDirectory() + "incidentboard-monitor-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/state.sqlite"
        var t = try Timeline()
        do {
            let store = try HistoryStore(path: path) { _ in }
            t.round(failing: [])
            t.round(failing: ["bureau", "loans", "cards"])
            t.round(failing: ["bureau", "loans", "cards"])
            try store.write(t.monitor.takeBatch())
        }
        #expect(t.firing("bureau") != nil)
        let budgetBefore = t.monitor.snapshot(now: t.now).service(named: "bureau")?.availability?.counts
        // A new process: same config, same state file.
        var restarted = try Timeline()
        restarted.now = t.now
        let store = try HistoryStore(path: path) { _ in }
        restarted.events = try restarted.monitor.restore(from: store, now: t.now)
        #expect(restarted.events.isEmpty, "\(restarted.events)")
        let budgetAfter = restarted.monitor.snapshot(now: t.now).service(named: "bureau")?.availability?.counts
        #expect(budgetAfter?.total == budgetBefore?.total)
        #expect(budgetAfter?.good == budgetBefore?.good)
        // Still failing: nothing new is told. Then recovery resolves what the first run told.
        restarted.round(failing: ["bureau", "loans", "cards"])
        #expect(restarted.events.filter { $0.event == .firing }.isEmpty)
        restarted.round(failing: [])
        restarted.round(failing: [])
        for service in ["bureau", "loans", "cards"] {
            let resolved = try #require(restarted.resolved(service))
            #expect(resolved.rootCause == "bureau")
        }
    }
}
