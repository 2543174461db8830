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

    /// `observations` with every blamed upstream in trouble since the earliest onset reported for
    /// it, unless its own observation already says it is unhealthy.
    /// - Parameter blamed: per upstream, the onsets of the transactions that blame it.
    public static func merge(
        _ observations: [String: CascadeObservation], blamed: [String: [Date]]
    ) -> [String: CascadeObservation] {
        var merged = observations
        for (upstream, onsets) in blamed {
            guard let onset = onsets.min() else { continue }
            if let own = merged[upstream], own.health == .unhealthy { continue }
            var observation = CascadeObservation.unhealthy(since: onset, failure: .condition)
            observation.isJourneyEvidence = true
            merged[upstream] = observation
        }
        return merged
    }
}
