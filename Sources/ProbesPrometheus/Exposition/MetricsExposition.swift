import Foundation
import Probes
import Prometheus
import Synchronization

/// The Prometheus exposition (text format 0.0.4) of an agent: every series the README lists, from the
/// engine's snapshots and the scheduler's statistics, labelled with `service` and `site` only (no
/// URL, header or other config value ever becomes a label, so no secret can leak through `/metrics`).
///
/// Built once per process. ``update(_:schedule:)`` runs once per engine tick and only stores
/// numbers; text is produced only when scraped (``rendering()``), in chunks, so neither the
/// engine nor the scrape grows with anything but the number of series.
///
/// Process, build and scheduler series live in a swift-prometheus `PrometheusCollectorRegistry`.
/// The per-service families do not: the registry copies a family's dictionary on every new label
/// set, so registering n series costs O(n²) (10,000 series of one family took 3.4 s here, and the
/// burn-rate family alone has 160,000 at 10,000 services), and it keeps an object, an atomic and a
/// prerendered line per series. They are kept as one flat row of doubles per service instead and
/// written in the same format.
public final class MetricsExposition: Sendable {
    /// The `site` label of every series.
    public let site: String
    /// IncidentBoard's version (`incidentboard_build_info`).
    public let version: String

    private let registry: PrometheusCollectorRegistry
    private let names: [String]
    private let rowByName: [String: Int]
    private let isHTTP: [Bool]
    /// `{service="…",site="…"` per row.
    private let rowLabels: [[UInt8]]
    /// `{site="…"`.
    private let siteLabels: [UInt8]
    private let process: ProcessSeries
    private let state: Mutex<State>

    private struct State {
        /// rows × ``MetricsServiceFamily/width``; NaN where a series has no sample (yet).
        var values: [Double]
        var lastTotals: [SLITotals]
        var engine: EngineSeries?
        var lastStarted = 0
        var lastSkipped = 0
        var lastMissed = 0
        var lateness: LatenessSummary?
        var lastSnapshot: Gauge?
        var lastCPUSeconds = 0.0
        /// The step series of transaction probes, rendered at each update (few series).
        var steps: [UInt8] = []
    }

    /// The scheduler's series, made when the first statistics arrive (a fleet view has none).
    private struct EngineSeries {
        var started: Counter
        var skipped: Counter
        var missed: Counter
        var inFlight: Gauge
    }

    private struct ProcessSeries: Sendable {
        var cpu: Counter
        var resident: Gauge?
        var start: Gauge?
        var openFDs: Gauge?
    }

    /// Lateness quantiles as a summary (a gauge with a `quantile` label fails `promtool check metrics`).
    struct LatenessSummary: Sendable, Equatable {
        var p50: Double
        var p99: Double
        var max: Double
        var sum: Double
        var count: UInt64
    }

    /// An exposition of every entry of `config`.
    /// - Parameters:
    ///   - site: the `site` label (see ``MetricsSite``).
    ///   - version: IncidentBoard's version, for `incidentboard_build_info`.
    public init(config: ProbesConfig, site: String, version: String) {
        self.site = site
        self.version = version
        names = config.services.map(\.name)
        rowByName = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        isHTTP = config.services.map {
            if case .http = $0.probe?.kind { return true }
            return false
        }
        let escapedSite = Self.escape(site)
        rowLabels = names.map { Array("{service=\"\(Self.escape($0))\",site=\"\(escapedSite)\"".utf8) }
        siteLabels = Array("{site=\"\(escapedSite)\"".utf8)

        let width = MetricsServiceFamily.width
        var values = [Double](repeating: .nan, count: names.count * width)
        for (row, service) in config.services.enumerated() {
            let base = row * width
            func set(_ family: MetricsServiceFamily, _ variant: Int, _ value: Double) {
                values[base + family.offset + variant] = value
            }
            let unknown = MetricsServiceFamily.states.firstIndex(of: .unknown) ?? 0
            for (i, _) in MetricsServiceFamily.states.enumerated() { set(.serviceStatus, i, i == unknown ? 1 : 0) }
            set(.rootCause, 0, 0)
            set(.blastRadius, 0, 0)
            guard service.probe != nil else {
                // An inferred root cause raises a `down` alert under the entry's own name.
                if let down = MetricsServiceFamily.alerts.firstIndex(of: .down) { set(.alertFiring, down, 0) }
                continue
            }
            for (i, sli) in MetricsServiceFamily.slis.enumerated() {
                set(.sliEvents, i, 0)
                set(.sliErrors, i, 0)
                let objective = sli == .availability ? service.slo.objective : service.slo.latency.objective
                // 99.9 / 100 is 0.9990000000000001 in binary; the rule files and dashboards want 0.999.
                set(.objective, i, (objective / 100 * 1e12).rounded() / 1e12)
                set(.budgetRemaining, i, 1)
            }
            for i in 0..<MetricsServiceFamily.burnRate.variants.count { set(.burnRate, i, 0) }
            for i in MetricsServiceFamily.alerts.indices { set(.alertFiring, i, 0) }
        }
        state = Mutex(State(values: values, lastTotals: Array(repeating: SLITotals(), count: names.count)))

        let registry = PrometheusCollectorRegistry()
        let siteLabel = [("site", site)]
        registry.makeGauge(
            descriptor: Self.descriptor("incidentboard_build_info", "IncidentBoard's version; always 1."),
            labels: [("version", version), ("site", site)]
        ).set(to: 1)
        let health = MetricsProcessHealth.current()
        func gauge(_ name: String, _ help: String, if value: Double?) -> Gauge? {
            value.map { _ in registry.makeGauge(descriptor: Self.descriptor(name, help), labels: siteLabel) }
        }
        process = ProcessSeries(
            cpu: registry.makeCounter(
                descriptor: Self.descriptor("process_cpu_seconds_total", "Total user and system CPU time in seconds."),
                labels: siteLabel),
            resident: gauge(
                "process_resident_memory_bytes", "Resident memory size in bytes.",
                if: health.residentBytes),
            start: gauge(
                "process_start_time_seconds", "Start time of the process since the epoch in seconds.",
                if: health.startTime),
            openFDs: gauge("process_open_fds", "Number of open file descriptors.", if: health.openFDs))
        self.registry = registry
    }

    // MARK: Updating

    /// Takes in one engine tick: the board and, for local probing, the scheduler's statistics.
    /// Only numbers are stored; entries not in the config are ignored.
    public func update(_ snapshot: BoardSnapshot, schedule: ScheduleStatistics? = nil) {
        let summary = schedule.map(Self.lateness)
        state.withLock { state in
            let width = MetricsServiceFamily.width
            for (index, service) in snapshot.services.enumerated() {
                let row = index < names.count && names[index] == service.name ? index : rowByName[service.name]
                guard let row else { continue }
                Self.fill(
                    &state.values, base: row * width, from: service, isHTTP: isHTTP[row],
                    totals: &state.lastTotals[row])
            }
            if state.lastSnapshot == nil {
                state.lastSnapshot = registry.makeGauge(
                    descriptor: Self.descriptor(
                        "incidentboard_last_snapshot_timestamp_seconds",
                        "Engine time of the latest snapshot, in seconds since the epoch."),
                    labels: [("site", site)])
            }
            state.lastSnapshot?.set(to: snapshot.time.timeIntervalSince1970)
            state.steps = Self.stepSeries(snapshot, site: site)
            if let schedule { record(schedule, summary: summary, in: &state) }
        }
    }

    private static func fill(
        _ values: inout [Double], base: Int, from service: ServiceSnapshot, isHTTP: Bool,
        totals last: inout SLITotals
    ) {
        values.withUnsafeMutableBufferPointer { all in
            let row = UnsafeMutableBufferPointer(rebasing: all[base..<(base + MetricsServiceFamily.width)])
            func set(_ family: MetricsServiceFamily, _ variant: Int, _ value: Double) {
                row[family.offset + variant] = value
            }
            let state = service.status ?? .unknown
            for (i, candidate) in MetricsServiceFamily.states.enumerated() {
                set(.serviceStatus, i, candidate == state ? 1 : 0)
            }
            let isRoot = service.role.isRootCause
            set(.rootCause, 0, isRoot ? 1 : 0)
            set(.blastRadius, 0, isRoot ? Double(service.blastRadius) : 0)
            guard service.hasProbe else {
                if let down = MetricsServiceFamily.alerts.firstIndex(of: .down) {
                    set(.alertFiring, down, service.firing.contains(.down) ? 1 : 0)
                }
                return
            }
            if let result = service.lastResult {
                set(.probeSuccess, 0, result.status.isAvailable ? 1 : 0)
                set(.probeDuration, 0, result.latency.seconds)
                if isHTTP { set(.probeHTTPStatus, 0, Double(result.httpStatus ?? 0)) }
            }
            // Counters only go up: a source that restarts its totals (a Monitor rebuilt) counts on from
            // where it was, as Prometheus treats a counter reset.
            let now = service.totals
            func delta(_ new: Int, _ old: Int) -> Double { Double(new >= old ? new - old : new) }
            let events = MetricsServiceFamily.sliEvents.offset
            let errors = MetricsServiceFamily.sliErrors.offset
            row[events] += delta(now.probes, last.probes)
            row[events + 1] += delta(now.timed, last.timed)
            row[errors] += delta(now.failed, last.failed)
            row[errors + 1] += delta(now.slow, last.slow)
            last = now
            let windows = MetricsServiceFamily.windows.count
            for (i, status) in [service.availability, service.latencySLI].enumerated() {
                guard let status else { continue }
                set(.budgetRemaining, i, status.budgetRemaining)
                let r = status.burnRates
                let base = MetricsServiceFamily.burnRate.offset + i * windows
                (row[base], row[base + 1], row[base + 2], row[base + 3]) =
                    (r.fiveMinutes, r.thirtyMinutes, r.oneHour, r.twoHours)
                (row[base + 4], row[base + 5], row[base + 6], row[base + 7]) =
                    (r.sixHours, r.oneDay, r.threeDays, r.sloWindow)
            }
            for (i, kind) in MetricsServiceFamily.alerts.enumerated() {
                set(.alertFiring, i, service.firing.contains(kind) ? 1 : 0)
            }
        }
    }

    private func record(_ schedule: ScheduleStatistics, summary: LatenessSummary?, in state: inout State) {
        let engine =
            state.engine
            ?? {
                let labels = [("site", site)]
                func counter(_ name: String, _ help: String) -> Counter {
                    registry.makeCounter(descriptor: Self.descriptor(name, help), labels: labels)
                }
                return EngineSeries(
                    started: counter(
                        "incidentboard_scheduler_probes_started_total",
                        "Probes started, on schedule or by request."),
                    skipped: counter(
                        "incidentboard_scheduler_skipped_ticks_total",
                        "Ticks not run because the probe was still running or waiting for a slot."),
                    missed: counter(
                        "incidentboard_scheduler_missed_ticks_total",
                        "Ticks passed over because the scheduler woke up more than an interval late."),
                    inFlight: registry.makeGauge(
                        descriptor: Self.descriptor("incidentboard_scheduler_in_flight", "Probes running now."),
                        labels: labels))
            }()
        state.engine = engine
        func advance(_ counter: Counter, _ new: Int, _ old: inout Int) {
            let delta = new >= old ? new - old : new
            if delta > 0 { counter.increment(by: Int64(delta)) }
            old = new
        }
        advance(engine.started, schedule.started, &state.lastStarted)
        advance(engine.skipped, schedule.skippedTicks, &state.lastSkipped)
        advance(engine.missed, schedule.missedTicks, &state.lastMissed)
        engine.inFlight.set(to: Double(max(schedule.inFlight, 0)))
        state.lateness = summary
    }

    static func lateness(_ schedule: ScheduleStatistics) -> LatenessSummary {
        let histogram = schedule.latenessHistogram
        let count = histogram.totalCount
        return LatenessSummary(
            p50: schedule.lateness(atPercentile: 50).seconds, p99: schedule.lateness(atPercentile: 99).seconds,
            max: schedule.maxLateness.seconds, sum: count == 0 ? 0 : histogram.mean * Double(count) / 1e6,
            count: count)
    }

    // MARK: Rendering

    /// The whole exposition as text (tests, small boards; the server streams ``rendering()``).
    public func render() -> String {
        var rendering = rendering()
        var bytes: [UInt8] = []
        while let chunk = rendering.next() { bytes += chunk }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A consistent view of every series as of now, to be written out chunk by chunk. Reads the
    /// process's health first.
    public func rendering() -> MetricsRendering {
        refreshProcess()
        var head: [UInt8] = []
        registry.emit(into: &head)
        let (values, lateness, steps) = state.withLock { ($0.values, $0.lateness, $0.steps) }
        if let lateness { Self.appendLateness(lateness, labels: siteLabels, to: &head) }
        head += steps
        return MetricsRendering(head: head, values: values, rowLabels: rowLabels)
    }

    private func refreshProcess() {
        let health = MetricsProcessHealth.current()
        if let cpu = health.cpuSeconds {
            let delta = state.withLock { state -> Double in
                let delta = cpu - state.lastCPUSeconds
                if delta > 0 { state.lastCPUSeconds = cpu }
                return delta
            }
            if delta > 0 { process.cpu.increment(by: delta) }
        }
        if let value = health.residentBytes { process.resident?.set(to: value) }
        if let value = health.startTime { process.start?.set(to: value) }
        if let value = health.openFDs { process.openFDs?.set(to: value) }
    }

    private static func appendLateness(_ summary: LatenessSummary, labels: [UInt8], to out: inout [UInt8]) {
        let name = "incidentboard_scheduler_lateness_seconds"
        out += Array("# HELP \(name) Lateness of scheduled probe starts (start minus due time), ".utf8)
        out += Array("since the process started.\n".utf8)
        out += Array("# TYPE \(name) summary\n".utf8)
        for (quantile, value) in [("0.5", summary.p50), ("0.99", summary.p99), ("1", summary.max)] {
            out += Array(name.utf8) + labels + Array(",quantile=\"\(quantile)\"} ".utf8)
            MetricsText.appendValue(value, to: &out)
            out.append(UInt8(ascii: "\n"))
        }
        out += Array("\(name)_sum".utf8) + labels + Array("} ".utf8)
        MetricsText.appendValue(summary.sum, to: &out)
        out.append(UInt8(ascii: "\n"))
        out += Array("\(name)_count".utf8) + labels + Array("} ".utf8)
        MetricsText.appendValue(Double(summary.count), to: &out)
        out.append(UInt8(ascii: "\n"))
    }

    /// `probe_step_duration_seconds` and `probe_step_success` of every transaction's latest
    /// result, labelled with its step name (a name from the config, never a stored value).
    static func stepSeries(_ snapshot: BoardSnapshot, site: String) -> [UInt8] {
        var duration: [UInt8] = []
        var success: [UInt8] = []
        for service in snapshot.services {
            guard let steps = service.lastResult?.steps, !steps.isEmpty else { continue }
            for step in steps where step.status != .skipped {
                let labels =
                    "{service=\"\(escape(service.name))\",site=\"\(escape(site))\",step=\"\(escape(step.name))\""
                    + (step.isCleanup ? ",cleanup=\"true\"" : "") + "} "
                duration += Array(("probe_step_duration_seconds" + labels).utf8)
                MetricsText.appendValue(step.latency.seconds, to: &duration)
                duration.append(UInt8(ascii: "\n"))
                success += Array(("probe_step_success" + labels).utf8)
                MetricsText.appendValue(step.status == .down ? 0 : 1, to: &success)
                success.append(UInt8(ascii: "\n"))
            }
        }
        guard !duration.isEmpty else { return [] }
        var out = Array(
            "# HELP probe_step_duration_seconds Duration of each step of a transaction probe's latest run.\n".utf8)
        out += Array("# TYPE probe_step_duration_seconds gauge\n".utf8)
        out += duration
        out += Array(
            "# HELP probe_step_success Whether each step of a transaction probe's latest run passed (1) or failed (0).\n"
                .utf8)
        out += Array("# TYPE probe_step_success gauge\n".utf8)
        out += success
        return out
    }

    static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// A label value as the text format wants it: `\`, `"` and line feeds escaped.
    static func escape(_ value: String) -> String {
        var out = ""
        for c in value.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

/// One scrape's worth of series, written out in chunks of about `chunkBytes` so a large board is
/// never held in memory as one text.
public struct MetricsRendering: Sendable {
    private var head: [UInt8]?
    private let values: [Double]
    private let rowLabels: [[UInt8]]
    private var family = 0
    private var row = 0
    private var headerWritten = false

    init(head: [UInt8], values: [Double], rowLabels: [[UInt8]]) {
        self.head = head
        self.values = values
        self.rowLabels = rowLabels
    }

    /// Prerendered names and label sets of the per-service families.
    private static let families: [(name: [UInt8], header: [UInt8], variants: [[UInt8]], offset: Int)] =
        MetricsServiceFamily.allCases.map { family in
            let header =
                "# HELP \(family.name) \(family.help)\n# TYPE \(family.name) "
                + (family.isCounter ? "counter" : "gauge") + "\n"
            return (Array(family.name.utf8), Array(header.utf8), family.variants.map { Array($0.utf8) }, family.offset)
        }

    /// The next chunk of text, or `nil` when everything has been written.
    public mutating func next(chunkBytes: Int = 64 * 1024) -> [UInt8]? {
        if let head {
            self.head = nil
            return head
        }
        let width = MetricsServiceFamily.width
        var out: [UInt8] = []
        out.reserveCapacity(chunkBytes + 512)
        while family < Self.families.count {
            let spec = Self.families[family]
            if !headerWritten {
                out += spec.header
                headerWritten = true
            }
            while row < rowLabels.count {
                let base = row * width + spec.offset
                for (i, variant) in spec.variants.enumerated() {
                    let value = values[base + i]
                    guard !value.isNaN else { continue }
                    out += spec.name
                    out += rowLabels[row]
                    out += variant
                    out.append(UInt8(ascii: "}"))
                    out.append(UInt8(ascii: " "))
                    MetricsText.appendValue(value, to: &out)
                    out.append(UInt8(ascii: "\n"))
                }
                row += 1
                if out.count >= chunkBytes { return out }
            }
            family += 1
            row = 0
            headerWritten = false
        }
        return out.isEmpty ? nil : out
    }
}

/// Number formatting for the text format.
enum MetricsText {
    /// Integers as integers, everything else as Swift's shortest round-trip form; `NaN`, `+Inf`
    /// and `-Inf` as Prometheus spells them.
    static func appendValue(_ value: Double, to out: inout [UInt8]) {
        if value.isNaN {
            out += Array("NaN".utf8)
        } else if value.isInfinite {
            out += Array((value < 0 ? "-Inf" : "+Inf").utf8)
        } else if value == value.rounded(.towardZero), abs(value) < 1e15 {
            var n = Int64(value)
            if n < 0 {
                out.append(UInt8(ascii: "-"))
                n = -n
            }
            if n == 0 {
                out.append(UInt8(ascii: "0"))
                return
            }
            var digits: (UInt64, UInt64) = (0, 0)
            var count = 0
            withUnsafeMutableBytes(of: &digits) { buffer in
                while n > 0 {
                    buffer[count] = UInt8(ascii: "0") + UInt8(n % 10)
                    n /= 10
                    count += 1
                }
                for i in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[i]) }
            }
        } else {
            out += Array(value.description.utf8)
        }
    }
}
