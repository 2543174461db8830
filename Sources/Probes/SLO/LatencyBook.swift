import Collections
import Foundation
import Histogram

/// Latency percentiles of one service over one window.
public struct LatencySummary: Sendable, Equatable {
    /// Good probes in the window.
    public var count: Int
    /// Median latency.
    public var p50: Duration
    /// 90th percentile.
    public var p90: Duration
    /// 99th percentile.
    public var p99: Duration
    /// Slowest good probe (top of its histogram bucket).
    public var max: Duration

    /// Creates a summary.
    public init(count: Int, p50: Duration, p90: Duration, p99: Duration, max: Duration) {
        self.count = count
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.max = max
    }
}

/// Which value of a minute a sparkline series shows.
public enum LatencyStatistic: Sendable, CaseIterable {
    case p50, p90, p99, max
}

/// One latency value (quantized to its histogram bucket) and how many probes had it, in 4 bytes.
///
/// A quantized value q of a 2-significant-digit HDR histogram is one less than k·2^e with k < 256
/// (the sub-bucket's top), so `code` keeps k and e and loses nothing; `count` saturates at 65,535
/// (a minute at the 1 s minimum interval holds 60 probes).
struct LatencyBin: Sendable, Equatable {
    var code: UInt16
    var count: UInt16

    init(code: UInt16, count: UInt16) {
        self.code = code
        self.count = count
    }

    init(micros: UInt32, count: UInt16) {
        let next = UInt64(micros) + 1
        let e = max(0, (UInt64.bitWidth - next.leadingZeroBitCount) - 8)
        // Round up should a value not be a bucket's top (it always is when it comes from record).
        var k = (next + (UInt64(1) << e) - 1) >> e
        var shift = e
        if k > 255 {
            k >>= 1
            shift += 1
        }
        code = UInt16(shift) << 8 | UInt16(k)
        self.count = count
    }

    /// The quantized latency in µs.
    var micros: UInt32 {
        UInt32(clamping: (UInt64(code & 0xFF) << UInt64(code >> 8)) &- 1)
    }
}

/// The latencies of one service's good probes over the last hour, per minute, kept sparse: a
/// minute holds one bin per distinct histogram bucket that occurred in it, so memory follows the
/// spread of latencies (at most a few hundred buckets a minute).
///
/// With the service's probe interval known, room for one bin per probe of the hour is taken (and
/// touched) up front: an agent's memory is then all there from its first minute instead of
/// growing through its first hour, and it never exceeds that while each probe adds at most a bin.
struct LatencyWindows: Sendable {
    /// Minutes kept by default: the live one and the 60 before it, enough for a 1 h window on any
    /// phase.
    static let hourOfMinutes = 61

    /// Minutes kept: windows up to `minutesKept - 1` minutes long are served on any phase.
    let minutesKept: Int

    /// Bins to reserve for `minutes` minutes of probes at `interval`: one per probe, plus one a
    /// minute for the phase of the probes against the minute.
    static func reservedBins(interval: Duration, minutes: Int = hourOfMinutes) -> Int {
        let perMinute = Int((60 / max(interval.seconds, 1)).rounded(.up)) + 1
        return perMinute * minutes
    }

    init(minutesKept: Int = hourOfMinutes) { self.minutesKept = max(2, minutesKept) }

    /// Empty, with room for `bins` bins already in memory.
    init(reserving count: Int, minutesKept: Int = hourOfMinutes) {
        self.init(minutesKept: minutesKept)
        guard count > 0 else { return }
        // Written once so the pages are resident now, not one by one over the first hour.
        bins = Deque(repeating: LatencyBin(code: 0, count: 0), count: count)
        bins.removeAll(keepingCapacity: true)
        minuteBins = Deque(repeating: 0, count: self.minutesKept + 1)
        minuteBins.removeAll(keepingCapacity: true)
    }

    /// Every kept minute's bins, oldest minute first.
    var bins: Deque<LatencyBin> = []
    /// Number of bins of each kept minute, oldest first; the last is ``lastMinute``.
    var minuteBins: Deque<UInt32> = []
    /// Number (seconds ÷ 60) of the newest kept minute.
    var lastMinute: Int64 = .min

    mutating func record(micros: UInt32, at t: Int64) {
        let minute = SLIWindow.floorDiv(t, 60)
        if minuteBins.isEmpty || minute - lastMinute >= Int64(minutesKept) {
            bins.removeAll(keepingCapacity: true)
            minuteBins.removeAll(keepingCapacity: true)
            minuteBins.append(0)
            lastMinute = minute
        } else if minute > lastMinute {
            for _ in 0..<(minute - lastMinute) { minuteBins.append(0) }
            lastMinute = minute
            while minuteBins.count > minutesKept {
                let dropped = Int(minuteBins.removeFirst())
                bins.removeFirst(dropped)
            }
        }
        let age = lastMinute - minute
        guard age < Int64(minutesKept) else { return }
        var index = minuteBins.count - 1 - Int(age)
        if index < 0 {
            // A late result before the first kept minute: extend the kept minutes backward.
            for _ in 0..<(-index) { minuteBins.prepend(0) }
            index = 0
        }
        let end = index == minuteBins.count - 1 ? bins.count : binOffset(ofMinute: index + 1)
        let start = end - Int(minuteBins[index])
        let bin = LatencyBin(micros: micros, count: 1)
        for i in start..<end where bins[i].code == bin.code {
            bins[i].count &+= bins[i].count < .max ? 1 : 0
            return
        }
        bins.insert(bin, at: end)
        minuteBins[index] += 1
    }

    /// Offset in ``bins`` of the first bin of the kept minute at `index`.
    private func binOffset(ofMinute index: Int) -> Int {
        var offset = 0
        for j in 0..<index { offset += Int(minuteBins[j]) }
        return offset
    }

    /// Calls `body` with every bin of the minutes `first...last` (minute numbers).
    func forEachBin(minutes first: Int64, through last: Int64, _ body: (LatencyBin) -> Void) {
        guard !minuteBins.isEmpty else { return }
        var offset = 0
        for j in minuteBins.indices {
            let n = Int(minuteBins[j])
            let minute = lastMinute - Int64(minuteBins.count - 1 - j)
            if minute >= first && minute <= last {
                for i in offset..<(offset + n) { body(bins[i]) }
            }
            offset += n
        }
    }

    var memoryFootprint: Int {
        MemoryLayout<LatencyWindows>.size + 2 * 48 + bins.count * MemoryLayout<LatencyBin>.stride
            + minuteBins.count * 4
    }
}

/// Latency percentiles per service and window (p50, p90, p99, max over 5m, 1h, ...) from HDR
/// histograms, plus per-minute series for sparklines (the per-probe sparkline is the Monitor's
/// recent results).
///
/// Only good probes are counted (a failed probe's time to failure is not a latency), in µs with
/// 2 significant digits (values are reported as the top of their histogram bucket, at most 0.8 %
/// high) and up to 1 hour. Each minute is an HDR histogram stored sparse (only the buckets that
/// occurred), so a quiet service costs a few hundred bytes and 10,000 services fit in tens of MB;
/// a window's histograms are merged on query.
public struct LatencyBook: Sendable {
    /// Largest latency kept, in µs (1 hour); longer ones count as 1 hour.
    public static let maximumMicros: UInt64 = 3_600_000_000

    /// The histogram every value is quantized and merged with: 2 significant digits, 1 µs units.
    private static let quantizer = Histogram<UInt64>(numberOfSignificantValueDigits: .two)

    var windows: [String: LatencyWindows] = [:]

    /// The longest window served, in seconds: summaries and series reach back at most this far.
    public let horizon: Int64

    /// A book for the named services. With a service's probe interval in `intervals`, its hour of
    /// bins is reserved up front (see ``LatencyWindows``).
    /// - Parameter horizon: the longest window asked for (1 hour, the dashboard's; an agent that
    ///   only alerts asks for ``AlertEngine/latencyWindow`` and keeps two minutes instead of 61).
    public init(services: [String], intervals: [String: Duration] = [:], horizon: Duration = .seconds(3600)) {
        let seconds = min(max(SLIWindow.seconds(horizon), 60), 3600)
        self.horizon = seconds
        // The minutes a window of `seconds` overlaps on any phase, and the live one.
        let minutes = Int((seconds + 59) / 60) + 1
        for s in services {
            let reserved = intervals[s].map { LatencyWindows.reservedBins(interval: $0, minutes: minutes) } ?? 0
            windows[s] = LatencyWindows(reserving: reserved, minutesKept: minutes)
        }
    }

    /// Bytes held by all services' latency data.
    public var memoryFootprint: Int { windows.values.reduce(0) { $0 + $1.memoryFootprint } }

    /// Counts the latency of a good probe; failed probes and unknown services are ignored.
    public mutating func record(_ result: ProbeResult) {
        guard result.status.isAvailable else { return }
        record(service: result.service, latency: result.latency, at: result.startedAt)
    }

    /// Counts one latency of a service at a time.
    public mutating func record(service: String, latency: Duration, at time: Date) {
        guard windows[service] != nil else { return }
        let micros = min(UInt64(SLIWindow.microseconds(latency)), Self.maximumMicros)
        let quantized = UInt32(clamping: Self.quantizer.highestEquivalentForValue(micros))
        windows[service]?.record(micros: quantized, at: SLIWindow.seconds(time))
    }

    /// p50/p90/p99/max over the minutes that overlap `[now − window, now]` (windows up to 1 h);
    /// `nil` when the service is unknown, had no good probe in the window, or the window is longer
    /// than ``horizon``.
    public func summary(service: String, window: Duration, now: Date) -> LatencySummary? {
        guard let w = windows[service] else { return nil }
        let t = SLIWindow.seconds(now)
        let seconds = min(max(SLIWindow.seconds(window), 1), 3600)
        // A window longer than the book keeps would be a shorter one under its name.
        guard seconds <= horizon else { return nil }
        var merged: [LatencyBin] = []
        w.forEachBin(minutes: SLIWindow.floorDiv(t - seconds, 60), through: SLIWindow.floorDiv(t, 60)) {
            merged.append($0)
        }
        return Self.summary(of: &merged)
    }

    /// One value per minute for the last `minutes` minutes up to `now`, oldest first; `nil` for a
    /// minute without good probes: a per-minute sparkline.
    public func series(service: String, statistic: LatencyStatistic, minutes: Int = 30, now: Date) -> [Duration?] {
        guard let w = windows[service] else { return [] }
        let last = SLIWindow.floorDiv(SLIWindow.seconds(now), 60)
        let n = min(max(minutes, 0), w.minutesKept)
        var out: [Duration?] = []
        out.reserveCapacity(n)
        var merged: [LatencyBin] = []
        for m in (last - Int64(n) + 1)..<(last + 1) {
            merged.removeAll(keepingCapacity: true)
            w.forEachBin(minutes: m, through: m) { merged.append($0) }
            guard let s = Self.summary(of: &merged) else {
                out.append(nil)
                continue
            }
            switch statistic {
            case .p50: out.append(s.p50)
            case .p90: out.append(s.p90)
            case .p99: out.append(s.p99)
            case .max: out.append(s.max)
            }
        }
        return out
    }

    /// Percentiles of merged histogram bins, as HDR's `valueAtPercentile` reads them: the value of
    /// the bucket where the running count first reaches ⌈p × total⌉ (nearest rank). The bins hold
    /// their bucket's highest equivalent value, so this is the merged histogram's answer.
    static func summary(of bins: inout [LatencyBin]) -> LatencySummary? {
        guard !bins.isEmpty else { return nil }
        bins.sort { $0.micros < $1.micros }
        let total = bins.reduce(UInt64(0)) { $0 + UInt64($1.count) }
        guard total > 0 else { return nil }
        func rank(_ p: Double) -> UInt64 { max(1, UInt64((p.nextDown * Double(total) / 100).rounded(.up))) }
        let ranks = [rank(50), rank(90), rank(99)]
        var values: [UInt32] = []
        var running: UInt64 = 0
        for bin in bins {
            running += UInt64(bin.count)
            while values.count < ranks.count && running >= ranks[values.count] { values.append(bin.micros) }
        }
        let top = bins[bins.count - 1].micros
        while values.count < ranks.count { values.append(top) }
        func d(_ v: UInt32) -> Duration { .microseconds(Int64(v)) }
        return LatencySummary(
            count: Int(clamping: total), p50: d(values[0]), p90: d(values[1]), p99: d(values[2]),
            max: d(top))
    }
}
