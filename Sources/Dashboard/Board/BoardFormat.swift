import Foundation
import Probes

/// How the board writes numbers: short, fixed-width friendly, never rounding a failure away.
public enum BoardFormat {
    /// `<1ms`, `41ms`, `830ms`, `1.2s`, `12s`; `--` for no value.
    public static func latency(_ duration: Duration?) -> String {
        guard let duration else { return "--" }
        let milliseconds = duration.milliseconds
        guard milliseconds.isFinite, milliseconds >= 0 else { return "--" }
        if milliseconds < 1 { return "<1ms" }
        if milliseconds < 999.5 { return "\(Int(milliseconds.rounded()))ms" }
        let seconds = milliseconds / 1000
        if seconds < 9.95 { return String(format: "%.1fs", seconds) }
        if seconds < 999.5 { return "\(Int(seconds.rounded()))s" }
        return ">999s"
    }

    /// Good over total as a percentage, rounded down so a single failure never shows as 100 %:
    /// `100%`, `99.95%`, `87.50%`; `--` without events.
    public static func ratio(good: Double, total: Double) -> String {
        guard total > 0, good.isFinite, total.isFinite else { return "--" }
        if good >= total { return "100%" }
        let hundredths = (good / total * 10_000).rounded(.down)
        return String(format: "%.2f%%", hundredths / 100)
    }

    /// An objective in percent without needless digits: `99.9%`, `99%`, `99.95%`.
    public static func objective(_ percent: Double) -> String {
        guard percent.isFinite else { return "--" }
        var text = String(format: "%.3f", percent)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "%"
    }

    /// A burn rate: `0`, `0.4`, `14.4`, `120`, `999+`; `--` for no value.
    public static func burn(_ rate: Double?) -> String {
        guard let rate, rate.isFinite, rate >= 0 else { return "--" }
        if rate == 0 { return "0" }
        if rate < 0.05 { return "<0.1" }
        if rate < 99.95 { return String(format: "%.1f", rate) }
        if rate < 999.5 { return "\(Int(rate.rounded()))" }
        return "999+"
    }

    /// A window or interval: `28d`, `6h`, `5m`, `90s`.
    public static func window(_ duration: Duration) -> String {
        SLIWindow.label(duration)
    }

    /// A time left: `3d 4h`, `5h 12m`, `12m`, `<1m`.
    public static func remaining(_ duration: Duration) -> String {
        let seconds = Int64(max(0, min(duration.seconds, 9_999 * 86_400)))
        let days = seconds / 86_400
        let hours = seconds % 86_400 / 3600
        let minutes = seconds % 3600 / 60
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m" }
        return "<1m"
    }

    /// `HH:MM:SS` of `date` in `timeZone`.
    public static func clock(_ date: Date, timeZone: TimeZone) -> String {
        // Arithmetic rather than a Calendar: the detail pane formats dozens of these per frame.
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e15 else { return "--:--:--" }
        let local = Int64(seconds.rounded(.down)) + Int64(timeZone.secondsFromGMT(for: date))
        let ofDay = ((local % 86_400) + 86_400) % 86_400
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return two(ofDay / 3600) + ":" + two(ofDay % 3600 / 60) + ":" + two(ofDay % 60)
    }

    /// The word for a status: `up`, `degraded`, `down`, `unknown`; `no data` before the first probe.
    public static func statusWord(_ status: ProbeStatus?) -> String {
        status?.rawValue ?? "no data"
    }
}
