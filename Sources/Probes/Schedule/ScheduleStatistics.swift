import Histogram

/// What the scheduler has done so far, for benchmarks and the dashboard's footer.
public struct ScheduleStatistics: Sendable {
    /// Probes started, on schedule or by request.
    public var started = 0
    /// Probes whose runner returned (including those cut short by shutdown).
    public var completed = 0
    /// Ticks not run because the probe was still running or still waiting for a slot.
    public var skippedTicks = 0
    /// Ticks passed over because the scheduler woke up more than an interval late.
    public var missedTicks = 0
    /// The most probes in flight at once.
    public var maxInFlight = 0
    /// Lateness of scheduled starts (actual start − due time) in microseconds, 1 % precision
    /// up to an hour. Requested probes are not recorded.
    public var latenessHistogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1, highestTrackableValue: latenessCeilingMicroseconds,
        numberOfSignificantValueDigits: .two)

    static let latenessCeilingMicroseconds: UInt64 = 3_600_000_000

    /// Empty statistics.
    public init() {}

    /// Probes started and not yet completed.
    public var inFlight: Int { started - completed }

    /// The lateness at `percentile` (0...100), e.g. 99 for p99.
    public func lateness(atPercentile percentile: Double) -> Duration {
        .microseconds(Int64(latenessHistogram.valueAtPercentile(percentile)))
    }

    /// The largest lateness recorded, exactly (the histogram rounds to 1 %).
    public var maxLateness: Duration = .zero

    mutating func recordLateness(_ duration: Duration) {
        maxLateness = max(maxLateness, duration)
        let microseconds = max(duration.wholeNanoseconds, 0) / 1000
        _ = latenessHistogram.record(min(UInt64(microseconds), Self.latenessCeilingMicroseconds))
    }
}

/// Counters one loop iteration gathers before publishing them under the lock.
struct StatisticsDelta {
    var started = 0
    var skippedTicks = 0
    var missedTicks = 0
    var lateness: [Duration] = []

    func apply(to statistics: inout ScheduleStatistics, inFlight: Int) {
        statistics.started += started
        statistics.skippedTicks += skippedTicks
        statistics.missedTicks += missedTicks
        statistics.maxInFlight = max(statistics.maxInFlight, inFlight)
        for sample in lateness { statistics.recordLateness(sample) }
    }

    mutating func reset() {
        started = 0
        skippedTicks = 0
        missedTicks = 0
        lateness.removeAll(keepingCapacity: true)
    }
}
