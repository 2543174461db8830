import Foundation

/// The wall-clock date an agent starts its engine time from.
///
/// `INCIDENTBOARD_CLOCK_OFFSET` (seconds, e.g. `-3600`) moves it, so a fault-injection run
/// (`scripts/chaos`) can start an agent as if the wall clock had stepped; a value that is not a
/// number is ignored. Nothing else reads it.
public enum WallClock {
    /// The environment variable read at start.
    public static let offsetVariable = "INCIDENTBOARD_CLOCK_OFFSET"

    static let offset: TimeInterval = {
        guard let text = ProcessInfo.processInfo.environment[offsetVariable], let seconds = TimeInterval(text),
            seconds.isFinite, abs(seconds) < 10 * 365 * 86_400
        else { return 0 }
        return seconds
    }()

    /// Now, with the offset.
    public static func now() -> Date { Date().addingTimeInterval(offset) }
}

/// Wall time that moves with a monotonic clock from one instant on: the date of any instant of
/// the clock is `wallStart` plus the clock time elapsed since `clockStart`, so a step of the wall
/// clock does not reorder events, and on a virtual clock the dates are virtual. The scheduler's
/// result timestamps and the engine's `now` both read one.
public struct WallTimeline<C: Clock>: Sendable where C.Duration == Duration {
    /// The wall-clock date of ``clockStart``.
    public let wallStart: Date
    /// The clock's instant at ``wallStart``.
    public let clockStart: C.Instant

    public init(wallStart: Date, clockStart: C.Instant) {
        self.wallStart = wallStart
        self.clockStart = clockStart
    }

    /// The date of `instant`.
    public func date(at instant: C.Instant) -> Date {
        wallStart.addingTimeInterval(clockStart.duration(to: instant).seconds)
    }
}

extension WallTimeline where C == ContinuousClock {
    /// A timeline starting now, at ``WallClock/now()``.
    public static func live() -> WallTimeline { WallTimeline(wallStart: WallClock.now(), clockStart: .now) }

    /// The date now on this timeline.
    public func now() -> Date { date(at: .now) }
}
