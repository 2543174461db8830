/// Counts of one bucket, for both SLIs of a service at once: every probe, the failed ones, and
/// the slow ones among those that did not fail. The latency SLI's total is the availability SLI's
/// good count, so three counters carry both SLIs (four would repeat one).
struct BucketCounts: Sendable, Equatable {
    var probes: UInt32 = 0
    var failed: UInt32 = 0
    var slow: UInt32 = 0

    static let zero = BucketCounts()

    /// Adds counts, saturating instead of wrapping so a flood can never turn into a small number.
    mutating func add(_ other: BucketCounts) {
        let (p, po) = probes.addingReportingOverflow(other.probes)
        let (f, fo) = failed.addingReportingOverflow(other.failed)
        let (s, so) = slow.addingReportingOverflow(other.slow)
        probes = po ? .max : p
        failed = fo ? .max : f
        slow = so ? .max : s
    }

    /// The good and total events of one SLI (clamped, so a saturated counter never reads negative).
    @inline(__always)
    func counts(_ sli: SLIKind) -> (good: UInt64, total: UInt64) {
        BucketCounts.view(sli, probes: UInt64(probes), failed: UInt64(failed), slow: UInt64(slow))
    }

    @inline(__always)
    static func view(_ sli: SLIKind, probes: UInt64, failed: UInt64, slow: UInt64) -> (good: UInt64, total: UInt64) {
        let available = probes - min(failed, probes)
        switch sli {
        case .availability: return (available, probes)
        case .latency: return (available - min(slow, available), available)
        }
    }
}

/// The closed buckets of every tier, three counters each, packed as tight as the probe rate
/// allows: 5 bits a counter in the 10 s tier (one 16-bit word a bucket), 10 bits in the 5 min tier
/// (one 32-bit word) and 13 bits in the 1 h tier (5 B a bucket); or, for weighted aggregates such
/// as `slo simulate`'s, 32 bits everywhere (12 B).
///
/// The config refuses probe intervals under ``SLILayout/minimumProbeInterval`` (1 s), so a 10 s
/// bucket holds at most about 10 probes (of 31), a 5 min bucket 300 (of 1,023) and an hour bucket
/// 3,600 (of 8,191): live probing stays well below the limits. Anything over (a corrupt history, a
/// flood of late results) saturates at the limit instead of wrapping, and the running sums add
/// what was stored, so they stay exact.
struct BucketRing: Sendable {
    /// The 10 s tier: a 16-bit word a bucket, probes in bits 0–4, failed in 5–9, slow in 10–14.
    private var fine: [UInt16]
    /// The 5 min tier: a word a bucket, probes in bits 0–9, failed in 10–19, slow in 20–29.
    private var medium: [UInt32]
    /// The 1 h tier: five bytes a bucket, a little-endian 40-bit word with probes in bits 0–12,
    /// failed in 13–25, slow in 26–38.
    private var coarse: [UInt8]
    private var wide: [UInt32]
    private let fineCount: Int
    /// Index of the first bucket of the 1 h tier.
    private let coarseStart: Int
    let isWide: Bool

    static let fineBits: UInt64 = 5
    static let fineLimit = UInt32(1 << fineBits - 1)
    static let mediumBits: UInt64 = 10
    static let mediumLimit = UInt32(1 << mediumBits - 1)
    static let coarseBits: UInt64 = 13
    static let coarseLimit = UInt32(1 << coarseBits - 1)

    /// Three counters of `bits` each in one word: probes lowest, then failed, then slow.
    @inline(__always)
    static func pack(_ v: BucketCounts, bits: UInt64) -> UInt64 {
        UInt64(v.probes) | UInt64(v.failed) << bits | UInt64(v.slow) << (2 * bits)
    }

    @inline(__always)
    static func unpack(_ w: UInt64, bits: UInt64) -> BucketCounts {
        let mask: UInt64 = 1 << bits - 1
        return BucketCounts(
            probes: UInt32(w & mask), failed: UInt32((w >> bits) & mask), slow: UInt32((w >> (2 * bits)) & mask))
    }

    /// `buckets` buckets, of which the first `fine` are a 10 s tier's and the next `medium` a 5 min
    /// tier's (the rest are the 1 h tier's).
    init(buckets: Int, fine: Int, medium: Int, wide isWide: Bool) {
        self.isWide = isWide
        let fine = min(fine, buckets)
        let medium = min(medium, buckets - fine)
        fineCount = isWide ? 0 : fine
        coarseStart = isWide ? 0 : fine + medium
        self.fine = isWide ? [] : Array(repeating: 0, count: fine)
        self.medium = isWide ? [] : Array(repeating: 0, count: medium)
        coarse = isWide ? [] : Array(repeating: 0, count: 5 * (buckets - fine - medium))
        wide = isWide ? Array(repeating: 0, count: 3 * buckets) : []
    }

    /// The largest count bucket `i` holds.
    func limit(at i: Int) -> UInt32 {
        if isWide { return .max }
        return i < fineCount ? Self.fineLimit : i < coarseStart ? Self.mediumLimit : Self.coarseLimit
    }

    /// Bytes on the heap (storage and headers).
    var heapBytes: Int {
        isWide ? 32 + wide.capacity * 4 : 96 + fine.capacity * 2 + medium.capacity * 4 + coarse.capacity
    }

    subscript(i: Int) -> BucketCounts {
        if isWide { return BucketCounts(probes: wide[3 * i], failed: wide[3 * i + 1], slow: wide[3 * i + 2]) }
        if i < fineCount { return Self.unpack(UInt64(fine[i]), bits: Self.fineBits) }
        if i < coarseStart { return Self.unpack(UInt64(medium[i - fineCount]), bits: Self.mediumBits) }
        let j = 5 * (i - coarseStart)
        var w: UInt64 = 0
        for k in 0..<5 { w |= UInt64(coarse[j + k]) << UInt64(8 * k) }
        return Self.unpack(w, bits: Self.coarseBits)
    }

    /// Stores `value` in bucket `i`, each counter saturated at ``limit(at:)``; returns what was stored.
    @discardableResult
    mutating func store(_ value: BucketCounts, at i: Int) -> BucketCounts {
        if isWide {
            wide[3 * i] = value.probes
            wide[3 * i + 1] = value.failed
            wide[3 * i + 2] = value.slow
            return value
        }
        let limit = limit(at: i)
        let v = BucketCounts(
            probes: min(value.probes, limit), failed: min(value.failed, limit),
            slow: min(value.slow, limit))
        if i < fineCount {
            fine[i] = UInt16(truncatingIfNeeded: Self.pack(v, bits: Self.fineBits))
        } else if i < coarseStart {
            medium[i - fineCount] = UInt32(truncatingIfNeeded: Self.pack(v, bits: Self.mediumBits))
        } else {
            let w = Self.pack(v, bits: Self.coarseBits)
            let j = 5 * (i - coarseStart)
            for k in 0..<5 { coarse[j + k] = UInt8(truncatingIfNeeded: w >> UInt64(8 * k)) }
        }
        return v
    }
}

/// A running sum over the complete buckets of one window, and a copy of the bucket straddling the
/// window's start, so that a window query reads one small array and never the rings.
struct SLIWindowSum: Sendable, Equatable {
    var probes: UInt64 = 0
    var failed: UInt64 = 0
    var slow: UInt64 = 0
    var oldest = BucketCounts.zero

    @inline(__always)
    func counts(_ sli: SLIKind) -> (good: UInt64, total: UInt64) {
        BucketCounts.view(sli, probes: probes, failed: failed, slow: slow)
    }
}

/// The running sums of an SLI's windows: the first eight (every window a standard policy needs)
/// inline, so that a burn-rate query reads only memory next to the SLI's other fields and a scan
/// over thousands of services streams through memory instead of chasing one pointer each.
struct WindowSums: Sendable {
    static let inlineCount = 8
    private var s0 = SLIWindowSum(), s1 = SLIWindowSum(), s2 = SLIWindowSum(), s3 = SLIWindowSum()
    private var s4 = SLIWindowSum(), s5 = SLIWindowSum(), s6 = SLIWindowSum(), s7 = SLIWindowSum()
    /// Windows past the eighth (custom rule windows).
    private var overflow: [SLIWindowSum]

    init(count: Int) {
        overflow = Array(repeating: SLIWindowSum(), count: max(0, count - Self.inlineCount))
    }

    /// Bytes on the heap (the inline sums are part of the owner's size).
    var heapBytes: Int { overflow.isEmpty ? 0 : 32 + overflow.capacity * MemoryLayout<SLIWindowSum>.stride }

    subscript(i: Int) -> SLIWindowSum {
        get {
            switch i {
            case 0: s0
            case 1: s1
            case 2: s2
            case 3: s3
            case 4: s4
            case 5: s5
            case 6: s6
            case 7: s7
            default: overflow[i - Self.inlineCount]
            }
        }
        set {
            switch i {
            case 0: s0 = newValue
            case 1: s1 = newValue
            case 2: s2 = newValue
            case 3: s3 = newValue
            case 4: s4 = newValue
            case 5: s5 = newValue
            case 6: s6 = newValue
            case 7: s7 = newValue
            default: overflow[i - Self.inlineCount] = newValue
            }
        }
    }
}

/// The counters of a service's two SLIs (availability and latency) in multi-resolution time
/// buckets, with running sums so that any kept window's good/total is O(1) and recording a result
/// is a compare and a few increments. Both SLIs share one ring of three counters per bucket
/// (``BucketCounts``); each query names the SLI it reads, availability unless told.
///
/// A window covers `[now − w, now]`: the live bucket, the complete buckets before it, and the
/// part of the oldest bucket that lies inside the window, counted in proportion (results are taken
/// as spread evenly within a bucket). Time is always passed in, in whole seconds since 1970.
///
/// - Important: time moves forward with the latest result or query; results older than the
///   current 10 s bucket are still counted in the buckets that hold their time, results older than
///   every tier's reach are dropped.
public struct RollingSLI: Sendable {
    /// The shared layout (tiers and kept windows).
    public let layout: SLILayout

    /// Every tier's ring, one after the other.
    var rings: BucketRing
    /// One running sum per window of the layout.
    var sums: WindowSums
    /// The live 10 s bucket.
    var live0 = BucketCounts.zero
    /// Closed 10 s buckets inside the current 5 min bucket.
    var acc1 = BucketCounts.zero
    /// Closed 10 s buckets inside the current 1 h bucket.
    var acc2 = BucketCounts.zero
    /// Number of the live 10 s bucket (its start ÷ 10).
    var bucket0: Int64 = 0
    /// Start of the live 10 s bucket (`.max` until the clock starts).
    var start0: Int64 = .max
    /// End of the fast path's range: the live bucket's end once a result was recorded, else empty.
    var end0: Int64 = .min
    /// Time of the earliest result, `.max` before the first.
    var firstSeconds: Int64 = .max
    /// Time of the earliest result counted by the latency SLI (an available probe).
    var firstLatencySeconds: Int64 = .max
    /// Time of the latest failed probe, `.min` before the first: a window that ends after it by
    /// more than its own length (plus a bucket) holds no bad event, so its burn rate is zero unread.
    var lastFailedSeconds: Int64 = .min
    /// Time of the latest slow probe, `.min` before the first.
    var lastSlowSeconds: Int64 = .min

    /// 10 s buckets per 5 min and per 1 h bucket.
    private static let perFiveMinutes: Int64 = 30
    private static let perHour: Int64 = 360

    /// Empty counters with a layout.
    public init(layout: SLILayout) {
        self.layout = layout
        rings = BucketRing(
            buckets: layout.capacities.reduce(0, +), fine: layout.capacities[0],
            medium: layout.capacities[1], wide: layout.wideCounters)
        sums = WindowSums(count: layout.windows.count)
    }

    /// Time of the earliest result recorded, in seconds since 1970.
    public var firstRecordSeconds: Int64? { firstSeconds == .max ? nil : firstSeconds }

    /// Time of the latest bad event of the availability SLI, `.min` before the first.
    public var lastBadSeconds: Int64 { lastFailedSeconds }

    /// Time of the latest bad event of an SLI, `.min` before the first.
    func lastBadSeconds(_ sli: SLIKind) -> Int64 { sli == .availability ? lastFailedSeconds : lastSlowSeconds }

    /// Bytes these counters hold: the struct (with its inline sums), the rings' storage and
    /// header, and any overflow sums (the layout is shared and not counted).
    public var memoryFootprint: Int {
        MemoryLayout<RollingSLI>.size + rings.heapBytes + sums.heapBytes
    }

    // MARK: Recording

    /// Records one result of the availability SLI at time `t` (seconds since 1970).
    @inline(__always)
    public mutating func record(good: Bool, at t: Int64) {
        record(BucketCounts(probes: 1, failed: good ? 0 : 1), latencyEvents: good, at: t)
    }

    /// Records one probe for both SLIs: `available` for the availability SLI and, when available,
    /// `slow` for the latency SLI.
    @inline(__always)
    public mutating func record(available: Bool, slow: Bool, at t: Int64) {
        record(
            BucketCounts(probes: 1, failed: available ? 0 : 1, slow: available && slow ? 1 : 0),
            latencyEvents: available, at: t)
    }

    /// Records one weighted aggregate of one SLI at time `t`: `total` events of which `good` were
    /// good. Negative counts are ignored and `good` is clamped to `total`. The latency SLI's
    /// events are the availability SLI's good ones, so its aggregate adds only its bad events
    /// (record the availability aggregate of the same period too).
    public mutating func record(good: Int, total: Int, at t: Int64, sli: SLIKind = .availability) {
        guard total > 0 else { return }
        let tot = UInt32(clamping: total)
        let bad = tot - min(UInt32(clamping: max(good, 0)), tot)
        switch sli {
        case .availability: record(BucketCounts(probes: tot, failed: bad), latencyEvents: bad < tot, at: t)
        case .latency: record(BucketCounts(slow: bad), latencyEvents: true, at: t)
        }
    }

    /// `latencyEvents`: whether `x` holds events of the latency SLI (an available probe), which
    /// start that SLI's data.
    @inline(__always)
    private mutating func record(_ x: BucketCounts, latencyEvents: Bool, at t: Int64) {
        if x.failed > 0 && t > lastFailedSeconds { lastFailedSeconds = t }
        if x.slow > 0 && t > lastSlowSeconds { lastSlowSeconds = t }
        if t >= start0 && t < end0 && (x.probes == 0 || firstSeconds != .max)
            && (!latencyEvents || firstLatencySeconds != .max)
        {
            live0.add(x)
        } else {
            recordSlow(x, latencyEvents: latencyEvents, at: t)
        }
    }

    private mutating func recordSlow(_ x: BucketCounts, latencyEvents: Bool, at time: Int64) {
        let t = Self.clamp(time)
        if start0 == .max { begin(at: t) }
        if t >= start0 + 10 { advance(to: t) }
        if t >= start0 {
            live0.add(x)
        } else {
            // Older than every tier's reach: dropped, and not the start of the data either.
            let reach = (SLIWindow.floorDiv(bucket0, Self.perHour) - Int64(layout.capacities[2])) * 3600
            guard t >= reach else { return }
            addLate(x, at: t)
        }
        if x.probes > 0 && t < firstSeconds { firstSeconds = t }
        if latencyEvents && t < firstLatencySeconds { firstLatencySeconds = t }
        end0 = start0 + 10
    }

    /// Keeps times within ±2^40 s (±35,000 years) so bucket arithmetic can never overflow.
    private static func clamp(_ t: Int64) -> Int64 { min(max(t, -(1 << 40)), 1 << 40) }

    private mutating func begin(at t: Int64) {
        bucket0 = SLIWindow.floorDiv(t, 10)
        start0 = bucket0 * 10
        end0 = start0
    }

    /// Moves the clock forward to `t`: closes buckets that ended and slides every running sum.
    /// Moving backward does nothing. The first call (or record) starts the clock.
    public mutating func advance(to time: Int64) {
        let t = Self.clamp(time)
        if start0 == .max {
            begin(at: t)
            return
        }
        let target0 = SLIWindow.floorDiv(t, 10)
        guard target0 > bucket0 else { return }
        acc1.add(live0)
        acc2.add(live0)
        roll(tier: 0, from: bucket0, to: target0, closing: live0)
        let c1 = SLIWindow.floorDiv(bucket0, Self.perFiveMinutes)
        let t1 = SLIWindow.floorDiv(target0, Self.perFiveMinutes)
        if t1 > c1 {
            roll(tier: 1, from: c1, to: t1, closing: acc1)
            acc1 = .zero
        }
        let c2 = SLIWindow.floorDiv(bucket0, Self.perHour)
        let t2 = SLIWindow.floorDiv(target0, Self.perHour)
        if t2 > c2 {
            roll(tier: 2, from: c2, to: t2, closing: acc2)
            acc2 = .zero
        }
        live0 = .zero
        bucket0 = target0
        start0 = target0 * 10
        // The fast path stays closed until the first result, so that result sets the start time.
        end0 = firstSeconds == .max ? start0 : start0 + 10
    }

    /// Closes bucket `c` of a tier with `value` and moves the tier's current bucket to `target`.
    private mutating func roll(tier: Int, from c: Int64, to target: Int64, closing value: BucketCounts) {
        let n = Int64(layout.capacities[tier])
        let base = layout.offsets[tier]
        let windows = layout.tierWindows[tier]
        let buckets = layout.windowBuckets
        if target - c > n {
            for i in base..<(base + Int(n)) { rings.store(.zero, at: i) }
            for w in windows { sums[w] = SLIWindowSum() }
            return
        }
        var b = c
        var v = value
        while b < target {
            // What the ring keeps (saturated at its width) is what the sums add, so that the
            // bucket leaves the sums exactly as it entered them.
            let slot = base + Int(SLIWindow.floorMod(b, n))
            let stored = rings.store(v, at: slot)
            // Slide each window by one bucket: bucket b enters, bucket b − k + 1 leaves the
            // complete part and becomes the straddling one.
            for w in windows {
                let k = buckets[w]
                var sum = sums[w]
                if k >= 2 {
                    let drop = rings[base + Int(SLIWindow.floorMod(b - k + 1, n))]
                    sum.probes = sum.probes &+ UInt64(stored.probes) &- UInt64(drop.probes)
                    sum.failed = sum.failed &+ UInt64(stored.failed) &- UInt64(drop.failed)
                    sum.slow = sum.slow &+ UInt64(stored.slow) &- UInt64(drop.slow)
                    sum.oldest = drop
                } else {
                    sum.oldest = stored
                }
                sums[w] = sum
            }
            v = .zero
            b += 1
        }
    }

    /// Counts a result older than the live 10 s bucket in every tier that still holds its time.
    private mutating func addLate(_ x: BucketCounts, at t: Int64) {
        addToPast(tier: 0, bucket: SLIWindow.floorDiv(t, 10), current: bucket0, x)
        let c1 = SLIWindow.floorDiv(bucket0, Self.perFiveMinutes)
        let b1 = SLIWindow.floorDiv(t, 300)
        if b1 == c1 { acc1.add(x) } else { addToPast(tier: 1, bucket: b1, current: c1, x) }
        let c2 = SLIWindow.floorDiv(bucket0, Self.perHour)
        let b2 = SLIWindow.floorDiv(t, 3600)
        if b2 == c2 { acc2.add(x) } else { addToPast(tier: 2, bucket: b2, current: c2, x) }
    }

    private mutating func addToPast(tier: Int, bucket b: Int64, current c: Int64, _ x: BucketCounts) {
        let n = Int64(layout.capacities[tier])
        let age = c - b
        guard age >= 1, age <= n else { return }
        let slot = layout.offsets[tier] + Int(SLIWindow.floorMod(b, n))
        let before = rings[slot]
        var sum = before
        sum.add(x)
        let after = rings.store(sum, at: slot)
        for w in layout.tierWindows[tier] {
            let k = layout.windowBuckets[w]
            if age <= k - 1 {
                sums[w].probes &+= UInt64(after.probes - before.probes)
                sums[w].failed &+= UInt64(after.failed - before.failed)
                sums[w].slow &+= UInt64(after.slow - before.slow)
            } else if age == k {
                sums[w].oldest = after
            }
        }
    }

    // MARK: Queries

    /// Good and total events of an SLI over the last `seconds` up to `now` (which also advances
    /// the clock). Kept windows are O(1); any other window is summed from the finest tier that
    /// covers it.
    public mutating func counts(
        overSeconds seconds: Int64, now time: Int64,
        sli: SLIKind = .availability
    ) -> WindowCounts {
        let now = Self.clamp(time)
        advance(to: now)
        let w = max(1, seconds)
        let first = sli == .availability ? firstSeconds : firstLatencySeconds
        let coverage = first == .max ? 0 : min(1, max(0, Double(now - first) / Double(w)))
        let good: Double
        let total: Double
        if let i = layout.windowIndex(seconds: w) {
            (good, total) = kept(window: i, now: now, sli: sli)
        } else {
            let (tier, k) = SLILayout.placement(of: w, capacities: layout.capacities)
            (good, total) = summed(tier: tier, buckets: k, now: now, sli: sli)
        }
        return WindowCounts(good: good, total: total, coverage: coverage)
    }

    /// Every kept window's counts of an SLI at once (`out` holds at least ``SLILayout/windows``
    /// `.count` entries): the tiers' live parts and fractions are worked out once, and only the
    /// small sums array is read, so all burn rates of thousands of SLIs take a few milliseconds.
    mutating func keptCounts(
        now time: Int64, sli: SLIKind = .availability,
        into out: UnsafeMutableBufferPointer<WindowCounts>
    ) {
        let now = Self.clamp(time)
        advance(to: now)
        let tier0 = liveAndFraction(tier: 0, now: now)
        let tier1 = liveAndFraction(tier: 1, now: now)
        let tier2 = liveAndFraction(tier: 2, now: now)
        let first = sli == .availability ? firstSeconds : firstLatencySeconds
        let span = first == .max ? -1 : Double(max(0, now - first))
        let windows = layout.windows
        let tiers = layout.windowTiers
        for i in 0..<min(out.count, windows.count) {
            let (live, _, f) = tiers[i] == 0 ? tier0 : (tiers[i] == 1 ? tier1 : tier2)
            let (good, total) = Self.combine(live: live, sum: sums[i], fraction: f, sli: sli)
            out[i] = WindowCounts(good: good, total: total, coverage: span < 0 ? 0 : min(1, span / Double(windows[i])))
        }
    }

    /// The live part, the complete buckets and the straddling bucket's share, as good and total.
    @inline(__always)
    private static func combine(
        live: BucketCounts, sum: SLIWindowSum, fraction f: Double,
        sli: SLIKind
    ) -> (Double, Double) {
        let l = live.counts(sli)
        let s = sum.counts(sli)
        let o = sum.oldest.counts(sli)
        return (
            Double(l.good) + Double(s.good) + f * Double(o.good),
            Double(l.total) + Double(s.total) + f * Double(o.total)
        )
    }

    /// Good and total events of an SLI over a window, or over the SLO window when `window` is `nil`.
    public mutating func counts(over window: Duration? = nil, now: Int64, sli: SLIKind = .availability) -> WindowCounts
    {
        counts(overSeconds: window.map(SLIWindow.seconds) ?? layout.sloWindowSeconds, now: now, sli: sli)
    }

    /// The live part of a tier's current bucket and the share of the oldest bucket in the window.
    private func liveAndFraction(tier: Int, now: Int64) -> (live: BucketCounts, current: Int64, fraction: Double) {
        var live = live0
        let r: Int64
        let c: Int64
        // Constant divisors, so each is a multiply rather than a division.
        switch tier {
        case 0:
            r = 10
            c = bucket0
        case 1:
            live.add(acc1)
            r = 300
            c = SLIWindow.floorDiv(bucket0, 30)
        default:
            live.add(acc2)
            r = 3600
            c = SLIWindow.floorDiv(bucket0, 360)
        }
        let phase = min(max(now - c * r, 0), r - 1)
        return (live, c, Double(r - phase) / Double(r))
    }

    private func kept(window i: Int, now: Int64, sli: SLIKind) -> (Double, Double) {
        let (live, _, f) = liveAndFraction(tier: layout.windowTiers[i], now: now)
        return Self.combine(live: live, sum: sums[i], fraction: f, sli: sli)
    }

    /// A window summed bucket by bucket: the reference the running sums must agree with.
    func summed(tier: Int, buckets k: Int64, now: Int64, sli: SLIKind = .availability) -> (Double, Double) {
        let (live, c, f) = liveAndFraction(tier: tier, now: now)
        let n = Int64(layout.capacities[tier])
        let base = layout.offsets[tier]
        let l = live.counts(sli)
        var good = Double(l.good)
        var total = Double(l.total)
        var j: Int64 = 1
        while j < k {
            let b = rings[base + Int(SLIWindow.floorMod(c - j, n))].counts(sli)
            good += Double(b.good)
            total += Double(b.total)
            j += 1
        }
        let oldest = rings[base + Int(SLIWindow.floorMod(c - k, n))].counts(sli)
        return (good + f * Double(oldest.good), total + f * Double(oldest.total))
    }
}
