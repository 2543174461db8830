import Foundation

/// One performance data item from a Nagios-style plugin: `label=value[UOM];warn;crit;min;max`.
public struct PerfDatum: Sendable, Equatable, Codable {
    public var label: String
    public var value: Double
    public var unit: String
    public var warn: String?
    public var crit: String?
    public var min: Double?
    public var max: Double?

    public init(
        label: String, value: Double, unit: String = "", warn: String? = nil, crit: String? = nil,
        min: Double? = nil, max: Double? = nil
    ) {
        self.label = label
        self.value = value
        self.unit = unit
        self.warn = warn
        self.crit = crit
        self.min = min
        self.max = max
    }
}

/// The outcome of one probe of one service. Always produced, whatever the target did.
public struct ProbeResult: Sendable, Equatable {
    /// The service's `name` from the config.
    public var service: String
    /// Wall-clock time the probe started (from the engine's clock, so virtual in tests).
    public var startedAt: Date
    public var status: ProbeStatus
    /// Time from the start of the probe to its result (for failures, to the failure).
    public var latency: Duration
    /// A short human text for a non-`up` result ("connection refused", "HTTP 503",
    /// "timeout after 2000 ms", "condition [BODY].status == UP failed: got DOWN").
    public var error: String?
    public var failure: FailureKind?
    /// HTTP status code of the final response, when there was one.
    public var httpStatus: Int?
    /// Perfdata reported by a command probe.
    public var perfdata: [PerfDatum]
    /// For a transaction: every step and cleanup step, in order (steps not reached are `skipped`).
    public var steps: [StepResult] = []

    public init(
        service: String, startedAt: Date, status: ProbeStatus, latency: Duration, error: String? = nil,
        failure: FailureKind? = nil, httpStatus: Int? = nil, perfdata: [PerfDatum] = []
    ) {
        self.service = service
        self.startedAt = startedAt
        self.status = status
        self.latency = latency
        self.error = error
        self.failure = failure
        self.httpStatus = httpStatus
        self.perfdata = perfdata
    }

    /// The first step that failed (not a cleanup step), for a transaction.
    public var failedStep: StepResult? { steps.first { !$0.isCleanup && $0.status == .down } }

    /// Latency in milliseconds, as used by conditions and outputs.
    public var latencyMilliseconds: Double { latency.milliseconds }
}

extension Duration {
    /// The duration in (fractional) milliseconds.
    public var milliseconds: Double {
        let (s, attos) = components
        return Double(s) * 1000 + Double(attos) / 1e15
    }

    /// The duration in (fractional) seconds.
    public var seconds: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) / 1e18
    }
}

/// One step of a transaction probe, as it went.
public struct StepResult: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        case up, degraded, down
        /// Not run: an earlier step failed, or (for a cleanup step) a value it needs was never stored.
        case skipped
    }

    public var name: String
    public var status: Status
    public var latency: Duration
    /// Why it failed or was skipped; never holds a stored secret.
    public var error: String?
    public var failure: FailureKind?
    public var httpStatus: Int?
    /// The dependency the step exercises, from the config.
    public var upstream: String?
    public var isCleanup: Bool

    public init(
        name: String, status: Status, latency: Duration, error: String? = nil, failure: FailureKind? = nil,
        httpStatus: Int? = nil, upstream: String? = nil, isCleanup: Bool = false
    ) {
        self.name = name
        self.status = status
        self.latency = latency
        self.error = error
        self.failure = failure
        self.httpStatus = httpStatus
        self.upstream = upstream
        self.isCleanup = isCleanup
    }
}
