import Foundation
import Testing

@testable import Probes

/// Maintenance windows and silences: the window arithmetic in a time zone, quiet alerts on a
/// virtual timeline that still resolve, the SLO correction, and every bad input with its message.
@Suite("Maintenance windows and silences")
struct MaintenanceTests {
    static let seoul = TimeZone(identifier: "Asia/Seoul") ?? .gmt

    /// A wall-clock time in Seoul.
    static func kst(_ text: String) -> Date {
        MaintenanceTests.parse(text + "+09:00")
    }

    static func parse(_ text: String) -> Date {
        ConfigValidator.parseInstant(text, zone: .gmt) ?? .distantPast
    }

    static func config(_ json: String) throws -> ProbesConfig {
        try ConfigLoader.load(data: Data(json.utf8), displayName: "probes.json", environment: [:])
    }

    /// The issues of an invalid config.
    static func problems(_ json: String) -> [String] {
        do {
            _ = try config(json)
            return []
        } catch let error as ConfigErrors {
            return error.messages
        } catch {
            return ["\(error)"]
        }
    }

    /// bureau ← loans; the bureau's nightly window 23:50–00:10 in Seoul, across midnight.
    static func nightly(excludeFromSLO: Bool) -> String {
        """
        {"defaults": {"interval": "5s", "timeout": "1s"},
         "services": [
           {"name": "bureau", "group": "upstream",
            "probe": {"type": "http", "url": "http://127.0.0.1:1/b"},
            "maintenance": [{"every": "daily", "start": "23:50", "end": "00:10", "timeZone": "Asia/Seoul",
                             "reason": "nightly batch", "excludeFromSLO": \(excludeFromSLO)}]},
           {"name": "loans", "dependsOn": ["bureau"], "probe": {"type": "http", "url": "http://127.0.0.1:1/l"}}
         ]}
        """
    }

    // MARK: Window arithmetic

    @Test func dailyWindowAcrossMidnightInSeoulOpensAndClosesOnLocalTime() throws {
        let window = MaintenanceWindow(
            schedule: .recurring(
                days: [], start: try #require(TimeOfDay("23:50")), end: try #require(TimeOfDay("00:10")),
                timeZone: Self.seoul))
        #expect(!window.contains(Self.kst("2026-12-07T23:49:59")))
        #expect(window.contains(Self.kst("2026-12-07T23:50:00")))
        #expect(window.contains(Self.kst("2026-12-08T00:05:00")))
        #expect(!window.contains(Self.kst("2026-12-08T00:10:00")))
        // 23:50 KST is 14:50 UTC: the window is on Seoul's clock, not the machine's.
        let open = try #require(window.occurrence(containing: Self.parse("2026-12-07T15:00:00Z")))
        #expect(open.start == Self.parse("2026-12-07T14:50:00Z"))
        #expect(open.end == Self.parse("2026-12-07T15:10:00Z"))
    }

    @Test func weeklyWindowStartsOnItsDayAndRunsIntoTheNext() throws {
        // Saturdays (2026-12-12 is one) 23:00 to 01:00.
        let window = MaintenanceWindow(
            schedule: .recurring(
                days: [7], start: try #require(TimeOfDay("23:00")), end: try #require(TimeOfDay("01:00")),
                timeZone: Self.seoul))
        #expect(window.contains(Self.kst("2026-12-12T23:30:00")))
        #expect(window.contains(Self.kst("2026-12-13T00:30:00")))
        #expect(!window.contains(Self.kst("2026-12-13T23:30:00")))
        #expect(!window.contains(Self.kst("2026-12-11T23:30:00")))
    }

    @Test func oneOffWindowIsHalfOpen() {
        let window = MaintenanceWindow(
            schedule: .once(
                from: Self.kst("2026-12-07T01:00:00"),
                to: Self.kst("2026-12-07T02:00:00")))
        #expect(window.contains(Self.kst("2026-12-07T01:00:00")))
        #expect(!window.contains(Self.kst("2026-12-07T02:00:00")))
    }

    @Test func excludedMinutesCountEachNightOfTheSLOWindowOnce() throws {
        let config = try Self.config(Self.nightly(excludeFromSLO: true))
        // 28 days back from 00:20 on the 8th: the nights of Nov 10 … Dec 7, 20 minutes each.
        let minutes = MaintenanceWindow.excludedMinutes(of: config, now: Self.kst("2026-12-08T00:20:00"))
        #expect(minutes == ["bureau": 28 * 20])
        let notAsked = try Self.config(Self.nightly(excludeFromSLO: false))
        #expect(MaintenanceWindow.excludedMinutes(of: notAsked, now: Self.kst("2026-12-08T00:20:00")).isEmpty)
    }

    @Test func theBooksCacheOfOpenWindowsAgreesWithTheCalendarAtEveryStep() throws {
        let config = try Self.config(
            """
            {"services": [
               {"name": "bureau", "group": "upstream", "probe": {"type": "tcp", "host": "127.0.0.1", "port": 1},
                "maintenance": [{"every": "daily", "start": "23:50", "end": "00:10", "timeZone": "Asia/Seoul",
                                 "excludeFromSLO": true}]},
               {"name": "auth", "group": "upstream", "probe": {"type": "tcp", "host": "127.0.0.1", "port": 2}},
               {"name": "loans", "probe": {"type": "tcp", "host": "127.0.0.1", "port": 3}}],
             "maintenance": [{"group": "upstream", "every": "weekly", "days": ["tue"], "start": "00:05",
                              "end": "00:30", "timeZone": "Asia/Seoul"},
                             {"group": "upstream", "from": "2026-12-08T00:20:00+09:00", "to": "2026-12-08T00:21:30+09:00"}]}
            """)
        var book = QuietBook(config: config)
        var now = Self.kst("2026-12-07T23:00:00")
        // Every 15 s for two hours, asking also about a result that started 3 s earlier.
        while now < Self.kst("2026-12-08T01:00:00") {
            book.advance(to: now)
            for service in ["bureau", "auth", "loans"] {
                for at in [now, now.addingTimeInterval(-3)] {
                    let direct = config.service(named: service)?.maintenance.first { $0.contains(at) }
                    #expect(book.maintenance(of: service, at: at)?.origin == direct?.origin, "\(service) at \(at)")
                    let excluded = config.service(named: service)?.maintenance.contains {
                        $0.excludeFromSLO && $0.contains(at)
                    }
                    #expect(book.isExcludedFromSLO(service, at: at) == (excluded ?? false), "\(service) at \(at)")
                }
            }
            now += 15
        }
    }

    // MARK: Alerts on a virtual timeline

    struct Timeline {
        var monitor: Monitor
        var events: [AlertEvent] = []
        var now: Date

        init(_ config: ProbesConfig, start: Date) {
            monitor = Monitor(config: config)
            now = start
        }

        /// Rounds of probes every 5 s until `end`; `failing(now)` names the services down then.
        mutating func run(until end: Date, failing: (Date) -> Set<String>) {
            while now < end {
                let down = failing(now)
                for name in ["bureau", "loans"] {
                    let bad = down.contains(name)
                    let result = ProbeResult(
                        service: name, startedAt: now, status: bad ? .down : .up, latency: .milliseconds(20),
                        error: bad ? "HTTP 503" : nil, failure: bad ? .condition : nil, httpStatus: bad ? 503 : 200)
                    events += monitor.ingest(result, now: now)
                }
                events += monitor.tick(now: now)
                now += 5
            }
        }

        func down(_ service: String, _ transition: AlertTransition) -> [AlertEvent] {
            events.filter { $0.service == service && $0.alert == .down && $0.event == transition }
        }
    }

    @Test func recurringWindowAcrossMidnightKeepsAlertsQuietInsideAndLoudOutside() throws {
        let config = try Self.config(Self.nightly(excludeFromSLO: false))
        var t = Timeline(config, start: Self.kst("2026-12-07T23:40:00"))
        // Before the window: a short failure pages as usual.
        t.run(until: Self.kst("2026-12-07T23:45:00")) { now in
            now >= Self.kst("2026-12-07T23:42:00") && now < Self.kst("2026-12-07T23:43:00") ? ["bureau", "loans"] : []
        }
        let before = try #require(t.down("bureau", .firing).first)
        #expect(!before.isQuiet)
        #expect(t.down("bureau", .resolved).count == 1)
        // Inside: the bureau and its victim fail; both alerts fire quietly, attributed to the bureau.
        t.events = []
        t.run(until: Self.kst("2026-12-08T00:09:00")) { now in
            now >= Self.kst("2026-12-07T23:55:00") ? ["bureau", "loans"] : []
        }
        let inside = try #require(t.down("bureau", .firing).first)
        #expect(inside.maintenance == true)
        #expect(inside.jsonLine().contains("\"maintenance\":true"))
        #expect(inside.textLine(timeZone: Self.seoul).contains("[maintenance]"))
        let victim = try #require(t.down("loans", .firing).first)
        #expect(victim.rootCause == "bureau")
        #expect(victim.maintenance == true)
        // Everything told inside the window is quiet (the burn-rate alerts of the short failure
        // before it went out loud, before 23:50).
        let inWindow = t.events.filter { $0.time >= Self.kst("2026-12-07T23:50:00") }
        #expect(!inWindow.isEmpty)
        #expect(inWindow.allSatisfy { $0.isQuiet }, "\(inWindow.filter { !$0.isQuiet }.map { $0.jsonLine() })")
        let board = t.monitor.snapshot(now: t.now)
        #expect(board.services.first { $0.name == "bureau" }?.maintenance?.reason == "nightly batch")
        #expect(board.services.first { $0.name == "loans" }?.maintenance == nil)
        // Outside again, still down: the alert is told again, loud; then it resolves.
        t.events = []
        t.run(until: Self.kst("2026-12-08T00:15:00")) { _ in ["bureau", "loans"] }
        let again = try #require(t.down("bureau", .firing).first)
        #expect(!again.isQuiet)
        #expect(again.time >= Self.kst("2026-12-08T00:10:00"))
        #expect(again.summary.contains("still firing"))
        t.run(until: Self.kst("2026-12-08T00:20:00")) { _ in [] }
        #expect(t.down("bureau", .resolved).count == 1)
        #expect(t.down("loans", .resolved).count == 1)
        // Outside the window a new failure pages straight away.
        t.events = []
        t.run(until: Self.kst("2026-12-08T00:25:00")) { _ in ["bureau"] }
        #expect(t.down("bureau", .firing).first.map { !$0.isQuiet } == true)
    }

    @Test func sloMinutesAreExcludedOnlyWhenTheWindowAsks() throws {
        // Down only inside the window, up outside it.
        func availability(exclude: Bool) throws -> WindowCounts {
            var t = Timeline(
                try Self.config(Self.nightly(excludeFromSLO: exclude)), start: Self.kst("2026-12-07T23:40:00"))
            t.run(until: Self.kst("2026-12-08T00:20:00")) { now in
                now >= Self.kst("2026-12-07T23:50:00") && now < Self.kst("2026-12-08T00:10:00") ? ["bureau"] : []
            }
            let status = try #require(t.monitor.sloStatuses(now: t.now).first { $0.service == "bureau" })
            return status.availability.counts
        }
        let excluded = try availability(exclude: true)
        let counted = try availability(exclude: false)
        // 40 minutes of probes every 5 s: 480; 240 of them inside the window.
        #expect(counted.total == 480)
        #expect(counted.good == 240)
        #expect(excluded.total == 240)
        #expect(excluded.good == 240)
    }

    @Test func sloFromTheHistoryLeavesExcludedMinutesOutAndSaysHowMany() throws {
        let dir = try HistoryStoreTests.TempDir()
        let store = try HistoryStore(path: dir.file("state.sqlite")) { Issue.record("unexpected warning: \($0)") }
        // 23:40 to 00:20 in Seoul, one probe a minute, down only inside the window: all of it stored.
        var batch = HistoryBatch()
        var at = Self.kst("2026-12-07T23:40:00")
        while at < Self.kst("2026-12-08T00:20:00") {
            let inside = at >= Self.kst("2026-12-07T23:50:00") && at < Self.kst("2026-12-08T00:10:00")
            batch.add(
                ProbeResult(
                    service: "bureau", startedAt: at, status: inside ? .down : .up,
                    latency: .milliseconds(20)), latencyThreshold: .milliseconds(500))
            at += 60
        }
        try store.write(batch)
        let now = Self.kst("2026-12-08T00:20:00")
        func report(exclude: Bool) throws -> (WindowCounts, String, String) {
            let config = try Self.config(Self.nightly(excludeFromSLO: exclude))
            var monitor = Monitor(config: config)
            _ = try monitor.restore(from: store, now: now)
            let statuses = monitor.sloStatuses(now: now)
            var report = SLOReport(generatedAt: now, statuses: statuses)
            report.excludedMinutes = MaintenanceWindow.excludedMinutes(of: config, now: now)
            let counts = try #require(statuses.first { $0.service == "bureau" }).availability.counts
            return (counts, report.json(), report.text())
        }
        let (excluded, json, text) = try report(exclude: true)
        #expect(excluded.total == 20 && excluded.good == 20)
        #expect(json.contains(#""service":"bureau","excludedMinutes":560"#), "\(json)")
        #expect(text.contains("bureau: 560 min of maintenance excluded from its SLO window (SLO correction)."))
        let (counted, plainJSON, plainText) = try report(exclude: false)
        #expect(counted.total == 40 && counted.good == 20)
        #expect(!plainJSON.contains("excludedMinutes") && !plainText.contains("excluded"))
        // The history itself still has every minute.
        #expect(try store.aggregates(since: .distantPast)["bureau"]?.count == 40)
    }

    // MARK: Silences

    static func silence(_ service: String, from start: Date, for seconds: TimeInterval, id: String = "s-000001")
        -> Silence
    {
        Silence(
            id: id, service: service, createdBy: "oncall", createdAt: start,
            endsAt: start.addingTimeInterval(seconds), reason: "on it")
    }

    @Test func silenceAddedWhileFiringNeverSwallowsTheResolved() throws {
        let config = try Self.config(Self.nightly(excludeFromSLO: false))
        var t = Timeline(config, start: Self.kst("2026-12-07T12:00:00"))
        t.run(until: Self.kst("2026-12-07T12:01:00")) { _ in ["bureau"] }
        #expect(t.down("bureau", .firing).first.map { !$0.isQuiet } == true)
        t.monitor.replaceSilences([Self.silence("bureau", from: t.now, for: 3600)])
        t.run(until: Self.kst("2026-12-07T12:03:00")) { _ in [] }
        let resolved = try #require(t.down("bureau", .resolved).first)
        #expect(resolved.silence == "s-000001")
        #expect(resolved.jsonLine().contains("\"silence\":\"s-000001\""))
        #expect(resolved.textLine().contains("[silenced s-000001]"))
    }

    @Test func silenceQuietsFiringAndVictimsThenExpiresByItself() throws {
        let config = try Self.config(Self.nightly(excludeFromSLO: false))
        var t = Timeline(config, start: Self.kst("2026-12-07T12:00:00"))
        t.monitor.replaceSilences([Self.silence("bureau", from: t.now, for: 120)])
        t.run(until: Self.kst("2026-12-07T12:01:30")) { _ in ["bureau", "loans"] }
        let quiet = try #require(t.down("bureau", .firing).first)
        #expect(quiet.silence == "s-000001")
        #expect(t.down("loans", .firing).first?.silence == "s-000001")
        #expect(t.monitor.snapshot(now: t.now).services.first { $0.name == "bureau" }?.silence?.id == "s-000001")
        // The silence ends at 12:02 by itself: the still-firing alerts page.
        t.events = []
        t.run(until: Self.kst("2026-12-07T12:02:30")) { _ in ["bureau", "loans"] }
        let loud = try #require(t.down("bureau", .firing).first)
        #expect(!loud.isQuiet)
        #expect(loud.time >= Self.kst("2026-12-07T12:02:00"))
        #expect(t.monitor.snapshot(now: t.now).services.first { $0.name == "bureau" }?.silence == nil)
        t.run(until: Self.kst("2026-12-07T12:04:00")) { _ in [] }
        #expect(t.down("bureau", .resolved).count == 1)
    }

    @Test func anAlertThatFiredQuietlyBeforeARestartPagesWhenItsSilenceEnds() throws {
        let dir = try HistoryStoreTests.TempDir()
        let store = try HistoryStore(path: dir.file("state.sqlite")) { Issue.record("unexpected warning: \($0)") }
        let config = try Self.config(Self.nightly(excludeFromSLO: false))
        let start = Self.kst("2026-12-07T12:00:00")
        let silence = Self.silence("bureau", from: start, for: 120)
        try store.addSilence(silence)
        var t = Timeline(config, start: start)
        t.monitor.replaceSilences([silence])
        t.run(until: Self.kst("2026-12-07T12:01:00")) { _ in ["bureau"] }
        #expect(t.down("bureau", .firing).first?.silence == silence.id)
        try store.write(t.monitor.takeBatch())
        // A new agent on the same state file, still inside the silence.
        var restarted = Timeline(config, start: t.now)
        _ = try restarted.monitor.restore(from: store, now: t.now)
        restarted.run(until: Self.kst("2026-12-07T12:02:30")) { _ in ["bureau"] }
        let loud = try #require(restarted.down("bureau", .firing).first, "\(restarted.events.map { $0.jsonLine() })")
        #expect(!loud.isQuiet && loud.time >= silence.endsAt)
    }

    // MARK: Bad input

    static func withWindow(_ window: String) -> String {
        """
        {"services": [{"name": "bureau", "group": "upstream", "probe": {"type": "tcp", "host": "127.0.0.1", "port": 1},
                       "maintenance": [\(window)]}]}
        """
    }

    @Test func unknownTimeZoneIsNamedWithTheNearestOne() {
        let problems = Self.problems(
            Self.withWindow(
                #"{"every": "daily", "start": "23:50", "end": "00:10", "timeZone": "Asia/Seol"}"#))
        #expect(
            problems == [
                #"probes.json: services[0].maintenance[0].timeZone: unknown time zone "Asia/Seol"; did you mean "Asia/Seoul"?"#
            ])
    }

    @Test func toBeforeFromIsRefused() {
        let problems = Self.problems(
            Self.withWindow(
                #"{"from": "2026-12-08T02:00:00+09:00", "to": "2026-12-08T01:00:00+09:00"}"#))
        #expect(
            problems == [
                #"probes.json: services[0].maintenance[0].to: "2026-12-08T01:00:00+09:00" is before "from" "2026-12-08T02:00:00+09:00": a window must end after it starts"#
            ])
    }

    @Test func emptyRecurringWindowIsRefused() {
        let problems = Self.problems(
            Self.withWindow(
                #"{"every": "daily", "start": "23:50", "end": "23:50", "timeZone": "UTC"}"#))
        #expect(problems.count == 1)
        #expect(
            problems.first?.contains("services[0].maintenance[0].end: \"end\" is 23:50, the same as \"start\"") == true)
    }

    @Test func otherWindowMistakesNameWhatIsWrong() {
        #expect(
            Self.problems(Self.withWindow(#"{"every": "weekly", "start": "01:00", "end": "02:00", "timeZone": "UTC"}"#))
                == [#"probes.json: services[0].maintenance[0]: a weekly window needs "days", e.g. ["sun"]"#])
        #expect(
            Self.problems(Self.withWindow(#"{"every": "dayly", "start": "01:00", "end": "02:00", "timeZone": "UTC"}"#))
                == [
                    #"probes.json: services[0].maintenance[0].every: "dayly" is not a recurrence; did you mean "daily"?"#
                ])
        #expect(
            Self.problems(Self.withWindow(#"{"every": "daily", "start": "25:00", "end": "02:00", "timeZone": "UTC"}"#))
                == [
                    #"probes.json: services[0].maintenance[0].start: "25:00" is not a time of day (use HH:MM, e.g. "23:50")"#
                ])
        #expect(
            Self.problems(Self.withWindow(#"{"every": "daily", "start": "01:00", "end": "02:00"}"#))
                == [
                    #"probes.json: services[0].maintenance[0]: a recurring window needs "timeZone" (an IANA name such as "Asia/Seoul" or "UTC")"#
                ])
        #expect(
            Self.problems(Self.withWindow(#"{"from": "yesterday", "to": "2026-12-08T01:00:00Z"}"#)).first?
                .contains(#"from: "yesterday" is not a date and time"#) == true)
        #expect(
            Self.problems(
                Self.withWindow(#"{"from": "2026-12-08T00:00:00Z", "to": "2026-12-08T01:00:00Z", "every": "daily"}"#)
            )
            .first?.contains("not both") == true)
    }

    @Test func groupWindowsReachEveryServiceOfTheGroupAndUnknownGroupsAreNamed() throws {
        let config = try Self.config(
            """
            {"services": [
               {"name": "bureau", "group": "upstream", "probe": {"type": "tcp", "host": "127.0.0.1", "port": 1}},
               {"name": "auth", "group": "upstream", "probe": {"type": "tcp", "host": "127.0.0.1", "port": 2}},
               {"name": "loans", "probe": {"type": "tcp", "host": "127.0.0.1", "port": 3}}],
             "maintenance": [{"group": "upstream", "from": "2026-12-08T01:00", "to": "2026-12-08T02:00",
                              "timeZone": "Asia/Seoul"}]}
            """)
        let at = Self.kst("2026-12-08T01:30:00")
        #expect(config.services.map { $0.maintenance.contains { $0.contains(at) } } == [true, true, false])
        let problems = Self.problems(
            """
            {"services": [{"name": "bureau", "group": "upstream", "probe": {"type": "tcp", "host": "127.0.0.1", "port": 1}}],
             "maintenance": [{"group": "upstrem", "from": "2026-12-08T01:00:00Z", "to": "2026-12-08T02:00:00Z"}]}
            """)
        #expect(problems == [#"probes.json: maintenance[0].group: unknown group "upstrem"; did you mean "upstream"?"#])
    }

    @Test func silenceRequestsNameWhatIsWrong() throws {
        let config = try Self.config(Self.nightly(excludeFromSLO: false))
        func refusal(_ service: String, _ duration: String, _ reason: String = "on it") -> String? {
            do {
                _ = try SilenceRequestError.check(service: service, duration: duration, reason: reason, config: config)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(refusal("bureu", "1h") == #"unknown service "bureu"; did you mean "bureau"?"#)
        #expect(refusal("zzzzzzzzz", "1h") == #"unknown service "zzzzzzzzz" (not in the config)"#)
        #expect(refusal("bureau", "0s") == #"--for: "0s" must be longer than zero"#)
        #expect(refusal("bureau", "0") == #"--for: "0" must be longer than zero"#)
        #expect(refusal("bureau", "soon") == #"--for: "soon" is not a duration (use e.g. 30m, 1h, 2h30m)"#)
        #expect(refusal("bureau", "1h", "  ") == "--reason must not be empty: say why, for whoever finds the silence")
        #expect(refusal("bureau", "2h30m") == nil)
    }

    // MARK: The state file

    @Test func silencesWrittenByASecondConnectionReachTheAgentsWatch() throws {
        let dir = try HistoryStoreTests.TempDir()
        let path = dir.file("state.sqlite")
        let agent = try HistoryStore(path: path) { Issue.record("unexpected warning: \($0)") }
        var watch = SilenceWatch()
        let t0 = Self.kst("2026-12-07T12:00:00")
        #expect(watch.poll(agent, now: t0) == [])
        // The CLI: its own connection and transaction, while the agent's stays open.
        let cli = try HistoryStore(path: path) { Issue.record("unexpected warning: \($0)") }
        let silence = Self.silence("bureau", from: t0, for: 3600, id: "s-abcdef")
        try cli.addSilence(silence)
        // Not before the poll interval; then the new silence, once.
        #expect(watch.poll(agent, now: t0.addingTimeInterval(1)) == nil)
        #expect(watch.poll(agent, now: t0.addingTimeInterval(2)) == [silence])
        #expect(watch.poll(agent, now: t0.addingTimeInterval(4)) == nil)
        let expired = try cli.expireSilence(id: "s-abcdef", now: t0.addingTimeInterval(5))
        #expect(expired == silence)
        let polled = watch.poll(agent, now: t0.addingTimeInterval(6))
        #expect(polled?.first?.endsAt == t0.addingTimeInterval(5))
        #expect(try cli.expireSilence(id: "s-nope", now: t0) == nil)
    }

    @Test func aSchemaThreeStateFileOpensAndGainsTheSilencesTable() throws {
        let dir = try HistoryStoreTests.TempDir()
        let path = dir.file("old.sqlite")
        do {
            var batch = HistoryBatch()
            batch.add(HistoryStoreTests.result("bureau", at: 1), latencyThreshold: .milliseconds(500))
            try HistoryStore(path: path) { _ in }.write(batch)
        }
        // Make it a file of the previous schema, as an older build left it.
        do {
            let queue = try GRDBTestAccess.queue(path)
            try queue.write { db in
                try db.execute(sql: "DROP TABLE silences; DROP TABLE silences_revision; PRAGMA user_version = 3")
            }
        }
        let store = try HistoryStore(path: path) { Issue.record("unexpected warning: \($0)") }
        #expect(try store.recentResults(service: "bureau").count == 1)
        try store.addSilence(Self.silence("bureau", from: HistoryStoreTests.t0, for: 60))
        #expect(try store.silences().map(\.id) == ["s-000001"])
    }
}
