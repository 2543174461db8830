/// A Nagios plugin's standard output, split as the plugin API lays it out:
///
/// ```
/// TEXT | perfdata
/// long text
/// more long text | more perfdata
/// more perfdata
/// ```
///
/// The first line is the summary; the lines after it are long text, up to a line with a `|`,
/// after which everything is perfdata.
public struct PluginOutput: Sendable, Equatable {
    /// The summary: the first line before any `|`, trimmed.
    public var text: String
    /// The lines after the first, before the second perfdata part; trimmed.
    public var longText: String
    /// The items of both perfdata parts, in order.
    public var perfdata: [PerfDatum]

    /// Splits plugin output into summary, long text and perfdata.
    public init(parsing output: String) {
        // "\r\n" is one Character in Swift, so it has to be named as a separator of its own.
        var lines = output.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }[...]
        let first = lines.popFirst() ?? ""
        var perfText = ""
        if let bar = first.firstIndex(of: "|") {
            text = Self.trimmed(first[..<bar])
            perfText = String(first[first.index(after: bar)...])
        } else {
            text = Self.trimmed(first)
        }
        var long: [Substring] = []
        while let line = lines.popFirst() {
            if let bar = line.firstIndex(of: "|") {
                long.append(line[..<bar])
                perfText += "\n" + line[line.index(after: bar)...] + "\n" + lines.joined(separator: "\n")
                break
            }
            long.append(line)
        }
        longText = Self.trimmed(long.joined(separator: "\n")[...])
        perfdata = PerfData.parse(perfText)
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
