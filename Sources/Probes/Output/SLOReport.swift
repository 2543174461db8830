import Foundation

/// `incidentboard slo`: budgets and burn rates of every service, as text or JSON.
public struct SLOReport: Sendable {
    public var generatedAt: Date
    public var statuses: [ServiceSLOStatus]
    /// What spent each service's budget (``BudgetLedger``); without one, all of it is the
    /// service's own.
    public var ledger: BudgetLedger?
    /// Per service with maintenance windows that ask for it, the minutes of its SLO window left out
    /// (the SLO correction); services without such windows are absent.
    public var excludedMinutes: [String: Int] = [:]

    public init(generatedAt: Date, statuses: [ServiceSLOStatus], ledger: BudgetLedger? = nil) {
        self.generatedAt = generatedAt
        self.statuses = statuses
        self.ledger = ledger
    }

    /// The spent budget of one SLI by cause, `own` first, then roots by name.
    func spentBy(_ service: String, _ sli: SLIStatus) -> [(cause: String, spent: Double)] {
        let spent = 1 - sli.budgetRemaining
        let split = ledger?.spentBy(service: service, sli: sli.sli, spent: spent) ?? [BudgetLedger.own: spent]
        return split.sorted { a, b in
            if (a.key == BudgetLedger.own) != (b.key == BudgetLedger.own) { return a.key == BudgetLedger.own }
            return a.key < b.key
        }.map { ($0.key, $0.value) }
    }

    /// One JSON document: per service, per SLI, the objective, window, good, total, budget
    /// remaining, burn rates per window, time to exhaustion (seconds or null) and coverage.
    public func json() -> String {
        var root = JSONText()
        root.add("generatedAt", CheckReport.timestamp(generatedAt))
        let services = statuses.map { status -> String in
            var o = JSONText()
            o.add("service", status.service)
            if let minutes = excludedMinutes[status.service] { o.add("excludedMinutes", minutes) }
            let slis = [status.availability, status.latency].map { sli -> String in
                var s = JSONText()
                s.add("sli", sli.sli.rawValue)
                s.add("objective", sli.objective)
                s.add("window", SLIWindow.label(seconds: sli.windowSeconds))
                s.add("good", sli.counts.good.rounded())
                s.add("total", sli.counts.total.rounded())
                s.add("budgetRemaining", Self.round(sli.budgetRemaining, 6))
                s.add("budgetMeaningful", sli.budgetIsMeaningful)
                var rates = JSONText()
                for (window, rate) in sli.burnRates.labelled(sloWindowSeconds: sli.windowSeconds) {
                    rates.add(window, Self.round(rate, 4))
                }
                s.add("burnRates", raw: rates.text)
                s.add("timeToExhaustionSeconds", sli.timeToExhaustion.map { $0.seconds.rounded() })
                s.add("coverage", Self.round(sli.counts.coverage, 4))
                var spent = JSONText()
                for (cause, share) in spentBy(status.service, sli) { spent.add(cause, Self.round(share, 6)) }
                s.add("spentBy", raw: spent.text)
                return s.text
            }
            o.add("slis", raw: "[" + slis.joined(separator: ",") + "]")
            return o.text
        }
        root.add("services", raw: "[" + services.joined(separator: ",") + "]")
        return root.text
    }

    /// A table for people.
    public func text() -> String {
        let header = [
            "SERVICE", "SLI", "OBJECTIVE", "WINDOW", "GOOD/TOTAL", "BUDGET", "BURN 5m", "BURN 1h",
            "BURN 6h", "BURN 3d", "EXHAUSTED IN", "COVERAGE", "SPENT BY",
        ]
        var rows: [[String]] = [header]
        for status in statuses {
            for sli in [status.availability, status.latency] {
                let rates = Dictionary(
                    sli.burnRates.labelled(sloWindowSeconds: sli.windowSeconds).map { ($0.window, $0.burnRate) },
                    uniquingKeysWith: { a, _ in a })
                rows.append([
                    status.service, sli.sli.rawValue, Self.percent(sli.objective),
                    SLIWindow.label(seconds: sli.windowSeconds),
                    "\(Int(sli.counts.good.rounded()))/\(Int(sli.counts.total.rounded()))",
                    sli.counts.total == 0
                        ? "-"
                        : sli.budgetIsMeaningful
                            ? String(format: "%.1f%%", sli.budgetRemaining * 100)
                            : Self.notYet,
                    Self.rate(rates["5m"]), Self.rate(rates["1h"]), Self.rate(rates["6h"]), Self.rate(rates["3d"]),
                    sli.budgetIsMeaningful ? sli.timeToExhaustion.map { Self.span($0.seconds) } ?? "-" : "-",
                    Self.coverage(sli.counts.coverage),
                    spentText(status.service, sli),
                ])
            }
        }
        let early = statuses.flatMap { [$0.availability, $0.latency] }.filter {
            $0.counts.total > 0 && !$0.budgetIsMeaningful
        }
        var footnote = ""
        if let window = early.first?.windowSeconds {
            let needed = Double(window) * SLIStatus.meaningfulCoverage
            let share: String = Self.coverage(SLIStatus.meaningfulCoverage)
            let span: String = Self.span(needed)
            let label: String = SLIWindow.label(seconds: window)
            footnote = "\n\n\(Self.notYet): less than \(share) of the SLO window has data (COVERAGE); "
            footnote += "budgets show from there (\(span) of \(label))."
        }
        for (service, minutes) in excludedMinutes.sorted(by: { $0.key < $1.key }) {
            footnote += "\n\(service): \(minutes) min of maintenance excluded from its SLO window (SLO correction)."
        }
        if !excludedMinutes.isEmpty && early.isEmpty { footnote = "\n" + footnote }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + footnote
    }

    /// `own 0.4%, credit-bureau 3.1%`: causes that spent anything; `-` when nothing is spent.
    func spentText(_ service: String, _ sli: SLIStatus) -> String {
        guard sli.counts.total > 0 else { return "-" }
        let parts = spentBy(service, sli).filter { $0.spent > 0.000_05 }
            .map { "\($0.cause) " + String(format: $0.spent < 0.001 ? "%.2f%%" : "%.1f%%", $0.spent * 100) }
        return parts.isEmpty ? "-" : parts.joined(separator: ", ")
    }

    /// The BUDGET column of an SLI whose budget is not yet meaningful.
    static let notYet = "not yet meaningful"

    /// `100%`, `42%`; one decimal below 10 % (`0.3%`), so a fresh history does not read as 0 %.
    static func coverage(_ share: Double) -> String {
        let percent = max(0, share) * 100
        return percent < 10 && percent != percent.rounded()
            ? String(format: "%.1f%%", percent)
            : String(format: "%.0f%%", percent)
    }

    static func round(_ value: Double, _ digits: Int) -> Double {
        guard value.isFinite else { return value }
        let scale = pow(10, Double(digits))
        return (value * scale).rounded() / scale
    }

    static func percent(_ value: Double) -> String {
        value == value.rounded() ? String(format: "%.0f%%", value) : "\(value)%"
    }

    static func rate(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        return String(format: "%.2f", value)
    }

    static func span(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 3600 { return "\(s / 60)m" }
        if s < 86_400 { return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m" }
        return "\(s / 86_400)d\(s % 86_400 / 3600)h"
    }
}

extension SLOSimulation {
    /// `{"objective":99.9,"window":"30d","errorRatio":1.0,"rules":[{"name":"page-1h",...}]}`.
    public func json() -> String {
        var root = JSONText()
        root.add("objective", objective)
        root.add("window", SLIWindow.label(seconds: windowSeconds))
        root.add(
            "errorRatio",
            raw: errorRatio == errorRatio.rounded()
                ? String(format: "%.1f", errorRatio)
                : JSONText.number(errorRatio))
        root.add("healthyForSeconds", Int(healthyForSeconds))
        let rules = rules.map { rule -> String in
            var o = JSONText()
            o.add("name", rule.name)
            o.add("severity", rule.severity.rawValue)
            o.add("longWindow", rule.longWindow)
            o.add("shortWindow", rule.shortWindow)
            o.add("burnRate", rule.burnRate)
            o.add("firedAfterSeconds", rule.firedAfterSeconds.map { SLOReport.round($0, 1) })
            o.add("budgetConsumed", rule.budgetConsumed.map { SLOReport.round($0, 6) })
            o.add("formulaSeconds", rule.formulaSeconds.map { SLOReport.round($0, 1) })
            return o.text
        }
        root.add("rules", raw: "[" + rules.joined(separator: ",") + "]")
        return root.text
    }

    /// A table for people.
    public func text() -> String {
        var lines = [
            "objective \(objective)% over \(SLIWindow.label(seconds: windowSeconds)), error ratio \(errorRatio) "
                + "after \(SLIWindow.label(seconds: healthyForSeconds)) healthy",
            "RULE       SEVERITY  WINDOWS   BURN RATE  FIRES AFTER   BUDGET SPENT  WORKBOOK FORMULA",
        ]
        for rule in rules {
            let fired = rule.firedAfterSeconds.map { Self.duration($0) } ?? "never"
            let spent = rule.budgetConsumed.map { String(format: "%.2f%%", $0 * 100) } ?? "-"
            let formula = rule.formulaSeconds.map { Self.duration($0) } ?? "never"
            lines.append(
                rule.name.padding(toLength: 11, withPad: " ", startingAt: 0)
                    + rule.severity.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                    + "\(rule.longWindow)/\(rule.shortWindow)".padding(toLength: 10, withPad: " ", startingAt: 0)
                    + String(format: "%-11.3g", rule.burnRate)
                    + fired.padding(toLength: 14, withPad: " ", startingAt: 0)
                    + spent.padding(toLength: 14, withPad: " ", startingAt: 0) + formula)
        }
        return lines.joined(separator: "\n")
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 120 { return String(format: "%.1fs", seconds) }
        if seconds < 7200 { return String(format: "%.1fm", seconds / 60) }
        if seconds < 172_800 { return String(format: "%.1fh", seconds / 3600) }
        return String(format: "%.1fd", seconds / 86_400)
    }
}
