/// Counts of one SLI over a period, as the history store keeps them (per minute, or coarser for
/// old data). The unit of export and restore for ``RollingSLI`` and ``SLOBook``.
public struct SLIAggregate: Sendable, Equatable, Codable {
    /// Start of the period, seconds since 1970.
    public var start: Int64
    /// Length of the period in seconds (60 for a per-minute aggregate).
    public var seconds: Int64
    /// Good events in the period.
    public var good: Int
    /// All events in the period.
    public var total: Int

    /// Creates an aggregate.
    public init(start: Int64, seconds: Int64 = 60, good: Int, total: Int) {
        self.start = start
        self.seconds = seconds
        self.good = good
        self.total = total
    }
}

extension RollingSLI {
    /// Rebuilds counters from stored aggregates (any order, any period lengths), as of `now`.
    ///
    /// Each aggregate is spread evenly over the buckets of the finest tier that still holds its
    /// start, so per-minute aggregates of the last hour land in 10 s buckets and older ones in
    /// 5 min or 1 h buckets. Aggregates older than the SLO window are dropped.
    /// Restore the availability aggregates of a period before the latency ones (the latency
    /// SLI's events are the available probes).
    public mutating func restore(_ aggregates: [SLIAggregate], now: Int64, sli: SLIKind = .availability) {
        advance(to: now)
        for a in aggregates { restore(a, sli: sli) }
    }

    private mutating func restore(_ a: SLIAggregate, sli: SLIKind) {
        guard a.total > 0, start0 != .max else { return }
        let length = min(max(1, a.seconds), 1 << 40)
        let start = min(max(a.start, -(1 << 40)), 1 << 40)
        let total = min(a.total, 1 << 50)
        let good = min(max(a.good, 0), total)
        // Only the part the rings still hold (and nothing after the live bucket) is spread, so a
        // corrupt period can neither loop for long nor move the clock.
        let earliest = (SLIWindow.floorDiv(start0, 3600) - Int64(layout.capacities[2])) * 3600
        let from = max(start, earliest)
        let to = min(start + length, start0 + 10)
        guard from < to else { return }
        let r = spreadResolution(at: from)
        var pieceStart = from
        let end = start + length
        let skipped = Double(from - start) / Double(length)
        var goodSoFar = Int((Double(good) * skipped).rounded(.down))
        var totalSoFar = Int((Double(total) * skipped).rounded(.down))
        while pieceStart < to {
            let pieceEnd = min(to, (SLIWindow.floorDiv(pieceStart, r) + 1) * r)
            let fraction = Double(pieceEnd - start) / Double(length)
            let totalUpTo = pieceEnd == end ? total : Int((Double(total) * fraction).rounded(.down))
            let goodUpTo = pieceEnd == end ? good : Int((Double(good) * fraction).rounded(.down))
            record(good: goodUpTo - goodSoFar, total: totalUpTo - totalSoFar, at: pieceStart, sli: sli)
            goodSoFar = goodUpTo
            totalSoFar = totalUpTo
            pieceStart = pieceEnd
        }
    }

    /// Bucket length of the finest tier whose ring still reaches back to time `t`.
    private func spreadResolution(at t: Int64) -> Int64 {
        guard start0 != .max else { return SLILayout.resolutions[0] }
        for tier in 0..<3 {
            let r = SLILayout.resolutions[tier]
            let current = SLIWindow.floorDiv(start0, r)
            if t >= (current - Int64(layout.capacities[tier])) * r { return r }
        }
        return SLILayout.resolutions[2]
    }
}
