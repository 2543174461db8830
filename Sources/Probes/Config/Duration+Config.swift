import Foundation

extension Duration {
    /// Parses a config duration: a number with a unit (`ms`, `s`, `m`, `h`, `d`), optionally
    /// fractional (`1.5s`) or compound (`1m30s`). Returns `nil` for anything else, including
    /// negatives, an empty string, spaces and durations too long to represent. Zero parses; the
    /// config loader rejects it where a duration must be positive.
    public init?(configString: String) {
        guard let nanoseconds = Self.parseConfigNanoseconds(configString) else { return nil }
        self = .nanoseconds(nanoseconds)
    }

    /// The duration in the config's compact form, in the largest unit that represents it
    /// exactly: 28 days is `28d`, 300 s is `5m`, 1.5 s is `1500ms`. Parses back to the same value
    /// with ``init(configString:)`` (down to nanoseconds).
    public var configString: String {
        let (seconds, attoseconds) = components
        if seconds < 0 || attoseconds < 0 {
            return "-" + (Duration.zero - self).configString
        }
        if attoseconds == 0 {
            let units: [(String, Int64)] = [("d", 86_400), ("h", 3600), ("m", 60)]
            for (unit, size) in units where seconds > 0 && seconds % size == 0 {
                return "\(seconds / size)\(unit)"
            }
            return "\(seconds)s"
        }
        let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
        let (millisFromSeconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if !overflow {
            let wholeMillis = millisFromSeconds + attoseconds / attosecondsPerMillisecond
            let rest = attoseconds % attosecondsPerMillisecond
            if rest == 0 { return "\(wholeMillis)ms" }
            // Sub-millisecond parts: a decimal fraction of a millisecond, to nanoseconds.
            let restNanos = rest / 1_000_000_000
            var fraction = String(restNanos)
            fraction = String(repeating: "0", count: max(0, 6 - fraction.count)) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            return fraction.isEmpty ? "\(wholeMillis)ms" : "\(wholeMillis).\(fraction)ms"
        }
        return "\(seconds)s"
    }

    private static let configUnits: [(suffix: String, nanoseconds: Int64)] = [
        ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
        ("d", 86_400_000_000_000),
    ]

    /// Total nanoseconds of a config duration string, or `nil`.
    private static func parseConfigNanoseconds(_ text: String) -> Int64? {
        // No real duration is this long; the bound keeps hostile input cheap.
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        let scalars = Array(text.unicodeScalars)
        var total: Int64 = 0
        var i = 0
        while i < scalars.count {
            var integerDigits: [Int64] = []
            var fractionDigits: [Int64] = []
            while i < scalars.count, let digit = asciiDigit(scalars[i]) {
                integerDigits.append(digit)
                i += 1
            }
            if i < scalars.count, scalars[i] == "." {
                i += 1
                while i < scalars.count, let digit = asciiDigit(scalars[i]) {
                    fractionDigits.append(digit)
                    i += 1
                }
                guard !fractionDigits.isEmpty else { return nil }
            }
            guard !integerDigits.isEmpty else { return nil }
            var unitEnd = i
            while unitEnd < scalars.count, ("a"..."z").contains(scalars[unitEnd]) { unitEnd += 1 }
            let suffix = String(String.UnicodeScalarView(scalars[i..<unitEnd]))
            guard let unit = configUnits.first(where: { $0.suffix == suffix }) else { return nil }
            i = unitEnd
            guard let part = nanoseconds(integer: integerDigits, fraction: fractionDigits, unit: unit.nanoseconds)
            else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(part)
            guard !overflow else { return nil }
            total = sum
        }
        return total
    }

    private static func asciiDigit(_ scalar: Unicode.Scalar) -> Int64? {
        guard ("0"..."9").contains(scalar) else { return nil }
        return Int64(scalar.value - 48)
    }

    /// `integer.fraction × unit` in nanoseconds, exactly (fraction digits below a nanosecond
    /// are dropped), or `nil` on overflow.
    private static func nanoseconds(integer: [Int64], fraction: [Int64], unit: Int64) -> Int64? {
        var whole: Int64 = 0
        for digit in integer {
            let (times10, overflow1) = whole.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = times10.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            whole = next
        }
        let (wholeNanos, overflow) = whole.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        var fractionNanos: Int64 = 0
        var scale = unit
        for digit in fraction {
            guard scale >= 10 else { break }
            scale /= 10
            fractionNanos += digit * scale
        }
        let (sum, overflowSum) = wholeNanos.addingReportingOverflow(fractionNanos)
        return overflowSum ? nil : sum
    }
}
