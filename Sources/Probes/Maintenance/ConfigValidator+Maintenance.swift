import Foundation

extension ConfigValidator {
    static let maintenanceKeys = [
        "from", "to", "every", "days", "start", "end", "timeZone", "reason", "excludeFromSLO",
    ]
    static let groupMaintenanceKeys = ["group"] + maintenanceKeys
    static let weekdayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// A `maintenance` array of a service: each window, or nothing (reported) for a bad one.
    mutating func maintenanceWindows(_ value: ConfigJSON, at path: String) -> [MaintenanceWindow] {
        guard case .array(let items) = value else {
            report(path, "must be an array of maintenance windows, not \(value.typeDescription)")
            return []
        }
        return items.enumerated().compactMap { index, item in
            let itemPath = ConfigPath.child(path, index)
            guard let fields = fields(item, at: itemPath) else { return nil }
            checkKeys(
                fields, allowed: Self.maintenanceKeys,
                foreign: [
                    "group": "\"group\" belongs in the top-level \"maintenance\"; "
                        + "a service's own windows apply to it alone"
                ])
            return maintenanceWindow(fields)
        }
    }

    /// The top-level `maintenance` array: windows of whole groups, copied to each of their services.
    mutating func groupMaintenance(_ value: ConfigJSON, at path: String, services: inout [ServiceConfig]) {
        guard case .array(let items) = value else {
            report(path, "must be an array of maintenance windows with a \"group\", not \(value.typeDescription)")
            return
        }
        var groups: [String] = []
        for service in services { if let group = service.group, !groups.contains(group) { groups.append(group) } }
        for (index, item) in items.enumerated() {
            let itemPath = ConfigPath.child(path, index)
            guard let fields = fields(item, at: itemPath) else { continue }
            checkKeys(fields, allowed: Self.groupMaintenanceKeys)
            let group = text(fields, "group", required: true)
            let window = maintenanceWindow(fields)
            guard let group else { continue }
            guard groups.contains(group.value) else {
                let hint =
                    ConfigSpelling.suggestion(for: group.value, among: groups)
                    .map { "; did you mean \(ConfigQuote.quoted($0))?" }
                    ?? (groups.isEmpty
                        ? " (no service has a \"group\")"
                        : " (groups: \(groups.joined(separator: ", ")))")
                report(fields.path("group"), "unknown group \(group.quoted)\(hint)")
                continue
            }
            guard let window else { continue }
            for i in services.indices where services[i].group == group.value { services[i].maintenance.append(window) }
        }
    }

    /// One window: one-off (`from`, `to`) or recurring (`every`, `start`, `end`, `days`, `timeZone`).
    private mutating func maintenanceWindow(_ fields: ConfigFields) -> MaintenanceWindow? {
        let reason = text(fields, "reason")?.value
        let exclude = bool(fields, "excludeFromSLO") ?? false
        let zone = timeZone(fields)
        let oneOff = fields["from"] != nil || fields["to"] != nil
        let recurring =
            fields["every"] != nil || fields["start"] != nil || fields["end"] != nil
            || fields["days"] != nil
        if oneOff && recurring {
            report(
                fields.path,
                "use either \"from\"/\"to\" (a one-off window) or \"every\"/\"start\"/\"end\" "
                    + "(a recurring one), not both")
            return nil
        }
        if !oneOff && !recurring {
            report(
                fields.path,
                "a maintenance window needs \"from\" and \"to\" (one-off) or \"every\", \"start\" "
                    + "and \"end\" (recurring)")
            return nil
        }
        let schedule: MaintenanceWindow.Schedule?
        if oneOff {
            schedule = oneOffSchedule(fields, zone: zone ?? TimeZone(identifier: "UTC"))
        } else {
            schedule = recurringSchedule(fields, zone: zone)
        }
        guard let schedule, fields["timeZone"] == nil || zone != nil else { return nil }
        return MaintenanceWindow(schedule: schedule, reason: reason, excludeFromSLO: exclude, origin: fields.path)
    }

    /// `timeZone`: an IANA name such as `Asia/Seoul`; `nil` (reported when given) otherwise.
    private mutating func timeZone(_ fields: ConfigFields) -> TimeZone? {
        guard let name = text(fields, "timeZone") else { return nil }
        // Some platforms make a zone of any string; a name must be one the zone database knows.
        if let zone = TimeZone(identifier: name.value),
            TimeZone.knownTimeZoneIdentifiers.contains(zone.identifier)
                || ["UTC", "GMT"].contains(name.value) || name.value.hasPrefix("Etc/")
        {
            return zone
        }
        let hint =
            ConfigSpelling.suggestion(for: name.value, among: TimeZone.knownTimeZoneIdentifiers)
            .map { "; did you mean \(ConfigQuote.quoted($0))?" }
            ?? " (use an IANA name such as \"Asia/Seoul\" or \"UTC\")"
        report(fields.path("timeZone"), "unknown time zone \(name.quoted)\(hint)")
        return nil
    }

    private mutating func oneOffSchedule(_ fields: ConfigFields, zone: TimeZone?) -> MaintenanceWindow.Schedule? {
        let from = instant(fields, "from", zone: zone)
        let to = instant(fields, "to", zone: zone)
        guard let from, let to else { return nil }
        guard from.date < to.date else {
            let relation = from.date == to.date ? "is the same time as" : "is before"
            report(
                fields.path("to"),
                "\(to.text.quoted) \(relation) \"from\" \(from.text.quoted): "
                    + "a window must end after it starts")
            return nil
        }
        return .once(from: from.date, to: to.date)
    }

    /// A date and time: ISO 8601 with an offset (`2026-12-07T23:50:00+09:00`), or a local one
    /// (`2026-12-07T23:50`) in the window's `timeZone` (UTC without one).
    private mutating func instant(_ fields: ConfigFields, _ key: String, zone: TimeZone?)
        -> (date: Date, text: ConfigText)?
    {
        guard let text = text(fields, key, required: true) else { return nil }
        guard let date = Self.parseInstant(text.value, zone: zone ?? TimeZone(identifier: "UTC") ?? .current) else {
            report(
                fields.path(key),
                "\(text.quoted) is not a date and time (use e.g. \"2026-12-07T23:50:00+09:00\", "
                    + "or \"2026-12-07T23:50\" with \"timeZone\")")
            return nil
        }
        return (date, text)
    }

    static func parseInstant(_ text: String, zone: TimeZone) -> Date? {
        let withOffset = ISO8601DateFormatter()
        withOffset.formatOptions = [.withInternetDateTime]
        if let date = withOffset.date(from: text) { return date }
        withOffset.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withOffset.date(from: text) { return date }
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX")
        local.timeZone = zone
        local.isLenient = false
        for format in ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm"] {
            local.dateFormat = format
            if let date = local.date(from: text) { return date }
        }
        return nil
    }

    private mutating func recurringSchedule(_ fields: ConfigFields, zone: TimeZone?) -> MaintenanceWindow.Schedule? {
        var every: String?
        if let text = text(fields, "every", required: true) {
            if ["daily", "weekly"].contains(text.value) {
                every = text.value
            } else {
                let hint =
                    ConfigSpelling.suggestion(for: text.value, among: ["daily", "weekly"])
                    .map { "; did you mean \(ConfigQuote.quoted($0))?" } ?? " (use \"daily\" or \"weekly\")"
                report(fields.path("every"), "\(text.quoted) is not a recurrence\(hint)")
            }
        }
        let start = timeOfDay(fields, "start")
        let end = timeOfDay(fields, "end")
        var days: Set<Int> = []
        var daysValid = true
        if let value = fields["days"] {
            let path = fields.path("days")
            if case .array(let items) = value, !items.isEmpty {
                for (j, item) in items.enumerated() {
                    guard let day = text(item, at: ConfigPath.child(path, j)) else { daysValid = false; continue }
                    let name = day.value.lowercased()
                    if let index = Self.weekdayNames.firstIndex(of: String(name.prefix(3))),
                        name.count == 3 || Self.fullWeekdayNames[index] == name
                    {
                        days.insert(index + 1)
                    } else {
                        daysValid = false
                        report(
                            ConfigPath.child(path, j),
                            "\(day.quoted) is not a day of the week (use mon, tue, wed, "
                                + "thu, fri, sat, sun)")
                    }
                }
            } else {
                daysValid = false
                report(path, "must be a non-empty array of days such as [\"sat\", \"sun\"]")
            }
            if every == "daily" {
                report(path, "\"days\" applies to \"every\": \"weekly\"; a daily window has none")
                daysValid = false
            }
        } else if every == "weekly" {
            report(fields.path, "a weekly window needs \"days\", e.g. [\"sun\"]")
            daysValid = false
        }
        if fields["timeZone"] == nil {
            report(
                fields.path, "a recurring window needs \"timeZone\" (an IANA name such as \"Asia/Seoul\" or \"UTC\")")
        }
        guard let every, let start, let end, let zone, daysValid else { return nil }
        guard start != end else {
            report(
                fields.path("end"),
                "\"end\" is \(end), the same as \"start\": the window would be empty "
                    + "(a window across midnight ends earlier than it starts, e.g. 23:50 to 00:10)")
            return nil
        }
        return .recurring(days: every == "daily" ? [] : days, start: start, end: end, timeZone: zone)
    }

    static let fullWeekdayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    private mutating func timeOfDay(_ fields: ConfigFields, _ key: String) -> TimeOfDay? {
        guard let text = text(fields, key, required: true) else { return nil }
        guard let time = TimeOfDay(text.value) else {
            report(fields.path(key), "\(text.quoted) is not a time of day (use HH:MM, e.g. \"23:50\")")
            return nil
        }
        return time
    }
}
