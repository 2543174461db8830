import Foundation
import GRDB
import Probes
import ProbesTesting
import Synchronization
import Testing

@testable import ProbesPrometheus

/// Alert delivery against loopback servers that play Alertmanager and webhooks, well and badly.
@Suite("Alert delivery")
struct AlertDeliveryTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func event(
        _ transition: AlertTransition, _ service: String, root: String?, at seconds: Double = 0,
        incident: String? = nil, suppressed: Bool = false
    ) -> AlertEvent {
        var event = AlertEvent(
            time: t0.addingTimeInterval(seconds), event: transition, alert: .down, service: service,
            severity: .critical, observed: 3, summary: "\(service) \(transition == .firing ? "down" : "up again")",
            rootCause: root, suppressed: suppressed)
        event.incident = incident
        return event
    }

    /// A delivery running on its own task, with its notices kept.
    final class Lines: Sendable {
        let value = Mutex<[String]>([])
    }

    final class Running: Sendable {
        let delivery: AlertDelivery
        let store: HistoryStore
        let notices = Lines()
        private let task: Mutex<Task<Void, Never>?> = Mutex(nil)
        let directory: String

        init(_ targets: [DeliveryTarget], redactor: Redactor = Redactor()) throws {
            directory = NSTemporaryDirectory() + "incidentboard-delivery-\(UUID().uuidString)"
            store = try HistoryStore(path: directory + "/state.sqlite") { _ in }
            let notices = self.notices
            delivery = AlertDelivery(
                targets: targets, store: store, site: "lab", redactor: redactor, resendInterval: .seconds(60),
                backoffCap: .milliseconds(200), requestTimeout: .seconds(2)
            ) { line in
                notices.value.withLock { $0.append(line) }
            }
        }

        func start() {
            let delivery = self.delivery
            task.withLock { $0 = Task { await delivery.run() } }
        }

        func stop() async {
            let running = task.withLock { $0 }
            running?.cancel()
            await running?.value
            try? FileManager.default.removeItem(atPath: directory)
        }

        var noticeLines: [String] { notices.value.withLock { $0 } }

        func waiting(_ target: DeliveryTarget) -> Int {
            (try? store.pendingCounts())?[target.destination] ?? 0
        }
    }

    /// Polls `condition` until it holds or 10 s pass.
    static func eventually(_ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    static let alertmanagerStatus = #"{"cluster":{"status":"disabled"},"versionInfo":{"version":"0.27.0"}}"#

    static func fakeAlertmanager(alerts: ScriptedBehaviour = .json("")) async throws -> LoopbackHTTPServer {
        try await LoopbackHTTPServer.start(routes: [
            "/api/v2/status": .json(alertmanagerStatus), "/api/v2/alerts": alerts,
        ])
    }

    static func posted(_ server: LoopbackHTTPServer) -> [[String: Any]] {
        server.requests(to: "/api/v2/alerts").flatMap { request in
            ((try? JSONSerialization.jsonObject(with: Data(request.body))) as? [[String: Any]]) ?? []
        }
    }

    // MARK: Alertmanager

    /// Root and victim carry `root_cause` and `role`; the resolved goes out with the labels and
    /// start it fired with, and its end, once the victim it mutes has resolved; a firing alert
    /// goes with a validity ahead.
    @Test func alertmanagerGetsRolesAndResolvesWithTheFiringLabels() async throws {
        let server = try await Self.fakeAlertmanager()
        let target = try DeliveryTarget.alertmanager(parsing: server.url("/").absoluteString)
        let running = try Running([target])
        running.delivery.enqueue(
            [
                Self.event(.firing, "bureau", root: "bureau", incident: "2027-01-15-bureau"),
                Self.event(.firing, "loans", root: "bureau", at: 2, incident: "2027-01-15-bureau", suppressed: true),
            ], now: Self.t0)
        var resolved = Self.event(.resolved, "bureau", root: "bureau", at: 60)
        resolved.incident = nil  // a resolved event must resolve the alert that fired, whatever it says
        running.delivery.enqueue([resolved], now: Self.t0)
        running.start()
        #expect(await Self.eventually { running.delivery.figures.first?.delivered == 2 })
        #expect(running.waiting(target) == 0, "the root's resolved is held while loans fires")
        running.delivery.enqueue([Self.event(.resolved, "loans", root: "bureau", at: 70)], now: Self.t0)
        #expect(await Self.eventually { running.waiting(target) == 0 }, "\(running.noticeLines)")
        await running.stop()
        await server.stop()

        let alerts = Self.posted(server)
        func labels(_ alert: [String: Any]) -> [String: String] { alert["labels"] as? [String: String] ?? [:] }
        let bureau = alerts.filter { labels($0)["service"] == "bureau" }
        let loans = alerts.filter { labels($0)["service"] == "loans" }
        #expect(bureau.count >= 2 && loans.count >= 2, "\(alerts)")
        let bureauResolved = try #require(bureau.last)
        #expect(loans.last?["endsAt"] as? String == "2027-01-15T08:01:10.000Z")
        #expect(
            (alerts.lastIndex { labels($0)["service"] == "loans" } ?? alerts.count) < alerts.count - 1,
            "the root resolves last")
        #expect(
            labels(bureau[0]) == [
                "alertname": "IncidentBoardDown", "service": "bureau", "severity": "critical", "root_cause": "bureau",
                "role": "root", "site": "lab", "incident": "2027-01-15-bureau",
            ])
        #expect(labels(loans[0])["role"] == "victim" && labels(loans[0])["root_cause"] == "bureau")
        #expect(labels(bureauResolved) == labels(bureau[0]), "resolved with the labels it fired with")
        #expect(bureauResolved["startsAt"] as? String == "2027-01-15T08:00:00.000Z")
        #expect(bureauResolved["endsAt"] as? String == "2027-01-15T08:01:00.000Z", "the time it really ended")
        let loansEnd = try #require((loans[0]["endsAt"] as? String).flatMap { try? Date($0, strategy: .iso8601) })
        #expect(loansEnd > Date().addingTimeInterval(60), "a firing alert is valid for four resends ahead")
        #expect((bureau[0]["annotations"] as? [String: String])?["summary"] == "bureau down")
        #expect(running.noticeLines.isEmpty, "\(running.noticeLines)")
        #expect(running.delivery.figures.first?.delivered == 4)
    }

    /// 5xx answers keep the alerts in the outbox and are retried with backoff; the problem is told
    /// once, with the answer, and the recovery once.
    @Test func errorAnswersAreRetriedAndToldOnceThenOnRecovery() async throws {
        let server = try await Self.fakeAlertmanager(alerts: .status(503, body: "overloaded, try later"))
        let target = try DeliveryTarget.alertmanager(parsing: server.url("/").absoluteString)
        let running = try Running([target])
        running.delivery.enqueue([Self.event(.firing, "bureau", root: "bureau")], now: Self.t0)
        running.start()
        #expect(await Self.eventually { server.requests(to: "/api/v2/alerts").count >= 3 })
        #expect(running.waiting(target) == 1, "nothing is lost while Alertmanager fails")
        server.script("/api/v2/alerts", .json(""))
        #expect(await Self.eventually { running.waiting(target) == 0 })
        #expect(await Self.eventually { running.noticeLines.count == 2 }, "\(running.noticeLines)")
        await running.stop()
        await server.stop()
        let lines = running.noticeLines
        #expect(
            lines.first == "alertmanager \(server.url("/").absoluteString.dropLast()): POST /api/v2/alerts "
                + "answered HTTP 503: overloaded, try later; 1 alert event kept in the outbox, retrying with backoff")
        #expect(lines.last?.contains(": delivering again after ") == true, "\(lines)")
        #expect(lines.last?.hasSuffix("; 1 waiting alert event delivered") == true, "\(lines)")
        let figures = try #require(running.delivery.figures.first)
        #expect(figures.sent == 1 && figures.delivered == 1 && figures.retried == 1 && figures.failedAttempts >= 2)
    }

    /// A URL that answers, but not as an Alertmanager does, is named so; nothing is posted there.
    @Test(arguments: [
        (
            "404", ScriptedBehaviour.status(404, body: "404 page not found"),
            "not an Alertmanager: GET /api/v2/status answered HTTP 404: 404 page not found; give the Alertmanager's "
                + "base URL (its API is under /api/v2); 1 alert event kept in the outbox, retrying with backoff"
        ),
        (
            "html", ScriptedBehaviour.ok("<html>welcome</html>"),
            "not an Alertmanager: GET /api/v2/status answered HTTP 200 without an Alertmanager's status; give the "
                + "Alertmanager's base URL (its API is under /api/v2); 1 alert event kept in the outbox, retrying with backoff"
        ),
    ])
    func aURLThatIsNotAnAlertmanagerIsNamed(_ kind: String, _ status: ScriptedBehaviour, _ message: String)
        async throws
    {
        let server = try await LoopbackHTTPServer.start(routes: ["/api/v2/status": status], fallback: .ok())
        let target = try DeliveryTarget.alertmanager(parsing: server.url("/").absoluteString)
        let running = try Running([target])
        running.delivery.enqueue([Self.event(.firing, "bureau", root: "bureau")], now: Self.t0)
        running.start()
        #expect(await Self.eventually { server.requests(to: "/api/v2/status").count >= 2 })
        await running.stop()
        await server.stop()
        #expect(
            running.noticeLines == ["alertmanager \(server.url("/").absoluteString.dropLast()): \(message)"],
            "\(kind)")
        #expect(server.requests(to: "/api/v2/alerts").isEmpty)
        #expect(running.waiting(target) == 1)
    }

    /// Nothing listening: named once as unreachable, the alert kept.
    @Test func anUnreachableAlertmanagerIsNamedAndNothingIsLost() async throws {
        let refusing = try RefusingPort()
        let target = try DeliveryTarget.alertmanager(parsing: "http://127.0.0.1:\(refusing.port)")
        let running = try Running([target])
        running.delivery.enqueue([Self.event(.firing, "bureau", root: "bureau")], now: Self.t0)
        running.start()
        #expect(await Self.eventually { (running.delivery.figures.first?.failedAttempts ?? 0) >= 3 })
        await running.stop()
        withExtendedLifetime(refusing) {}
        #expect(
            running.noticeLines == [
                "alertmanager http://127.0.0.1:\(refusing.port): unreachable (connection refused); 1 alert event kept "
                    + "in the outbox, retrying with backoff"
            ])
        #expect(running.waiting(target) == 1)
    }

    /// An Alertmanager slower than the request timeout: named once, the alert kept, delivered
    /// once it answers in time.
    @Test func aSlowAlertmanagerIsNamedAndItsAlertsWait() async throws {
        let server = try await Self.fakeAlertmanager(alerts: .status(200, delay: .seconds(4)))
        let target = try DeliveryTarget.alertmanager(parsing: server.url("/").absoluteString)
        let running = try Running([target])
        running.delivery.enqueue([Self.event(.firing, "bureau", root: "bureau")], now: Self.t0)
        running.start()
        #expect(await Self.eventually { running.noticeLines.count == 1 })
        #expect(running.waiting(target) == 1)
        server.script("/api/v2/alerts", .json(""))
        #expect(await Self.eventually { running.waiting(target) == 0 })
        await running.stop()
        await server.stop()
        #expect(
            running.noticeLines.first == "alertmanager \(server.url("/").absoluteString.dropLast()): no answer "
                + "within 2 s; 1 alert event kept in the outbox, retrying with backoff")
    }

    // MARK: Webhooks

    /// The webhook gets the JSON line plus `deliveryId`, the same id in the header and on every
    /// retry, and the headers given; a header's value never reaches a message, also when the
    /// receiver echoes it.
    @Test func webhookGetsTheLineWithItsDeliveryIdAndSecretHeaders() async throws {
        let secret = "s3cret-token-value"
        let server = try await LoopbackHTTPServer.start(routes: [
            "/hook": .status(401, body: "token Bearer \(secret) is not accepted")
        ])
        let header = try DeliveryTarget.header(
            parsing: "Authorization=Bearer ${HOOK_TOKEN}",
            environment: ["HOOK_TOKEN": secret])
        let target = try DeliveryTarget.webhook(parsing: server.url("/hook").absoluteString, headers: [header])
        let running = try Running([target])
        running.delivery.enqueue([Self.event(.firing, "loans", root: "bureau", suppressed: true)], now: Self.t0)
        running.start()
        #expect(await Self.eventually { server.requests(to: "/hook").count >= 2 })
        server.script("/hook", .status(204))
        #expect(await Self.eventually { running.waiting(target) == 0 })
        #expect(await Self.eventually { running.noticeLines.count == 2 })
        await running.stop()
        await server.stop()

        let requests = server.requests(to: "/hook")
        let bodies = requests.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.body))) as? [String: Any] }
        #expect(bodies.count == requests.count && requests.count >= 3)
        let id = try #require(bodies.first?["deliveryId"] as? String)
        #expect(bodies.allSatisfy { $0["deliveryId"] as? String == id }, "one id for every retry")
        #expect(requests.allSatisfy { $0.header("X-IncidentBoard-Delivery") == id })
        #expect(requests.allSatisfy { $0.header("Authorization") == "Bearer \(secret)" })
        #expect(bodies.first?["service"] as? String == "loans" && bodies.first?["rootCause"] as? String == "bureau")
        #expect(bodies.first?["suppressed"] as? Bool == true)
        let lines = running.noticeLines
        #expect(
            lines.first == "webhook \(server.url("/hook").absoluteString): POST answered HTTP 401: token *** "
                + "is not accepted; 1 alert event kept in the outbox, retrying with backoff")
        #expect(!lines.joined().contains(secret))
    }

    /// A state file that cannot take the events (a full disk) loses none: they wait in memory, in
    /// order, the problem is told once, and they are queued and delivered once it takes writes.
    @Test func eventsTheOutboxCannotTakeWaitInMemoryAndAreDeliveredWhenItCan() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/hook": .status(204)])
        let target = try DeliveryTarget.webhook(parsing: server.url("/hook").absoluteString, headers: [])
        let running = try Running([target])
        // The disk is full, as SQLite says it.
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)  // the store's own connection may hold a lock a moment
        let database = try DatabaseQueue(path: running.directory + "/state.sqlite", configuration: configuration)
        try await database.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER outbox_full BEFORE INSERT ON outbox
                    BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END
                    """)
        }
        running.delivery.enqueue([Self.event(.firing, "bureau", root: "bureau")], now: Self.t0)
        running.delivery.enqueue([Self.event(.firing, "loans", root: "bureau", at: 2, suppressed: true)], now: Self.t0)
        running.start()
        #expect(running.waiting(target) == 0)
        #expect(
            running.noticeLines.count == 1 && running.noticeLines.first?.contains("wait in memory") == true,
            "\(running.noticeLines)")
        try await database.write { try $0.execute(sql: "DROP TRIGGER outbox_full") }
        #expect(await Self.eventually { running.delivery.figures.first?.delivered == 2 }, "\(running.noticeLines)")
        #expect(await Self.eventually { running.waiting(target) == 0 })
        await running.stop()
        await server.stop()
        let services = server.requests(to: "/hook").compactMap {
            ((try? JSONSerialization.jsonObject(with: Data($0.body))) as? [String: Any])?["service"] as? String
        }
        #expect(services == ["bureau", "loans"], "both, in order")
        #expect(running.noticeLines.count == 2, "\(running.noticeLines)")
        #expect(
            running.noticeLines.last == "alert delivery: the outbox takes writes again; 2 alert events kept in "
                + "memory meanwhile are queued")
    }

    // MARK: Bad options

    @Test(arguments: [
        (
            "Authorization=Bearer ${NOT_SET_ANYWHERE}",
            "--webhook-header Authorization: environment variable NOT_SET_ANYWHERE is not set"
        ),
        ("Authorization", "--webhook-header: expected NAME=VALUE, e.g. 'Authorization=Bearer ${TOKEN}'"),
        ("Bad Name=x", "--webhook-header: \"Bad Name\" is not a valid header name"),
        ("X-Token=${UNCLOSED", "--webhook-header X-Token: unclosed ${ in its value"),
        ("X-Token=", "--webhook-header X-Token: the value is empty"),
    ])
    func badWebhookHeadersAreNamedWithoutTheirValue(_ text: String, _ message: String) {
        #expect(throws: DeliveryProblem(message)) {
            try DeliveryTarget.header(parsing: text, environment: ["TOKEN": "abc"])
        }
    }

    @Test(arguments: [
        ("alertmanager", "ftp://127.0.0.1:9093", "--alertmanager \"ftp://127.0.0.1:9093\" is not an http(s) URL"),
        ("alertmanager", "127.0.0.1:9093", "--alertmanager \"127.0.0.1:9093\" is not an http(s) URL"),
        (
            "alertmanager", "http://127.0.0.1:9093/?x=1",
            "--alertmanager \"http://127.0.0.1:9093/?x=1\": give the base URL, without a query"
        ),
        ("alertmanager", "http://user:pw@/x", "--alertmanager \"http://***@/x\" has no host"),
        ("webhook", "hooks.example", "--webhook \"hooks.example\" is not an http(s) URL"),
    ])
    func badURLsAreNamed(_ option: String, _ url: String, _ message: String) {
        #expect(throws: DeliveryProblem(message)) {
            if option == "alertmanager" {
                _ = try DeliveryTarget.alertmanager(parsing: url)
            } else {
                _ = try DeliveryTarget.webhook(parsing: url, headers: [])
            }
        }
    }

    /// The API's own path is taken as the Alertmanager it belongs to; credentials never show.
    @Test func anAlertmanagerURLIsItsBaseWithoutCredentials() throws {
        let target = try DeliveryTarget.alertmanager(parsing: "http://ops:pw@127.0.0.1:9093/am/api/v2/alerts")
        #expect(target.url.absoluteString == "http://127.0.0.1:9093/am")
        #expect(target.display == "alertmanager http://127.0.0.1:9093/am")
        #expect(target.secrets.contains("Basic " + Data("ops:pw".utf8).base64EncodedString()))
    }
}
