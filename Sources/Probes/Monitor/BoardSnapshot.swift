import Foundation

/// Everything a consumer (dashboard, headless sink, metrics, check) needs at one instant: an
/// immutable value published by the ``Monitor``. Consumers never reach back into the engine.
public struct BoardSnapshot: Sendable {
    /// The engine time of the snapshot.
    public var time: Date
    /// The top-level SLO window (the header shows it).
    public var sloWindow: Duration
    /// Every config entry, in config order.
    public var services: [ServiceSnapshot]
    /// Current root causes, largest blast radius first.
    public var incidents: [CascadeIncident]
    /// Alerts the world has been told are firing, ordered by service.
    public var firing: [AlertEvent]
    /// Whether probing is paused (dashboard `p`).
    public var paused: Bool
    /// Where the results come from: `nil` for local probes, else e.g. `prometheus http://127.0.0.1:9090`.
    public var source: String? = nil
    /// The last problem reading the source (a fleet source that cannot reach Prometheus), for the
    /// board to show; `nil` when the last read succeeded or probing is local.
    public var sourceProblem: String? = nil
    /// Fleet view: sites that stopped reporting, sorted by site; empty otherwise.
    public var darkSites: [DarkSite] = []
    /// A line the board shows under its header, e.g. what the demo is playing; `nil` for none.
    public var banner: String? = nil
    /// The scheduler's statistics when this process probes (for `/metrics`); `nil` for a fleet view.
    public var schedule: ScheduleStatistics? = nil
    /// Incident records, open ones first (latest onset first), then the recently closed, latest
    /// first: the board's incidents view. Empty in a board without detail.
    public var incidentRecords: [BoardIncident] = []
    /// The latest alert transitions told, oldest first (at most ``Monitor/transitionsKept``).
    public var transitions: [AlertEvent] = []

    public init(
        time: Date, sloWindow: Duration, services: [ServiceSnapshot], incidents: [CascadeIncident],
        firing: [AlertEvent], paused: Bool
    ) {
        self.time = time
        self.sloWindow = sloWindow
        self.services = services
        self.incidents = incidents
        self.firing = firing
        self.paused = paused
    }

    /// The worst state among probed services and inferred roots.
    public var overall: ProbeStatus {
        services.filter { $0.hasProbe || $0.role == .inferredRootCause }.compactMap(\.status).max() ?? .unknown
    }

    /// The entry with this name.
    public func service(named name: String) -> ServiceSnapshot? { services.first { $0.name == name } }

    /// The open incident whose root is `root`, if any.
    public func openIncident(root: String) -> IncidentRecord? {
        incidentRecords.first { $0.record.isOpen && $0.record.root == root }?.record
    }

    /// The listed incident with this id.
    public func incident(id: String) -> BoardIncident? { incidentRecords.first { $0.record.id == id } }
}

/// One entry of the board.
public struct ServiceSnapshot: Sendable {
    public var name: String
    public var title: String?
    public var group: String?
    public var dependsOn: [String]
    /// Entries that depend directly on this one.
    public var dependents: [String]
    public var hasProbe: Bool
    /// Latest probe status; for a probe-less entry, `down` when inferred, else `nil`.
    public var status: ProbeStatus?
    public var lastResult: ProbeResult?
    /// Its role in the cascade analysis and the root causes that explain it.
    public var role: CascadeRole
    public var rootCauses: [String]
    /// For a root cause, how many entries it impacts.
    public var blastRadius: Int
    public var availability: SLIStatus?
    public var latencySLI: SLIStatus?
    /// Latency over 5 minutes and 1 hour (a detailed snapshot's).
    public var latency5m: LatencySummary? {
        get { extras?.values.latency5m }
        set { updateExtras { $0.latency5m = newValue } }
    }
    public var latency1h: LatencySummary? {
        get { extras?.values.latency1h }
        set { updateExtras { $0.latency1h = newValue } }
    }
    /// Latencies of the latest results that were up or degraded (oldest first), for the
    /// sparkline: the same results as ``recent``.
    public var sparkline: [Duration]
    /// Latest results, oldest first (for the detail pane).
    public var recent: [ProbeResult]
    /// Error budget remaining sampled once a minute, oldest first (for the burn-down chart).
    public var budgetHistory: [Double]
    /// Firing alerts of this entry.
    public var firing: [AlertKind]
    /// The latency threshold of its SLO.
    public var latencyThreshold: Duration
    public var interval: Duration?
    /// Probe outcomes counted since the engine started (Prometheus counters).
    public var totals = SLITotals()
    /// Per-site state in the fleet view (`--source prometheus=`); empty when probing locally.
    public var sites: [SiteState] = []
    /// Fleet view: sites that see the entry fail while fewer than its quorum do (the entry is
    /// then PARTIAL, not failing); empty otherwise.
    public var partialSites: [String] = []
    /// The maintenance window open now, if any (the board shows `MAINT`).
    public var maintenance: MaintenanceWindow? {
        get { extras?.values.maintenance }
        set { updateExtras { $0.maintenance = newValue } }
    }
    /// The active silence, if any (the board shows it, and warns before it ends).
    public var silence: Silence? {
        get { extras?.values.silence }
        set { updateExtras { $0.silence = newValue } }
    }

    /// What most rows of a `/metrics` board leave empty (336 bytes inline), held apart: a row is
    /// 944 bytes otherwise, and a board of 10,000 rows is built every second.
    private struct Extras: Sendable {
        var latency5m: LatencySummary?
        var latency1h: LatencySummary?
        var maintenance: MaintenanceWindow?
        var silence: Silence?

        /// In a box, or nothing when every field is empty.
        var boxed: ExtrasBox? {
            latency5m == nil && latency1h == nil && maintenance == nil && silence == nil ? nil : ExtrasBox(self)
        }
    }

    /// Immutable, so a copied snapshot never sees another's change; a change makes a new one.
    private final class ExtrasBox: Sendable {
        let values: Extras
        init(_ values: Extras) { self.values = values }
    }

    private var extras: ExtrasBox?

    private mutating func updateExtras(_ change: (inout Extras) -> Void) {
        var values = extras?.values ?? Extras()
        change(&values)
        extras = values.boxed
    }

    public init(
        name: String, title: String?, group: String?, dependsOn: [String], dependents: [String],
        hasProbe: Bool, status: ProbeStatus?, lastResult: ProbeResult?, role: CascadeRole, rootCauses: [String],
        blastRadius: Int, availability: SLIStatus?, latencySLI: SLIStatus?, latency5m: LatencySummary?,
        latency1h: LatencySummary?, sparkline: [Duration], recent: [ProbeResult], budgetHistory: [Double],
        firing: [AlertKind], latencyThreshold: Duration, interval: Duration?
    ) {
        self.name = name
        self.title = title
        self.group = group
        self.dependsOn = dependsOn
        self.dependents = dependents
        self.hasProbe = hasProbe
        self.status = status
        self.lastResult = lastResult
        self.role = role
        self.rootCauses = rootCauses
        self.blastRadius = blastRadius
        self.availability = availability
        self.latencySLI = latencySLI
        extras = Extras(latency5m: latency5m, latency1h: latency1h).boxed
        self.sparkline = sparkline
        self.recent = recent
        self.budgetHistory = budgetHistory
        self.firing = firing
        self.latencyThreshold = latencyThreshold
        self.interval = interval
    }
}

/// Probe outcomes counted since the engine started: the counters `/metrics` exports, from which
/// Prometheus computes SLI error ratios over any window. They restart at zero with the process.
public struct SLITotals: Sendable, Equatable {
    /// Availability events: every probe.
    public var probes = 0
    /// Availability errors: probes that were down.
    public var failed = 0
    /// Latency events: probes that were available.
    public var timed = 0
    /// Latency errors: available probes over the latency threshold (``LatencySLO/isSlow(_:)``).
    public var slow = 0

    /// No probes yet.
    public init() {}

    /// Counts one probe.
    public mutating func count(available: Bool, latency: Duration, threshold: Duration) {
        probes += 1
        guard available else {
            failed += 1
            return
        }
        timed += 1
        if LatencySLO.isSlow(latency, threshold: threshold) { slow += 1 }
    }
}

/// One site's view of a service in the fleet view: what the agent at that site last reported.
public struct SiteState: Sendable, Equatable {
    /// The agent's `--site`.
    public var site: String
    /// Its latest probe status.
    public var status: ProbeStatus
    /// Its latest probe duration.
    public var latency: Duration?
    /// Its latest HTTP status code (HTTP probes that got a response).
    public var httpStatus: Int?
    /// Availability budget remaining as that agent computes it.
    public var budgetRemaining: Double?
    /// When Prometheus last scraped it.
    public var sampledAt: Date?
    /// `false` for a dark site: one that reported the entry lately and stopped (its agent's target
    /// is down or its series went stale); its status is then `unknown`.
    public var reporting: Bool = true
    /// A dark site: when it last reported, when Prometheus still remembers.
    public var darkSince: Date?
    /// Whether `budgetRemaining` covers enough of the SLO window to mean something
    /// (``SLIStatus/meaningfulCoverage``); `false` shows it as not yet meaningful.
    public var budgetMeaningful: Bool = true

    public init(
        site: String, status: ProbeStatus, latency: Duration? = nil, httpStatus: Int? = nil,
        budgetRemaining: Double? = nil, sampledAt: Date? = nil
    ) {
        self.site = site
        self.status = status
        self.latency = latency
        self.httpStatus = httpStatus
        self.budgetRemaining = budgetRemaining
        self.sampledAt = sampledAt
    }
}
