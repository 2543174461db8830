import Foundation

/// What the cascade analysis needs to know about one probed node at one snapshot.
///
/// The Monitor keeps the spell bookkeeping (when trouble began, when it ended); the analysis
/// itself reads no clock.
public struct CascadeObservation: Sendable, Equatable {
    /// The node's state for the cascade.
    public enum Health: Sendable, Equatable {
        /// Up, latency under its threshold.
        case healthy
        /// Answering, but `degraded` or with latency over its threshold.
        case slow
        /// `down` or `unknown`.
        case unhealthy
    }

    /// Healthy, slow or unhealthy.
    public var health: Health
    /// When the current spell of trouble (slow or unhealthy, without a healthy probe between)
    /// began: the start of the spell's first bad probe. For a healthy node, when its last spell
    /// began, if there was one; `nil` when unknown.
    public var onset: Date?
    /// The kind of the latest failure, for an unhealthy node.
    public var failure: FailureKind?
    /// For a healthy node, when its last spell of trouble ended (its first good probe after it);
    /// `nil` when it has not been in trouble.
    public var recoveredAt: Date?
    /// Whether the trouble was seen through a transaction step that exercises this node rather
    /// than by its own probe: it counts even for a node without a probe (see ``JourneyEvidence``).
    public var isJourneyEvidence = false

    /// Creates an observation.
    public init(health: Health, onset: Date? = nil, failure: FailureKind? = nil, recoveredAt: Date? = nil) {
        self.health = health
        self.onset = onset
        self.failure = failure
        self.recoveredAt = recoveredAt
    }

    /// Maps a probe status: `up` is healthy unless its latency is over the threshold, `degraded`
    /// is slow, `down` and `unknown` are unhealthy.
    public init(
        status: ProbeStatus, latencyOverThreshold: Bool = false, onset: Date? = nil, failure: FailureKind? = nil,
        recoveredAt: Date? = nil
    ) {
        let health: Health
        switch status {
        case .up: health = latencyOverThreshold ? .slow : .healthy
        case .degraded: health = .slow
        case .unknown, .down: health = .unhealthy
        }
        self.init(health: health, onset: onset, failure: failure, recoveredAt: recoveredAt)
    }

    /// A node with no trouble on record.
    public static let healthy = CascadeObservation(health: .healthy)

    /// A node failing since `onset`.
    public static func unhealthy(since onset: Date?, failure: FailureKind? = nil) -> CascadeObservation {
        CascadeObservation(health: .unhealthy, onset: onset, failure: failure)
    }

    /// A node answering slowly since `onset`.
    public static func slow(since onset: Date?) -> CascadeObservation {
        CascadeObservation(health: .slow, onset: onset)
    }

    /// A healthy node whose last spell of trouble ran from `onset` to `recoveredAt`.
    public static func recovered(at recoveredAt: Date, troubledSince onset: Date?) -> CascadeObservation {
        CascadeObservation(health: .healthy, onset: onset, recoveredAt: recoveredAt)
    }

    /// Whether the latest failure is a probe timeout.
    public var isTimingOut: Bool { failure == .timeout }

    /// Whether this failure is of a kind a slow upstream can cause. A service whose call to a
    /// slow upstream runs out of time either times out itself or answers an error of its own
    /// (a 5xx, seen as a failed condition), so those count; a refused or reset connection, a
    /// DNS, TLS or protocol failure says the service's own endpoint is broken, whatever its
    /// upstreams do.
    var canFollowSlowUpstream: Bool {
        switch failure {
        case nil, .timeout?, .condition?, .command?, .other?: true
        case .refused?, .reset?, .dns?, .tls?, .protocolError?, .bodyTooLarge?, .redirects?: false
        }
    }
}

/// The timing rules of the cascade analysis.
///
/// A failure is seen only when a probe runs, so a recorded onset lags the real one by up to a
/// probe interval. The margins absorb that lag, so attribution does not flip with probe phase.
public struct CascadePolicy: Sendable, Equatable {
    /// A node whose trouble began more than this many of its upstream's probe intervals before
    /// the upstream's did is a root of its own, not a victim of that upstream.
    public var onsetMarginIntervals: Double
    /// The onset margin is never less than this.
    public var minimumOnsetMargin: Duration
    /// A victim still failing this many of its own probe intervals after its root cause
    /// recovered keeps its attribution; past that it is a root of its own.
    public var recoveryGraceIntervals: Double
    /// The recovery grace is never less than this.
    public var minimumRecoveryGrace: Duration

    /// Two intervals and at least 30 s for both margins.
    public static let standard = CascadePolicy(
        onsetMarginIntervals: 2, minimumOnsetMargin: .seconds(30), recoveryGraceIntervals: 2,
        minimumRecoveryGrace: .seconds(30))

    /// Creates a policy.
    public init(
        onsetMarginIntervals: Double, minimumOnsetMargin: Duration, recoveryGraceIntervals: Double,
        minimumRecoveryGrace: Duration
    ) {
        self.onsetMarginIntervals = onsetMarginIntervals
        self.minimumOnsetMargin = minimumOnsetMargin
        self.recoveryGraceIntervals = recoveryGraceIntervals
        self.minimumRecoveryGrace = minimumRecoveryGrace
    }

    /// How much earlier than an upstream probed every `interval` a downstream's trouble must
    /// have begun to count as "clearly before" it, in seconds.
    public func onsetMargin(upstreamInterval interval: Duration) -> TimeInterval {
        max(onsetMarginIntervals * interval.seconds, minimumOnsetMargin.seconds)
    }

    /// How long a victim probed every `interval` stays attributed to a root cause that has
    /// recovered, in seconds.
    public func recoveryGrace(victimInterval interval: Duration) -> TimeInterval {
        max(recoveryGraceIntervals * interval.seconds, minimumRecoveryGrace.seconds)
    }
}
