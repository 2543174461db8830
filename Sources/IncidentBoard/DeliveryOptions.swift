import ArgumentParser
import Foundation
import Probes
import ProbesPrometheus

/// `--alertmanager`, `--webhook` and `--webhook-header`, shared by `watch` and `dashboard`:
/// where alerts are delivered besides stdout, at least once, through the outbox in the state file.
struct DeliveryOptions: ParsableArguments {
    @Option(
        name: .customLong("alertmanager"),
        help: ArgumentHelp(
            "Deliver alerts to this Alertmanager (its base URL; POST /api/v2/alerts), with root_cause and role "
                + "labels for its inhibit rules, reminding it of firing alerts and posting resolves.",
            valueName: "url"))
    var alertmanager: String?

    @Option(
        name: .customLong("webhook"),
        help: ArgumentHelp(
            "POST every alert event to this URL: the JSON line of `watch --format json` plus deliveryId "
                + "(repeatable).",
            valueName: "url"))
    var webhooks: [String] = []

    @Option(
        name: .customLong("webhook-header"),
        help: ArgumentHelp(
            "A header of every webhook request, NAME=VALUE; ${VAR} in VALUE comes from the environment "
                + "(quote it: 'Authorization=Bearer ${TOKEN}'). Values are never printed (repeatable).",
            valueName: "name=value"))
    var webhookHeaders: [String] = []

    @Option(
        name: .customLong("alertmanager-resend"),
        help: ArgumentHelp(
            "How often Alertmanager is reminded of firing alerts, in seconds (default: 60).",
            valueName: "seconds"))
    var alertmanagerResend: Int?

    var isGiven: Bool { alertmanager != nil || !webhooks.isEmpty }

    func validate() throws {
        if !webhookHeaders.isEmpty && webhooks.isEmpty {
            throw ValidationError("--webhook-header needs a --webhook to send it to")
        }
        if let alertmanagerResend {
            guard alertmanagerResend >= 1 && alertmanagerResend <= 3600 else {
                throw ValidationError("--alertmanager-resend must be from 1 to 3600 seconds")
            }
            guard alertmanager != nil else { throw ValidationError("--alertmanager-resend needs --alertmanager") }
        }
        _ = try targets()
    }

    /// The destinations given, in order (Alertmanager first).
    /// - Throws: a usage error naming the option and never a header's value.
    func targets(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ValidationError)
        -> [DeliveryTarget]
    {
        do {
            let headers = try webhookHeaders.map { (text) throws(DeliveryProblem) in
                try DeliveryTarget.header(parsing: text, environment: environment)
            }
            var targets: [DeliveryTarget] = []
            if let alertmanager { targets.append(try DeliveryTarget.alertmanager(parsing: alertmanager)) }
            for webhook in webhooks { targets.append(try DeliveryTarget.webhook(parsing: webhook, headers: headers)) }
            var seen = Set<String>()
            for target in targets where !seen.insert(target.destination).inserted {
                throw DeliveryProblem("\(target.display) is given twice")
            }
            return targets
        } catch {
            throw ValidationError((error as? DeliveryProblem)?.description ?? "\(error)")
        }
    }

    /// `--source` reads another agent's results: nothing is told here to deliver.
    func rejectWithSource(_ source: SourceOptions) throws(ValidationError) {
        guard isGiven, let given = source.source, given != "local" else { return }
        throw ValidationError(
            "--alertmanager and --webhook deliver the alerts of local probing, and with --source "
                + "nothing is probed here; leave one of them out")
    }

    /// What to start, or `nil` when no destination is given.
    func settings(site: String?) -> DeliverySettings? {
        guard isGiven, let targets = try? targets(), !targets.isEmpty else { return nil }
        return DeliverySettings(
            targets: targets, site: site ?? MetricsSite.thisMachine(),
            resend: .seconds(alertmanagerResend ?? 60))
    }
}

/// Where to deliver alerts, as `--alertmanager`/`--webhook` gave them.
struct DeliverySettings: Sendable {
    var targets: [DeliveryTarget]
    var site: String
    var resend: Duration
}

extension Agent {
    /// The delivery service on `store`'s outbox, with a line on stderr naming each destination.
    static func startDelivery(_ settings: DeliverySettings?, store: HistoryStore, redactor: Redactor)
        -> AlertDelivery?
    {
        guard let settings else { return nil }
        let delivery = AlertDelivery(
            targets: settings.targets, store: store, site: settings.site, redactor: redactor,
            resendInterval: settings.resend, onNotice: notice)
        for target in settings.targets {
            StandardError.write("incidentboard: delivering alerts to \(target.display)")
        }
        return delivery
    }

    /// With `--alertmanager`: copies the state file's silences there as the engine reads them.
    static func silenceSync(_ settings: DeliverySettings?, store: HistoryStore)
        -> (@Sendable ([Silence]) -> Void)?
    {
        guard let target = settings?.targets.first(where: { $0.kind == .alertmanager }) else { return nil }
        let sync = AlertmanagerSilenceSync(target: target, store: store, onNotice: notice)
        return { sync.sync($0) }
    }

    /// Each destination's figures on stderr, when the run ends.
    static func reportDelivery(_ delivery: AlertDelivery?) {
        guard let delivery else { return }
        for line in delivery.summaryLines() { StandardError.write("incidentboard: delivery: \(line)") }
    }
}
