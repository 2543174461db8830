import Foundation
import ProbesTesting
import Testing

@testable import Probes
@testable import ProbesPrometheus

/// `/metrics` text from a Monitor fed known results on a fixed timeline: names, labels and values
/// as the README lists them, and `promtool check metrics` accepting the whole.
@Suite("Metrics exposition")
struct MetricsExpositionTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// bureau ← loans, cards; hub (no probe) ← pay, shop; gift (tcp) standalone. Objectives 99 % and
    /// 90 % with a 500 ms threshold, so budgets and burn rates come out as round numbers.
    static func config() throws -> ProbesConfig {
        let json = """
            {"defaults": {"interval": "5s", "timeout": "1s"},
             "slo": {"objective": 99, "window": "28d", "latency": {"threshold": "500ms", "objective": 90}},
             "services": [
               {"name": "bureau", "probe": {"type": "http", "url": "http://127.0.0.1:1/b?token=${TOKEN}",
                "headers": {"Authorization": "Bearer s3cret-header"}}},
               {"name": "loans", "dependsOn": ["bureau"], "probe": {"type": "http", "url": "http://127.0.0.1:1/l"}},
               {"name": "cards", "dependsOn": ["bureau"], "probe": {"type": "http", "url": "http://127.0.0.1:1/c"}},
               {"name": "hub"},
               {"name": "pay", "dependsOn": ["hub"], "probe": {"type": "http", "url": "http://127.0.0.1:1/p"}},
               {"name": "shop", "dependsOn": ["hub"], "probe": {"type": "http", "url": "http://127.0.0.1:1/s"}},
               {"name": "gift", "probe": {"type": "tcp", "host": "127.0.0.1", "port": 1},
                "slo": {"objective": 99.9}}
             ]}
            """
        return try ConfigLoader.load(
            data: Data(json.utf8), displayName: "test.json",
            environment: ["TOKEN": "s3cret-env"])
    }

    static let all = ["bureau", "loans", "cards", "hub", "pay", "shop", "gift"]
    static let probed = ["bureau", "loans", "cards", "pay", "shop", "gift"]

    static func result(_ service: String, at time: Date, _ status: ProbeStatus, ms: Int, http: Int? = nil)
        -> ProbeResult
    {
        ProbeResult(
            service: service, startedAt: time, status: status, latency: .milliseconds(ms),
            error: status == .down ? "HTTP 503" : nil, failure: status == .down ? .condition : nil,
            httpStatus: http)
    }

    static func exposition(_ config: ProbesConfig, site: String = "east") -> MetricsExposition {
        MetricsExposition(config: config, site: site, version: "9.8.7")
    }

    static func labels(_ service: String, _ extra: [String: String] = [:]) -> [String: String] {
        extra.merging(["service": service, "site": "east"]) { a, _ in a }
    }

    static func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance * max(1, abs(b))
    }

    // MARK: Before any result

    @Test func beforeAnyResultEveryEntryIsUnknownAndCountersStartAtZero() throws {
        let config = try Self.config()
        var monitor = Monitor(config: config)
        let exposition = Self.exposition(config)
        exposition.update(monitor.snapshot(now: Self.t0))
        let parsed = ParsedExposition(exposition.render())
        #expect(parsed.problems.isEmpty, "\(parsed.problems)")
        #expect(parsed.series("probe_success").isEmpty)
        #expect(parsed.series("probe_duration_seconds").isEmpty)
        #expect(parsed.series("probe_http_status_code").isEmpty)
        for name in Self.all {
            for state in ["up", "degraded", "down", "unknown"] {
                #expect(
                    parsed.value("incidentboard_service_status", Self.labels(name, ["state": state]))
                        == (state == "unknown" ? 1 : 0), "\(name) \(state)")
            }
            #expect(parsed.value("incidentboard_root_cause", Self.labels(name)) == 0)
            #expect(parsed.value("incidentboard_blast_radius", Self.labels(name)) == 0)
        }
        for name in Self.probed {
            for sli in ["availability", "latency"] {
                #expect(parsed.value("incidentboard_sli_events_total", Self.labels(name, ["sli": sli])) == 0)
                #expect(parsed.value("incidentboard_sli_errors_total", Self.labels(name, ["sli": sli])) == 0)
                #expect(
                    parsed.value(
                        "incidentboard_slo_error_budget_remaining_ratio",
                        Self.labels(name, ["sli": sli])) == 1)
            }
            for alert in ["down", "latency", "burn-rate"] {
                #expect(parsed.value("incidentboard_alert_firing", Self.labels(name, ["alert": alert])) == 0)
            }
        }
        // Probe-less entries have no SLO of their own.
        #expect(parsed.value("incidentboard_sli_events_total", Self.labels("hub", ["sli": "availability"])) == nil)
        #expect(parsed.value("incidentboard_slo_objective_ratio", Self.labels("hub", ["sli": "availability"])) == nil)
        #expect(parsed.value("incidentboard_alert_firing", Self.labels("hub", ["alert": "latency"])) == nil)
        // Exactly 0.99 and 0.9, not 0.9900000000000001.
        #expect(
            parsed.value("incidentboard_slo_objective_ratio", Self.labels("bureau", ["sli": "availability"]))
                == 0.99)
        #expect(parsed.value("incidentboard_slo_objective_ratio", Self.labels("bureau", ["sli": "latency"])) == 0.9)
        #expect(
            parsed.value("incidentboard_slo_objective_ratio", Self.labels("gift", ["sli": "availability"]))
                == 0.999)
        #expect(parsed.value("incidentboard_build_info", ["version": "9.8.7", "site": "east"]) == 1)
        #expect(
            parsed.value("incidentboard_last_snapshot_timestamp_seconds", ["site": "east"])
                == Self.t0.timeIntervalSince1970)
    }

    // MARK: Latest probe, counters, budgets, burn rates

    @Test func latestProbeCountersBudgetAndBurnRateWindows() throws {
        let config = try Self.config()
        var monitor = Monitor(config: config)
        let exposition = Self.exposition(config)
        let now = Self.t0
        // loans: one down probe 50 minutes ago, then three fast ones in the last minute. The 1 h window
        // and longer hold 1 bad of 4 (burn (1/4)/(1-0.99) = 25); 5 m and 30 m hold 0 of 3.
        _ = monitor.ingest(Self.result("loans", at: now - 3000, .down, ms: 1000, http: 503), now: now - 3000)
        for offset in [60.0, 50, 40] {
            _ = monitor.ingest(Self.result("loans", at: now - offset, .up, ms: 100, http: 200), now: now - offset)
        }
        // gift (tcp, 99.9 %): up fast, up slow, down, degraded.
        _ = monitor.ingest(Self.result("gift", at: now - 30, .up, ms: 100), now: now - 30)
        _ = monitor.ingest(Self.result("gift", at: now - 25, .up, ms: 700), now: now - 25)
        _ = monitor.ingest(Self.result("gift", at: now - 20, .down, ms: 1000), now: now - 20)
        _ = monitor.ingest(Self.result("gift", at: now - 15, .degraded, ms: 250), now: now - 15)
        _ = monitor.tick(now: now)
        let snapshot = monitor.snapshot(now: now)
        exposition.update(snapshot)
        let text = exposition.render()
        let parsed = ParsedExposition(text)
        #expect(parsed.problems.isEmpty, "\(parsed.problems)")

        // Latest probe.
        #expect(parsed.value("probe_success", Self.labels("loans")) == 1)
        #expect(parsed.value("probe_duration_seconds", Self.labels("loans")) == 0.1)
        #expect(parsed.value("probe_http_status_code", Self.labels("loans")) == 200)
        #expect(parsed.value("probe_success", Self.labels("gift")) == 1, "degraded counts as success")
        #expect(parsed.value("probe_duration_seconds", Self.labels("gift")) == 0.25)
        #expect(parsed.value("probe_http_status_code", Self.labels("gift")) == nil, "tcp probes have no status code")
        #expect(parsed.value("probe_success", Self.labels("bureau")) == nil, "never probed")
        #expect(parsed.value("incidentboard_service_status", Self.labels("gift", ["state": "degraded"])) == 1)
        #expect(parsed.value("incidentboard_service_status", Self.labels("gift", ["state": "up"])) == 0)
        #expect(parsed.value("incidentboard_service_status", Self.labels("loans", ["state": "up"])) == 1)

        // Counters: gift 4 probes, 1 down; 3 available, 1 slow (700 ms ≥ 500 ms).
        #expect(parsed.value("incidentboard_sli_events_total", Self.labels("gift", ["sli": "availability"])) == 4)
        #expect(parsed.value("incidentboard_sli_errors_total", Self.labels("gift", ["sli": "availability"])) == 1)
        #expect(parsed.value("incidentboard_sli_events_total", Self.labels("gift", ["sli": "latency"])) == 3)
        #expect(parsed.value("incidentboard_sli_errors_total", Self.labels("gift", ["sli": "latency"])) == 1)
        #expect(parsed.types["incidentboard_sli_events_total"] == "counter")
        #expect(parsed.types["incidentboard_sli_errors_total"] == "counter")

        // Budgets: gift availability 1 − (1/4)/0.001 = −249; latency 1 − (1/3)/0.1 = −2.33…
        #expect(
            Self.close(
                parsed.value(
                    "incidentboard_slo_error_budget_remaining_ratio",
                    Self.labels("gift", ["sli": "availability"])), -249))
        #expect(
            Self.close(
                parsed.value(
                    "incidentboard_slo_error_budget_remaining_ratio",
                    Self.labels("gift", ["sli": "latency"])), 1 - (1.0 / 3) / 0.1))
        #expect(
            Self.close(
                parsed.value(
                    "incidentboard_slo_error_budget_remaining_ratio",
                    Self.labels("loans", ["sli": "availability"])), -24))

        // Burn-rate windows for loans, as the SLO book computes them.
        let expected = ["5m": 0.0, "30m": 0, "1h": 25, "2h": 25, "6h": 25, "1d": 25, "3d": 25, "slo": 25]
        for (window, value) in expected {
            let labels = Self.labels("loans", ["sli": "availability", "window": window])
            #expect(Self.close(parsed.value("incidentboard_slo_burn_rate", labels), value), "\(window)")
            #expect(
                parsed.value(
                    "incidentboard_slo_burn_rate",
                    Self.labels("loans", ["sli": "latency", "window": window])) == 0)
        }
        let book = try #require(snapshot.service(named: "loans")?.availability)
        #expect(
            Self.close(
                parsed.value(
                    "incidentboard_slo_burn_rate",
                    Self.labels("loans", ["sli": "availability", "window": "1h"])),
                book.burnRates.oneHour))
        #expect(parsed.series("incidentboard_slo_burn_rate").count == Self.probed.count * 2 * 8)
        #expect(parsed.types["incidentboard_slo_burn_rate"] == "gauge")

        // Every series carries site, every per-service one service; no secret appears anywhere.
        let perService = Set(MetricsServiceFamily.allCases.map(\.name))
        for key in parsed.samples.keys {
            #expect(key.labels["site"] == "east", "\(key)")
            if perService.contains(key.name) { #expect(key.labels["service"] != nil, "\(key)") }
        }
        for secret in ["s3cret-env", "s3cret-header", "127.0.0.1:1", "Bearer"] { #expect(!text.contains(secret)) }
        for name in parsed.types.keys { #expect(parsed.helps[name]?.isEmpty == false, "no HELP for \(name)") }
    }

    @Test func countersOnlyGrowByTheDeltaBetweenUpdates() throws {
        let config = try Self.config()
        var monitor = Monitor(config: config)
        let exposition = Self.exposition(config)
        var now = Self.t0
        func probe(_ status: ProbeStatus, ms: Int) {
            _ = monitor.ingest(Self.result("gift", at: now, status, ms: ms), now: now)
            now += 5
        }
        func events(_ sli: String) -> Double? {
            ParsedExposition(exposition.render())
                .value("incidentboard_sli_events_total", Self.labels("gift", ["sli": sli]))
        }
        func errors(_ sli: String) -> Double? {
            ParsedExposition(exposition.render())
                .value("incidentboard_sli_errors_total", Self.labels("gift", ["sli": sli]))
        }
        for _ in 0..<3 { probe(.up, ms: 10) }
        exposition.update(monitor.snapshot(now: now))
        #expect(events("availability") == 3)
        // The same snapshot twice adds nothing.
        exposition.update(monitor.snapshot(now: now))
        #expect(events("availability") == 3)
        for _ in 0..<5 { probe(.down, ms: 1000) }
        probe(.up, ms: 900)
        exposition.update(monitor.snapshot(now: now))
        #expect(events("availability") == 9)
        #expect(errors("availability") == 5)
        #expect(events("latency") == 4)
        #expect(errors("latency") == 1)

        // A source whose totals restart (a rebuilt Monitor) counts on; the counter never goes down.
        var restarted = monitor.snapshot(now: now)
        let index = try #require(restarted.services.firstIndex { $0.name == "gift" })
        restarted.services[index].totals = SLITotals()
        restarted.services[index].totals.count(available: false, latency: .seconds(1), threshold: .milliseconds(500))
        exposition.update(restarted)
        #expect(events("availability") == 10)
        #expect(errors("availability") == 6)
    }

    // MARK: Cascade and alerts

    @Test func rootCauseBlastRadiusAndFiringAlertsInACascade() async throws {
        let config = try Self.config()
        var monitor = Monitor(config: config)
        let exposition = Self.exposition(config)
        var now = Self.t0
        // bureau, loans and cards fail; pay and shop fail together under the probe-less hub.
        let failing: Set<String> = ["bureau", "loans", "cards", "pay", "shop"]
        for round in 0..<4 {
            for name in Self.probed {
                let down = round > 0 && failing.contains(name)
                _ = monitor.ingest(
                    Self.result(
                        name, at: now, down ? .down : .up, ms: down ? 1000 : 20,
                        http: name == "gift" ? nil : (down ? 503 : 200)), now: now)
            }
            _ = monitor.tick(now: now)
            now += 5
        }
        for _ in 0..<30 {
            _ = monitor.tick(now: now)
            now += 1
        }
        let snapshot = monitor.snapshot(now: now)
        #expect(snapshot.service(named: "bureau")?.role == .rootCause)
        #expect(snapshot.service(named: "hub")?.role == .inferredRootCause)
        exposition.update(snapshot)
        let text = exposition.render()
        let parsed = ParsedExposition(text)
        #expect(parsed.problems.isEmpty, "\(parsed.problems)")

        #expect(parsed.value("incidentboard_root_cause", Self.labels("bureau")) == 1)
        #expect(parsed.value("incidentboard_blast_radius", Self.labels("bureau")) == 2)
        #expect(parsed.value("incidentboard_root_cause", Self.labels("hub")) == 1)
        #expect(parsed.value("incidentboard_blast_radius", Self.labels("hub")) == 2)
        for victim in ["loans", "cards", "pay", "shop", "gift"] {
            #expect(parsed.value("incidentboard_root_cause", Self.labels(victim)) == 0, "\(victim)")
            #expect(parsed.value("incidentboard_blast_radius", Self.labels(victim)) == 0, "\(victim)")
        }
        // The probe-less root is "down" because it is inferred; its own down alert fires.
        #expect(parsed.value("incidentboard_service_status", Self.labels("hub", ["state": "down"])) == 1)
        #expect(parsed.value("incidentboard_service_status", Self.labels("hub", ["state": "unknown"])) == 0)
        #expect(parsed.value("incidentboard_alert_firing", Self.labels("hub", ["alert": "down"])) == 1)
        #expect(parsed.value("probe_success", Self.labels("bureau")) == 0)
        #expect(parsed.value("probe_http_status_code", Self.labels("bureau")) == 503)
        #expect(parsed.value("incidentboard_service_status", Self.labels("bureau", ["state": "down"])) == 1)
        #expect(parsed.value("incidentboard_alert_firing", Self.labels("bureau", ["alert": "down"])) == 1)
        #expect(parsed.value("incidentboard_alert_firing", Self.labels("gift", ["alert": "down"])) == 0)
        // Every service's alert series agrees with the board's firing list (site-dark is no service's).
        for service in snapshot.services where service.hasProbe {
            for kind in AlertKind.serviceKinds {
                #expect(
                    parsed.value("incidentboard_alert_firing", Self.labels(service.name, ["alert": kind.rawValue]))
                        == (service.firing.contains(kind) ? 1 : 0), "\(service.name) \(kind)")
            }
        }

        // After recovery the root clears and the alert series go back to 0.
        for _ in 0..<6 {
            for name in Self.probed {
                _ = monitor.ingest(Self.result(name, at: now, .up, ms: 20, http: name == "gift" ? nil : 200), now: now)
            }
            _ = monitor.tick(now: now)
            now += 5
        }
        for _ in 0..<120 {
            _ = monitor.tick(now: now)
            now += 1
        }
        exposition.update(monitor.snapshot(now: now))
        let after = ParsedExposition(exposition.render())
        #expect(after.value("incidentboard_root_cause", Self.labels("bureau")) == 0)
        #expect(after.value("incidentboard_blast_radius", Self.labels("bureau")) == 0)
        #expect(after.value("incidentboard_alert_firing", Self.labels("bureau", ["alert": "down"])) == 0)
        #expect(after.value("incidentboard_alert_firing", Self.labels("hub", ["alert": "down"])) == 0)
        #expect(after.value("incidentboard_service_status", Self.labels("hub", ["state": "unknown"])) == 1)

        let check = try #require(try await PromtoolCheck.run(text), Comment(rawValue: PromtoolCheck.missing))
        #expect(check.status == 0, "promtool check metrics: \(check.output)")
        #expect(check.output.isEmpty, "promtool check metrics: \(check.output)")
    }

    // MARK: Engine and process

    @Test func schedulerStatisticsAndProcessHealth() async throws {
        let config = try Self.config()
        var monitor = Monitor(config: config)
        let exposition = Self.exposition(config)
        var statistics = ScheduleStatistics()
        statistics.started = 10
        statistics.completed = 7
        statistics.skippedTicks = 2
        statistics.missedTicks = 1
        for ms in [1, 2, 2, 3, 100] { statistics.recordLateness(.milliseconds(ms)) }
        exposition.update(monitor.snapshot(now: Self.t0), schedule: statistics)
        var parsed = ParsedExposition(exposition.render())
        let site = ["site": "east"]
        #expect(parsed.value("incidentboard_scheduler_probes_started_total", site) == 10)
        #expect(parsed.value("incidentboard_scheduler_skipped_ticks_total", site) == 2)
        #expect(parsed.value("incidentboard_scheduler_missed_ticks_total", site) == 1)
        #expect(parsed.value("incidentboard_scheduler_in_flight", site) == 3)
        #expect(parsed.types["incidentboard_scheduler_probes_started_total"] == "counter")
        #expect(parsed.types["incidentboard_scheduler_lateness_seconds"] == "summary")
        #expect(parsed.value("incidentboard_scheduler_lateness_seconds", ["site": "east", "quantile": "1"]) == 0.1)
        #expect(
            Self.close(
                parsed.value(
                    "incidentboard_scheduler_lateness_seconds",
                    ["site": "east", "quantile": "0.5"]), 0.002, tolerance: 0.01))
        #expect(
            Self.close(
                parsed.value(
                    "incidentboard_scheduler_lateness_seconds",
                    ["site": "east", "quantile": "0.99"]), 0.1, tolerance: 0.01))
        #expect(parsed.value("incidentboard_scheduler_lateness_seconds_count", site) == 5)
        #expect(
            Self.close(
                parsed.value("incidentboard_scheduler_lateness_seconds_sum", site), 0.108,
                tolerance: 0.01))

        statistics.started = 15
        statistics.completed = 15
        statistics.skippedTicks = 4
        exposition.update(monitor.snapshot(now: Self.t0 + 1), schedule: statistics)
        parsed = ParsedExposition(exposition.render())
        #expect(parsed.value("incidentboard_scheduler_probes_started_total", site) == 15)
        #expect(parsed.value("incidentboard_scheduler_skipped_ticks_total", site) == 4)
        #expect(parsed.value("incidentboard_scheduler_in_flight", site) == 0)

        let cpu = try #require(parsed.value("process_cpu_seconds_total", site))
        #expect(cpu > 0)
        #expect(parsed.types["process_cpu_seconds_total"] == "counter")
        #if os(Linux)
            let rss = try #require(parsed.value("process_resident_memory_bytes", site))
            #expect(rss > 1_000_000)
            let fds = try #require(parsed.value("process_open_fds", site))
            #expect(fds >= 3)
            let start = try #require(parsed.value("process_start_time_seconds", site))
            #expect(start <= Date().timeIntervalSince1970 + 1)
            #expect(start > Date().timeIntervalSince1970 - 86_400 * 7)
        #endif
        let check = try #require(
            try await PromtoolCheck.run(exposition.render()),
            Comment(rawValue: PromtoolCheck.missing))
        #expect(check.status == 0, "promtool check metrics: \(check.output)")
    }

    @Test func procStatFieldsAreCountedFromTheLastParenthesis() throws {
        let line =
            "4242 (odd) name (x)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 123456 1000 200 "
            + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0"
        let fields = try #require(MetricsProcessHealth.statFields(line))
        #expect(fields.utime == 250)
        #expect(fields.stime == 50)
        #expect(fields.startTicks == 123456)
        // (Compared outside #expect: the macro cannot take an optional tuple apart.)
        let garbage = MetricsProcessHealth.statFields("garbage") == nil
        let short = MetricsProcessHealth.statFields("1 (x) S 1 2") == nil
        #expect(garbage)
        #expect(short)
        #expect(
            MetricsProcessHealth.residentBytes(status: "Name:\tx\nVmRSS:\t  2048 kB\nVmSwap: 0 kB\n")
                == Double(2048 * 1024))
        #expect(MetricsProcessHealth.residentBytes(status: "Name:\tx\n") == nil)
    }

    // MARK: Values and labels

    @Test func numbersAreWrittenAsPrometheusReadsThem() {
        func text(_ value: Double) -> String {
            var out: [UInt8] = []
            MetricsText.appendValue(value, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(text(0) == "0")
        #expect(text(-0.0) == "0")
        #expect(text(1) == "1")
        #expect(text(503) == "503")
        #expect(text(-249) == "-249")
        #expect(text(1_800_000_000) == "1800000000")
        #expect(text(0.25) == "0.25")
        #expect(text(1e-05) == "1e-05")
        #expect(text(1e20) == "1e+20")
        #expect(text(.infinity) == "+Inf")
        #expect(text(-.infinity) == "-Inf")
        #expect(text(.nan) == "NaN")
        #expect(MetricsExposition.escape("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
    }

    @Test func siteLabelAndDefaultSite() throws {
        #expect(MetricsSite.problem(with: "east") == nil)
        #expect(MetricsSite.problem(with: "dc-1.rack_2") == nil)
        #expect(MetricsSite.problem(with: "") != nil)
        #expect(MetricsSite.problem(with: "-east") != nil)
        #expect(MetricsSite.problem(with: "east west") != nil)
        #expect(MetricsSite.problem(with: "east\"") != nil)
        #expect(MetricsSite.problem(with: "서울") != nil)
        #expect(MetricsSite.problem(with: String(repeating: "a", count: 64)) != nil)
        #expect(MetricsSite.defaultName(hostName: "agent-3.dc1.example.com") == "agent-3")
        #expect(MetricsSite.defaultName(hostName: "") == "localhost")
        #expect(MetricsSite.defaultName(hostName: "--odd host") == "odd-host")
        let config = try Self.config()
        let parsed = ParsedExposition(Self.exposition(config, site: "dc-1.rack_2").render())
        #expect(parsed.value("incidentboard_root_cause", ["service": "bureau", "site": "dc-1.rack_2"]) == 0)
    }

    @Test(arguments: [
        ("9464", "127.0.0.1", 9464), (":9464", "127.0.0.1", 9464), ("0.0.0.0:9100", "0.0.0.0", 9100),
        ("localhost:1", "localhost", 1), ("[::1]:65535", "::1", 65535), ("[::]:9464", "::", 9464),
        (" 127.0.0.1:9999 ", "127.0.0.1", 9999),
    ])
    func listenAddressesParse(text: String, host: String, port: Int) throws {
        let address = try MetricsListenAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
    }

    @Test(arguments: [
        "", "0", "65536", "99999999", "host:", "host:abc", "::1:9464", "[::1]9464", "[::1",
        "[]:80", "-1", "a b:80", "127.0.0.1:+80", "1.2.3.4:80:90",
    ])
    func badListenAddressesAreRejectedWithAReason(text: String) {
        #expect(throws: MetricsListenAddressError.self) { try MetricsListenAddress(parsing: text) }
        do {
            _ = try MetricsListenAddress(parsing: text)
        } catch {
            #expect(!error.description.isEmpty)
            if text == "65536" { #expect(error.description.contains("1 to 65535")) }
            if text == "::1:9464" { #expect(error.description.contains("brackets")) }
        }
    }

    @Test func listenAddressPrintsBackAsTyped() throws {
        #expect(try MetricsListenAddress(parsing: "9464").description == "127.0.0.1:9464")
        #expect(try MetricsListenAddress(parsing: "[::1]:9464").description == "[::1]:9464")
    }
}
