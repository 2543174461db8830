import Foundation

/// A planned maintenance window of a service (or of every service of a group), from
/// `probes.json`: one-off (`from`/`to`) or recurring (daily or on some weekdays, at a local time
/// of day in a time zone, possibly across midnight).
///
/// A service in maintenance is still probed and shown; its alerts and those of the victims it
/// explains are marked quiet. With ``excludeFromSLO`` its minutes are left out of its SLO (an SLO
/// correction); the history keeps every count.
public struct MaintenanceWindow: Sendable, Equatable {
    /// When the window is open.
    public enum Schedule: Sendable, Equatable {
        /// From `from` (inclusive) to `to` (exclusive).
        case once(from: Date, to: Date)
        /// Every day in `days` (all seven when empty, weekday numbers 1 = Sunday … 7 = Saturday as
        /// `Calendar` counts them), from `start` to `end` local time in `timeZone`; an `end` at or
        /// before `start` is on the next day.
        case recurring(days: Set<Int>, start: TimeOfDay, end: TimeOfDay, timeZone: TimeZone)
    }

    /// When it is open.
    public var schedule: Schedule
    /// Why, as written in the config (shown on the board and in `check`); `nil` when not given.
    public var reason: String?
    /// Whether its minutes are left out of the SLO (off by default).
    public var excludeFromSLO: Bool
    /// Where it was written, e.g. `services[2].maintenance[0]` or `maintenance[1]` (for messages).
    public var origin: String

    /// Creates a window.
    public init(schedule: Schedule, reason: String? = nil, excludeFromSLO: Bool = false, origin: String = "") {
        self.schedule = schedule
        self.reason = reason
        self.excludeFromSLO = excludeFromSLO
        self.origin = origin
    }

    /// The occurrence that is open at `date`, or `nil` when the window is closed then.
    public func occurrence(containing date: Date) -> DateInterval? {
        switch schedule {
        case .once(let from, let to):
            return from <= date && date < to ? DateInterval(start: from, end: to) : nil
        case .recurring:
            // An occurrence open at `date` started on its local day or the day before (a window
            // across midnight); none lasts longer than a day.
            let day = date.addingTimeInterval(-86_400 - 3_600)
            return occurrences(from: day, to: date.addingTimeInterval(1)).first { $0.start <= date && date < $0.end }
        }
    }

    /// Whether the window is open at `date`.
    public func contains(_ date: Date) -> Bool { occurrence(containing: date) != nil }

    /// Every occurrence that overlaps `[from, to)`, in order.
    public func occurrences(from: Date, to: Date) -> [DateInterval] {
        guard from < to else { return [] }
        switch schedule {
        case .once(let start, let end):
            return start < to && end > from ? [DateInterval(start: start, end: end)] : []
        case .recurring(let days, let start, let end, let timeZone):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            var out: [DateInterval] = []
            // From the local day before `from` (its occurrence may run past midnight).
            guard var day = calendar.date(byAdding: .day, value: -1, to: calendar.startOfDay(for: from)) else {
                return []
            }
            while day < to {
                if days.isEmpty || days.contains(calendar.component(.weekday, from: day)),
                    let span = Self.span(on: day, start: start, end: end, calendar: calendar),
                    span.start < to, span.end > from
                {
                    out.append(span)
                }
                guard let next = calendar.date(byAdding: .day, value: 1, to: day), next > day else { break }
                day = next
            }
            return out
        }
    }

    /// The occurrence that starts on the local day `day` (its midnight).
    static func span(on day: Date, start: TimeOfDay, end: TimeOfDay, calendar: Calendar) -> DateInterval? {
        guard let opens = start.date(on: day, calendar: calendar) else { return nil }
        var endDay = day
        if end.minutes <= start.minutes {
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { return nil }
            endDay = next
        }
        guard let closes = end.date(on: endDay, calendar: calendar), closes > opens else { return nil }
        return DateInterval(start: opens, end: closes)
    }

    /// Minutes of `[from, to)` inside any of `windows` (overlaps counted once), rounded down.
    public static func minutes(of windows: [MaintenanceWindow], from: Date, to: Date) -> Int {
        let spans = windows.flatMap { $0.occurrences(from: from, to: to) }
            .map { DateInterval(start: max($0.start, from), end: min($0.end, to)) }
            .sorted { $0.start < $1.start }
        var total: TimeInterval = 0
        var current: DateInterval?
        for span in spans {
            if let open = current, span.start <= open.end {
                current = DateInterval(start: open.start, end: max(open.end, span.end))
            } else {
                if let open = current { total += open.duration }
                current = span
            }
        }
        if let open = current { total += open.duration }
        return Int((total / 60).rounded(.down))
    }
}

/// A local time of day, `HH:MM`.
public struct TimeOfDay: Sendable, Equatable, CustomStringConvertible {
    /// Minutes after midnight, 0..<1440.
    public var minutes: Int

    /// `hour` 0…23, `minute` 0…59.
    public init?(hour: Int, minute: Int) {
        guard (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        minutes = hour * 60 + minute
    }

    /// Parses `HH:MM` (`23:50`, `0:10`).
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let hour = Int(parts[0]), let minute = Int(parts[1])
        else { return nil }
        self.init(hour: hour, minute: minute)
    }

    public var description: String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }

    /// This time on the local day that starts at `day`; a time skipped by a daylight-saving jump
    /// is the first valid time after it.
    func date(on day: Date, calendar: Calendar) -> Date? {
        var components = calendar.dateComponents([.year, .month, .day], from: day)
        components.hour = minutes / 60
        components.minute = minutes % 60
        components.second = 0
        return calendar.date(from: components)
    }
}

extension MaintenanceWindow {
    /// Per service with windows that exclude their minutes from the SLO, how many minutes of its
    /// SLO window (up to `now`) they left out.
    public static func excludedMinutes(of config: ProbesConfig, now: Date) -> [String: Int] {
        var out: [String: Int] = [:]
        for service in config.services where service.probe != nil {
            let excluding = service.maintenance.filter(\.excludeFromSLO)
            guard !excluding.isEmpty else { continue }
            out[service.name] = minutes(
                of: excluding, from: now.addingTimeInterval(-service.slo.window.seconds), to: now)
        }
        return out
    }
}
