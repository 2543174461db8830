import Foundation

extension AlertEvent {
    /// The `watch --headless --format json` line, fields in the README's order:
    /// `{"time":"…Z","event":"firing","alert":"down","service":…,"severity":…,"rootCause":…,
    /// "suppressed":…,"incident":…,"summary":…}` plus `window`, `burnRate`, `observed` (and `rule`, `sli`) for
    /// burn-rate alerts.
    public func jsonLine() -> String {
        var o = JSONText()
        o.add("time", Self.timestamp(time))
        o.add("event", event.rawValue)
        o.add("alert", alert.rawValue)
        o.add("service", alert == .siteDark ? String?.none : service)
        if let site { o.add("site", site) }
        o.add("severity", severity.rawValue)
        o.add("rootCause", rootCause)
        o.add("suppressed", suppressed)
        o.add("incident", incident)
        if maintenance == true { o.add("maintenance", true) }
        if let silence { o.add("silence", silence) }
        o.add("summary", summary)
        if alert == .burnRate {
            o.add("window", window)
            o.add("burnRate", burnRate.map { ($0 * 1000).rounded() / 1000 })
            o.add("observed", observed.map { ($0 * 100).rounded() / 100 })
            o.add("rule", rule)
            o.add("sli", sli?.rawValue)
        } else if let observed {
            o.add("observed", (observed * 100).rounded() / 100)
        }
        return o.text
    }

    /// One line for people:
    /// `01:02:03 FIRING   critical loan-application down for 3 probes: HTTP 503 ← root cause: credit-bureau [suppressed] {2026-12-06-credit-bureau}`.
    public func textLine(timeZone: TimeZone = .current) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.hour, .minute, .second], from: time)
        let clock = String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
        var line =
            clock + " " + event.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)
            + " " + severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + " "
        // The summary may already name the cause; the arrow says it once, consistently.
        var text = summary
        if let range = text.range(of: "; caused by ") { text = String(text[..<range.lowerBound]) }
        line += text
        if let rootCause {
            line += rootCause == service ? " (root cause)" : " ← root cause: \(rootCause)"
        }
        if suppressed { line += " [suppressed]" }
        if maintenance == true { line += " [maintenance]" }
        if let silence { line += " [silenced \(silence)]" }
        if let incident { line += " {\(incident)}" }
        return line
    }

    /// `2026-11-22T01:02:03.412Z`.
    static func timestamp(_ date: Date) -> String { ISOTimestamp.milliseconds(date) }
}

extension AlertEvent {
    /// The webhook body: the ``jsonLine()`` with `deliveryId` last, the same id on every retry
    /// and for every destination, so a receiver recognises a duplicate.
    public func webhookLine(deliveryID: String) -> String {
        var line = jsonLine()
        guard line.hasSuffix("}") else { return line }
        line.removeLast()
        return line + ",\"deliveryId\":" + JSONText.quote(deliveryID) + "}"
    }
}
