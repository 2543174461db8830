import Foundation

@testable import Dashboard
@testable import Probes

/// Hand-made ``BoardSnapshot``s of the demo estate (docs/INCIDENTS.md), with numbers chosen so every
/// column has something to show; deterministic, so golden screens are stable.
enum BoardFixtures {
    /// 2025-11-22 03:12:45 UTC.
    static let time = Date(timeIntervalSince1970: 1_763_781_165)
    static let utc = TimeZone(secondsFromGMT: 0) ?? .current

    struct Entry {
        var name: String
        var title: String?
        var dependsOn: [String] = []
        var hasProbe = true
    }

    /// The estate of the repository's probes.json: upstreams first, then the services over them.
    static let estate: [Entry] = [
        Entry(name: "point-portal", title: "카드포인트 통합조회 포털"),
        Entry(name: "auth-vendor", title: "본인인증 SMS·간편인증"),
        Entry(name: "auth-cert", title: "인증서 로그인"),
        Entry(name: "credit-bureau", title: "신용평가 NICE"),
        Entry(name: "card-network", title: "카드 결제망"),
        Entry(name: "open-banking", title: "오픈뱅킹 이체망", hasProbe: false),
        Entry(name: "loan-application", title: "대출 신청", dependsOn: ["credit-bureau", "auth-vendor"]),
        Entry(name: "card-issuance", title: "카드 발급", dependsOn: ["credit-bureau", "card-network", "auth-vendor"]),
        Entry(name: "account-opening", title: "비대면 계좌개설", dependsOn: ["auth-vendor", "credit-bureau"]),
        Entry(
            name: "card-point-cashout", title: "카드포인트 계좌입금",
            dependsOn: ["point-portal", "auth-vendor", "open-banking"]),
        Entry(name: "deposit-event", title: "특판 예금 이벤트", dependsOn: ["auth-cert"]),
        Entry(name: "transfers", title: "이체 (인증서 로그인)", dependsOn: ["auth-cert", "open-banking"]),
        Entry(name: "gift-payment", title: "선물하기 결제", dependsOn: ["card-network"]),
    ]

    /// How one service looks in a scenario.
    struct Look {
        var status: ProbeStatus = .up
        var role: CascadeRole = .healthy
        var rootCauses: [String] = []
        var blastRadius = 0
        var p50: Double = 40
        var p99: Double = 120
        var good = 99.97
        var budget = 0.9
        var burn1h = 0.2
        var error: String?
        var firing: [AlertKind] = []
    }

    /// A small deterministic number per name, so healthy services differ a little.
    static func jitter(_ name: String, _ range: Int) -> Int {
        Int(ProbeOffsets.fnv1a64(name) % UInt64(max(1, range)))
    }

    static func healthyLook(_ name: String) -> Look {
        let j = jitter(name, 40)
        return Look(
            p50: Double(20 + j), p99: Double(90 + 3 * j), good: 99.99 - Double(j) / 1000,
            budget: 0.98 - Double(j) / 100, burn1h: Double(j % 7) / 10)
    }

    static func sli(_ kind: SLIKind, good: Double, budget: Double, burn1h: Double, objective: Double = 99.9)
        -> SLIStatus
    {
        let total = 28.0 * 24 * 720  // a 5 s interval over 28 days
        return SLIStatus(
            sli: kind, objective: objective, windowSeconds: 28 * 86_400,
            counts: WindowCounts(good: total * good / 100, total: total, coverage: 1),
            budgetRemaining: budget,
            burnRates: BurnRates(
                fiveMinutes: burn1h * 1.5, thirtyMinutes: burn1h * 1.2, oneHour: burn1h, twoHours: burn1h * 0.8,
                sixHours: burn1h * 0.4, oneDay: burn1h * 0.2, threeDays: burn1h * 0.1, sloWindow: 1 - budget),
            timeToExhaustion: burn1h >= 1 ? .seconds(max(60, budget * 28 * 86_400 / burn1h)) : nil)
    }

    static func milliseconds(_ value: Double) -> Duration { .microseconds(Int64(value * 1000)) }

    static func service(_ entry: Entry, _ look: Look, dependents: [String]) -> ServiceSnapshot {
        let interval = Duration.seconds(5)
        guard entry.hasProbe else {
            return ServiceSnapshot(
                name: entry.name, title: entry.title, group: "upstream", dependsOn: entry.dependsOn,
                dependents: dependents, hasProbe: false, status: look.role == .inferredRootCause ? .down : nil,
                lastResult: nil, role: look.role == .healthy ? .unobserved : look.role, rootCauses: look.rootCauses,
                blastRadius: look.blastRadius, availability: nil, latencySLI: nil, latency5m: nil, latency1h: nil,
                sparkline: [], recent: [], budgetHistory: [], firing: look.firing,
                latencyThreshold: .milliseconds(500), interval: nil)
        }
        let recent: [ProbeResult] = (0..<12).map { step in
            let failing = look.status == .down && step >= 6
            let latency = failing ? 2000.0 : look.p50 + Double((step * 37 + jitter(entry.name, 50)) % 60)
            return ProbeResult(
                service: entry.name, startedAt: time.addingTimeInterval(Double(step - 11) * 5),
                status: failing ? .down : .up, latency: milliseconds(latency),
                error: failing ? (look.error ?? "HTTP 503") : nil, failure: failing ? .condition : nil,
                httpStatus: failing ? 503 : 200)
        }
        let spark = (0..<40).map { step -> Duration in
            let base = look.p50 + Double((step * 13 + jitter(entry.name, 30)) % 25)
            return milliseconds(look.status == .down && step >= 30 ? 2000 : base)
        }
        let history = (0..<180).map { minute -> Double in
            let start = min(1, look.budget + 0.05)
            return look.budget >= 0.5
                ? start - (start - look.budget) * Double(minute) / 179
                : minute < 120 ? start : start - (start - look.budget) * Double(minute - 120) / 59
        }
        return ServiceSnapshot(
            name: entry.name, title: entry.title, group: entry.dependsOn.isEmpty ? "upstream" : "service",
            dependsOn: entry.dependsOn, dependents: dependents, hasProbe: true, status: look.status,
            lastResult: recent.last, role: look.role, rootCauses: look.rootCauses, blastRadius: look.blastRadius,
            availability: sli(.availability, good: look.good, budget: look.budget, burn1h: look.burn1h),
            latencySLI: sli(.latency, good: 99.6, budget: 0.6, burn1h: 0.3, objective: 99),
            latency5m: LatencySummary(
                count: 60, p50: milliseconds(look.p50), p90: milliseconds((look.p50 + look.p99) / 2),
                p99: milliseconds(look.p99), max: milliseconds(look.p99 * 1.1)),
            latency1h: LatencySummary(
                count: 720, p50: milliseconds(look.p50 * 0.9), p90: milliseconds(look.p99 * 0.6),
                p99: milliseconds(look.p99 * 0.8), max: milliseconds(look.p99 * 1.3)),
            sparkline: spark, recent: recent, budgetHistory: history, firing: look.firing,
            latencyThreshold: .milliseconds(500), interval: interval)
    }

    /// A snapshot of the estate where `looks` overrides the healthy look of some services.
    static func snapshot(
        _ looks: [String: Look] = [:], incidents: [CascadeIncident] = [], firing: [AlertEvent] = [],
        paused: Bool = false, entries: [Entry] = estate
    ) -> BoardSnapshot {
        var dependents: [String: [String]] = [:]
        for entry in entries {
            for upstream in entry.dependsOn { dependents[upstream, default: []].append(entry.name) }
        }
        let services = entries.map { entry in
            service(entry, looks[entry.name] ?? healthyLook(entry.name), dependents: dependents[entry.name] ?? [])
        }
        return BoardSnapshot(
            time: time, sloWindow: .seconds(28 * 86_400), services: services, incidents: incidents, firing: firing,
            paused: paused)
    }

    static func down(_ error: String, root: String? = nil, radius: Int = 0, role: CascadeRole? = nil) -> Look {
        Look(
            status: .down, role: role ?? (root == nil ? .rootCause : .impacted),
            rootCauses: root.map { [$0] } ?? [], blastRadius: radius, p50: 300, p99: 2000, good: 99.2,
            budget: 0.18, burn1h: 31.2, error: error, firing: [.down])
    }

    static func alert(_ service: String, root: String, suppressed: Bool) -> AlertEvent {
        AlertEvent(
            time: time, event: .firing, alert: .down, service: service, severity: .critical, observed: 3,
            summary: "\(service) down", rootCause: root, suppressed: suppressed)
    }

    // MARK: Scenarios

    static var healthy: BoardSnapshot { snapshot() }

    /// Incident 3: the credit bureau stops answering; three services fail because of it.
    static var oneRoot: BoardSnapshot {
        let victims = ["account-opening", "card-issuance", "loan-application"]
        var looks: [String: Look] = ["credit-bureau": down("timeout after 2000 ms", radius: 3)]
        for victim in victims {
            looks[victim] = down("HTTP 503", root: "credit-bureau")
        }
        return snapshot(
            looks,
            incidents: [CascadeIncident(rootCause: "credit-bureau", cause: .failing, impacted: victims, onset: time)],
            firing: [alert("credit-bureau", root: "credit-bureau", suppressed: false)]
                + victims.map { alert($0, root: "credit-bureau", suppressed: true) })
    }

    /// The credit bureau down and open banking (no probe) inferred down from two of its dependents.
    static var twoRoots: BoardSnapshot {
        var base = oneRoot
        let inferred = CascadeIncident(
            rootCause: "open-banking", cause: .inferred, impacted: ["card-point-cashout", "transfers"], onset: time)
        var looks: [String: Look] = [
            "open-banking": Look(status: .down, role: .inferredRootCause, rootCauses: ["open-banking"], blastRadius: 2)
        ]
        looks["card-point-cashout"] = down("condition [BODY].status == UP failed: got DOWN", root: "open-banking")
        looks["transfers"] = down("수취 은행의 사유로 이체할 수 없다", root: "open-banking")
        let other = snapshot(looks)
        for (index, service) in base.services.enumerated() where looks[service.name] != nil {
            base.services[index] = other.services[index]
        }
        base.incidents.append(inferred)
        base.firing.append(alert("open-banking", root: "open-banking", suppressed: false))
        return base
    }

    /// Incident 3's first minutes: the credit bureau only slow (p50 1.19 s), three services slow
    /// behind it; the bureau's latency alert pages, the victims' are suppressed.
    static var slowRoot: BoardSnapshot {
        let victims = ["account-opening", "card-issuance", "loan-application"]
        func slow(_ p50: Double, root: String? = nil, radius: Int = 0) -> Look {
            Look(
                status: .degraded, role: root == nil ? .slowRootCause : .impacted, rootCauses: root.map { [$0] } ?? [],
                blastRadius: radius, p50: p50, p99: p50 * 1.2, good: 99.97, budget: 0.8, burn1h: 4.2,
                error: "slow: \(Int(p50)) ms over 500 ms threshold", firing: [.latency])
        }
        var looks: [String: Look] = ["credit-bureau": slow(1190, radius: 3)]
        looks["loan-application"] = slow(1240, root: "credit-bureau")
        looks["card-issuance"] = slow(1260, root: "credit-bureau")
        looks["account-opening"] = slow(1230, root: "credit-bureau")
        func latencyAlert(_ service: String, suppressed: Bool) -> AlertEvent {
            AlertEvent(
                time: time, event: .firing, alert: .latency, service: service, severity: .warning, observed: 1400,
                summary: "\(service) p99 latency 1400 ms over 500 ms (1m)", rootCause: "credit-bureau",
                suppressed: suppressed)
        }
        return snapshot(
            looks,
            incidents: [CascadeIncident(rootCause: "credit-bureau", cause: .slow, impacted: victims, onset: time)],
            firing: [latencyAlert("credit-bureau", suppressed: false)]
                + victims.map { latencyAlert($0, suppressed: true) })
    }
}
