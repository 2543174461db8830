import Foundation
import Probes

/// The process's own health as the usual client libraries export it (`process_cpu_seconds_total`,
/// `process_resident_memory_bytes`, `process_start_time_seconds`, `process_open_fds`), read from
/// `/proc/self` on Linux. Elsewhere only what POSIX gives (CPU time) is known; the rest is `nil`
/// and left out of the exposition rather than reported as a wrong number.
struct MetricsProcessHealth: Sendable, Equatable {
    /// User plus system CPU time, in seconds.
    var cpuSeconds: Double?
    /// Resident set size, in bytes.
    var residentBytes: Double?
    /// When the process started, in seconds since 1970.
    var startTime: Double?
    /// Open file descriptors.
    var openFDs: Double?

    /// Reads the current values (a few small reads of `/proc`; cheap enough for every scrape).
    static func current() -> MetricsProcessHealth {
        #if os(Linux)
            var health = MetricsProcessHealth()
            let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
            if let stat = read("/proc/self/stat"), let fields = statFields(stat), ticks > 0 {
                health.cpuSeconds = (fields.utime + fields.stime) / ticks
                if let boot = bootTime() { health.startTime = boot + fields.startTicks / ticks }
            }
            if let status = read("/proc/self/status") { health.residentBytes = residentBytes(status: status) }
            if let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
                // The listing holds the descriptor it reads through; it is closed again by now.
                health.openFDs = Double(max(entries.count - 1, 0))
            }
            if health.cpuSeconds == nil { health.cpuSeconds = rusageCPUSeconds() }
            return health
        #else
            return MetricsProcessHealth(cpuSeconds: rusageCPUSeconds())
        #endif
    }

    /// utime, stime and starttime from `/proc/<pid>/stat` (fields 14, 15 and 22, in clock ticks).
    /// The command name (field 2) is in parentheses and may hold spaces and parentheses itself, so
    /// the fields are counted from the last `)`.
    static func statFields(_ text: String) -> (utime: Double, stime: Double, startTicks: Double)? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let rest = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // rest[0] is field 3 (state), so field n is rest[n - 3].
        guard rest.count > 19, let utime = Double(rest[11]), let stime = Double(rest[12]),
            let start = Double(rest[19])
        else { return nil }
        return (utime, stime, start)
    }

    /// `VmRSS` from `/proc/<pid>/status`, in bytes.
    static func residentBytes(status text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let parts = line.dropFirst(6).split(whereSeparator: \.isWhitespace)
            guard let value = parts.first.flatMap({ Double($0) }) else { return nil }
            let unit = parts.dropFirst().first?.lowercased() ?? "kb"
            return unit == "kb" ? value * 1024 : value
        }
        return nil
    }

    /// `btime` from `/proc/stat`: the boot time in seconds since 1970.
    static func bootTime() -> Double? {
        guard let text = read("/proc/stat") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    private static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    private static func rusageCPUSeconds() -> Double? {
        var usage = rusage()
        #if os(Linux)
            let who = __rusage_who_t(RUSAGE_SELF.rawValue)
        #else
            let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return nil }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
