import Foundation

/// One error budget per service for the fleet: the sites' availability counters summed, so the
/// budget is what the service's users experience across sites, not the worst site's.
///
/// The counters are the agents' `incidentboard_sli_events_total` and
/// `incidentboard_sli_errors_total` (since each agent started), so the fleet budget covers what
/// the reporting agents have probed since they started, extrapolated to the SLO window as a local
/// budget is.
public enum FleetBudget {
    /// 1 − (Σ errors / Σ events) / (1 − objective), from the sites that export both counters;
    /// `nil` without events or with an objective outside (0, 1).
    public static func remaining(_ sites: [SiteReading], objective: Double) -> Double? {
        guard objective > 0, objective < 1 else { return nil }
        var events = 0.0
        var errors = 0.0
        for site in sites {
            guard let e = site.events, let bad = site.errors, e.isFinite, bad.isFinite, e > 0, bad >= 0 else {
                continue
            }
            events += e
            errors += min(bad, e)
        }
        guard events > 0 else { return nil }
        return 1 - (errors / events) / (1 - objective)
    }

    /// The share of the SLO window the events of one probe cover: events × interval / window,
    /// at most 1 (a site that probed for an hour of a 28-day window covers about 0.15 %).
    public static func coverage(events: Double, interval: Duration, window: Duration) -> Double {
        let windowSeconds = Double(window.components.seconds)
        let intervalSeconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        guard events.isFinite, events > 0, windowSeconds > 0, intervalSeconds > 0 else { return 0 }
        return min(1, events * intervalSeconds / windowSeconds)
    }

    /// Whether a budget from `events` probes every `interval` is worth showing
    /// (``SLIStatus/meaningfulCoverage`` of the window).
    public static func isMeaningful(events: Double?, interval: Duration, window: Duration) -> Bool {
        guard let events else { return false }
        return coverage(events: events, interval: interval, window: window) >= SLIStatus.meaningfulCoverage
    }
}
