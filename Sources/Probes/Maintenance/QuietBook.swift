import Foundation

/// What keeps a service's alerts quiet at a moment: its maintenance windows (from the config) and
/// the silences of the state file. Quiet alerts are still evaluated, written and resolved; they
/// carry `"maintenance": true` or `"silence": ID` so that nobody is paged for them.
public struct QuietBook: Sendable {
    /// Windows by service (a group's windows are copied to each of its services).
    public let windows: [String: [MaintenanceWindow]]
    /// Every silence known, active or not.
    public private(set) var silences: [Silence]
    /// The windows open over a span of time in which none opens or closes (``advance(to:)``), by
    /// ``MaintenanceWindow/origin``: a group's window, copied to each of its services, is worked
    /// out once, and a board of thousands of services costs no calendar arithmetic per second.
    private var openCache: (from: Date, until: Date, open: Set<String>)?

    /// The book of a config, with no silences yet.
    public init(config: ProbesConfig, silences: [Silence] = []) {
        var windows: [String: [MaintenanceWindow]] = [:]
        for service in config.services where !service.maintenance.isEmpty {
            // Origins tell windows apart; one made in code may have none.
            windows[service.name] = service.maintenance.enumerated().map { index, window in
                var window = window
                if window.origin.isEmpty { window.origin = "\(service.name)#\(index)" }
                return window
            }
        }
        self.windows = windows
        self.silences = silences
    }

    /// Whether any window or silence exists at all (the common case, none, costs nothing).
    public var isEmpty: Bool { windows.isEmpty && silences.isEmpty }

    /// Replaces the silences (as read again from the state file).
    public mutating func replaceSilences(_ silences: [Silence]) { self.silences = silences }

    /// The window of `service` open at `date`, if any.
    public func maintenance(of service: String, at date: Date) -> MaintenanceWindow? {
        guard let candidates = windows[service] else { return nil }
        if let cache = openCache, cache.from <= date, date < cache.until {
            return candidates.first { cache.open.contains($0.origin) }
        }
        return candidates.first { $0.contains(date) }
    }

    /// Works out which windows are open at `now` and until when that holds, unless already known.
    public mutating func advance(to now: Date) {
        guard !windows.isEmpty else { return }
        if let cache = openCache, cache.from <= now, now < cache.until { return }
        var unique: [String: MaintenanceWindow] = [:]
        for list in windows.values {
            for window in list where unique[window.origin] == nil { unique[window.origin] = window }
        }
        var open = Set<String>()
        // Valid from the last time any window opened or closed (results are stamped with their
        // start, a little before now) to the next, re-checked at least daily.
        let searchFrom = now.addingTimeInterval(-86_400)
        var from = searchFrom
        var until = now.addingTimeInterval(86_400)
        for (origin, window) in unique {
            for occurrence in window.occurrences(from: searchFrom, to: now.addingTimeInterval(8 * 86_400)) {
                if occurrence.start <= now && now < occurrence.end { open.insert(origin) }
                for boundary in [occurrence.start, occurrence.end] {
                    if boundary > now { until = min(until, boundary) } else { from = max(from, boundary) }
                }
            }
        }
        openCache = (from, until, open)
    }

    /// The active silence of `service` at `date` that ends last, if any.
    public func silence(of service: String, at date: Date) -> Silence? {
        silences.filter { $0.service == service && $0.isActive(at: date) }.max { $0.endsAt < $1.endsAt }
    }

    /// Whether `service`'s minute starting at `date` is left out of its SLO.
    public func isExcludedFromSLO(_ service: String, at date: Date) -> Bool {
        guard let candidates = windows[service] else { return false }
        if let cache = openCache, cache.from <= date, date < cache.until {
            return candidates.contains { $0.excludeFromSLO && cache.open.contains($0.origin) }
        }
        return candidates.contains { $0.excludeFromSLO && $0.contains(date) }
    }

    /// Marks events quiet whose service, or the root cause that explains them, is in maintenance
    /// or silenced at `now`. A `resolved` is marked as its moment says, and never dropped.
    public func mark(_ events: inout [AlertEvent], now: Date) {
        guard !isEmpty else { return }
        for index in events.indices {
            var subjects = [events[index].service]
            if let root = events[index].rootCause, root != events[index].service { subjects.append(root) }
            if subjects.contains(where: { maintenance(of: $0, at: now) != nil }) { events[index].maintenance = true }
            if let silence = subjects.lazy.compactMap({ self.silence(of: $0, at: now) }).first {
                events[index].silence = silence.id
            }
        }
    }

    /// Keeps track of the firing alerts told quietly (``endOfQuiet(told:quietly:now:)`` needs them).
    public func note(_ events: [AlertEvent], quietly: inout Set<AlertKey>) {
        for event in events {
            let key = AlertKey(service: event.service, kind: event.alert, rule: event.rule, sli: event.sli)
            if event.event == .firing && event.isQuiet { quietly.insert(key) } else { quietly.remove(key) }
        }
    }

    /// Alerts that fired quietly and still fire after their window closed or their silence ended:
    /// told again as `firing`, not quiet, so a service still broken after its maintenance pages.
    public func endOfQuiet(told: [AlertKey: AlertEvent], quietly: inout Set<AlertKey>, now: Date) -> [AlertEvent] {
        guard !quietly.isEmpty else { return [] }
        var out: [AlertEvent] = []
        for key in quietly.sorted(by: <) {
            guard let event = told[key] else {
                quietly.remove(key)
                continue
            }
            var again = [event]
            again[0].maintenance = nil
            again[0].silence = nil
            mark(&again, now: now)
            guard !again[0].isQuiet else { continue }
            quietly.remove(key)
            again[0].time = now
            again[0].summary += " (still firing now that its maintenance or silence is over)"
            out.append(again[0])
        }
        return out
    }
}
