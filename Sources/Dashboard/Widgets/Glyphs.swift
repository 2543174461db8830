import Probes

/// The characters the widgets draw with: Unicode for a UTF-8 terminal, plain ASCII otherwise.
public struct Glyphs: Sendable, Hashable {
    /// Status of a service that is up.
    public var up: String
    /// Status of a degraded service.
    public var degraded: String
    /// Status of a service that is down.
    public var down: String
    /// Status that could not be decided.
    public var unknown: String
    /// Sparkline levels, lowest first.
    public var sparkLevels: [String]
    /// A filled bar cell.
    public var barFilled: String
    /// An empty bar cell.
    public var barEmpty: String
    /// Drawn before a bar (ASCII brackets it so the bar's extent shows without colour).
    public var barOpen: String
    /// Drawn after a bar.
    public var barClose: String
    /// Tree prefix of a child that has later siblings.
    public var treeBranch: String
    /// Tree prefix of a last child.
    public var treeLast: String
    /// Tree indentation under an ancestor that has later siblings.
    public var treeVertical: String
    /// Tree indentation under a last ancestor.
    public var treeSpace: String
    /// Marks the selected table row, so selection does not depend on reverse video or colour alone.
    public var selection: String
    /// Marks text cut short.
    public var ellipsis: String
    /// A point of a chart when braille is not available.
    public var chartPoint: String
    /// Whether charts may use braille patterns (U+2800–U+28FF).
    public var usesBraille: Bool
    /// Border pieces: horizontal, vertical, then corners top-left, top-right, bottom-left, bottom-right.
    public var horizontal: String
    /// Vertical border.
    public var vertical: String
    /// Top-left corner.
    public var topLeft: String
    /// Top-right corner.
    public var topRight: String
    /// Bottom-left corner.
    public var bottomLeft: String
    /// Bottom-right corner.
    public var bottomRight: String
    /// Points from a victim to its upstream root cause (`← credit-bureau`).
    public var causeArrow: String
    /// Multiplies a blast radius (`ROOT ×5`).
    public var times: String
    /// Separates items on one line.
    public var separator: String
    /// The arrow keys up and down, for help texts.
    public var upDownKeys: String
    /// The text cursor of the filter prompt.
    public var cursor: String

    /// Glyphs for a UTF-8 terminal.
    public static let unicode = Glyphs(
        up: "●", degraded: "▲", down: "✖", unknown: "?",
        sparkLevels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        barFilled: "█", barEmpty: "░", barOpen: "", barClose: "",
        treeBranch: "├─ ", treeLast: "└─ ", treeVertical: "│  ", treeSpace: "   ",
        selection: "▶", ellipsis: "…", chartPoint: "•", usesBraille: true,
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        causeArrow: "←", times: "×", separator: "·", upDownKeys: "↑ ↓", cursor: "█"
    )

    /// Glyphs for a terminal without a UTF-8 locale.
    public static let ascii = Glyphs(
        up: "o", degraded: "!", down: "X", unknown: "?",
        sparkLevels: ["_", ".", "-", "=", "#"],
        barFilled: "#", barEmpty: "-", barOpen: "[", barClose: "]",
        treeBranch: "|- ", treeLast: "`- ", treeVertical: "|  ", treeSpace: "   ",
        selection: ">", ellipsis: "~", chartPoint: "*", usesBraille: false,
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        causeArrow: "<-", times: "x", separator: "-", upDownKeys: "Up Down", cursor: "_"
    )

    /// The glyph for a probe status.
    public func status(_ status: ProbeStatus) -> String {
        switch status {
        case .up: up
        case .degraded: degraded
        case .down: down
        case .unknown: unknown
        }
    }
}
