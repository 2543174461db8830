import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Probes
import ServiceLifecycle
import Synchronization

/// Delivers alert events to Alertmanager and webhooks at least once, through the outbox in the
/// state file: ``enqueue(_:now:)`` writes every event there before it returns (on the engine's
/// task, before the history that records the alert as told), and this service, one loop per
/// destination, sends what waits and takes out what was acknowledged. A destination that is down,
/// slow or answers an error keeps its alerts waiting; they are retried with backoff (1 s doubling
/// to ``backoffCap``), also by the next run on the same state.
///
/// Alertmanager (`POST /api/v2/alerts`) is also reminded of every alert that fires every
/// ``resendInterval`` (its alerts expire at the `endsAt` each post sets, four intervals ahead, as
/// Prometheus does), and a resolved alert is posted with its end time and the labels it fired with.
/// Alertmanager must keep muting a victim as long as the board does (until the victim resolves):
/// so the resolved of a root's alert is held back, the alert still reminded as firing, until the
/// last victim under that root cause resolves, then posted with the time it really ended.
/// Before the first post the URL must answer `GET /api/v2/status` as an Alertmanager does.
///
/// A webhook gets one `POST` per event: the `watch --format json` line plus `deliveryId`, with the
/// `X-IncidentBoard-Delivery` header holding the same id; header values are secrets, never shown.
///
/// A problem is told once (``onNotice``) when delivery to a destination starts failing, and once
/// when it recovers.
public final class AlertDelivery: Service, Sendable {
    /// What one destination did in this run.
    public struct Figures: Sendable, Equatable {
        /// Events put in its outbox.
        public var sent = 0
        /// Events delivered only after at least one failed attempt (also one of an earlier run).
        public var retried = 0
        /// Events it acknowledged.
        public var delivered = 0
        /// Reminders of firing alerts posted (Alertmanager).
        public var reminded = 0
        /// Attempts that failed.
        public var failedAttempts = 0
        public init() {}
    }

    public let targets: [DeliveryTarget]
    public let resendInterval: Duration
    public let backoffCap: Duration
    public let requestTimeout: Duration
    private let store: HistoryStore
    private let site: String
    private let redactor: Redactor
    private let onNotice: @Sendable (String) -> Void
    private let bells: [AsyncStream<Void>.Continuation]
    private let streams: [AsyncStream<Void>]
    private let counts: Mutex<[Figures]>
    private let stopping = Mutex(false)
    private let unqueued = Mutex(Unqueued())
    /// What waited in the outbox when this run began, by destination.
    private let leftOver: [String: Int]

    /// - Parameters:
    ///   - site: the `site` label of Alertmanager alerts.
    ///   - redactor: masks secrets in webhook bodies and in messages.
    ///   - onNotice: one line per problem and recovery, without the program's name.
    public init(
        targets: [DeliveryTarget], store: HistoryStore, site: String, redactor: Redactor,
        resendInterval: Duration = .seconds(60), backoffCap: Duration = .seconds(15),
        requestTimeout: Duration = .seconds(5), onNotice: @escaping @Sendable (String) -> Void
    ) {
        self.targets = targets
        self.store = store
        self.site = site
        var redactor = redactor
        for target in targets { for secret in target.secrets { redactor.add(secret) } }
        self.redactor = redactor
        self.resendInterval = resendInterval
        self.backoffCap = backoffCap
        self.requestTimeout = requestTimeout
        self.onNotice = onNotice
        var bells: [AsyncStream<Void>.Continuation] = []
        var streams: [AsyncStream<Void>] = []
        for _ in targets {
            let (stream, bell) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            streams.append(stream)
            bells.append(bell)
        }
        self.bells = bells
        self.streams = streams
        counts = Mutex(Array(repeating: Figures(), count: targets.count))
        leftOver = (try? store.pendingCounts()) ?? [:]
    }

    /// What each destination did so far, in the order of ``targets``.
    public var figures: [Figures] { counts.withLock { $0 } }

    // MARK: Into the outbox

    /// Writes `events` to every destination's outbox (one transaction), then wakes the senders.
    ///
    /// A quiet `firing` (maintenance, silence) pages nobody and is not sent; its `resolved` is, as is
    /// the `firing` told again when the quiet ends with the alert still firing.
    public func enqueue(_ events: [AlertEvent], now: Date = Date()) {
        let events = events.filter { !($0.event == .firing && $0.isQuiet) }
        guard !events.isEmpty, !targets.isEmpty else { return }
        var items: [OutboxItem] = []
        var standing: [String: AlertmanagerAlert] = [:]
        for event in events {
            let id = UUID().uuidString.lowercased()
            for target in targets {
                switch target.kind {
                case .webhook:
                    let body = redactor.redact(event.webhookLine(deliveryID: id))
                    items.append(OutboxItem(destination: target.destination, deliveryID: id, payload: Data(body.utf8)))
                case .alertmanager:
                    items.append(alertmanagerItem(event, id: id, target: target, standing: &standing))
                }
            }
        }
        counts.withLock { figures in
            for index in targets.indices { figures[index].sent += events.count }
        }
        queue(items, now: now)
        for bell in bells { bell.yield() }
    }

    /// Events the outbox could not take (a full or failing disk), kept in memory in order.
    private struct Unqueued: Sendable {
        var items: [OutboxItem] = []
        /// Items dropped past ``unqueuedLimit``, oldest first, during this outage.
        var dropped = 0
        var failing = false
    }

    /// Outbox items kept in memory while the state file cannot take them.
    static let unqueuedLimit = 10_000

    /// Writes what waited in memory and then `items` to the outbox, in one transaction; when the
    /// state file cannot take them, they wait in memory (bounded, dropped oldest first and counted)
    /// and go with the next try: the next events, or the senders' retry every second.
    private func queue(_ items: [OutboxItem], now: Date) {
        unqueued.withLock { waiting in
            guard !(items.isEmpty && waiting.items.isEmpty) else { return }
            let all = waiting.items + items
            do {
                try store.enqueue(all, now: now)
                if waiting.failing {
                    let lost =
                        waiting.dropped > 0 ? "; \(waiting.dropped) of the oldest were dropped past the bound" : ""
                    onNotice(
                        "alert delivery: the outbox takes writes again; \(waiting.items.count) alert events "
                            + "kept in memory meanwhile are queued\(lost)")
                }
                waiting = Unqueued()
            } catch {
                let excess = max(0, all.count - Self.unqueuedLimit)
                waiting.items = Array(all.dropFirst(excess))
                waiting.dropped += excess
                if !waiting.failing {
                    let limit = Self.unqueuedLimit
                    onNotice(
                        "alert delivery: \(String(describing: error)); alert events wait in memory (up to "
                            + "\(limit)) and are queued when the state file takes writes again")
                }
                waiting.failing = true
            }
        }
    }

    private func alertmanagerItem(
        _ event: AlertEvent, id: String, target: DeliveryTarget,
        standing: inout [String: AlertmanagerAlert]
    ) -> OutboxItem {
        let key = AlertmanagerAlert.key(of: event)
        let slot = target.destination + "\n" + key
        var alert = AlertmanagerAlert(event: event, site: site)
        alert.annotations = alert.annotations.mapValues(redactor.redact)
        switch event.event {
        case .firing:
            standing[slot] = alert
            return OutboxItem(
                destination: target.destination, deliveryID: id, payload: alert.stored,
                standing: .fire(
                    key: key, payload: alert.stored, group: alert.labels["root_cause"] ?? "",
                    dependent: alert.isVictim))
        case .resolved:
            // Resolve the alert that fired: the same labels, its start.
            let fired =
                standing.removeValue(forKey: slot)
                ?? ((try? store.firing(destination: target.destination, key: key)) ?? nil)
                .flatMap(AlertmanagerAlert.init(stored:))
            if var fired {
                fired.endsAt = event.time
                fired.annotations["summary"] = alert.annotations["summary"]
                fired.annotations["description"] = alert.annotations["description"]
                alert = fired
            }
            return OutboxItem(
                destination: target.destination, deliveryID: id, payload: alert.stored,
                standing: .resolve(key: key))
        }
    }

    // MARK: Out of the outbox

    /// Sends until a graceful shutdown (one last attempt then, whatever the backoff) or
    /// cancellation; what is not acknowledged stays in the outbox for the next run.
    public func run() async {
        guard !targets.isEmpty else { return }
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: TimeAmount(requestTimeout)),
            decompression: .disabled)
        configuration.httpVersion = .http1Only
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        reportOrphans()
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for index in targets.indices {
                    group.addTask { await self.loop(index, client: client) }
                }
            }
        } onGracefulShutdown: {
            self.stopping.withLock { $0 = true }
            for bell in self.bells { bell.yield() }
        }
        try? await client.shutdown()
    }

    /// One line per destination for the end of a run:
    /// `alertmanager http://…: 12 sent, 3 retried, 12 delivered, 0 waiting`.
    public func summaryLines() -> [String] {
        let figures = self.figures
        let waiting = (try? store.pendingCounts()) ?? [:]
        let held = (try? store.heldResolvedCounts()) ?? [:]
        return targets.indices.map { index in
            let f = figures[index]
            let destination = targets[index].destination
            var line = "\(targets[index].display): \(f.sent) sent, \(f.retried) retried, \(f.delivered) delivered"
            if targets[index].kind == .alertmanager { line += ", \(f.reminded) reminders" }
            if let count = held[destination], count > 0 {
                line += ", \(count) resolved held while \(count == 1 ? "its" : "their") victims fire"
            }
            return line + ", \(waiting[destination] ?? 0) waiting in the outbox"
        }
    }

    private func reportOrphans() {
        let waiting = leftOver
        let given = Set(targets.map(\.destination))
        for (destination, count) in waiting.sorted(by: { $0.key < $1.key }) where !given.contains(destination) {
            let shown = redactor.redact(PrometheusSource.Endpoint.masked(destination))
            onNotice(
                "alert delivery: \(count) alert event\(count == 1 ? "" : "s") wait in the outbox for "
                    + "\(shown), which is not given now; kept until it is")
        }
    }

    private func loop(_ index: Int, client: HTTPClient) async {
        let target = targets[index]
        let clock = ContinuousClock()
        var failures = 0
        var problem: String?
        var retryAt: ContinuousClock.Instant?
        var remindedAt: ContinuousClock.Instant?
        var verified = target.kind != .alertmanager
        if let count = leftOver[target.destination], count > 0 {
            onNotice(
                "\(target.display): \(count) alert event\(count == 1 ? "" : "s") waiting in the outbox "
                    + "from an earlier run; delivering")
        }
        while !Task.isCancelled {
            let last = stopping.withLock { $0 }
            let now = clock.now
            queue([], now: Date())
            let pending = (try? store.pending(destination: target.destination)) ?? []
            let firing =
                target.kind == .alertmanager
                ? ((try? store.firing(destination: target.destination)) ?? []) : []
            let remind = !firing.isEmpty && remindedAt.map { $0.duration(to: now) >= resendInterval } ?? true
            if (!pending.isEmpty || remind) && (last || retryAt.map { now >= $0 } ?? true) {
                var outcome = Delivered(ids: [], problem: nil)
                if !verified, case .failure(let failure) = await verify(target, client: client) {
                    outcome.problem = failure
                } else {
                    verified = true
                    outcome = await send(target, pending: pending, firing: firing, client: client)
                }
                let done = Set(outcome.ids)
                let delivered = pending.filter { done.contains($0.id) }
                try? store.removeDelivered(outcome.ids)
                counts.withLock {
                    $0[index].delivered += delivered.count
                    $0[index].retried += delivered.filter { $0.attempts > 0 }.count
                }
                if let failure = outcome.problem {
                    failures += 1
                    let left = pending.filter { !done.contains($0.id) }
                    try? store.recordFailedAttempt(left.map(\.id))
                    counts.withLock { $0[index].failedAttempts += 1 }
                    let shown = redactor.redact(failure.description)
                    if problem == nil {
                        let count = left.count
                        let kept = count == 0 ? "" : "\(count) alert event\(count == 1 ? "" : "s") kept in the outbox, "
                        onNotice("\(target.display): \(shown); \(kept)retrying with backoff")
                    }
                    problem = shown
                    retryAt = clock.now + backoff(after: failures)
                } else {
                    if target.kind == .alertmanager {
                        remindedAt = clock.now
                        counts.withLock { $0[index].reminded += firing.count }
                    }
                    if let shown = problem {
                        onNotice(
                            "\(target.display): delivering again after \(failures) failed "
                                + "attempt\(failures == 1 ? "" : "s") (\(shown)); \(delivered.count) waiting alert "
                                + "event\(delivered.count == 1 ? "" : "s") delivered")
                    }
                    failures = 0
                    problem = nil
                    retryAt = nil
                    // More may wait than one round takes.
                    if pending.count >= 500 && !last { continue }
                }
            }
            if last { break }
            var wake = now + resendInterval
            if let retryAt {
                wake = retryAt
            } else if let remindedAt, !firing.isEmpty {
                wake = min(wake, remindedAt + resendInterval)
            }
            if unqueued.withLock({ $0.failing }) { wake = min(wake, now + .seconds(1)) }
            // New alerts ring the bell; while backing off they wait for the retry.
            if stopping.withLock({ $0 }) { continue }
            await sleep(until: wake, bell: streams[index], listening: retryAt == nil)
        }
    }

    /// 1 s, 2 s, 4 s, … up to ``backoffCap``.
    func backoff(after failures: Int) -> Duration {
        let seconds = Double(1 << min(max(failures - 1, 0), 20))
        return min(.seconds(seconds), backoffCap)
    }

    /// Waits until `deadline`, or until the bell rings (when `listening`: new alerts do not cut a
    /// backoff short), or until shutdown begins.
    private func sleep(until deadline: ContinuousClock.Instant, bell: AsyncStream<Void>, listening: Bool) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(until: deadline, clock: ContinuousClock()) }
            group.addTask {
                for await _ in bell where listening || self.stopping.withLock({ $0 }) { return }
            }
            _ = await group.next()
            group.cancelAll()
        }
    }

    // MARK: HTTP

    private func verify(_ target: DeliveryTarget, client: HTTPClient) async -> Result<Void, DeliveryProblem> {
        switch await exchange(target, path: "/api/v2/status", method: .GET, body: nil, client: client) {
        case .failure(let problem):
            return .failure(problem)
        case .success(let (status, body)):
            let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
            guard status == 200, let object, object["versionInfo"] != nil || object["cluster"] != nil else {
                return .failure(
                    DeliveryProblem(
                        "not an Alertmanager: GET \(target.url.path)/api/v2/status answered "
                            + (status == 200 ? "HTTP 200 without an Alertmanager's status" : Self.answer(status, body))
                            + "; give the Alertmanager's base URL (its API is under /api/v2)"))
            }
            return .success(())
        }
    }

    /// What one round delivered, and what stopped it.
    struct Delivered {
        var ids: [Int64]
        var problem: DeliveryProblem?
    }

    private func send(_ target: DeliveryTarget, pending: [OutboxEntry], firing: [Data], client: HTTPClient) async
        -> Delivered
    {
        let all = pending.map(\.id)
        switch target.kind {
        case .alertmanager:
            let validUntil = Date().addingTimeInterval(4 * resendInterval.seconds)
            var alerts: [[String: Any]] = []
            // Reminders first: a resolved waiting in the outbox comes after the firing it ends.
            for data in firing {
                if let alert = AlertmanagerAlert(stored: data) { alerts.append(alert.json(endsAt: validUntil)) }
            }
            for entry in pending {
                if let alert = AlertmanagerAlert(stored: entry.payload) {
                    alerts.append(alert.json(endsAt: validUntil))
                }
            }
            guard !alerts.isEmpty else { return Delivered(ids: all) }
            let body = (try? JSONSerialization.data(withJSONObject: alerts)) ?? Data("[]".utf8)
            switch await exchange(target, path: "/api/v2/alerts", method: .POST, body: body, client: client) {
            case .failure(let problem): return Delivered(ids: [], problem: problem)
            case .success(let (status, answer)):
                guard (200..<300).contains(status) else {
                    var text = "POST \(target.url.path)/api/v2/alerts answered " + Self.answer(status, answer)
                    if status == 404 || status == 405 {
                        text += " (is it an Alertmanager? its v2 API was expected there)"
                    }
                    return Delivered(ids: [], problem: DeliveryProblem(text))
                }
                return Delivered(ids: all)
            }
        case .webhook:
            for (offset, entry) in pending.enumerated() {
                switch await exchange(
                    target, path: nil, method: .POST, body: entry.payload, client: client,
                    deliveryID: entry.deliveryID)
                {
                case .failure(let problem):
                    return Delivered(ids: Array(all.prefix(offset)), problem: problem)
                case .success(let (status, answer)):
                    guard (200..<300).contains(status) else {
                        return Delivered(
                            ids: Array(all.prefix(offset)),
                            problem: DeliveryProblem("POST answered " + Self.answer(status, answer)))
                    }
                }
            }
            return Delivered(ids: all)
        }
    }

    /// `HTTP 503: <the first line of the body, shortened>`.
    static func answer(_ status: Int, _ body: [UInt8]) -> String {
        let text =
            String(decoding: body.prefix(400), as: UTF8.self)
            .split(whereSeparator: \.isNewline).first.map(String.init)?
            .trimmingCharacters(in: .whitespaces) ?? ""
        if (300..<400).contains(status) { return "HTTP \(status) (redirects are not followed)" }
        return "HTTP \(status)" + (text.isEmpty ? "" : ": " + String(text.prefix(160)))
    }

    private func exchange(
        _ target: DeliveryTarget, path: String?, method: HTTPMethod, body: Data?,
        client: HTTPClient, deliveryID: String? = nil
    ) async
        -> Result<(Int, [UInt8]), DeliveryProblem>
    {
        let timeout = requestTimeout
        let deadline = ContinuousClock.now + timeout
        let url = path.map { target.url.absoluteString + $0 } ?? target.url.absoluteString
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "User-Agent", value: "IncidentBoard")
        request.headers.add(name: "Accept", value: "application/json")
        if let authorization = target.authorization { request.headers.add(name: "Authorization", value: authorization) }
        for header in target.headers { request.headers.replaceOrAdd(name: header.name, value: header.value) }
        if let deliveryID { request.headers.add(name: "X-IncidentBoard-Delivery", value: deliveryID) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let prepared = request
        return await ProbeDeadline.race(until: deadline) {
            do {
                let response = try await client.execute(
                    prepared, deadline: NIODeadline.now() + TimeAmount(timeout))
                let answer = try await CappedBody.read(
                    response.body.map(\.readableBytesView), cap: 64 << 10, keep: true)
                return .success((Int(response.status.code), answer.bytes))
            } catch let failure as ProbeFailure where failure.kind == .bodyTooLarge {
                return .failure(DeliveryProblem("answered with a body over 64 KiB"))
            } catch {
                return .failure(DeliveryProblem(Self.unreachable(error, timeout: timeout)))
            }
        } onTimeout: {
            .failure(DeliveryProblem("no answer within \(Self.seconds(timeout))"))
        }
    }

    static func unreachable(_ error: any Error, timeout: Duration) -> String {
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") || text.contains("ECONNREFUSED") {
            return "unreachable (connection refused)"
        }
        let failure = ProbeFailure.classifyQuery(error, timeout: timeout)
        switch failure.kind {
        case .timeout: return "no answer within \(seconds(timeout))"
        case .refused: return "unreachable (connection refused)"
        default: return "unreachable (" + failure.message + ")"
        }
    }

    static func seconds(_ duration: Duration) -> String {
        let s = duration.seconds
        return s == s.rounded() ? "\(Int(s)) s" : String(format: "%.1f s", s)
    }
}
