import Foundation

/// The two SLIs kept per service.
public enum SLIKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// Good probes among all probes (good = ``ProbeStatus/isAvailable``).
    case availability
    /// Probes answering within the latency threshold (not over it) among good probes.
    case latency
}

/// Good and total events of one SLI over one window, as a window query returns them.
///
/// Counts are fractional because the oldest bucket of a window is counted in proportion to the
/// part of it that lies inside the window (results are taken as spread evenly within a bucket).
public struct WindowCounts: Sendable, Equatable {
    /// Good events in the window.
    public var good: Double
    /// All events in the window.
    public var total: Double
    /// Fraction of the window, in 0...1, that lies after the SLI's first result: below 1 after a
    /// fresh start, when the window uses what it has.
    public var coverage: Double

    /// Creates counts; `good` is clamped to `total`.
    public init(good: Double, total: Double, coverage: Double) {
        self.total = max(0, total)
        self.good = min(max(0, good), self.total)
        self.coverage = coverage
    }

    /// No events at all.
    public static let empty = WindowCounts(good: 0, total: 0, coverage: 0)

    /// Bad events in the window.
    public var bad: Double { total - good }

    /// Bad events among all events; 0 when the window holds no events.
    public var errorRatio: Double { total > 0 ? bad / total : 0 }

    /// Good events among all events; `nil` when the window holds no events.
    public var sliRatio: Double? { total > 0 ? good / total : nil }
}

/// Time and window helpers shared by the SLO maths: every call takes explicit time, in whole
/// seconds since 1970, so virtual clocks work.
public enum SLIWindow {
    /// The windows reported for every SLI besides the SLO window itself: 5m, 30m, 1h, 2h, 6h, 1d, 3d.
    public static let standardSeconds: [Int64] = [300, 1800, 3600, 7200, 21_600, 86_400, 259_200]

    /// Whole seconds since 1970 for a date, floored; out-of-range or non-finite dates are clamped
    /// so that arithmetic on them can never overflow.
    public static func seconds(_ date: Date) -> Int64 {
        let t = date.timeIntervalSince1970
        guard t.isFinite else { return 0 }
        let limit = Double(1 << 40)
        return Int64(min(max(t, -limit), limit).rounded(.down))
    }

    /// Whole seconds of a duration, rounded to nearest, clamped to 0...2^40.
    public static func seconds(_ duration: Duration) -> Int64 {
        let s = duration.seconds
        guard s.isFinite, s > 0 else { return 0 }
        return Int64(min(s, Double(1 << 40)).rounded())
    }

    /// Whole microseconds of a duration, truncated; clamped to 0...2^50 (about 35 years).
    public static func microseconds(_ duration: Duration) -> Int64 {
        let (s, attos) = duration.components
        if s < 0 || (s == 0 && attos < 0) { return 0 }
        if s >= 1 << 30 { return 1 << 50 }
        return s * 1_000_000 + attos / 1_000_000_000_000
    }

    /// A compact label for a window length: `5m`, `1h`, `28d`, `90m`, `45s`.
    public static func label(seconds: Int64) -> String {
        if seconds > 0 && seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds > 0 && seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds > 0 && seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    /// A compact label for a window length.
    public static func label(_ duration: Duration) -> String { label(seconds: seconds(duration)) }

    /// Floor division that rounds toward negative infinity (times before 1970 bucket correctly).
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Non-negative remainder, for ring indices.
    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 {
        let r = a % b
        return r < 0 ? r + b : r
    }
}
