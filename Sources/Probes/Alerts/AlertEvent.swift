import Foundation

/// The kinds of alert, as named in `watch --headless` output.
public enum AlertKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// `downAfter` consecutive failed probes.
    case down
    /// The short-window p99 latency over the threshold.
    case latency
    /// A multi-window burn-rate rule.
    case burnRate = "burn-rate"
    /// Fleet view: a site stopped reporting (its ``AlertEvent/site`` is set, its service empty,
    /// written as `null`).
    case siteDark = "site-dark"

    /// The kinds a service's own alerting raises (every kind but ``siteDark``).
    public static let serviceKinds: [AlertKind] = [.down, .latency, .burnRate]
}

/// What happened to an alert.
public enum AlertTransition: String, Sendable, Codable {
    case firing
    case resolved
}

/// One alert transition, as `watch --headless` writes it (one JSON object per line).
///
/// `rootCause` and `suppressed` are left to the cascade step, which fills them in before the event
/// is written.
public struct AlertEvent: Sendable, Equatable, Codable {
    /// When the transition happened (the evaluation's time, from the engine's clock).
    public var time: Date
    /// `firing` or `resolved`.
    public var event: AlertTransition
    /// `down`, `latency` or `burn-rate`.
    public var alert: AlertKind
    /// The service the alert is about.
    public var service: String
    /// `critical` (down), `warning` (latency) or the rule's (`page`, `ticket`).
    public var severity: AlertSeverity
    /// The burn-rate rule's name (`page-1h`); `nil` for other kinds.
    public var rule: String?
    /// The SLI a burn-rate rule watched; `nil` for other kinds.
    public var sli: SLIKind?
    /// Burn-rate rules: the long and short windows, `1h/5m`.
    public var window: String?
    /// Burn-rate rules: the threshold factor (14.4).
    public var burnRate: Double?
    /// Burn-rate rules: the long window's burn rate; `latency`: the p99 in ms; `down`: the failed
    /// probes in a row.
    public var observed: Double?
    /// One human line, e.g. `loan-application down for 3 probes: HTTP 503`.
    public var summary: String
    /// The root cause that explains this alert; the service itself when it is the root; `nil` when
    /// unknown. Set by the cascade step.
    public var rootCause: String?
    /// Explained by an upstream root cause with its own firing alert. Set by the cascade step.
    public var suppressed: Bool
    /// The id of the incident the alert belongs to (``IncidentRecord/id``); `nil` when none.
    public var incident: String?
    /// Fleet view: the site the alert is about (`site-dark`); `nil` otherwise.
    public var site: String?
    /// `true` when the service, or the root cause that explains the alert, was in a maintenance
    /// window at the event's time (``QuietBook``); `nil` otherwise.
    public var maintenance: Bool?
    /// The id of the silence that quiets the alert (on its service or its root cause); `nil` when none.
    public var silence: String?

    /// Whether nobody is to be paged for it: in maintenance or silenced.
    public var isQuiet: Bool { maintenance == true || silence != nil }

    /// Creates an event.
    public init(
        time: Date, event: AlertTransition, alert: AlertKind, service: String, severity: AlertSeverity,
        rule: String? = nil, sli: SLIKind? = nil, window: String? = nil, burnRate: Double? = nil,
        observed: Double? = nil, summary: String, rootCause: String? = nil, suppressed: Bool = false
    ) {
        self.time = time
        self.event = event
        self.alert = alert
        self.service = service
        self.severity = severity
        self.rule = rule
        self.sli = sli
        self.window = window
        self.burnRate = burnRate
        self.observed = observed
        self.summary = summary
        self.rootCause = rootCause
        self.suppressed = suppressed
    }

    enum CodingKeys: String, CodingKey {
        case time, event, alert, service, severity, rule, sli, window, burnRate, observed, summary, rootCause,
            suppressed, incident, site, maintenance, silence
    }

    /// Decodes what ``encode(to:)`` writes; a `site-dark` line's `"service": null` reads as empty.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        time = try c.decode(Date.self, forKey: .time)
        event = try c.decode(AlertTransition.self, forKey: .event)
        alert = try c.decode(AlertKind.self, forKey: .alert)
        service = try c.decodeIfPresent(String.self, forKey: .service) ?? ""
        severity = try c.decode(AlertSeverity.self, forKey: .severity)
        rule = try c.decodeIfPresent(String.self, forKey: .rule)
        sli = try c.decodeIfPresent(SLIKind.self, forKey: .sli)
        window = try c.decodeIfPresent(String.self, forKey: .window)
        burnRate = try c.decodeIfPresent(Double.self, forKey: .burnRate)
        observed = try c.decodeIfPresent(Double.self, forKey: .observed)
        summary = try c.decode(String.self, forKey: .summary)
        rootCause = try c.decodeIfPresent(String.self, forKey: .rootCause)
        suppressed = try c.decodeIfPresent(Bool.self, forKey: .suppressed) ?? false
        incident = try c.decodeIfPresent(String.self, forKey: .incident)
        site = try c.decodeIfPresent(String.self, forKey: .site)
        maintenance = try c.decodeIfPresent(Bool.self, forKey: .maintenance)
        silence = try c.decodeIfPresent(String.self, forKey: .silence)
    }

    /// Encodes the contract's fields; `rootCause` is written as `null` when unknown, the burn-rate
    /// fields only where they apply. The date format is the encoder's.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(time, forKey: .time)
        try c.encode(event, forKey: .event)
        try c.encode(alert, forKey: .alert)
        if alert == .siteDark { try c.encodeNil(forKey: .service) } else { try c.encode(service, forKey: .service) }
        try c.encodeIfPresent(site, forKey: .site)
        try c.encode(severity, forKey: .severity)
        try c.encodeIfPresent(rule, forKey: .rule)
        try c.encodeIfPresent(sli, forKey: .sli)
        try c.encodeIfPresent(window, forKey: .window)
        try c.encodeIfPresent(burnRate, forKey: .burnRate)
        try c.encodeIfPresent(observed, forKey: .observed)
        try c.encode(rootCause, forKey: .rootCause)
        try c.encode(suppressed, forKey: .suppressed)
        try c.encode(incident, forKey: .incident)
        try c.encodeIfPresent(maintenance, forKey: .maintenance)
        try c.encodeIfPresent(silence, forKey: .silence)
        try c.encode(summary, forKey: .summary)
    }
}
