import Foundation
import ProbesTesting
import Synchronization
import Testing

@testable import Probes
@testable import ProbesPrometheus

/// The fleet source: Prometheus's query JSON in, per-service per-site state out, and every way a
/// Prometheus server can fail turned into a problem line, never a crash or a hang.
@Suite("Prometheus source")
struct PrometheusSourceTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    typealias Answers = PrometheusAnswers

    /// bureau ← loans, cards; hub (no probe) ← pay; gift standalone.
    static func config() throws -> ProbesConfig {
        let json = """
            {"defaults": {"interval": "5s", "timeout": "1s"},
             "services": [
               {"name": "bureau", "probe": {"type": "http", "url": "http://127.0.0.1:1/b"}},
               {"name": "loans", "dependsOn": ["bureau"], "probe": {"type": "http", "url": "http://127.0.0.1:1/l"}},
               {"name": "cards", "dependsOn": ["bureau"], "probe": {"type": "http", "url": "http://127.0.0.1:1/c"}},
               {"name": "hub"},
               {"name": "pay", "dependsOn": ["hub"], "probe": {"type": "http", "url": "http://127.0.0.1:1/p"}},
               {"name": "gift", "probe": {"type": "http", "url": "http://127.0.0.1:1/g"}}
             ]}
            """
        return try ConfigLoader.load(data: Data(json.utf8), displayName: "test.json", environment: [:])
    }

    /// Everything healthy at both sites, except what `states` says (`[service: [site: state]]`).
    static func fleet(_ states: [String: [String: String]] = [:], latency: Double = 0.012) -> [Answers.Series] {
        var series: [Answers.Series] = []
        for service in ["bureau", "loans", "cards", "pay", "gift"] {
            for site in ["east", "west"] {
                let state = states[service]?[site] ?? "up"
                series += Answers.agent(
                    service: service, site: site, state: state, latency: state == "down" ? 0.5 : latency,
                    httpStatus: state == "down" ? 503 : 200, budget: site == "east" ? 0.9 : 0.7,
                    burn1h: site == "east" ? 2 : 0.5)
            }
        }
        return series + [
            Answers.snapshotTime(site: "east", 1_763_781_160), Answers.snapshotTime(site: "west", 1_763_781_161),
        ]
    }

    static func reading(_ series: [Answers.Series]) throws -> FleetReading {
        try FleetReading.parse(Data(Answers.vector(series).utf8))
    }

    // MARK: Parsing

    @Test func parsesTwoSitesPerService() throws {
        let reading = try Self.reading(Self.fleet(["loans": ["west": "down"]]))
        #expect(reading.sites == ["east", "west"])
        #expect(Set(reading.services.keys) == ["bureau", "loans", "cards", "pay", "gift"])
        let loans = try #require(reading.services["loans"])
        #expect(loans.map(\.state.site) == ["east", "west"])
        #expect(loans[0].state.status == .up)
        #expect(loans[0].state.httpStatus == 200)
        #expect(loans[0].state.latency == .milliseconds(12))
        #expect(loans[0].state.budgetRemaining == 0.9)
        #expect(loans[0].state.sampledAt == Date(timeIntervalSince1970: 1_763_781_160))
        #expect(loans[0].objective == 0.999)
        #expect(loans[0].burnRates["1h"] == 2)
        #expect(loans[0].burnRates["5m"] == 3)
        #expect(loans[1].state.status == .down)
        #expect(loans[1].state.httpStatus == 503)
        #expect(loans[1].state.latency == .milliseconds(500))
        #expect(loans[1].state.budgetRemaining == 0.7)
    }

    @Test func seriesWithoutSiteOrServiceAreNotOurs() throws {
        let foreign = [
            Answers.Series("probe_success", ["instance": "blackbox:9115", "job": "blackbox"], "0"),
            Answers.Series("probe_success", ["service": "gift"], "0"),
        ]
        let reading = try Self.reading(Answers.agent(service: "gift", site: "east", state: "up") + foreign)
        #expect(reading.services.keys.sorted() == ["gift"])
        #expect(reading.services["gift"]?.map(\.state.status) == [.up])
    }

    @Test func withoutTheStatusSeriesProbeSuccessDecides() throws {
        let labels = ["service": "gift", "site": "east"]
        let reading = try Self.reading([
            Answers.Series("probe_success", labels, "0"),
            Answers.Series("probe_duration_seconds", labels, "NaN"),
            Answers.Series("probe_http_status_code", labels, "0"),
        ])
        let east = try #require(reading.services["gift"]?.first)
        #expect(east.state.status == .down)
        #expect(east.state.latency == nil)
        #expect(east.state.httpStatus == nil)
    }

    @Test func theQueryAsksForEverySeriesOfMetricsMdInOneSelector() {
        let query = FleetReading.query
        for name in [
            "probe_success", "probe_duration_seconds", "probe_http_status_code",
            "incidentboard_service_status",
            "incidentboard_slo_error_budget_remaining_ratio", "incidentboard_slo_burn_rate",
            "incidentboard_root_cause",
        ] {
            #expect(query.contains(name))
        }
        #expect(query.contains("site!=\"\""))
        #expect(query.hasPrefix("{") && query.hasSuffix("}"))
    }

    // MARK: Merging sites

    @Test func theWorstSiteSpeaksForTheService() throws {
        let config = try Self.config()
        let reading = try Self.reading(Self.fleet(["loans": ["west": "down"], "cards": ["east": "degraded"]]))
        #expect(reading.worst(of: "loans")?.state.site == "west")
        let results = reading.results(config: config, at: Self.t0)
        let loans = try #require(results["loans"])
        #expect(loans.status == .down)
        #expect(loans.error == "down at west (HTTP 503)")
        #expect(loans.httpStatus == 503)
        #expect(loans.startedAt == Self.t0)
        #expect(results["cards"]?.status == .degraded)
        #expect(results["cards"]?.error == "degraded at east (HTTP 200)")
        #expect(results["gift"]?.status == .up)
        #expect(results["gift"]?.error == nil)
        // No synthetic result for an entry without a probe: the cascade infers it.
        #expect(results["hub"] == nil)
    }

    @Test func aSiteThatDoesNotKnowYetDoesNotHideOneThatDoes() throws {
        let reading = try Self.reading(Self.fleet(["gift": ["east": "unknown"]]))
        #expect(reading.worst(of: "gift")?.state.status == .up)
        let unknownEverywhere = try Self.reading(Self.fleet(["gift": ["east": "unknown", "west": "unknown"]]))
        #expect(unknownEverywhere.worst(of: "gift")?.state.status == .unknown)
    }

    @Test func aProbeThatTookItsWholeTimeoutTimedOut() throws {
        let config = try Self.config()
        let labels = ["service": "bureau", "site": "east"]
        let reading = try Self.reading([
            Answers.Series("incidentboard_service_status", labels.merging(["state": "down"]) { a, _ in a }, "1"),
            Answers.Series("probe_duration_seconds", labels, "1.0004"),
            Answers.Series("probe_http_status_code", labels, "0"),
        ])
        let result = try #require(reading.results(config: config, at: Self.t0)["bureau"])
        #expect(result.failure == .timeout)
        #expect(result.error == "down at east")
    }

    @Test func theRootCauseIsNamedAcrossSites() throws {
        let config = try Self.config()
        // East sees the bureau and loans fail, west sees cards fail: only together do they show
        // one root cause with two victims.
        let reading = try Self.reading(
            Self.fleet([
                "bureau": ["east": "down"], "loans": ["east": "down"], "cards": ["west": "down"],
            ]))
        var view = FleetView(config: config, source: "prometheus http://127.0.0.1:9")
        _ = view.apply(.success(reading), now: Self.t0)
        let snapshot = view.snapshot(now: Self.t0)
        let incident = try #require(snapshot.incidents.first)
        #expect(snapshot.incidents.count == 1)
        #expect(incident.rootCause == "bureau")
        #expect(incident.impacted == ["cards", "loans"])
        #expect(snapshot.service(named: "cards")?.rootCauses == ["bureau"])

        let report = CheckReport.fleet(
            config: config, selected: config.services.map(\.name), reading: reading,
            source: view.source, checkedAt: Self.t0)
        #expect(report.status == .critical)
        #expect(
            report.incidents == [
                CheckReport.Incident(
                    rootCause: "bureau", impacted: ["cards", "loans"],
                    inferred: false)
            ])
        #expect(report.entries.first { $0.name == "cards" }?.rootCauses == ["bureau"])
    }

    @Test func anUpstreamWithoutAProbeIsInferredFromFleetState() throws {
        var config = try Self.config()
        // Two dependents of hub failing (at different sites) make hub the inferred root cause.
        config.services.append(
            ServiceConfig(
                name: "shop", title: nil, group: nil, dependsOn: ["hub"], probe: config.service(named: "pay")?.probe,
                slo: config.slo))
        let series =
            Self.fleet(["pay": ["east": "down"]])
            + Answers.agent(service: "shop", site: "west", state: "down", httpStatus: 503)
        let reading = try Self.reading(series)
        var view = FleetView(config: config, source: "prometheus http://127.0.0.1:9")
        _ = view.apply(.success(reading), now: Self.t0)
        let snapshot = view.snapshot(now: Self.t0)
        let hub = try #require(snapshot.incidents.first { $0.rootCause == "hub" })
        #expect(hub.inferred)
        #expect(hub.impacted == ["pay", "shop"])
    }

    // MARK: The view

    @Test func snapshotsCarrySitesTheAgentsBudgetsAndTheSource() throws {
        let config = try Self.config()
        var view = FleetView(config: config, source: "prometheus http://127.0.0.1:9")
        _ = view.apply(.success(try Self.reading(Self.fleet(["loans": ["west": "down"]]))), now: Self.t0)
        let snapshot = view.snapshot(now: Self.t0)
        #expect(snapshot.source == "prometheus http://127.0.0.1:9")
        #expect(snapshot.sourceProblem == nil)
        let loans = try #require(snapshot.service(named: "loans"))
        #expect(loans.status == .down)
        #expect(loans.sites.map(\.site) == ["east", "west"])
        #expect(loans.sites.map(\.status) == [.up, .down])
        // The worst site's budget and, per window, the highest burn rate.
        let availability = try #require(loans.availability)
        #expect(availability.budgetRemaining == 0.7)
        #expect(availability.burnRates.oneHour == 2)
        #expect(availability.burnRates.fiveMinutes == 3)
        #expect(availability.timeToExhaustion != nil)
        #expect(snapshot.service(named: "hub")?.sites == [])
    }

    @Test func aFailedPollKeepsTheLastGoodStateAndSaysHowOldItIs() throws {
        let config = try Self.config()
        var view = FleetView(config: config, source: "prometheus http://127.0.0.1:9")
        _ = view.apply(.failure(SourceProblem("connection refused")), now: Self.t0)
        #expect(view.snapshot(now: Self.t0).sourceProblem == "prometheus: connection refused (no data yet)")

        _ = view.apply(.success(try Self.reading(Self.fleet(["gift": ["east": "down"]]))), now: Self.t0)
        _ = view.apply(.failure(SourceProblem("HTTP 500")), now: Self.t0 + 5)
        let stale = view.snapshot(now: Self.t0 + 35)
        #expect(stale.sourceProblem == "prometheus: HTTP 500 (data 35 s old)")
        #expect(stale.service(named: "gift")?.status == .down)
        #expect(stale.service(named: "gift")?.sites.count == 2)
        #expect(view.snapshot(now: Self.t0 + 300).sourceProblem == "prometheus: HTTP 500 (data 5 min old)")

        _ = view.apply(.success(try Self.reading(Self.fleet())), now: Self.t0 + 40)
        let fresh = view.snapshot(now: Self.t0 + 40)
        #expect(fresh.sourceProblem == nil)
        #expect(fresh.service(named: "gift")?.status == .up)
    }

    @Test func downAlertsFireFromFleetReadingsAsFromLocalProbes() throws {
        let config = try Self.config()
        var view = FleetView(config: config, source: "prometheus http://127.0.0.1:9")
        var events: [AlertEvent] = []
        let failing = try Self.reading(Self.fleet(["bureau": ["west": "down"], "loans": ["west": "down"]]))
        for poll in 0..<3 {
            let now = Self.t0 + Double(poll * 5)
            events += view.apply(.success(failing), now: now)
            events += view.tick(now: now)
        }
        events += view.tick(now: Self.t0 + 30)
        let root = try #require(events.first { $0.service == "bureau" && $0.event == .firing })
        #expect(root.rootCause == "bureau")
        #expect(!root.suppressed)
        let victim = try #require(events.first { $0.service == "loans" && $0.event == .firing })
        #expect(victim.suppressed)
        #expect(victim.rootCause == "bureau")
    }

    // MARK: Check report

    @Test func checkJSONCarriesEverySiteOfEveryService() throws {
        let config = try Self.config()
        let reading = try Self.reading(Self.fleet(["loans": ["west": "down"]]))
        let report = CheckReport.fleet(
            config: config, selected: ["loans", "bureau"], reading: reading,
            source: "prometheus http://127.0.0.1:9", checkedAt: Self.t0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        #expect(json["status"] as? String == "critical")
        #expect(json["source"] as? String == "prometheus http://127.0.0.1:9")
        let services = try #require(json["services"] as? [[String: Any]])
        let loans = try #require(services.first { $0["name"] as? String == "loans" })
        let sites = try #require(loans["sites"] as? [[String: Any]])
        #expect(sites.map { $0["site"] as? String } == ["east", "west"])
        #expect(sites.map { $0["status"] as? String } == ["up", "down"])
        #expect(sites[0]["latencyMs"] as? Double == 12)
        #expect(sites[1]["httpStatus"] as? Int == 503)
        #expect(sites[1]["budgetRemaining"] as? Double == 0.7)

        let text = report.text()
        #expect(text.contains("from prometheus http://127.0.0.1:9"))
        #expect(text.contains("\n down     @west     500 ms  HTTP 503  budget 70%\n"), "\(text)")
        #expect(
            report.nagios().contains(
                "loans: DOWN 500 ms - down at west (HTTP 503) [east UP 12 ms, west DOWN 500 ms]"))
    }

    @Test func siteBudgetsReadAsPercentages() {
        #expect(CheckReport.percent(0.982) == "98.2%")
        #expect(CheckReport.percent(1) == "100%")
        #expect(CheckReport.percent(-0.035) == "-3.5%")
        #expect(CheckReport.percent(-999) == "<-999%")
        #expect(CheckReport.percent(.nan) == "--")
    }

    @Test func aLocalCheckReportHasNoSites() throws {
        let config = try Self.config()
        let report = CheckReport.assemble(config: config, selected: ["gift"], results: [:], checkedAt: Self.t0)
        #expect(!report.json().contains("sites"))
        #expect(!report.json().contains("source"))
    }

    @Test func aServiceNoSiteReportsIsUnknownInTheCheck() throws {
        let config = try Self.config()
        let reading = try Self.reading(Answers.agent(service: "gift", site: "east", state: "up"))
        let report = CheckReport.fleet(
            config: config, selected: ["gift", "loans"], reading: reading,
            source: "prometheus http://127.0.0.1:9", checkedAt: Self.t0)
        let loans = try #require(report.entries.first { $0.name == "loans" })
        #expect(loans.status == .unknown)
        #expect(loans.error == "no series from any site")
        #expect(report.status == .unknown)
    }

    // MARK: The URL

    @Test func onlyHTTPURLsAreAcceptedAndCredentialsAreNeverShown() throws {
        let plain = try PrometheusSource.Endpoint(parsing: "http://127.0.0.1:9090/")
        #expect(plain.display == "http://127.0.0.1:9090")
        #expect(plain.authorization == nil)
        let prefixed = try PrometheusSource.Endpoint(parsing: "HTTPS://prom.example:443/prometheus/")
        #expect(prefixed.display == "https://prom.example:443/prometheus")

        let secret = try PrometheusSource.Endpoint(parsing: "http://ops:s3cret-pw@127.0.0.1:9090")
        #expect(secret.display == "http://127.0.0.1:9090")
        #expect(secret.authorization == "Basic " + Data("ops:s3cret-pw".utf8).base64EncodedString())

        for bad in [
            "ftp://ops:s3cret-pw@host/x", "ops:s3cret-pw@127.0.0.1:9090", "http://ops:s3cret-pw@/x",
            "http://ops:s3cret-pw@127.0.0.1:9090/?x=1", "not a url at all", "",
        ] {
            #expect(throws: SourceProblem.self) { try PrometheusSource.Endpoint(parsing: bad) }
            do {
                _ = try PrometheusSource.Endpoint(parsing: bad)
            } catch {
                #expect(!error.message.contains("s3cret"), "\(error.message)")
            }
        }
        #expect(PrometheusSource.Endpoint.masked("ftp://a:b@h/x@y") == "ftp://***@h/x@y")
    }

    // MARK: Against a fake Prometheus

    @Test func readsFromAPrometheusAPIOnLoopback() async throws {
        let answer = Answers.vector(Self.fleet(["loans": ["west": "down"]]))
        let server = try await LoopbackHTTPServer.start(routes: ["/prom/api/v1/query": .json(answer)])
        let endpoint = try PrometheusSource.Endpoint(parsing: "http://ops:pw123@127.0.0.1:\(server.port)/prom/")
        let source = PrometheusSource(endpoint: endpoint, timeout: .seconds(5))
        let outcome = await source.read()
        await source.shutdown()
        await server.stop()
        let reading = try outcome.get()
        #expect(reading.services["loans"]?.map(\.state.status) == [.up, .down])
        #expect(!source.description.contains("pw123"))
        #expect(source.description == "prometheus http://127.0.0.1:\(server.port)/prom")

        let request = try #require(server.requests(to: "/prom/api/v1/query").first)
        #expect(request.method == "GET")
        let query = URLComponents(string: request.uri)?.queryItems?.first { $0.name == "query" }?.value
        #expect(query == FleetReading.query)
        #expect(request.header("Authorization") == "Basic " + Data("ops:pw123".utf8).base64EncodedString())
    }

    /// Reads once from a server scripted with `behaviour` and returns the problem.
    static func problem(
        _ behaviour: ScriptedBehaviour, timeout: Duration = .seconds(20),
        maxBodyBytes: Int = 1 << 20
    ) async throws -> SourceProblem {
        let server = try await LoopbackHTTPServer.start(routes: ["/api/v1/query": behaviour])
        let source = PrometheusSource(
            endpoint: try PrometheusSource.Endpoint(parsing: "http://127.0.0.1:\(server.port)"), timeout: timeout,
            maxBodyBytes: maxBodyBytes)
        let outcome = await source.read()
        await source.shutdown()
        await server.stop()
        switch outcome {
        case .success: throw SourceProblem("read succeeded")
        case .failure(let problem): return problem
        }
    }

    @Test func aRefusedConnectionIsAProblem() async throws {
        // A port that was free a moment ago and has no listener now.
        let server = try await LoopbackHTTPServer.start()
        let port = server.port
        await server.stop()
        // A generous timeout: on a loaded machine the refusal must not lose the race to it.
        let source = PrometheusSource(
            endpoint: try PrometheusSource.Endpoint(parsing: "http://127.0.0.1:\(port)"),
            timeout: .seconds(20))
        let outcome = await source.read()
        await source.shutdown()
        #expect(throws: SourceProblem("connection refused")) { try outcome.get() }
    }

    @Test func serverErrorsAreProblems() async throws {
        #expect(try await Self.problem(.status(500, body: "oops")).message == "HTTP 500")
        let explained = try await Self.problem(
            .json(
                Answers.error(type: "bad_data", "parse error at char 3"),
                status: 400))
        #expect(explained.message == "HTTP 400: bad_data: parse error at char 3")
        let unavailable = try await Self.problem(
            .json(
                Answers.error(type: "unavailable", "TSDB not ready"),
                status: 503))
        #expect(unavailable.message == "HTTP 503: unavailable: TSDB not ready")
    }

    @Test func anErrorStatusInA200AnswerIsAProblem() async throws {
        let problem = try await Self.problem(.json(Answers.error(type: "execution", "query timed out")))
        #expect(problem.message == "query failed: execution: query timed out")
    }

    @Test func garbageIsAProblem() async throws {
        let notHTTP = try await Self.problem(.garbage(Array("SSH-2.0-OpenSSH_9.2\r\n".utf8)))
        #expect(!notHTTP.message.isEmpty)
        let notJSON = try await Self.problem(.ok("<html>Grafana</html>"))
        #expect(notJSON.message == "answer is not JSON (is the URL a Prometheus server?)")
        let notVector = try await Self.problem(
            .json(
                "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}"))
        #expect(notVector.message == "answer is a matrix, not a vector")
        let wrongShape = try await Self.problem(.json("[1,2,3]"))
        #expect(wrongShape.message == "answer is not a Prometheus query result")
    }

    @Test func anEmptyResultIsAProblem() async throws {
        let problem = try await Self.problem(.json(Answers.vector([])))
        #expect(problem.message.hasPrefix("no IncidentBoard series in Prometheus"))
    }

    @Test func redirectsAreNotFollowed() async throws {
        let problem = try await Self.problem(.redirect(to: "http://127.0.0.2:1/api/v1/query"))
        #expect(problem.message == "HTTP 302 (redirects are not followed)")
    }

    @Test func anOversizedAnswerIsAProblem() async throws {
        let problem = try await Self.problem(.endlessBody(status: 200, chunkSize: 4096), maxBodyBytes: 64 << 10)
        #expect(problem.message == "body larger than 65536 bytes")
    }

    @Test func aServerThatNeverAnswersTimesOutWithinItsTimeout() async throws {
        let start = ContinuousClock.now
        let problem = try await Self.problem(.neverAnswer, timeout: .milliseconds(400))
        let elapsed = ContinuousClock.now - start
        #expect(problem.message == "timeout after 400 ms")
        // Server start and stop included; the bound is about the read never hanging, with room
        // for a loaded CI machine.
        #expect(elapsed < .seconds(15), "\(elapsed)")
    }

    // MARK: The loop

    /// A source that answers from a script, one outcome per read (the last one repeats).
    final class ScriptedSource: MetricsSource {
        let outcomes: Mutex<[Result<FleetReading, SourceProblem>]>
        let reads = Mutex(0)
        init(_ outcomes: [Result<FleetReading, SourceProblem>]) { self.outcomes = Mutex(outcomes) }
        var description: String { "prometheus http://scripted" }
        func read() async -> Result<FleetReading, SourceProblem> {
            reads.withLock { $0 += 1 }
            return outcomes.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] }
        }
        func shutdown() async {}
    }

    @Test func theLoopPollsOnItsIntervalAndPublishesSnapshots() async throws {
        let config = try Self.config()
        let healthy = try Self.reading(Self.fleet())
        let source = ScriptedSource([
            .success(healthy), .failure(SourceProblem("connection refused")), .success(healthy),
        ])
        let clock = ManualClock()
        let t0 = Self.t0
        let snapshots = Mutex<[BoardSnapshot]>([])
        let notices = Mutex<[String]>([])
        let engine = EngineRunner(
            source: MetricsPolling(source: source, clock: clock, interval: .seconds(5)),
            state: FleetView(config: config, source: source.description), clock: clock,
            now: { t0.addingTimeInterval(ManualClock.Instant.zero.duration(to: clock.now).seconds) },
            tick: .seconds(1),
            outputs: EngineOutputs(
                onEvents: { _ in }, onSnapshot: { snapshot in snapshots.withLock { $0.append(snapshot) } },
                onNotice: { notice in notices.withLock { $0.append(notice) } }))
        let task = Task { await engine.run() }
        // Poller and ticker asleep: the first poll is done.
        await clock.waitForSleepers(count: 2)
        #expect(source.reads.withLock { $0 } == 1)
        for _ in 0..<5 {
            clock.advance(by: .seconds(1))
            await clock.waitForSleepers(count: 2)
        }
        // At 5 s the second poll (refused) ran, and no third yet.
        #expect(source.reads.withLock { $0 } == 2)
        for _ in 0..<5 {
            clock.advance(by: .seconds(1))
            await clock.waitForSleepers(count: 2)
        }
        #expect(source.reads.withLock { $0 } == 3)
        // Three polls and ten ticks, each followed by a snapshot, once the loop has taken them in.
        for _ in 0..<2000 where snapshots.withLock({ $0.count }) < 13 {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(snapshots.withLock { $0.count } == 13)
        task.cancel()
        await task.value
        #expect(engine.state?.problem == nil)
        #expect(
            notices.withLock { $0 } == [
                "prometheus http://scripted: connection refused", "prometheus http://scripted: reading again",
            ])
        let published = snapshots.withLock { $0 }
        #expect(published.first?.service(named: "gift")?.sites.count == 2)
        // The loop may take an input in after the clock has moved on: the age is 5 s or a little more.
        let stale = published.compactMap(\.sourceProblem)
        #expect(!stale.isEmpty)
        #expect(stale.allSatisfy { $0.hasPrefix("prometheus: connection refused (data ") && $0.hasSuffix(" s old)") })
        #expect(published.last?.sourceProblem == nil)
        #expect(published.allSatisfy { $0.source == "prometheus http://scripted" })
    }
}
