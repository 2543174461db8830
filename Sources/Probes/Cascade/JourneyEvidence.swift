import Foundation

/// What transactions tell the cascade analysis about the upstreams their steps exercise.
///
/// A transaction step that names an `upstream` and fails is evidence that the upstream is in
/// trouble as this transaction observed it, even while the upstream's own health probe is green
/// or when it has none: the loan application that fails at "credit check" failed because of the
/// credit bureau. The transaction depends on its steps' upstreams (the config adds the edges), so
/// the analysis names the upstream the root and the transaction its victim.
public enum JourneyEvidence {
    /// The upstream a transaction result blames: that of its first failed step, when it names one.
    public static func blamedUpstream(_ result: ProbeResult) -> String? {
        guard result.status == .down else { return nil }
        return result.failedStep?.upstream
    }

    /// One transaction's blame of one upstream: since when its runs have failed at a step that
    /// exercises it, and when that stopped (the first run after that did not fail there).
    public struct Blame: Sendable, Equatable {
        public var upstream: String
        public var onset: Date
        /// `nil` while the transaction still fails there.
        public var recoveredAt: Date?

        public init(upstream: String, onset: Date, recoveredAt: Date? = nil) {
            self.upstream = upstream
            self.onset = onset
            self.recoveredAt = recoveredAt
        }
    }

    /// `observations` with the journeys' view of every blamed upstream: in trouble since the
    /// earliest onset while a transaction still fails there (unless its own observation already
    /// says it is unhealthy), else recovered when the last one stopped, so that its victims keep
    /// their attribution for the recovery grace as they would with the upstream's own probe.
    public static func merge(
        _ observations: [String: CascadeObservation], blames: [Blame]
    ) -> [String: CascadeObservation] {
        var merged = observations
        for (upstream, list) in Dictionary(grouping: blames, by: \.upstream) {
            let own = merged[upstream]
            if let onset = list.filter({ $0.recoveredAt == nil }).map(\.onset).min() {
                if own?.health == .unhealthy { continue }
                var observation = CascadeObservation.unhealthy(since: onset, failure: .condition)
                observation.isJourneyEvidence = true
                merged[upstream] = observation
            } else if let recovered = list.compactMap(\.recoveredAt).max() {
                // The upstream's own trouble, or a later recovery of its own, tells more.
                if let own, own.health != .healthy || (own.recoveredAt ?? .distantPast) >= recovered { continue }
                var observation = CascadeObservation.recovered(at: recovered, troubledSince: list.map(\.onset).min())
                observation.isJourneyEvidence = true
                merged[upstream] = observation
            }
        }
        return merged
    }
}
