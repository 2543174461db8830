import Foundation

/// The ISO 8601 forms of a date that outputs, file names and ids use, all in UTC: one place, so
/// that every output writes a time the same way.
public enum ISOTimestamp {
    private static let secondsStyle = Date.ISO8601FormatStyle().year().month().day().dateSeparator(.dash)
        .time(includingFractionalSeconds: false).timeSeparator(.colon).timeZone(separator: .omitted)
    private static let millisecondsStyle = Date.ISO8601FormatStyle().year().month().day().dateSeparator(.dash)
        .time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted)
    private static let dayStyle = Date.ISO8601FormatStyle().year().month().day().dateSeparator(.dash)
    private static let compactStyle = Date.ISO8601FormatStyle().year().month().day()
        .time(includingFractionalSeconds: false).dateSeparator(.omitted).timeSeparator(.omitted)
        .timeZone(separator: .omitted)

    /// `2026-11-22T01:02:03Z`.
    public static func seconds(_ date: Date) -> String { date.formatted(secondsStyle) }

    /// `2026-11-22T01:02:03.412Z`.
    public static func milliseconds(_ date: Date) -> String { date.formatted(millisecondsStyle) }

    /// `2026-11-22`.
    public static func day(_ date: Date) -> String { date.formatted(dayStyle) }

    /// `20261122T010203Z`, for file names.
    public static func compact(_ date: Date) -> String { date.formatted(compactStyle) }

    /// A date written with milliseconds, or in any other ISO 8601 form Foundation reads; `nil` if neither.
    public static func date(_ text: String) -> Date? {
        (try? Date(text, strategy: millisecondsStyle)) ?? (try? Date(text, strategy: .iso8601))
    }
}
