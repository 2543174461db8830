/// Where in its interval each probe first starts: spread by a stable hash of the service name
/// (FNV-1a, then mixed), so probes sharing an interval do not fire together, and the same on
/// every run and machine.
///
/// Swift's `Hasher` is seeded per process, so it would move the offsets on every start.
public enum ProbeOffsets {
    /// Shorter intervals are raised to this, so a bad config cannot spin the scheduler.
    public static let minimumInterval = Duration.milliseconds(1)

    /// The first start of `name`'s probe, as an offset in `[0, interval)` from the schedule's start.
    public static func startOffset(for name: String, interval: Duration) -> Duration {
        let nanoseconds = max(interval.wholeNanoseconds, 1)
        // The hash as a fraction of 2^64, scaled to the interval without floating point.
        let offset = UInt64(nanoseconds).multipliedFullWidth(by: mixed(fnv1a64(name))).high
        return .nanoseconds(Int64(offset))
    }

    /// MurmurHash3's 64-bit finaliser. FNV-1a alone barely moves its high bits between names that
    /// differ only at the end (`service-1`, `service-2`), which would clump their offsets.
    static func mixed(_ hash: UInt64) -> UInt64 {
        var value = hash
        value ^= value >> 33
        value &*= 0xff51_afd7_ed55_8ccd
        value ^= value >> 33
        value &*= 0xc4ce_b9fe_1a85_ec53
        value ^= value >> 33
        return value
    }

    /// The 64-bit FNV-1a hash of the name's UTF-8 bytes.
    public static func fnv1a64(_ text: String) -> UInt64 { fnv1a64(bytes: text.utf8) }

    /// The 64-bit FNV-1a hash of `bytes`.
    public static func fnv1a64(bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}

extension Duration {
    /// Whole nanoseconds, saturating at `Int64` bounds.
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, sumOverflow) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if sumOverflow { return seconds < 0 ? .min : .max }
        return sum
    }
}
