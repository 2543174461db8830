import Foundation
import Probes

/// An alert event as Alertmanager's v2 API takes it (`POST /api/v2/alerts`): labels that name the
/// alert and carry the board's suppression model (`root_cause`, `role`), annotations for people,
/// and its start (and, once resolved, its end).
///
/// Labels: `alertname` (`IncidentBoardDown`, `IncidentBoardLatency`, `IncidentBoardBurnRate`, as
/// the generated Prometheus rules name them), `service`, `severity`, `root_cause` (the service
/// itself when it is its own root or the root is unknown), `role` (`victim` when the board
/// suppressed the alert under its root cause, else `root`: an alert that paged on the board pages
/// in Alertmanager too), `site`,
/// `incident` when the alert belongs to one, and `rule` and `sli` for burn-rate alerts (and
/// `rule` for an alert raised on behalf of a root's dependents).
public struct AlertmanagerAlert: Sendable, Equatable {
    /// The `alertname` of a `latency` alert (the rules of `rules` raise none of their own).
    public static let latencyAlert = "IncidentBoardLatency"

    public var labels: [String: String]
    public var annotations: [String: String]
    public var startsAt: Date
    /// `nil` while it fires (the sender sets a validity on each post).
    public var endsAt: Date?

    /// The alert of a firing event, or of a resolved one (``endsAt`` its time).
    /// - Parameter startsAt: when the alert started firing, for a resolved event whose firing
    ///   is not known any more (the event's time otherwise).
    public init(event: AlertEvent, site: String, startsAt: Date? = nil) {
        let root = event.rootCause ?? event.service
        var labels = [
            "alertname": Self.alertName(event.alert),
            "service": event.service,
            "severity": event.severity.rawValue,
            "root_cause": root,
            "role": event.suppressed && root != event.service ? "victim" : "root",
            "site": site,
        ]
        if let incident = event.incident { labels["incident"] = incident }
        if let rule = event.rule { labels["rule"] = rule }
        if let sli = event.sli { labels["sli"] = sli.rawValue }
        self.labels = labels
        var annotations = ["summary": event.summary]
        annotations["description"] = event.textLine(timeZone: TimeZone(identifier: "UTC") ?? .current)
        if event.suppressed { annotations["suppressed_by"] = root }
        self.annotations = annotations
        self.startsAt = event.event == .firing ? event.time : (startsAt ?? event.time)
        endsAt = event.event == .resolved ? event.time : nil
    }

    /// `IncidentBoardDown`, `IncidentBoardLatency` or `IncidentBoardBurnRate`.
    public static func alertName(_ kind: AlertKind) -> String {
        switch kind {
        case .down: PrometheusRules.downAlert
        case .latency: latencyAlert
        case .burnRate: PrometheusRules.burnRateAlert
        case .siteDark: PrometheusRules.siteDarkAlert
        }
    }

    /// Whether it is muted while its root cause fires.
    public var isVictim: Bool { labels["role"] == "victim" }

    /// The key an alert keeps from firing to resolved: service, kind, SLI and rule.
    public static func key(of event: AlertEvent) -> String {
        [event.service, event.alert.rawValue, event.sli?.rawValue ?? "", event.rule ?? ""].joined(separator: "|")
    }

    /// The JSON object of the API, `endsAt` as given (or the alert's own end).
    public func json(endsAt validUntil: Date? = nil) -> [String: Any] {
        var object: [String: Any] = [
            "labels": labels, "annotations": annotations,
            "startsAt": Self.timestamp(startsAt),
        ]
        if let end = endsAt ?? validUntil { object["endsAt"] = Self.timestamp(end) }
        return object
    }

    /// Stored form: the JSON object without a validity.
    public var stored: Data {
        (try? JSONSerialization.data(withJSONObject: json(), options: [.sortedKeys])) ?? Data()
    }

    /// Reads a stored alert back; `nil` when it is not one.
    public init?(stored: Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: stored)) as? [String: Any],
            let labels = object["labels"] as? [String: String],
            let starts = (object["startsAt"] as? String).flatMap(Self.date)
        else { return nil }
        self.labels = labels
        annotations = object["annotations"] as? [String: String] ?? [:]
        startsAt = starts
        endsAt = (object["endsAt"] as? String).flatMap(Self.date)
    }

    static func timestamp(_ date: Date) -> String { ISOTimestamp.milliseconds(date) }

    static func date(_ text: String) -> Date? { ISOTimestamp.date(text) }
}
