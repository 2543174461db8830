/// How an SLI's counters are laid out: three tiers of buckets and the windows kept as running sums.
///
/// Tiers: 10 s buckets for the last hour, 5 min buckets for the last day, 1 h buckets out to the
/// SLO window (at least 3 days). Each window is served from the finest tier that covers it, so the
/// memory of an SLI is fixed by the SLO window, never by the probe rate. One layout is shared by
/// every SLI with the same SLO window and rule windows.
public final class SLILayout: Sendable {
    /// Bucket length of each tier in seconds, finest first.
    public static let resolutions: [Int64] = [10, 300, 3600]
    /// Longest window the coarse tier keeps; longer SLO windows are served as this long.
    public static let maximumWindowSeconds: Int64 = 400 * 86_400
    /// The shortest probe interval the config accepts. A 10 s bucket then holds about 10 probes
    /// (of the 31 its 5-bit counters hold), a 5 min bucket 300 (of 1,023, 10 bits) and an hour
    /// bucket 3,600 (of 8,191, 13 bits) (``BucketRing``).
    public static let minimumProbeInterval: Duration = .seconds(1)

    /// Whether the rings count in 32 bits (for weighted aggregates of any size, as `slo simulate`
    /// records) instead of 5, 10 and 13 (probes at ``minimumProbeInterval`` or slower).
    public let wideCounters: Bool

    /// Ring slots per tier: one more than the longest window of the tier in buckets, so the
    /// bucket straddling a window's start is still there to be counted in part.
    public let capacities: [Int]
    /// The SLO window in seconds (whole hours when longer than a day).
    public let sloWindowSeconds: Int64
    /// The windows kept as running sums, in seconds, as served (rounded to their tier's buckets).
    public let windows: [Int64]

    /// Index in ``windows`` of each of ``SLIWindow/standardSeconds``, and of the SLO window.
    let standardWindowIndices: [Int]
    let sloWindowIndex: Int

    /// Offset of each tier's ring in the shared bucket array.
    let offsets: [Int]
    /// Tier of each window in ``windows``.
    let windowTiers: [Int]
    /// Length of each window in buckets of its tier.
    let windowBuckets: [Int64]
    /// Windows served by each tier.
    let tierWindows: [[Int]]

    /// A layout for an SLO window, keeping the standard windows (5m, 30m, 1h, 2h, 6h, 1d, 3d), the
    /// SLO window and `extraWindows` (e.g. burn-rate rule windows) as O(1) running sums.
    /// `wideCounters` for counts above 31 a 10 s bucket, 1,023 in 5 min or 8,191 an hour (see
    /// ``wideCounters``).
    public init(sloWindow: Duration, extraWindows: [Duration] = [], wideCounters: Bool = false) {
        self.wideCounters = wideCounters
        let slo = Self.clampWindow(SLIWindow.seconds(sloWindow))
        let extras = extraWindows.map { Self.clampWindow(SLIWindow.seconds($0)) }
        let longest = max(slo, 3 * 86_400, extras.max() ?? 0)
        let hours = Int((longest + 3599) / 3600)
        let capacities = [360 + 1, 288 + 1, hours + 1]
        self.capacities = capacities
        offsets = [0, capacities[0], capacities[0] + capacities[1]]

        var windows: [Int64] = []
        var tiers: [Int] = []
        var buckets: [Int64] = []
        for w in SLIWindow.standardSeconds + [slo] + extras {
            let (tier, k) = Self.placement(of: w, capacities: capacities)
            if zip(tiers, buckets).contains(where: { $0 == tier && $1 == k }) { continue }
            windows.append(k * Self.resolutions[tier])
            tiers.append(tier)
            buckets.append(k)
        }
        self.windows = windows
        windowTiers = tiers
        windowBuckets = buckets
        tierWindows = (0..<3).map { tier in windows.indices.filter { tiers[$0] == tier } }
        let (sloTier, sloK) = Self.placement(of: slo, capacities: capacities)
        sloWindowSeconds = sloK * Self.resolutions[sloTier]
        func index(_ w: Int64) -> Int {
            let (tier, k) = Self.placement(of: w, capacities: capacities)
            return tiers.indices.first { tiers[$0] == tier && buckets[$0] == k } ?? 0
        }
        standardWindowIndices = SLIWindow.standardSeconds.map(index)
        sloWindowIndex = index(slo)
    }

    /// Index in ``windows`` of the running sum that serves a window, if one is kept.
    func windowIndex(seconds: Int64) -> Int? {
        let (tier, k) = Self.placement(of: seconds, capacities: capacities)
        for i in windowTiers.indices where windowTiers[i] == tier && windowBuckets[i] == k { return i }
        return nil
    }

    /// The finest tier covering a window and the window's length in that tier's buckets.
    static func placement(of seconds: Int64, capacities: [Int]) -> (tier: Int, buckets: Int64) {
        let w = max(1, seconds)
        for tier in 0..<3 {
            let r = resolutions[tier]
            let span = Int64(capacities[tier] - 1) * r
            if w <= span || tier == 2 {
                let k = min(max(1, (w + r / 2) / r), Int64(capacities[tier] - 1))
                return (tier, k)
            }
        }
        return (2, Int64(capacities[2] - 1))
    }

    private static func clampWindow(_ seconds: Int64) -> Int64 { min(max(seconds, 1), maximumWindowSeconds) }
}
