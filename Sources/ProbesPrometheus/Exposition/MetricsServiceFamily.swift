import Probes

/// The per-service metric families of `/metrics` (README, "Beyond one machine"), each with the label sets a service
/// gets beyond `service` and `site`. Every service has one row of values with a column per
/// (family, label set), so an update is a pass over flat arrays and a scrape a pass over them too.
enum MetricsServiceFamily: Int, CaseIterable {
    case probeSuccess
    case probeDuration
    case probeHTTPStatus
    case serviceStatus
    case sliEvents
    case sliErrors
    case objective
    case budgetRemaining
    case burnRate
    case rootCause
    case blastRadius
    case alertFiring

    /// The states of `incidentboard_service_status`, in column order.
    static let states: [ProbeStatus] = [.up, .degraded, .down, .unknown]
    /// The SLIs, in column order.
    static let slis: [SLIKind] = [.availability, .latency]
    /// The `window` labels of `incidentboard_slo_burn_rate`: ``BurnRates`` from `fiveMinutes` to `sloWindow`.
    static let windows = ["5m", "30m", "1h", "2h", "6h", "1d", "3d", "slo"]
    /// The alert kinds of `incidentboard_alert_firing`, in column order.
    static let alerts = AlertKind.serviceKinds

    var name: String {
        switch self {
        case .probeSuccess: "probe_success"
        case .probeDuration: "probe_duration_seconds"
        case .probeHTTPStatus: "probe_http_status_code"
        case .serviceStatus: "incidentboard_service_status"
        case .sliEvents: "incidentboard_sli_events_total"
        case .sliErrors: "incidentboard_sli_errors_total"
        case .objective: "incidentboard_slo_objective_ratio"
        case .budgetRemaining: "incidentboard_slo_error_budget_remaining_ratio"
        case .burnRate: "incidentboard_slo_burn_rate"
        case .rootCause: "incidentboard_root_cause"
        case .blastRadius: "incidentboard_blast_radius"
        case .alertFiring: "incidentboard_alert_firing"
        }
    }

    var help: String {
        switch self {
        case .probeSuccess: "Whether the latest probe succeeded (1: up or degraded, 0: down)."
        case .probeDuration: "Duration of the latest probe in seconds."
        case .probeHTTPStatus: "HTTP status code of the latest probe (0 when there was no response)."
        case .serviceStatus: "Current state of the entry, one-hot over state (up, degraded, down, unknown)."
        case .sliEvents:
            "SLI events since the process started (availability: every probe; latency: every available probe)."
        case .sliErrors:
            "Bad SLI events since the process started (availability: down probes; latency: available probes "
                + "over the latency threshold)."
        case .objective: "SLO objective as a ratio (0.999 for 99.9 %)."
        case .budgetRemaining: "Error budget remaining over the SLO window (1: untouched, below 0: overspent)."
        case .burnRate: "Error budget burn rate over the window (window=\"slo\": the whole SLO window)."
        case .rootCause: "1 when the entry is the root cause of an incident, else 0."
        case .blastRadius: "Entries impacted by this root cause (0 when not a root cause)."
        case .alertFiring: "1 while an alert of this kind is firing for the entry, else 0."
        }
    }

    var isCounter: Bool { self == .sliEvents || self == .sliErrors }

    /// The label sets after `service` and `site`, prerendered as `,name="value"…`.
    var variants: [String] {
        switch self {
        case .probeSuccess, .probeDuration, .probeHTTPStatus, .rootCause, .blastRadius:
            [""]
        case .sliEvents, .sliErrors, .objective, .budgetRemaining:
            Self.slis.map { ",sli=\"\($0.rawValue)\"" }
        case .serviceStatus:
            Self.states.map { ",state=\"\($0.rawValue)\"" }
        case .burnRate:
            Self.slis.flatMap { sli in Self.windows.map { ",sli=\"\(sli.rawValue)\",window=\"\($0)\"" } }
        case .alertFiring:
            Self.alerts.map { ",alert=\"\($0.rawValue)\"" }
        }
    }

    /// Where each family's columns start in a row.
    static let offsets: [Int] = {
        var offsets: [Int] = []
        var next = 0
        for family in allCases {
            offsets.append(next)
            next += family.variants.count
        }
        return offsets
    }()

    /// Columns per row.
    static let width: Int = allCases.reduce(0) { $0 + $1.variants.count }

    /// This family's first column.
    var offset: Int { Self.offsets[rawValue] }
}
