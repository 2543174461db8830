/// The perfdata format of the Nagios plugin API: space-separated
/// `'label'=value[UOM];[warn];[crit];[min];[max]` items.
///
/// Parsing is forgiving, because plugins are written by many hands: a malformed item is
/// skipped and the items around it are kept; nothing in the input can crash or stall it.
public enum PerfData {
    /// Parses the perfdata part of plugin output (the text after a `|`; newlines count as spaces).
    ///
    /// - A label with spaces, `=` or `'` is quoted with single quotes; `''` inside stands for `'`.
    /// - The unit (UOM) is empty or made of letters, `%` and `/` (`s`, `ms`, `us`, `%`, `B`, `KB`,
    ///   `MB`, `TB`, `c` in the API; other spellings plugins use in the wild are kept as written).
    /// - `warn` and `crit` are threshold ranges (`10`, `10:`, `~:10`, `10:20`, `@10:20`), kept as text.
    /// - `min` and `max` are numbers, optionally in the value's unit. Trailing empty fields may be left out.
    /// - Items whose value is `U` (undetermined) carry no measurement and are skipped, as are
    ///   malformed items: no `=`, an empty label, a value or bound that is not a number, a bad
    ///   threshold range, more than five fields.
    public static func parse(_ text: String) -> [PerfDatum] {
        let scalars = Array(text.unicodeScalars)
        var items: [PerfDatum] = []
        var index = 0
        while index < scalars.count {
            if isSpace(scalars[index]) {
                index += 1
                continue
            }
            var label = String.UnicodeScalarView()
            var wellFormed = true
            if scalars[index] == "'" {
                index += 1
                var closed = false
                while index < scalars.count {
                    let scalar = scalars[index]
                    index += 1
                    if scalar == "'" {
                        if index < scalars.count, scalars[index] == "'" {
                            label.append("'")
                            index += 1
                            continue
                        }
                        closed = true
                        break
                    }
                    label.append(scalar)
                }
                // An unterminated quote leaves no way to tell where the next item starts.
                guard closed else { break }
            } else {
                while index < scalars.count, scalars[index] != "=", !isSpace(scalars[index]) {
                    label.append(scalars[index])
                    index += 1
                }
            }
            if index < scalars.count, scalars[index] == "=" {
                index += 1
            } else {
                wellFormed = false
            }
            var fields = String.UnicodeScalarView()
            while index < scalars.count, !isSpace(scalars[index]) {
                fields.append(scalars[index])
                index += 1
            }
            guard wellFormed, !label.isEmpty else { continue }
            if let datum = datum(label: String(label), fields: String(fields)) {
                items.append(datum)
            }
        }
        return items
    }

    /// Builds one item from its label and the text after `=`, or `nil` when it is unusable.
    static func datum(label: String, fields text: String) -> PerfDatum? {
        let fields = text.split(separator: ";", omittingEmptySubsequences: false)
        guard (1...5).contains(fields.count), let valueField = fields.first else { return nil }
        guard let (value, unitText) = scanNumber(valueField), isUnit(unitText) else { return nil }
        let unit = String(unitText)

        func field(_ position: Int) -> Substring? {
            guard position < fields.count, !fields[position].isEmpty else { return nil }
            return fields[position]
        }
        var warn: String?
        var crit: String?
        if let text = field(1) {
            guard isRange(text) else { return nil }
            warn = String(text)
        }
        if let text = field(2) {
            guard isRange(text) else { return nil }
            crit = String(text)
        }
        var bounds: [Double?] = [nil, nil]
        for (slot, position) in [3, 4].enumerated() {
            guard let text = field(position) else { continue }
            // Bounds are in the value's unit; some plugins repeat it, so accept that too.
            guard let (bound, rest) = scanNumber(text), rest.isEmpty || rest == unitText else { return nil }
            bounds[slot] = bound
        }
        return PerfDatum(
            label: label, value: value, unit: unit, warn: warn, crit: crit,
            min: bounds[0], max: bounds[1])
    }

    /// Reads a decimal number (sign, digits, fraction, exponent) at the start of `text` and
    /// returns it with the text after it; `nil` when there is no finite number there.
    static func scanNumber(_ text: Substring) -> (Double, Substring)? {
        let scalars = text.unicodeScalars
        var index = scalars.startIndex
        func isDigit(_ position: String.UnicodeScalarView.Index) -> Bool {
            position < scalars.endIndex && ("0"..."9").contains(scalars[position])
        }
        if index < scalars.endIndex, scalars[index] == "-" || scalars[index] == "+" {
            index = scalars.index(after: index)
        }
        var digits = 0
        while isDigit(index) {
            digits += 1
            index = scalars.index(after: index)
        }
        if index < scalars.endIndex, scalars[index] == "." {
            index = scalars.index(after: index)
            while isDigit(index) {
                digits += 1
                index = scalars.index(after: index)
            }
        }
        guard digits > 0 else { return nil }
        if index < scalars.endIndex, scalars[index] == "e" || scalars[index] == "E" {
            var exponent = scalars.index(after: index)
            if exponent < scalars.endIndex, scalars[exponent] == "-" || scalars[exponent] == "+" {
                exponent = scalars.index(after: exponent)
            }
            if isDigit(exponent) {
                while isDigit(exponent) { exponent = scalars.index(after: exponent) }
                index = exponent
            }
        }
        let number = Substring(scalars[scalars.startIndex..<index])
        guard let value = Double(number), value.isFinite else { return nil }
        return (value, Substring(scalars[index...]))
    }

    /// Whether `text` is a unit of measurement: empty, or letters, `%` and `/` only.
    static func isUnit(_ text: Substring) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "%" || scalar == "/"
        }
    }

    /// Whether `text` is a threshold range of the plugin API: `[@][start:][end]`, where start may be `~`.
    static func isRange(_ text: Substring) -> Bool {
        var body = text
        if body.first == "@" { body = body.dropFirst() }
        guard !body.isEmpty else { return false }
        func isWholeNumber(_ part: Substring) -> Double? {
            guard let (value, rest) = scanNumber(part), rest.isEmpty else { return nil }
            return value
        }
        guard let colon = body.firstIndex(of: ":") else { return isWholeNumber(body) != nil }
        let start = body[..<colon]
        let end = body[body.index(after: colon)...]
        guard !(start.isEmpty && end.isEmpty) else { return false }
        var low: Double?
        if !start.isEmpty, start != "~" {
            guard let value = isWholeNumber(start) else { return false }
            low = value
        }
        guard !end.isEmpty else { return true }
        guard let high = isWholeNumber(end) else { return false }
        return low.map { $0 <= high } ?? true
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
    }
}
