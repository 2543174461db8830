import Foundation
import ProbesTesting
import Testing

@testable import Probes
@testable import ProbesPrometheus

/// The fleet view tells the truth (issue 24): a site that stops reporting is shown dark, a
/// failure fewer sites than the quorum see is PARTIAL and pages nothing, and the fleet budget is
/// the sites' counters summed.
@Suite("fleet view: dark sites, quorum, fleet budget")
struct FleetTruthTests {
    typealias Answers = PrometheusAnswers
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let source = "prometheus http://127.0.0.1:9"

    /// bureau ← loans, probed every 5 s; `quorum` in the defaults when given.
    static func config(quorum: String? = nil, bureauQuorum: String? = nil) throws -> ProbesConfig {
        let defaults = quorum.map { #", "quorum": \#($0)"# } ?? ""
        let bureau = bureauQuorum.map { #", "quorum": \#($0)"# } ?? ""
        let json = """
            {"defaults": {"interval": "5s", "timeout": "1s"\(defaults)},
             "services": [
               {"name": "bureau"\(bureau), "probe": {"type": "http", "url": "http://127.0.0.1:1/b"}},
               {"name": "loans", "dependsOn": ["bureau"], "probe": {"type": "http", "url": "http://127.0.0.1:1/l"}}
             ]}
            """
        return try ConfigLoader.load(data: Data(json.utf8), displayName: "test.json", environment: [:])
    }

    /// The agents' series: every service up at every site of `sites`, except `down` (`[site: services]`).
    static func series(sites: [String], down: [String: Set<String>] = [:]) -> [Answers.Series] {
        var series: [Answers.Series] = []
        for site in sites {
            for service in ["bureau", "loans"] {
                let failing = down[site]?.contains(service) == true
                series += Answers.agent(
                    service: service, site: site, state: failing ? "down" : "up",
                    latency: failing ? 0.5 : 0.01, httpStatus: failing ? 503 : 200)
            }
            series.append(Answers.snapshotTime(site: site, 1_800_000_000))
        }
        return series
    }

    static func reading(_ series: [Answers.Series], liveness: [Answers.Series]? = nil) throws -> FleetReading {
        try FleetReading.parse(
            Data(Answers.vector(series).utf8),
            liveness: liveness.map { Data(Answers.vector($0).utf8) })
    }

    /// seoul and busan both seen in the last hour; `up` as given per site.
    static func liveness(up: [String: Int]) -> [Answers.Series] {
        var series: [Answers.Series] = []
        for (index, site) in ["busan", "seoul"].enumerated() {
            let instance = "127.0.0.1:\(9100 + index)"
            series += Answers.seen(
                site: site, instance: instance, lastSnapshot: 1_799_999_990 + Double(index),
                services: ["bureau", "loans"])
            series.append(Answers.up(instance: instance, up[site] ?? 1))
        }
        return series
    }

    // MARK: Dark sites

    @Test func aSiteWhoseSeriesWentStaleIsDarkSinceItsLastSnapshot() throws {
        // busan was killed: its series are stale (absent from the instant query), its target down.
        let reading = try Self.reading(Self.series(sites: ["seoul"]), liveness: Self.liveness(up: ["busan": 0]))
        #expect(reading.sites == ["seoul"])
        #expect(
            reading.dark == [
                DarkSite(
                    site: "busan", since: Date(timeIntervalSince1970: 1_799_999_990),
                    services: ["bureau", "loans"])
            ])
        let states = reading.states(of: "bureau")
        #expect(states.map(\.site) == ["busan", "seoul"])
        #expect(states.map(\.reporting) == [false, true])
        #expect(states[0].status == .unknown)
        #expect(states[0].darkSince == Date(timeIntervalSince1970: 1_799_999_990))
    }

    @Test func aSiteWhoseTargetIsDownIsDarkEvenWhileItsSeriesLinger() throws {
        let reading = try Self.reading(
            Self.series(sites: ["seoul", "busan"]),
            liveness: Self.liveness(up: ["busan": 0]))
        #expect(reading.sites == ["seoul"])
        #expect(reading.dark.map(\.site) == ["busan"])
        #expect(reading.services["bureau"]?.map(\.state.site) == ["seoul"])
    }

    /// A hung engine behind a /metrics that still answers: its scheduler started no probe in the
    /// stall window, so its series are the past, not a view.
    @Test func aSiteWhoseSchedulerStalledIsDark() throws {
        let stalled = Answers.Series("", ["site": "busan", "stalled": "true"], "0")
        let reading = try Self.reading(
            Self.series(sites: ["seoul", "busan"]),
            liveness: Self.liveness(up: [:]) + [stalled])
        #expect(reading.sites == ["seoul"])
        #expect(reading.dark.map(\.site) == ["busan"])
        #expect(FleetReading.livenessQuery.contains("increase(incidentboard_scheduler_probes_started_total"))
    }

    @Test func everySiteReportingMeansNoDarkSite() throws {
        let reading = try Self.reading(Self.series(sites: ["seoul", "busan"]), liveness: Self.liveness(up: [:]))
        #expect(reading.sites == ["busan", "seoul"])
        #expect(reading.dark.isEmpty)
    }

    @Test func anUnreadableLivenessAnswerLeavesTheReadingWithoutDarkSites() throws {
        let series = Data(Answers.vector(Self.series(sites: ["seoul"])).utf8)
        for garbage in ["not json", Answers.error(type: "bad_data", "parse error"), "{}"] {
            let reading = try FleetReading.parse(series, liveness: Data(garbage.utf8))
            #expect(reading.sites == ["seoul"], "\(garbage)")
            #expect(reading.dark.isEmpty, "\(garbage)")
        }
    }

    @Test func aPollThatCannotTellWhichSitesAreDarkKeepsThemDark() throws {
        var view = FleetView(config: try Self.config(), source: Self.source)
        let dark = try Self.reading(Self.series(sites: ["seoul"]), liveness: Self.liveness(up: ["busan": 0]))
        let unknown = try FleetReading.parse(
            Data(Answers.vector(Self.series(sites: ["seoul"])).utf8),
            liveness: Data("garbage".utf8))
        #expect(!unknown.livenessKnown)
        #expect(view.apply(.success(dark), now: Self.t0).filter { $0.alert == .siteDark }.count == 1)
        #expect(view.apply(.success(unknown), now: Self.t0 + 5).filter { $0.alert == .siteDark }.isEmpty)
        #expect(view.snapshot(now: Self.t0 + 5).darkSites.map(\.site) == ["busan"])
        // busan's series are back, liveness still unknown: it reports again.
        let back = try FleetReading.parse(
            Data(Answers.vector(Self.series(sites: ["seoul", "busan"])).utf8),
            liveness: nil)
        let resolved = view.apply(.success(back), now: Self.t0 + 10).filter { $0.alert == .siteDark }
        #expect(resolved.map(\.event) == [.resolved])
    }

    @Test func everySiteDarkIsStillAReadingThatSaysSo() throws {
        let reading = try Self.reading([], liveness: Self.liveness(up: ["busan": 0, "seoul": 0]))
        #expect(reading.services.isEmpty)
        #expect(reading.dark.map(\.site) == ["busan", "seoul"])
        let report = CheckReport.fleet(
            config: try Self.config(), selected: ["bureau", "loans"], reading: reading,
            source: Self.source, checkedAt: Self.t0)
        #expect(report.status == .unknown)
        #expect(report.entries.allSatisfy { $0.error?.hasPrefix("no reporting site: busan DARK since ") == true })
    }

    @Test func checkTextAndJSONSayWhichSiteIsDark() throws {
        let reading = try Self.reading(Self.series(sites: ["seoul"]), liveness: Self.liveness(up: ["busan": 0]))
        let report = CheckReport.fleet(
            config: try Self.config(), selected: ["bureau", "loans"], reading: reading,
            source: Self.source, checkedAt: Self.t0)
        #expect(report.status == .ok)
        #expect(report.summary == "2 of 2 up; site busan DARK")
        #expect(report.nagios().hasPrefix("INCIDENTBOARD OK - 2 of 2 up; site busan DARK"), "\(report.nagios())")
        let text = report.text()
        let line = try #require(text.split(separator: "\n").first { $0.contains("@busan") }, "\(text)")
        #expect(line.hasPrefix(" dark     @busan") && line.hasSuffix("DARK since 2027-01-15T07:59:50Z"), "\(line)")
        #expect(report.nagios().contains("busan DARK since 2027-01-15T07:59:50Z"), "\(report.nagios())")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let services = try #require(json["services"] as? [[String: Any]])
        let sites = try #require(services.first?["sites"] as? [[String: Any]])
        #expect(sites.map { $0["site"] as? String } == ["busan", "seoul"])
        #expect(sites.map { $0["reporting"] as? Bool } == [false, true])
        #expect(sites[0]["since"] as? String == "2027-01-15T07:59:50Z")
        #expect(sites[0]["status"] as? String == "unknown")
        #expect(sites[1]["since"] == nil)
    }

    @Test func exitCodesFollowTheReportingSites() throws {
        let config = try Self.config()
        // Down at the site that reports: 2, whatever the dark one last said.
        let down = try Self.reading(
            Self.series(sites: ["seoul"], down: ["seoul": ["bureau"]]),
            liveness: Self.liveness(up: ["busan": 0]))
        let critical = CheckReport.fleet(
            config: config, selected: ["bureau", "loans"], reading: down,
            source: Self.source, checkedAt: Self.t0)
        #expect(critical.status.exitCode == 2)
        // A service no reporting site covers: 3.
        var seoulOnly = try Self.reading(Self.series(sites: ["seoul"]), liveness: Self.liveness(up: ["busan": 0]))
        seoulOnly.services["loans"] = nil
        let uncovered = CheckReport.fleet(
            config: config, selected: ["bureau", "loans"], reading: seoulOnly,
            source: Self.source, checkedAt: Self.t0)
        #expect(uncovered.status.exitCode == 3)
        #expect(
            uncovered.entries.first { $0.name == "loans" }?.error
                == "no reporting site: busan DARK since 2027-01-15T07:59:50Z")
        // Otherwise as before: the reporting site is healthy.
        let healthy = try Self.reading(Self.series(sites: ["seoul"]), liveness: Self.liveness(up: ["busan": 0]))
        #expect(
            CheckReport.fleet(
                config: config, selected: ["bureau", "loans"], reading: healthy,
                source: Self.source, checkedAt: Self.t0
            ).status.exitCode == 0)
    }

    @Test func watchWritesASiteDarkAlertAndResolvesItWhenTheSiteReportsAgain() throws {
        var view = FleetView(config: try Self.config(), source: Self.source)
        let both = try Self.reading(Self.series(sites: ["seoul", "busan"]), liveness: Self.liveness(up: [:]))
        let dark = try Self.reading(Self.series(sites: ["seoul"]), liveness: Self.liveness(up: ["busan": 0]))
        #expect(view.apply(.success(both), now: Self.t0).filter { $0.alert == .siteDark }.isEmpty)
        let fired = view.apply(.success(dark), now: Self.t0 + 5).filter { $0.alert == .siteDark }
        #expect(fired.count == 1)
        let line = try #require(fired.first).jsonLine()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["alert"] as? String == "site-dark")
        #expect(object["event"] as? String == "firing")
        #expect(object["site"] as? String == "busan")
        #expect(object.keys.contains("service") && object["service"] is NSNull, "\(line)")
        #expect(view.firingCount == 1)
        let text = try #require(fired.first).textLine(timeZone: TimeZone(identifier: "UTC") ?? .current)
        #expect(text.contains("FIRING   warning  site busan stopped reporting since 2027-01-15T07:59:50Z"), "\(text)")
        // Still dark: no repeat.
        #expect(view.apply(.success(dark), now: Self.t0 + 10).filter { $0.alert == .siteDark }.isEmpty)
        let snapshot = view.snapshot(now: Self.t0 + 10)
        #expect(snapshot.darkSites.map(\.site) == ["busan"])
        #expect(snapshot.service(named: "bureau")?.sites.map(\.reporting) == [false, true])
        // Back: resolved.
        let back = view.apply(.success(both), now: Self.t0 + 15).filter { $0.alert == .siteDark }
        #expect(back.map(\.event) == [.resolved])
        #expect(back.first?.site == "busan")
        #expect(back.first?.summary == "site busan reports again")
        #expect(view.firingCount == 0)
    }

    @Test func aSiteDarkEventRoundTripsThroughCodable() throws {
        var event = AlertEvent(
            time: Self.t0, event: .firing, alert: .siteDark, service: "", severity: .warning,
            summary: "site busan stopped reporting")
        event.site = "busan"
        let data = try JSONEncoder().encode(event)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["service"] is NSNull)
        #expect(object["site"] as? String == "busan")
        #expect(try JSONDecoder().decode(AlertEvent.self, from: data) == event)
    }

    // MARK: Quorum

    @Test func quorumIsReadFromDefaultsAndServices() throws {
        let config = try Self.config(quorum: "2", bureauQuorum: #""all""#)
        #expect(config.defaults.quorum == .sites(2))
        #expect(config.service(named: "bureau")?.quorum == .all)
        #expect(config.service(named: "loans")?.quorum == .sites(2))
        #expect(try Self.config().service(named: "loans")?.quorum == .any)
        #expect(try Self.config(quorum: #""any""#).defaults.quorum == .any)
        #expect(try Self.config(quorum: "1").defaults.quorum == .any)
    }

    @Test func aBadQuorumIsRefusedWithAClearMessage() throws {
        let cases: [(String, String)] = [
            ("0", "test.json: defaults.quorum: must be 1 or more sites, \"all\" or \"any\" (got 0)"),
            (#""most""#, "test.json: defaults.quorum: must be a number of sites, \"all\" or \"any\", not \"most\""),
            ("true", "test.json: defaults.quorum: must be a number of sites, \"all\" or \"any\", not a boolean"),
            ("1.5", "test.json: defaults.quorum: must be a number of sites, \"all\" or \"any\", not a number"),
        ]
        for (value, message) in cases {
            do {
                _ = try Self.config(quorum: value)
                Issue.record("quorum \(value) was accepted")
            } catch {
                #expect("\(error)".contains(message), "\(value): \(error)")
            }
        }
    }

    @Test func theQuorumCountsReportingSitesAndCapsAtThem() {
        #expect(FleetQuorum.any.required(of: 3) == 1)
        #expect(FleetQuorum.sites(2).required(of: 3) == 2)
        #expect(FleetQuorum.sites(2).required(of: 1) == 1)
        #expect(FleetQuorum.all.required(of: 3) == 3)
        #expect(FleetQuorum.all.required(of: 0) == 1)
    }

    @Test func failingAtOneSiteUnderQuorumTwoIsPartialAndPagesNothing() throws {
        let config = try Self.config(quorum: "2")
        let reading = try Self.reading(Self.series(sites: ["seoul", "busan"], down: ["busan": ["bureau", "loans"]]))
        let verdict = try #require(reading.verdict(of: "bureau", quorum: .sites(2)))
        #expect(verdict.reading.state.status == .up)
        #expect(verdict.partialSites == ["busan"])

        let report = CheckReport.fleet(
            config: config, selected: ["bureau", "loans"], reading: reading,
            source: Self.source, checkedAt: Self.t0)
        #expect(report.status == .ok)
        #expect(report.incidents.isEmpty)
        let bureau = try #require(report.entries.first { $0.name == "bureau" })
        #expect(bureau.status == .up)
        #expect(bureau.partialSites == ["busan"])
        #expect(bureau.rootCauses.isEmpty)
        #expect(report.text().contains("PARTIAL: down at busan"), "\(report.text())")
        #expect(report.nagios().contains("bureau: UP"), "\(report.nagios())")
        #expect(report.nagios().contains("(PARTIAL: down at busan)"), "\(report.nagios())")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let services = try #require(json["services"] as? [[String: Any]])
        #expect(services.first?["partial"] as? [String] == ["busan"])

        var view = FleetView(config: config, source: Self.source)
        var events: [AlertEvent] = []
        for poll in 0..<6 {
            let now = Self.t0 + Double(poll * 5)
            events += view.apply(.success(reading), now: now)
            events += view.tick(now: now)
        }
        #expect(events.isEmpty, "\(events.map { $0.jsonLine() })")
        let snapshot = view.snapshot(now: Self.t0 + 30)
        #expect(snapshot.service(named: "bureau")?.partialSites == ["busan"])
        #expect(snapshot.service(named: "bureau")?.role.isRootCause == false)
    }

    @Test func failingAtTwoSitesUnderQuorumTwoIsDownWithTheRootCauseAndOnePage() throws {
        let config = try Self.config(quorum: "2")
        let reading = try Self.reading(
            Self.series(
                sites: ["seoul", "busan"], down: ["busan": ["bureau", "loans"], "seoul": ["bureau", "loans"]]))
        let report = CheckReport.fleet(
            config: config, selected: ["bureau", "loans"], reading: reading,
            source: Self.source, checkedAt: Self.t0)
        #expect(report.status == .critical)
        #expect(report.incidents.map(\.rootCause) == ["bureau"])
        #expect(report.entries.allSatisfy { $0.partialSites.isEmpty })

        var view = FleetView(config: config, source: Self.source)
        var events: [AlertEvent] = []
        for poll in 0..<6 {
            let now = Self.t0 + Double(poll * 5)
            events += view.apply(.success(reading), now: now)
            events += view.tick(now: now)
        }
        let pages = events.filter { $0.event == .firing && $0.alert == .down && !$0.suppressed }
        #expect(pages.map(\.service) == ["bureau"])
        #expect(pages.first?.rootCause == "bureau")
        #expect(events.contains { $0.service == "loans" && $0.suppressed && $0.rootCause == "bureau" })
    }

    @Test func quorumAllNeedsEveryReportingSite() throws {
        let reading = try Self.reading(
            Self.series(
                sites: ["seoul", "busan", "jeju"], down: ["busan": ["bureau"], "seoul": ["bureau"]]))
        #expect(reading.verdict(of: "bureau", quorum: .all)?.reading.state.status == .up)
        #expect(reading.verdict(of: "bureau", quorum: .all)?.partialSites == ["busan", "seoul"])
        #expect(reading.verdict(of: "bureau", quorum: .sites(2))?.reading.state.status == .down)
        #expect(reading.verdict(of: "bureau", quorum: .any)?.reading.state.status == .down)
    }

    // MARK: Fleet budget

    /// seoul: 3000 probes, 1 failed; busan: 1000 probes, 1 failed; objective 99.9 %. Summed:
    /// 2 of 4000 = 0.05 % bad, half the 0.1 % allowed, so half the budget remains, where seoul's
    /// own budget is 66.7 % and busan's 0 %.
    @Test func theFleetBudgetIsTheBudgetOfTheSummedCounters() throws {
        var series: [Answers.Series] = []
        series += Answers.agent(service: "bureau", site: "seoul", state: "up", budget: 0.6667, events: 3000, errors: 1)
        series += Answers.agent(service: "bureau", site: "busan", state: "up", budget: 0, events: 1000, errors: 1)
        let reading = try Self.reading(series)
        let config = try Self.config()
        let bureau = try #require(config.service(named: "bureau"))
        let fleet = reading.fleet(of: bureau)
        let expected = 1 - (2.0 / 4000) / (1 - 0.999)
        #expect(abs(try #require(fleet.budget) - expected) < 1e-9)
        #expect(abs(expected - 0.5) < 1e-9)
        #expect(
            FleetBudget.remaining(try #require(reading.services["bureau"]), objective: 0.999)
                .map { abs($0 - 0.5) < 1e-9 } == true)

        let report = CheckReport.fleet(
            config: config, selected: ["bureau"], reading: reading, source: Self.source,
            checkedAt: Self.t0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let services = try #require(json["services"] as? [[String: Any]])
        #expect(services.first?["fleetBudgetRemaining"] as? Double == 0.5)

        var view = FleetView(config: config, source: Self.source)
        _ = view.apply(.success(reading), now: Self.t0)
        let availability = try #require(view.snapshot(now: Self.t0).service(named: "bureau")?.availability)
        #expect(abs(availability.budgetRemaining - 0.5) < 1e-9)
    }

    @Test func withoutCountersThereIsNoFleetBudgetAndNoCrash() {
        let site = SiteReading(state: SiteState(site: "a", status: .up))
        #expect(FleetBudget.remaining([site], objective: 0.999) == nil)
        var zero = site
        zero.events = 0
        zero.errors = 0
        #expect(FleetBudget.remaining([zero], objective: 0.999) == nil)
        var bad = site
        bad.events = .nan
        bad.errors = 1
        #expect(FleetBudget.remaining([bad], objective: 0.999) == nil)
        var some = site
        some.events = 10
        some.errors = 0
        #expect(FleetBudget.remaining([some], objective: 1) == nil)
        #expect(FleetBudget.remaining([some], objective: 0.999) == 1)
    }

    /// A fresh agent's two failures in 40 probes read as −4900 %; below the coverage bar the
    /// check says "not yet meaningful" instead, never `<-999%`.
    @Test func aSiteBudgetBelowTheCoverageBarIsNotYetMeaningful() throws {
        let series = Answers.agent(service: "bureau", site: "busan", state: "up", budget: -49, events: 40, errors: 2)
        let reading = try Self.reading(series)
        let report = CheckReport.fleet(
            config: try Self.config(), selected: ["bureau"], reading: reading,
            source: Self.source, checkedAt: Self.t0)
        let text = report.text()
        #expect(text.contains("budget not yet meaningful"), "\(text)")
        #expect(!text.contains("<-999%"), "\(text)")
        #expect(text.contains("fleet budget not yet meaningful"), "\(text)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let site = try #require((json["services"] as? [[String: Any]])?.first?["sites"] as? [[String: Any]]).first
        #expect(site?["budgetMeaningful"] as? Bool == false)
        #expect(FleetBudget.coverage(events: 40, interval: .seconds(5), window: .seconds(28 * 86_400)) < 0.01)
        #expect(FleetBudget.coverage(events: 1e9, interval: .seconds(5), window: .seconds(86_400)) == 1)
    }
}
