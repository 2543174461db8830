import Foundation

/// A validated `probes.json`: everything the engine needs, with defaults applied, `${ENV}`
/// substituted and conditions parsed. Built by ``ConfigLoader``.
public struct ProbesConfig: Sendable {
    /// Probe defaults from the `defaults` object.
    public var defaults: ProbeDefaults
    /// The top-level SLO policy (entries' `slo` override it field by field).
    public var slo: SLOPolicy
    /// The entries in file order.
    public var services: [ServiceConfig]
    /// Knows every value that must never be printed (values from the environment,
    /// `Authorization`/`Cookie` header values).
    public var redactor: Redactor

    public init(defaults: ProbeDefaults, slo: SLOPolicy, services: [ServiceConfig], redactor: Redactor) {
        self.defaults = defaults
        self.slo = slo
        self.services = services
        self.redactor = redactor
    }

    /// The entry with this name.
    public func service(named name: String) -> ServiceConfig? { services.first { $0.name == name } }
}

/// `defaults`: values every probe inherits unless it sets its own.
public struct ProbeDefaults: Sendable, Equatable {
    public var interval: Duration
    public var timeout: Duration
    /// How many sites must see a failure before the fleet view calls a service failing.
    public var quorum: FleetQuorum = .any

    public static let standard = ProbeDefaults(interval: .seconds(30), timeout: .seconds(5))

    public init(interval: Duration, timeout: Duration) {
        self.interval = interval
        self.timeout = timeout
    }
}

/// One entry of `services`: a service we own or an upstream it depends on.
public struct ServiceConfig: Sendable {
    /// Unique, `[a-z0-9][a-z0-9._-]*`.
    public var name: String
    /// Free text in any script; `nil` when not given.
    public var title: String?
    public var group: String?
    /// Names of other entries this one needs, in file order.
    public var dependsOn: [String]
    /// `nil` for a declared dependency without a probe: its state is inferred from dependents.
    public var probe: ProbeConfig?
    /// The effective SLO policy: the top-level one overridden field by field by the entry's.
    public var slo: SLOPolicy
    /// How many sites must see a failure before the fleet view calls the entry failing (its own
    /// `quorum`, else the defaults').
    public var quorum: FleetQuorum = .any
    /// Its maintenance windows: its own and its group's (``MaintenanceWindow``).
    public var maintenance: [MaintenanceWindow]

    public init(
        name: String, title: String? = nil, group: String? = nil, dependsOn: [String] = [],
        probe: ProbeConfig?, slo: SLOPolicy = .standard, maintenance: [MaintenanceWindow] = []
    ) {
        self.maintenance = maintenance
        self.name = name
        self.title = title
        self.group = group
        self.dependsOn = dependsOn
        self.probe = probe
        self.slo = slo
    }
}

/// How to probe one entry.
public struct ProbeConfig: Sendable {
    public var kind: ProbeKind
    public var interval: Duration
    /// Hard limit from the start of the probe, including connect, TLS and body.
    public var timeout: Duration
    /// Parsed at load time; empty means the type's default judgement (2xx for http).
    public var conditions: [Condition]

    public init(kind: ProbeKind, interval: Duration, timeout: Duration, conditions: [Condition] = []) {
        self.kind = kind
        self.interval = interval
        self.timeout = timeout
        self.conditions = conditions
    }
}

/// The probe types of the config.
public enum ProbeKind: Sendable {
    case http(HTTPProbe)
    case tcp(TCPProbe)
    case command(CommandProbe)
    case transaction(TransactionProbe)

    /// The `type` string as written in the config.
    public var typeName: String {
        switch self {
        case .http: "http"
        case .tcp: "tcp"
        case .command: "command"
        case .transaction: "transaction"
        }
    }
}

/// One HTTP header of a probe.
public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Headers whose values are never printed, whatever their origin.
    public var isSensitive: Bool {
        let lower = name.lowercased()
        return lower == "authorization" || lower == "cookie" || lower == "proxy-authorization"
            || lower == "set-cookie"
    }
}

/// `type: http`.
public struct HTTPProbe: Sendable, Equatable {
    public var url: URL
    public var method: String
    public var headers: [HTTPHeader]
    public var body: String?
    public var followRedirects: Bool
    /// Redirects followed at most; past it the probe fails.
    public var maxRedirects: Int
    public var insecureSkipVerify: Bool
    /// Body bytes read at most; a larger body fails the probe (as blackbox_exporter's
    /// `body_size_limit`). Default 1 MiB.
    public var maxBodyBytes: Int

    public static let defaultMaxBodyBytes = 1 << 20

    public init(
        url: URL, method: String = "GET", headers: [HTTPHeader] = [], body: String? = nil,
        followRedirects: Bool = true, maxRedirects: Int = 10, insecureSkipVerify: Bool = false,
        maxBodyBytes: Int = HTTPProbe.defaultMaxBodyBytes
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.followRedirects = followRedirects
        self.maxRedirects = maxRedirects
        self.insecureSkipVerify = insecureSkipVerify
        self.maxBodyBytes = maxBodyBytes
    }
}

/// `type: tcp`: up when a connection is established.
public struct TCPProbe: Sendable, Equatable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}

/// `type: command`: a Nagios-compatible plugin run without a shell.
public struct CommandProbe: Sendable, Equatable {
    /// Program and arguments; the program is looked up in `PATH` when it has no slash.
    public var argv: [String]

    public init(argv: [String]) { self.argv = argv }
}

/// An SLO policy: objectives, window and the alerting built on them.
public struct SLOPolicy: Sendable, Equatable {
    /// Availability objective in percent, in (0, 100).
    public var objective: Double
    /// The SLO window (default 28 days).
    public var window: Duration
    public var latency: LatencySLO
    public var alerts: AlertPolicy

    public static let standard = SLOPolicy(
        objective: 99.9, window: .seconds(28 * 86_400), latency: .standard, alerts: .standard)

    public init(objective: Double, window: Duration, latency: LatencySLO, alerts: AlertPolicy) {
        self.objective = objective
        self.window = window
        self.latency = latency
        self.alerts = alerts
    }
}

/// The latency SLI: probes answering within `threshold`, among good probes.
public struct LatencySLO: Sendable, Equatable {
    /// The slowest latency that still counts as fast: a probe is slow when its latency is *over*
    /// this, and one exactly at it is fast (as Prometheus's `le` buckets count it).
    public var threshold: Duration
    /// Percent of good probes that must be under the threshold.
    public var objective: Double

    public static let standard = LatencySLO(threshold: .milliseconds(500), objective: 99.0)

    public init(threshold: Duration, objective: Double) {
        self.threshold = threshold
        self.objective = objective
    }

    /// Whether a good probe that took `latency` is slow: the one definition of slow that the
    /// live SLIs, the board's totals, the history's minutes, `check`, `slo` and the cascade use.
    @inlinable
    public func isSlow(_ latency: Duration) -> Bool { Self.isSlow(latency, threshold: threshold) }

    /// Whether `latency` is over `threshold` (exactly at it is fast).
    @inlinable
    public static func isSlow(_ latency: Duration, threshold: Duration) -> Bool { latency > threshold }
}

/// `slo.alerts`: multi-window, multi-burn-rate rules plus the fast alerts.
public struct AlertPolicy: Sendable, Equatable {
    public var burnRateRules: [BurnRateRule]
    /// `down` fires after this many consecutive failed probes.
    public var downAfter: Int
    /// A firing alert resolves after this many consecutive good evaluations (hysteresis).
    public var resolveAfter: Int
    /// Whether the `latency` alert (short-window p99 over the threshold) is on.
    public var latencyAlert: Bool

    /// The SRE Workbook's table 5-8, as budget shares (scaled to any SLO window).
    public static let standard = AlertPolicy(
        burnRateRules: [
            BurnRateRule(
                name: "page-1h", severity: .page, longWindow: .seconds(3600), shortWindow: .seconds(300),
                budgetConsumed: 2),
            BurnRateRule(
                name: "page-6h", severity: .page, longWindow: .seconds(6 * 3600),
                shortWindow: .seconds(1800), budgetConsumed: 5),
            BurnRateRule(
                name: "ticket-3d", severity: .ticket, longWindow: .seconds(3 * 86_400),
                shortWindow: .seconds(6 * 3600), budgetConsumed: 10),
        ],
        downAfter: 2, resolveAfter: 2, latencyAlert: true)

    public init(burnRateRules: [BurnRateRule], downAfter: Int, resolveAfter: Int, latencyAlert: Bool) {
        self.burnRateRules = burnRateRules
        self.downAfter = downAfter
        self.resolveAfter = resolveAfter
        self.latencyAlert = latencyAlert
    }
}

/// Alert severities, as alert lines carry them.
public enum AlertSeverity: String, Sendable, Codable, CaseIterable {
    case critical, warning, page, ticket
}

/// One multi-window burn-rate rule, defined by the share of the budget it allows to burn over
/// its long window; the burn-rate factor follows from the SLO window.
public struct BurnRateRule: Sendable, Equatable {
    public var name: String
    public var severity: AlertSeverity
    public var longWindow: Duration
    public var shortWindow: Duration
    /// Percent of the whole window's error budget consumed over `longWindow` when the rule
    /// fires (2 for the Workbook's fast page).
    public var budgetConsumed: Double

    public init(
        name: String, severity: AlertSeverity, longWindow: Duration, shortWindow: Duration,
        budgetConsumed: Double
    ) {
        self.name = name
        self.severity = severity
        self.longWindow = longWindow
        self.shortWindow = shortWindow
        self.budgetConsumed = budgetConsumed
    }

    /// Burn-rate threshold for an SLO window: share × window ÷ long window
    /// (2 % over 1 h of 30 d gives 14.4; of 28 d, 13.44).
    public func burnRate(sloWindow: Duration) -> Double {
        budgetConsumed / 100 * sloWindow.seconds / longWindow.seconds
    }
}

/// Replaces every secret value in text with `***` before it is printed or logged.
public struct Redactor: Sendable {
    /// The secret strings, longest first so that overlapping secrets are fully masked.
    public private(set) var secrets: [String]

    public init(secrets: [String] = []) {
        self.secrets = []
        for s in secrets { add(s) }
    }

    /// Registers a value that must never be printed. Values shorter than 3 characters are
    /// still masked when they occur as a whole string, but not inside other text (masking every
    /// "1" in output would destroy it).
    public mutating func add(_ secret: String) {
        guard !secret.isEmpty, !secrets.contains(secret) else { return }
        secrets.append(secret)
        secrets.sort { $0.count > $1.count }
    }

    /// The text with every secret replaced by `***`.
    public func redact(_ text: String) -> String {
        var out = text
        for s in secrets {
            if s.count < 3 {
                if out == s { out = "***" }
            } else if out.contains(s) {
                out = out.replacingOccurrences(of: s, with: "***")
            }
        }
        return out
    }
}
