import Foundation
import Probes

/// The weeks of healthy probing a real estate would have behind it, written into a fresh demo
/// history before the board starts. Without them the error budget of a few minutes of data
/// would be gone at the first failure, and the burn-rate rules, which wait until their long
/// window holds more than a short window of data, would stay silent for the first minutes.
public enum HealthyHistory {
    /// How far back per-minute counts go; older days are written one row per hour.
    public static let perMinuteSpan: TimeInterval = 6 * 3600

    /// Writes all-good counts for every probed entry of `config`, from `days` days before `now`
    /// up to the minute before it, at each entry's probe rate.
    public static func prefill(
        _ store: HistoryStore, config: ProbesConfig, now: Date, days: Int = 28
    ) throws(HistoryError) {
        let thisMinute = MinuteAggregate.minute(of: now)
        let firstDetailed = thisMinute - Int64(perMinuteSpan / 60)
        let firstHour = (thisMinute - Int64(days) * 1440) / 60 * 60
        var batch = HistoryBatch()
        for service in config.services {
            guard let probe = service.probe else { continue }
            let perMinute = Int64(max(1, (60 / max(probe.interval.seconds, 0.001)).rounded()))
            var rows: [Int64: MinuteAggregate] = [:]
            var hour = firstHour
            while hour + 60 <= firstDetailed {
                rows[hour] = healthy(minute: hour, probes: perMinute * 60)
                hour += 60
            }
            for minute in hour..<thisMinute {
                rows[minute] = healthy(minute: minute, probes: perMinute)
            }
            batch.aggregates[service.name] = rows
        }
        try store.write(batch)
    }

    private static func healthy(minute: Int64, probes: Int64) -> MinuteAggregate {
        MinuteAggregate(
            minute: minute, availabilityGood: probes, availabilityTotal: probes, latencyGood: probes,
            latencyTotal: probes)
    }
}
