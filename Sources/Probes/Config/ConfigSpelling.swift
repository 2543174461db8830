/// "Did you mean ...?" for misspelt keys, names and enum values in the config.
public enum ConfigSpelling {
    /// The candidate closest to `word`, when it is close enough to be a likely typo: same letters
    /// ignoring case, an edit distance of 1 (2 for words of 6 characters or more), or an
    /// abbreviation of at least 3 characters (`warn` for `warning`).
    public static func suggestion(for word: String, among candidates: [String]) -> String? {
        let lowered = Array(word.lowercased())
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate != word {
            let other = Array(candidate.lowercased())
            let limit = max(lowered.count, other.count) >= 6 ? 2 : 1
            let close = abs(lowered.count - other.count) <= limit
            var distance = close ? SpellingDistance.between(lowered, other) : Int.max
            if distance > limit, lowered.count >= 3, other.starts(with: lowered) { distance = limit }
            if distance <= limit, distance < best?.distance ?? Int.max {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// `; did you mean "x"?` or an empty string.
    static func hint(for word: String, among candidates: [String]) -> String {
        suggestion(for: word, among: candidates).map { "; did you mean \(ConfigQuote.quoted($0))?" } ?? ""
    }
}

/// The one edit distance behind every "did you mean" hint (config keys and values, condition
/// placeholders and functions): optimal string alignment, i.e. Levenshtein plus adjacent
/// transpositions, the most common typo.
enum SpellingDistance {
    static func between<Element: Equatable>(_ a: [Element], _ b: [Element]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}

/// Quoting of the file's own text in messages.
enum ConfigQuote {
    /// Longer texts are cut in messages, so a whole request body does not end up on one line.
    static let maxQuotedCharacters = 80

    /// The text in double quotes, JSON-escaped, cut to ``maxQuotedCharacters``.
    static func quoted(_ text: String) -> String {
        var out = "\""
        var count = 0
        for character in text {
            if count == maxQuotedCharacters {
                out += "…"
                break
            }
            count += 1
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if let ascii = character.asciiValue, ascii < 0x20 || ascii == 0x7F {
                    let hex = String(ascii, radix: 16, uppercase: true)
                    out += "\\u00" + (hex.count < 2 ? "0" + hex : hex)
                } else {
                    out.append(character)
                }
            }
        }
        return out + "\""
    }
}
