import Foundation

extension ConfigValidator {
    static let sloKeys = ["objective", "window", "latency", "alerts"]
    static let latencySLOKeys = ["threshold", "objective"]
    static let alertKeys = ["downAfter", "resolveAfter", "latency", "burnRate"]
    static let burnRateKeys = ["name", "severity", "longWindow", "shortWindow", "budgetConsumed"]

    /// A burn-rate rule with where it was written.
    struct BurnRateDraft {
        var rule: BurnRateRule
        var path: String
        var longWindowShown: String
    }

    /// Reads an `slo` object over `base`, field by field (nested objects too): what the object
    /// does not set keeps the base's value.
    mutating func sloPolicy(_ value: ConfigJSON, at path: String, base: SLOPolicy) -> SLOPolicy {
        guard let fields = fields(value, at: path) else { return base }
        checkKeys(fields, allowed: Self.sloKeys)
        var policy = base
        if let objective = percentage(fields, "objective") { policy.objective = objective }
        let window = duration(fields, "window")
        if let window { policy.window = window.value }
        if let value = fields["latency"], let latency = self.fields(value, at: fields.path("latency")) {
            checkKeys(latency, allowed: Self.latencySLOKeys)
            if let threshold = duration(latency, "threshold") { policy.latency.threshold = threshold.value }
            if let objective = percentage(latency, "objective") { policy.latency.objective = objective }
        }
        var rules: [BurnRateDraft]?
        if let value = fields["alerts"], let alerts = self.fields(value, at: fields.path("alerts")) {
            checkKeys(alerts, allowed: Self.alertKeys)
            if let count = integer(alerts, "downAfter", in: 1...Int.max) { policy.alerts.downAfter = count }
            if let count = integer(alerts, "resolveAfter", in: 1...Int.max) { policy.alerts.resolveAfter = count }
            if let flag = bool(alerts, "latency") { policy.alerts.latencyAlert = flag }
            if let value = alerts["burnRate"] {
                rules = burnRateRules(value, at: alerts.path("burnRate"))
                policy.alerts.burnRateRules = rules?.map(\.rule) ?? base.alerts.burnRateRules
            }
        }
        checkRuleWindows(policy: policy, rules: rules, window: window, at: fields)
        return policy
    }

    /// A rule's long window must fit in the SLO window. Checked where this level changed either:
    /// inherited rules against a new window, or new rules against the inherited window.
    private mutating func checkRuleWindows(
        policy: SLOPolicy, rules: [BurnRateDraft]?, window: ConfigDuration?, at fields: ConfigFields
    ) {
        let windowShown = window?.shown ?? policy.window.configString
        if let rules {
            for draft in rules where draft.rule.longWindow > policy.window {
                report(
                    ConfigPath.child(draft.path, "longWindow"),
                    "long window \(draft.longWindowShown) must not be "
                        + "longer than the SLO window \(windowShown)")
            }
        } else if let window {
            for rule in policy.alerts.burnRateRules where rule.longWindow > policy.window {
                report(
                    window.path ?? fields.path("window"),
                    "the SLO window \(window.shown) is shorter than the "
                        + "long window \(rule.longWindow.configString) of burn-rate rule \(ConfigQuote.quoted(rule.name))"
                )
            }
        }
    }

    private mutating func burnRateRules(_ value: ConfigJSON, at path: String) -> [BurnRateDraft]? {
        guard case .array(let items) = value else {
            report(path, "must be an array of burn-rate rules, not \(value.typeDescription)")
            return nil
        }
        var drafts: [BurnRateDraft] = []
        var pathByName: [String: String] = [:]
        let severities = AlertSeverity.allCases.map(\.rawValue)
        for (k, item) in items.enumerated() {
            let rulePath = ConfigPath.child(path, k)
            guard let fields = fields(item, at: rulePath) else { continue }
            checkKeys(fields, allowed: Self.burnRateKeys)
            var name: String?
            if let text = text(fields, "name", required: true) {
                if text.value.isEmpty {
                    report(fields.path("name"), "must not be empty")
                } else if let earlier = pathByName[text.value] {
                    report(fields.path("name"), "\(text.quoted) is already used by \(earlier)")
                } else {
                    pathByName[text.value] = rulePath
                    name = text.value
                }
            }
            var severity: AlertSeverity?
            if let text = text(fields, "severity", required: true) {
                severity = AlertSeverity(rawValue: text.value)
                if severity == nil {
                    report(
                        fields.path("severity"),
                        "\(text.quoted) is not an alert severity ("
                            + severities.joined(separator: ", ") + ")"
                            + ConfigSpelling.hint(for: text.value, among: severities))
                }
            }
            let long = duration(fields, "longWindow", required: true)
            var short = duration(fields, "shortWindow", required: true)
            if let longWindow = long, let shortWindow = short, shortWindow.value >= longWindow.value {
                report(
                    fields.path("shortWindow"),
                    "short window \(shortWindow.shown) must be shorter than the long "
                        + "window \(longWindow.shown)")
                short = nil
            }
            let budget = percentage(fields, "budgetConsumed", allowHundred: true, required: true)
            guard let name, let severity, let long, let short, let budget else { continue }
            drafts.append(
                BurnRateDraft(
                    rule: BurnRateRule(
                        name: name, severity: severity, longWindow: long.value, shortWindow: short.value,
                        budgetConsumed: budget),
                    path: rulePath, longWindowShown: long.shown))
        }
        return drafts
    }
}
