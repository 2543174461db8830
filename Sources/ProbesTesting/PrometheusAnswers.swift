import Foundation
import Probes

/// Canned answers of Prometheus's `/api/v1/query`, carrying series named as our `/metrics` names
/// them, for a fake Prometheus (a ``LoopbackHTTPServer`` route) in tests of the fleet source.
public enum PrometheusAnswers {
    /// One series and its value.
    public struct Series: Sendable {
        /// The metric name (`__name__`).
        public var name: String
        /// The other labels.
        public var labels: [String: String]
        /// The value as Prometheus writes it (`"1"`, `"0.012"`, `"NaN"`).
        public var value: String

        /// A series.
        public init(_ name: String, _ labels: [String: String], _ value: String) {
            self.name = name
            self.labels = labels
            self.value = value
        }
    }

    /// The series one agent exports for one probed service.
    /// - Parameters:
    ///   - state: `up`, `degraded`, `down` or `unknown` (one-hot in `incidentboard_service_status`).
    ///   - latency: `probe_duration_seconds`.
    ///   - httpStatus: `probe_http_status_code` (0: no response).
    ///   - events: with `errors`, the availability counters (`incidentboard_sli_events_total`,
    ///     `incidentboard_sli_errors_total`); left out when `nil`.
    public static func agent(
        service: String, site: String, state: String, latency: Double = 0.012,
        httpStatus: Int = 200, budget: Double = 0.98, burn1h: Double = 0.5,
        rootCause: Bool = false, events: Double? = nil, errors: Double? = nil
    ) -> [Series] {
        let labels = ["service": service, "site": site]
        var series = [
            Series("probe_success", labels, state == "down" ? "0" : "1"),
            Series("probe_duration_seconds", labels, "\(latency)"),
            Series("probe_http_status_code", labels, "\(httpStatus)"),
            Series("incidentboard_root_cause", labels, rootCause ? "1" : "0"),
        ]
        for candidate in ["up", "degraded", "down", "unknown"] {
            series.append(
                Series(
                    "incidentboard_service_status", labels.merging(["state": candidate]) { a, _ in a },
                    candidate == state ? "1" : "0"))
        }
        let availability = labels.merging(["sli": "availability"]) { a, _ in a }
        series.append(Series("incidentboard_slo_objective_ratio", availability, "0.999"))
        series.append(Series("incidentboard_slo_error_budget_remaining_ratio", availability, "\(budget)"))
        if let events { series.append(Series("incidentboard_sli_events_total", availability, "\(events)")) }
        if let errors { series.append(Series("incidentboard_sli_errors_total", availability, "\(errors)")) }
        for (window, factor) in [("5m", 1.5), ("1h", 1.0), ("6h", 0.4), ("slo", 0.1)] {
            series.append(
                Series(
                    "incidentboard_slo_burn_rate", availability.merging(["window": window]) { a, _ in a },
                    "\(burn1h * factor)"))
        }
        return series
    }

    /// `incidentboard_last_snapshot_timestamp_seconds{site}`.
    public static func snapshotTime(site: String, _ seconds: Double) -> Series {
        Series("incidentboard_last_snapshot_timestamp_seconds", ["site": site], "\(seconds)")
    }

    /// The answer of the liveness query for one site: its last snapshot time and instance, and a
    /// row per service it reported lately (aggregations: no `__name__`).
    public static func seen(site: String, instance: String, lastSnapshot: Double, services: [String]) -> [Series] {
        [Series("", ["site": site, "instance": instance], "\(lastSnapshot)")]
            + services.map { Series("", ["site": site, "service": $0], "1") }
    }

    /// `up{instance, job}` of one scrape target.
    public static func up(instance: String, _ value: Int, job: String = "incidentboard") -> Series {
        Series("up", ["instance": instance, "job": job], "\(value)")
    }

    /// A successful instant query returning `series` as a vector evaluated at `time`; a series
    /// with an empty name is written without `__name__`, as Prometheus writes aggregations.
    public static func vector(_ series: [Series], at time: Double = 1_763_781_165) -> String {
        let results = series.map { item -> String in
            let labels = (item.name.isEmpty ? item.labels : ["__name__": item.name].merging(item.labels) { a, _ in a })
                .sorted { $0.key < $1.key }
                .map { "\(JSONText.quote($0.key)):\(JSONText.quote($0.value))" }
                .joined(separator: ",")
            return "{\"metric\":{\(labels)},\"value\":[\(time),\(JSONText.quote(item.value))]}"
        }
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
            + results.joined(separator: ",") + "]}}"
    }

    /// An answer with `"status":"error"`, as Prometheus sends for a bad query.
    public static func error(type: String, _ message: String) -> String {
        "{\"status\":\"error\",\"errorType\":\(JSONText.quote(type)),\"error\":\(JSONText.quote(message))}"
    }
}
