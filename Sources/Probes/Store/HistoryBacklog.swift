import Foundation

/// Where batches go: the history, or a test's stand-in.
public protocol HistoryWriter: Sendable {
    /// Writes one batch in a single transaction.
    func write(_ batch: HistoryBatch) throws(HistoryError)
    /// Warnings from writes that went through anyway; each returned once.
    func takeNotices() -> [String]
}

extension HistoryWriter {
    public func takeNotices() -> [String] { [] }
}

/// What a history write that failed leaves behind: the batches not written, merged into one and
/// written with the next batch once the disk takes writes again (disk full, read-only, I/O errors
/// all pass). The agent keeps probing and alerting meanwhile.
///
/// Bounded: per service at most ``minutesKept`` minutes of counts (three hours), the raw results
/// the history keeps anyway (``HistoryStore/rawResultsKept`` per service), and alert states and
/// incidents as their latest versions. Counts older than that are dropped, oldest first, and
/// counted in ``droppedProbes``, so nothing is lost silently.
public struct HistoryBacklog: Sendable {
    /// Minutes of counts kept per service while the history cannot be written.
    public static let minutesKept = 180

    /// What waits to be written.
    public private(set) var pending = HistoryBatch()
    /// Probe results whose counts were dropped past the bound during this outage.
    public private(set) var droppedProbes = 0
    /// Kinds of failure already reported during this outage (each is warned about once).
    private var reported: Set<HistoryError.Kind> = []
    /// Batches that failed during this outage.
    private var failedWrites = 0

    public init() {}

    /// Whether writes are failing now.
    public var isFailing: Bool { failedWrites > 0 }

    /// Probe results counted in what waits to be written.
    public var pendingProbes: Int {
        pending.aggregates.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + Int($1.availabilityTotal) } }
    }

    /// Writes `batch` with whatever waits before it; returns the notices to show (one when a new
    /// kind of failure begins, one when writing works again).
    public mutating func write(_ batch: HistoryBatch?, to writer: some HistoryWriter) -> [String] {
        if let batch { pending.merge(batch) }
        guard !pending.isEmpty else { return [] }
        do {
            try writer.write(pending)
        } catch {
            failedWrites += 1
            trim()
            let notices = writer.takeNotices()
            guard reported.insert(error.kind).inserted else { return notices }
            return notices + [
                "\(error.description) (\(error.kind.rawValue)); keeping up to \(Self.minutesKept / 60) h of "
                    + "results in memory and retrying every second; probing and alerting go on"
            ]
        }
        defer {
            pending = HistoryBatch()
            failedWrites = 0
            droppedProbes = 0
            reported = []
        }
        let notices = writer.takeNotices()
        guard failedWrites > 0 else { return notices }
        var notice =
            "history written again after \(failedWrites) failed write\(failedWrites == 1 ? "" : "s"): "
            + "every result kept meanwhile is in it"
        if droppedProbes > 0 {
            notice =
                "history written again after \(failedWrites) failed writes: \(droppedProbes) probe results "
                + "older than \(Self.minutesKept / 60) h were dropped from the counts"
        }
        return notices + [notice]
    }

    /// Drops the oldest minutes of a service past ``minutesKept``, counting their probes.
    private mutating func trim() {
        for (service, minutes) in pending.aggregates where minutes.count > Self.minutesKept {
            let oldest = minutes.keys.sorted().prefix(minutes.count - Self.minutesKept)
            var kept = minutes
            for minute in oldest {
                droppedProbes += Int(kept[minute]?.availabilityTotal ?? 0)
                kept[minute] = nil
            }
            pending.aggregates[service] = kept
        }
    }
}

extension HistoryBatch {
    /// Adds a later batch to this one: counts add up, results append (the last
    /// ``HistoryStore/rawResultsKept`` per service kept), alert states and incidents take their
    /// latest versions.
    public mutating func merge(_ later: HistoryBatch) {
        for (service, minutes) in later.aggregates {
            for (minute, counts) in minutes {
                aggregates[service, default: [:]][minute, default: MinuteAggregate(minute: minute)].merge(counts)
            }
        }
        results += later.results
        if results.count > HistoryStore.rawResultsKept {
            var perService: [String: Int] = [:]
            var keep = [Bool](repeating: false, count: results.count)
            for index in results.indices.reversed() {
                let seen = perService[results[index].service, default: 0]
                if seen < HistoryStore.rawResultsKept {
                    keep[index] = true
                    perService[results[index].service] = seen + 1
                }
            }
            results = results.indices.filter { keep[$0] }.map { results[$0] }
        }
        for (key, payload) in later.alertStates {
            alertStates[key] = payload
            removedAlertStates.remove(key)
        }
        for key in later.removedAlertStates {
            alertStates[key] = nil
            removedAlertStates.insert(key)
        }
        for record in later.incidents {
            incidents.removeAll { $0.id == record.id }
            incidents.append(record)
        }
    }
}

extension MinuteAggregate {
    /// Adds another count of the same minute.
    mutating func merge(_ other: MinuteAggregate) {
        availabilityGood += other.availabilityGood
        availabilityTotal += other.availabilityTotal
        latencyGood += other.latencyGood
        latencyTotal += other.latencyTotal
    }
}
