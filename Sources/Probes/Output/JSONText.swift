import Foundation

/// Builds JSON text with a fixed key order, so machine outputs read the same as the README shows them
/// and diff cleanly between runs.
public struct JSONText: Sendable {
    private var fields: [String] = []

    public init() {}

    /// A JSON string literal for `text`, escaped per RFC 8259.
    public static func quote(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A JSON number; non-finite values become `null` (JSON has no NaN).
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    public mutating func add(_ key: String, _ value: String?) {
        fields.append("\(Self.quote(key)):\(value.map(Self.quote) ?? "null")")
    }

    public mutating func add(_ key: String, _ value: Double?) {
        fields.append("\(Self.quote(key)):\(value.map(Self.number) ?? "null")")
    }

    public mutating func add(_ key: String, _ value: Int?) {
        fields.append("\(Self.quote(key)):\(value.map(String.init) ?? "null")")
    }

    public mutating func add(_ key: String, _ value: Bool) {
        fields.append("\(Self.quote(key)):\(value)")
    }

    public mutating func add(_ key: String, strings: [String]) {
        fields.append("\(Self.quote(key)):[\(strings.map(Self.quote).joined(separator: ","))]")
    }

    /// Adds a value that is already JSON text (an object or array built elsewhere).
    public mutating func add(_ key: String, raw: String) {
        fields.append("\(Self.quote(key)):\(raw)")
    }

    /// The object as compact JSON.
    public var text: String { "{" + fields.joined(separator: ",") + "}" }
}
