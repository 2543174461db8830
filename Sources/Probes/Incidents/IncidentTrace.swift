import Foundation

/// The root's probe results through one incident, for the board's timeline chart: a point per
/// result from ten minutes before the onset (what the engine still had in memory) to the end.
///
/// Bounded: at ``capacity`` points it keeps every second point and from then on takes results
/// twice as far apart, so an incident that lasts days costs what one of an hour does and still
/// spans its whole length.
public struct IncidentTrace: Sendable, Equatable {
    /// One probe result of the root.
    public struct Point: Sendable, Equatable {
        /// When the probe started.
        public var time: Date
        /// Its latency in milliseconds; `nil` when it failed (no answer worth a latency).
        public var latencyMilliseconds: Float?
        /// Its status.
        public var status: ProbeStatus

        public init(time: Date, latencyMilliseconds: Float?, status: ProbeStatus) {
            self.time = time
            self.latencyMilliseconds = latencyMilliseconds
            self.status = status
        }

        init(_ result: ProbeResult) {
            self.init(
                time: result.startedAt,
                latencyMilliseconds: result.status.isAvailable ? Float(result.latencyMilliseconds) : nil,
                status: result.status)
        }
    }

    /// Points kept at most.
    public static let capacity = 240
    /// How far before the onset the trace begins, in seconds.
    public static let leadIn: TimeInterval = 600

    /// Oldest first.
    public private(set) var points: [Point] = []
    /// Results closer than this to the previous point are skipped (doubles at each thinning).
    private var spacing: TimeInterval = 0

    public init() {}

    /// Starts a trace with the results the engine still holds from `leadIn` before `onset` on.
    init(seed results: [ProbeResult], onset: Date) {
        let from = onset.addingTimeInterval(-Self.leadIn)
        for result in results where result.startedAt >= from { append(result) }
    }

    /// Adds a result, thinning the trace when it is full.
    mutating func append(_ result: ProbeResult) {
        if let last = points.last {
            guard result.startedAt > last.time else { return }
            guard result.startedAt.timeIntervalSince(last.time) >= spacing else { return }
        }
        if points.count >= Self.capacity {
            points = points.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
            if points.count >= 2 {
                spacing = max(spacing * 2, points[1].time.timeIntervalSince(points[0].time))
            }
        }
        points.append(Point(result))
    }
}

/// An incident as the board lists it: its record and the root's trace (empty for an incident read
/// back from the history, whose results the engine no longer holds).
public struct BoardIncident: Sendable, Equatable {
    public var record: IncidentRecord
    public var trace: IncidentTrace

    public init(record: IncidentRecord, trace: IncidentTrace = IncidentTrace()) {
        self.record = record
        self.trace = trace
    }
}
