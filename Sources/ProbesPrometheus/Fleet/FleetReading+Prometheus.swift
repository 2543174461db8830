import Foundation
import Probes

/// Reading the fleet from Prometheus: the instant query a poll sends and the parsing of its
/// answer into a ``FleetReading``.
extension FleetReading {
    /// The series a poll asks for. `sli=~"|availability"` keeps series without an `sli` label and
    /// drops the latency SLI's, so one instant query returns every site's state at a fleet-sized cost
    /// (which sites went dark is the second query's, ``livenessQuery``).
    public static let query: String = {
        let names = [
            "probe_success", "probe_duration_seconds", "probe_http_status_code", "incidentboard_service_status",
            "incidentboard_slo_objective_ratio", "incidentboard_slo_error_budget_remaining_ratio",
            "incidentboard_slo_burn_rate", "incidentboard_root_cause", "incidentboard_last_snapshot_timestamp_seconds",
            "incidentboard_sli_events_total", "incidentboard_sli_errors_total",
        ]
        return "{__name__=~\"\(names.joined(separator: "|"))\",site!=\"\",sli=~\"|availability\"}"
    }()

    /// How long a site that stopped reporting is remembered as dark: Prometheus is asked which
    /// sites and services reported within it.
    public static let darkMemory = "1h"

    /// How long an agent's scheduler may start no probe before its site counts as dark although
    /// its `/metrics` still answers (a hung engine): longer than any sensible probe interval.
    public static let stallWindow = "10m"

    /// The second query of a poll, for the sites' liveness: each site's last snapshot time and
    /// instance, the services each site reported within ``darkMemory`` (series that went stale
    /// included), the sites whose scheduler started no probe within ``stallWindow`` (labelled
    /// `stalled`), and `up` of every target. A site found here and not in the answer to ``query``,
    /// whose target's `up` is 0, or that stalled, is dark.
    public static let livenessQuery: String =
        "max by (site, instance) (last_over_time("
        + "incidentboard_last_snapshot_timestamp_seconds{site!=\"\"}[\(darkMemory)]))"
        + " or group by (site, service) (last_over_time(probe_success{site!=\"\",service!=\"\"}[\(darkMemory)]))"
        + " or label_replace(max by (site) (increase(incidentboard_scheduler_probes_started_total{site!=\"\"}"
        + "[\(stallWindow)])) == 0, \"stalled\", \"true\", \"\", \"\")"
        + " or up"

    /// Joins the answers of ``query`` and ``livenessQuery``: sites that reported lately and are not
    /// reporting now (or whose target is down) become ``dark``.
    /// - Throws: as ``parse(_:)`` for the first answer; a liveness answer that cannot be read
    ///   leaves the reading without dark sites rather than failing the poll.
    public static func parse(_ data: Data, liveness: Data?) throws(SourceProblem) -> FleetReading {
        let samples = try PrometheusAnswer.samples(from: data)
        let now = FleetReading(samples: samples)
        guard let liveness, let seen = try? PrometheusAnswer.samples(from: liveness, requireName: false) else {
            guard !now.services.isEmpty else { throw noSeries }
            var unknown = now
            unknown.livenessKnown = false
            return unknown
        }
        var lastSeen: [String: Double] = [:]
        var instances: [String: Set<String>] = [:]
        var covered: [String: Set<String>] = [:]
        var up: [String: Double] = [:]
        var stalled = Set<String>()
        for sample in seen {
            if sample.name == "up" {
                if let instance = sample.labels["instance"] { up[instance] = min(up[instance] ?? 1, sample.value) }
                continue
            }
            guard sample.name.isEmpty, let site = sample.labels["site"], !site.isEmpty else { continue }
            if sample.labels["stalled"] == "true" {
                stalled.insert(site)
            } else if let service = sample.labels["service"] {
                covered[site, default: []].insert(service)
            } else {
                lastSeen[site] = max(lastSeen[site] ?? 0, sample.value)
                if let instance = sample.labels["instance"] { instances[site, default: []].insert(instance) }
            }
        }
        let reporting = Set(samples.compactMap { $0.labels["site"] }.filter { !$0.isEmpty })
        var dark: [DarkSite] = []
        for site in Set(lastSeen.keys).union(covered.keys) {
            let targetDown = (instances[site] ?? []).contains { up[$0] == 0 }
            guard targetDown || stalled.contains(site) || !reporting.contains(site) else { continue }
            dark.append(DarkSite(site: site, since: lastSeen[site].flatMap(date), services: Array(covered[site] ?? [])))
        }
        let reading = FleetReading(services: now.services, dark: dark)
        guard !reading.services.isEmpty || !reading.dark.isEmpty else { throw noSeries }
        return reading
    }

    private static var noSeries: SourceProblem {
        SourceProblem("no IncidentBoard series in Prometheus (are agents with --metrics-listen scraped?)")
    }

    // MARK: Parsing

    /// Parses the answer of `/api/v1/query` for ``query``.
    /// - Throws: a ``SourceProblem`` for anything that is not a successful vector result with at
    ///   least one IncidentBoard service in it.
    public static func parse(_ data: Data) throws(SourceProblem) -> FleetReading {
        let reading = FleetReading(samples: try PrometheusAnswer.samples(from: data))
        guard !reading.services.isEmpty else { throw noSeries }
        return reading
    }

    /// Groups samples by service and site. Samples without `site` or `service` are not ours
    /// (a blackbox_exporter's `probe_success`, say) and are left out.
    init(samples: [PrometheusSample]) {
        var partial: [String: [String: PartialSite]] = [:]
        var snapshotTimes: [String: Double] = [:]
        for sample in samples {
            guard let site = sample.labels["site"], !site.isEmpty else { continue }
            if sample.name == "incidentboard_last_snapshot_timestamp_seconds" {
                snapshotTimes[site] = sample.value
                continue
            }
            guard let service = sample.labels["service"], !service.isEmpty else { continue }
            partial[service, default: [:]][site, default: PartialSite()].add(sample)
        }
        var services: [String: [SiteReading]] = [:]
        for (service, sites) in partial {
            services[service] = sites.map { site, partial in
                partial.reading(site: site, sampledAt: snapshotTimes[site].flatMap(Self.date))
            }
        }
        self.init(services: services)
    }

    private static func date(_ seconds: Double) -> Date? {
        guard seconds.isFinite, seconds > 0, seconds < 1e11 else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }
}

/// The series of one service at one site, gathered sample by sample.
private struct PartialSite {
    var oneHot: ProbeStatus?
    var success: Double?
    var duration: Double?
    var httpCode: Double?
    var budget: Double?
    var objective: Double?
    var rootCause = false
    var burnRates: [String: Double] = [:]
    var events: Double?
    var errors: Double?

    mutating func add(_ sample: PrometheusSample) {
        let value = sample.value
        switch sample.name {
        case "incidentboard_service_status":
            guard value == 1, let state = sample.labels["state"].flatMap(ProbeStatus.init(rawValue:)) else { return }
            oneHot = max(oneHot ?? state, state)
        case "probe_success": success = value
        case "probe_duration_seconds": duration = value
        case "probe_http_status_code": httpCode = value
        case "incidentboard_slo_error_budget_remaining_ratio": budget = value
        case "incidentboard_slo_objective_ratio": objective = value
        case "incidentboard_root_cause": rootCause = value == 1
        case "incidentboard_sli_events_total": if value.isFinite, value >= 0 { events = value }
        case "incidentboard_sli_errors_total": if value.isFinite, value >= 0 { errors = value }
        case "incidentboard_slo_burn_rate":
            guard let window = sample.labels["window"], !window.isEmpty, value.isFinite, value >= 0 else { return }
            burnRates[window] = value
        default: break
        }
    }

    func reading(site: String, sampledAt: Date?) -> SiteReading {
        var status = oneHot ?? .unknown
        if oneHot == nil, let success, success.isFinite { status = success >= 1 ? .up : .down }
        var latency: Duration?
        if let duration, duration.isFinite, duration >= 0, duration < 1e6 { latency = .seconds(duration) }
        var httpStatus: Int?
        if let httpCode, httpCode.isFinite, httpCode >= 100, httpCode < 1000 { httpStatus = Int(httpCode) }
        var reading = SiteReading(
            state: SiteState(
                site: site, status: status, latency: latency, httpStatus: httpStatus,
                budgetRemaining: budget.flatMap { $0.isFinite ? $0 : nil }, sampledAt: sampledAt),
            isRootCause: rootCause,
            objective: objective.flatMap { $0.isFinite && $0 > 0 && $0 < 1 ? $0 : nil },
            burnRates: burnRates)
        reading.events = events
        reading.errors = errors
        return reading
    }
}

/// One sample of an instant query's vector result.
struct PrometheusSample: Sendable, Equatable {
    var name: String
    var labels: [String: String]
    var value: Double
}

/// The JSON of Prometheus's HTTP API (`{"status":"success","data":{"resultType":"vector",...}}`).
enum PrometheusAnswer {
    /// The samples of a successful vector answer.
    /// - Throws: the error Prometheus reports (`"status":"error"`), or that the body is not an answer.
    /// - Parameter requireName: whether samples without `__name__` (aggregations) are left out;
    ///   with `false` they are kept with an empty name.
    static func samples(from data: Data, requireName: Bool = true) throws(SourceProblem) -> [PrometheusSample] {
        guard let json = try? JSONSerialization.jsonObject(with: data) else {
            throw SourceProblem("answer is not JSON (is the URL a Prometheus server?)")
        }
        guard let root = json as? [String: Any] else { throw SourceProblem("answer is not a Prometheus query result") }
        if let error = errorText(root) { throw SourceProblem("query failed: \(error)") }
        guard root["status"] as? String == "success", let body = root["data"] as? [String: Any],
            let result = body["result"] as? [Any]
        else {
            throw SourceProblem("answer is not a Prometheus query result")
        }
        guard body["resultType"] as? String == "vector" else {
            throw SourceProblem("answer is a \(body["resultType"] as? String ?? "?"), not a vector")
        }
        var samples: [PrometheusSample] = []
        samples.reserveCapacity(result.count)
        for case let entry as [String: Any] in result {
            guard let metric = entry["metric"] as? [String: String],
                let name = metric["__name__"] ?? (requireName ? nil : ""),
                let pair = entry["value"] as? [Any], pair.count == 2, let text = pair[1] as? String,
                let value = number(text)
            else { continue }
            samples.append(PrometheusSample(name: name, labels: metric, value: value))
        }
        return samples
    }

    /// `bad_data: parse error …` from an answer with `"status":"error"`, else `nil`.
    static func errorText(_ root: [String: Any]) -> String? {
        guard root["status"] as? String == "error" else { return nil }
        let kind = root["errorType"] as? String
        let text = root["error"] as? String ?? "unspecified error"
        let line = (kind.map { "\($0): " } ?? "") + text
        return line.count > 160 ? String(line.prefix(159)) + "…" : line
    }

    /// Prometheus writes sample values as strings, including `NaN`, `+Inf` and `-Inf`.
    static func number(_ text: String) -> Double? {
        switch text {
        case "NaN": .nan
        case "+Inf", "Inf": .infinity
        case "-Inf": -.infinity
        default: Double(text)
        }
    }
}
