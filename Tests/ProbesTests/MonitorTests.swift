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

    @Test func rootThatNeverFiresIsPagedOnBehalfOfItsVictims() throws {
        var t = try Timeline()
        t.round(failing: [])
        // The bureau fails once (pending, never firing) while loans keeps failing.
        t.round(failing: ["loans", "bureau"], except: ["cards"])
        t.round(failing: ["loans"], except: ["cards", "bureau"])
        t.round(failing: ["loans"], except: ["cards", "bureau"])
        t.idle(seconds: 30)
        // The hold ran out with the bureau silent: the page goes to the bureau, not to loans.
        let root = try #require(t.events.first { $0.service == "bureau" && $0.event == .firing })
        #expect(root.rule == Monitor.onBehalfRule && !root.suppressed && root.rootCause == "bureau")
        let loans = try #require(t.firing("loans"))
        #expect(loans.suppressed && loans.rootCause == "bureau")
        #expect(loans.time >= root.time)
        // Once both answer again the incident is over, and both alerts resolve.
        t.round(failing: [], except: ["cards"])
        t.round(failing: [], except: ["cards"])
        t.idle(seconds: 60)
        #expect(t.resolved("loans") != nil)
        #expect(
            t.events.contains { $0.service == "bureau" && $0.event == .resolved && $0.rule == Monitor.onBehalfRule })
    }

    @Test func inferredDependencyIsPagedOnceForItsDependents() throws {
        var t = try Timeline()
        t.round(failing: [])
        t.round(failing: ["pay", "shop"])
        t.round(failing: ["pay", "shop"])
        // The inference has to hold for its delay before it pages.
        t.idle(seconds: 3)
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
        // Its upstream was probed since loans began failing, and is fine: no group wait to sit out
        // (it would be up to the upstream's interval + timeout + 1 s otherwise).
        let wait = t.monitor.groupWait(for: "loans")
        #expect(wait == .seconds(7))
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

    // MARK: Slowness

    /// One round at `now`: each probed service answers in `latencies[name]` ms (20 ms otherwise);
    /// the `failing` ones time out. Over 500 ms is slow, as the default threshold says.
    static func slowRound(
        _ t: inout Timeline, latencies: [String: Int], failing: Set<String> = [], order: [String]? = nil
    ) {
        for name in order ?? ["bureau", "loans", "cards", "pay", "shop", "gift"] {
            let ms = latencies[name] ?? 20
            let failed = failing.contains(name)
            let slow = ms > 500
            let result = ProbeResult(
                service: name, startedAt: t.now, status: failed ? .down : slow ? .degraded : .up,
                latency: .milliseconds(failed ? 1000 : ms), error: failed ? "timeout after 1000 ms" : nil,
                failure: failed ? .timeout : nil)
            t.events += t.monitor.ingest(result, now: t.now)
            t.events += t.monitor.tick(now: t.now)
        }
        t.now += 5
    }

    @Test func slowRootIsToldFirstAndItsSlowVictimsAreSuppressed() throws {
        var t = try Timeline()
        for _ in 0..<3 { Self.slowRound(&t, latencies: [:]) }
        // The victims cross the threshold first: their latency is the bureau's plus their own, and
        // they are probed before it in each round.
        let slow = ["bureau": 700, "loans": 760, "cards": 780]
        let victimsFirst = ["loans", "cards", "bureau", "pay", "shop", "gift"]
        for _ in 0..<4 { Self.slowRound(&t, latencies: slow, order: victimsFirst) }
        t.idle(seconds: 10)
        let firing = t.events.filter { $0.event == .firing }
        #expect(firing.first?.service == "bureau", "\(firing.map(\.service))")
        #expect(firing.first?.alert == .latency)
        #expect(firing.first?.suppressed == false)
        for event in firing where event.service != "bureau" {
            #expect(event.suppressed, "\(event)")
            #expect(event.rootCause == "bureau", "\(event)")
        }
        #expect(Set(firing.map(\.service)).isSuperset(of: ["loans", "cards"]))
        let snapshot = t.monitor.snapshot(now: t.now)
        #expect(snapshot.incidents.map(\.rootCause) == ["bureau"])
        #expect(snapshot.incidents.first?.cause == .slow)

        // Slow, then down: the same incident, and nothing new pages.
        let before = t.events.count
        for _ in 0..<3 { Self.slowRound(&t, latencies: slow, failing: ["bureau", "loans", "cards"]) }
        let later = t.events[before...].filter { $0.event == .firing }
        #expect(later.allSatisfy { $0.service == "bureau" || $0.suppressed }, "\(later)")
        let down = t.monitor.snapshot(now: t.now)
        #expect(down.incidents.map(\.rootCause) == ["bureau"])
        #expect(down.incidents.first?.onset == snapshot.incidents.first?.onset)

        // Recovery: every firing gets its resolved, within two minutes of the latency window.
        for _ in 0..<40 { Self.slowRound(&t, latencies: [:]) }
        t.idle(seconds: 5)
        for event in t.events where event.event == .firing {
            let resolved = t.events.contains {
                $0.event == .resolved && $0.service == event.service && $0.alert == event.alert
                    && $0.rule == event.rule && $0.sli == event.sli
            }
            #expect(resolved, "no resolved for \(event)")
        }
    }

    @Test func slowServiceBehindFastUpstreamsAlertsAsItsOwnRoot() throws {
        var t = try Timeline()
        for _ in 0..<3 { Self.slowRound(&t, latencies: [:]) }
        for _ in 0..<4 { Self.slowRound(&t, latencies: ["loans": 900]) }
        t.idle(seconds: 10)
        let event = try #require(t.events.first { $0.event == .firing && $0.service == "loans" })
        #expect(event.alert == .latency)
        #expect(event.rootCause == "loans")
        #expect(!event.suppressed)
        #expect(t.monitor.snapshot(now: t.now).service(named: "loans")?.role == .slowRootCause)
    }

    @Test func latencyTroubleDoesNotEndOnOneFastProbe() throws {
        var t = try Timeline()
        Self.slowRound(&t, latencies: ["bureau": 900, "loans": 950])
        #expect(t.monitor.snapshot(now: t.now).service(named: "bureau")?.role == .slowRootCause)
        // One fast probe: still in latency trouble, the victim still attributed.
        Self.slowRound(&t, latencies: ["loans": 950])
        let snapshot = t.monitor.snapshot(now: t.now)
        #expect(snapshot.service(named: "bureau")?.role == .slowRootCause)
        #expect(snapshot.service(named: "loans")?.rootCauses == ["bureau"])
        // A second one in a row ends it (the victim stays attributed for its grace period).
        Self.slowRound(&t, latencies: ["loans": 950])
        #expect(t.monitor.snapshot(now: t.now).service(named: "bureau")?.role == .recoveredRootCause)
    }

    @Test func inferredRootWaitsForItsEvidenceToHold() throws {
        var t = try Timeline()
        t.round(failing: [])
        t.round(failing: ["pay", "shop"])
        // Inferred at once, but not paged yet: the evidence has not held for a probe of each.
        #expect(t.monitor.snapshot(now: t.now).service(named: "hub")?.role == .inferredRootCause)
        let early = t.firing("hub")
        #expect(early == nil)
        let delay = t.monitor.inferenceDelay(for: "hub")
        #expect(delay == .seconds(7))
        t.round(failing: ["pay", "shop"])
        t.idle(seconds: 5)
        let hub = try #require(t.firing("hub"))
        let firing = t.events.filter { $0.event == .firing }
        #expect(firing.first?.service == "hub", "\(firing.map(\.service))")
        for victim in ["pay", "shop"] {
            let event = try #require(t.firing(victim))
            #expect(event.suppressed && event.rootCause == "hub")
            #expect(event.time >= hub.time)
        }
    }

    @Test func longRunsBookkeepingIsBoundedByServicesNotMinutes() throws {
        var monitor = Monitor(config: try MonitorTests.config())
        var now = MonitorTests.t0
        func run(minutes: Int) {
            for minute in 0..<minutes {
                for name in ["bureau", "loans", "gift"] {
                    let slow = minute % 3 == 0
                    let down = minute % 17 == 0
                    _ = monitor.ingest(
                        ProbeResult(
                            service: name, startedAt: now, status: down ? .down : slow ? .degraded : .up,
                            latency: .milliseconds(slow ? 900 : 100), failure: down ? .condition : nil),
                        now: now)
                }
                _ = monitor.tick(now: now)
                _ = monitor.takeBatch()
                now += 60
            }
        }
        run(minutes: 2 * 1440)
        let afterTwoDays = StorageCensus.elements(in: monitor)
        run(minutes: 20 * 1440)
        // 20 days are 28,800 probes per service: anything kept per minute or per probe shows as
        // thousands here; what moves a little is which alert states are pending at the moment.
        let growth = StorageCensus.elements(in: monitor) - afterTwoDays
        #expect(abs(growth) < 20, "grew by \(growth) elements")
    }

    @Test func resultExactlyAtTheThresholdCountsAlikeLiveRestoredAndInTheHistory() throws {
        let dir = NSTemporaryDirectory() + "incidentboard-threshold-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = try MonitorTests.config()
        var live = Monitor(config: config)
        let now = MonitorTests.t0.addingTimeInterval(30)
        // 499, 500 (exactly the threshold: fast) and 501 ms (slow), then a failure.
        let latencies: [Int64?] = [499, 500, 501, nil]
        for (i, ms) in latencies.enumerated() {
            let result = ProbeResult(
                service: "bureau", startedAt: MonitorTests.t0.addingTimeInterval(Double(i)),
                status: ms == nil ? .down : .up, latency: .milliseconds(ms ?? 1000), failure: ms == nil ? .timeout : nil
            )
            _ = live.ingest(result, now: result.startedAt)
        }
        let batch = live.takeBatch()
        let minute = try #require(batch.aggregates["bureau"]?.values.first)
        #expect(minute.latencyTotal == 3 && minute.latencyGood == 2)
        #expect(minute.availabilityTotal == 4 && minute.availabilityGood == 3)
        let board = try #require(live.snapshot(now: now).service(named: "bureau"))
        #expect(board.totals.timed == 3 && board.totals.slow == 1)
        let liveStatus = try #require(live.sloStatuses(now: now).first { $0.service == "bureau" })
        #expect(liveStatus.latency.counts.total == 3 && liveStatus.latency.counts.good == 2)

        // A restart from the history: what `slo` does too (restore, then the statuses).
        let store = try HistoryStore(path: dir + "/state.sqlite") { _ in }
        try store.write(batch)
        var restored = Monitor(config: config)
        _ = try restored.restore(from: store, now: now)
        let restoredStatus = try #require(restored.sloStatuses(now: now).first { $0.service == "bureau" })
        #expect(restoredStatus.latency.counts.good == 2 && restoredStatus.latency.counts.total == 3)
        #expect(restoredStatus.availability.counts.good == 3 && restoredStatus.availability.counts.total == 4)
    }
}
