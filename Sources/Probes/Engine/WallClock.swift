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
