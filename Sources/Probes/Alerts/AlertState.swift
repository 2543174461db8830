import Foundation

/// Which alert: a service, a kind and, for burn-rate alerts, the rule and the SLI it watches.
public struct AlertKey: Sendable, Hashable, Codable, Comparable {
    /// The service the alert is about.
    public var service: String
    /// Which kind of alert.
    public var kind: AlertKind
    /// The burn-rate rule's name; `nil` for `down` and `latency`.
    public var rule: String?
    /// The SLI of a burn-rate rule; `nil` for `down` and `latency`.
    public var sli: SLIKind?

    /// Creates a key.
    public init(service: String, kind: AlertKind, rule: String? = nil, sli: SLIKind? = nil) {
        self.service = service
        self.kind = kind
        self.rule = rule
        self.sli = sli
    }

    /// Orders by service, kind, SLI, rule, so exported states and events come out stable.
    public static func < (a: AlertKey, b: AlertKey) -> Bool {
        (a.service, a.kind.rawValue, a.sli?.rawValue ?? "", a.rule ?? "")
            < (b.service, b.kind.rawValue, b.sli?.rawValue ?? "", b.rule ?? "")
    }
}

/// Where an alert is in its life: inactive → pending → firing → resolved (→ inactive).
public enum AlertPhase: String, Sendable, Codable {
    /// The condition does not hold.
    case inactive
    /// The condition holds, not yet for long enough to fire.
    case pending
    /// Fired; resolves after `resolveAfter` good evaluations in a row.
    case firing
    /// Resolved at the last transition; the next good evaluation makes it inactive, a bad one
    /// starts it again.
    case resolved
}

/// The state of one alert: its phase and streaks, and what its next event needs. Codable, so
/// alert states survive restarts.
public struct AlertState: Sendable, Equatable, Codable {
    /// Which alert.
    public var key: AlertKey
    /// Where it is in its life.
    public var phase: AlertPhase
    /// Evaluations in a row where the condition held (the failed probes in a row, for `down`).
    public var badStreak: Int
    /// Evaluations in a row where it did not, while firing.
    public var goodStreak: Int
    /// When the current phase began.
    public var since: Date
    /// When it last fired.
    public var firedAt: Date?
    /// Severity of the firing (kept so that `resolved` carries the same one).
    public var severity: AlertSeverity
    /// The value that made it fire or last held (burn rate, p99 in ms, failed probes).
    public var observed: Double?
    /// Burn-rate rules: threshold factor and `long/short` window label at firing time.
    public var burnRate: Double?
    /// Burn-rate rules: the `long/short` window label.
    public var window: String?

    /// A new, inactive alert.
    public init(key: AlertKey, severity: AlertSeverity, since: Date) {
        self.key = key
        phase = .inactive
        badStreak = 0
        goodStreak = 0
        self.since = since
        self.severity = severity
    }

    /// Takes one evaluation: whether the condition holds, how many bad evaluations in a row fire
    /// it and how many good ones resolve it (both at least 1). Returns the transition to report.
    public mutating func evaluate(holds: Bool, now: Date, fireAfter: Int, resolveAfter: Int) -> AlertTransition? {
        let fireAfter = max(1, fireAfter)
        let resolveAfter = max(1, resolveAfter)
        if holds {
            badStreak += 1
            goodStreak = 0
            switch phase {
            case .inactive, .resolved, .pending:
                if phase != .pending { since = now }
                if badStreak >= fireAfter {
                    phase = .firing
                    since = now
                    firedAt = now
                    return .firing
                }
                phase = .pending
                return nil
            case .firing:
                return nil
            }
        }
        badStreak = 0
        switch phase {
        case .inactive:
            return nil
        case .pending, .resolved:
            phase = .inactive
            since = now
            goodStreak = 0
            return nil
        case .firing:
            goodStreak += 1
            guard goodStreak >= resolveAfter else { return nil }
            phase = .resolved
            since = now
            goodStreak = 0
            return .resolved
        }
    }
}
