import Foundation
import Testing

@testable import Dashboard

/// Golden-screen files under `Tests/DashboardTests/Golden/NAME.txt`: a rendered ``Screen`` as its
/// text (trailing spaces trimmed, every row kept), then its styles, so that a colour or attribute
/// regression fails as surely as a text one:
///
/// ```
/// ROOT credit-bureau ×3          (the text rows)
/// --- styles ---
/// aaaaaaaaaaaaaaaaaaaaa          (one letter a cell, "." for the plain style, trailing "." cut)
/// --- legend ---
/// a  red, bold                   (each letter's colour pair and attributes)
/// ```
///
/// Letters are given in the order styles first appear, row by row; a map row stands under its
/// text row cell by cell (a wide glyph takes two letters, as it takes two cells).
///
/// Run the tests with `INCIDENTBOARD_RECORD=1` to (re)write the files instead of comparing; review the
/// diff before committing it.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Golden", isDirectory: true)

    static var isRecording: Bool {
        ProcessInfo.processInfo.environment["INCIDENTBOARD_RECORD"] == "1"
    }

    static func url(_ name: String) -> URL {
        directory.appendingPathComponent(name + ".txt")
    }

    static let stylesHeader = "--- styles ---"
    static let legendHeader = "--- legend ---"
    private static let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    /// The text stored for a screen: its text, its style map and the map's legend.
    static func text(of screen: Screen) -> String {
        var letterOf: [Style: Character] = [:]
        var legend: [String] = []
        var map: [String] = []
        for row in 0..<screen.height {
            var line = ""
            for column in 0..<screen.width {
                let style = screen[x: column, y: row].style
                if style == .plain {
                    line.append(".")
                } else if let letter = letterOf[style] {
                    line.append(letter)
                } else {
                    // More styles than letters never happens on our screens; "?" keeps the file honest.
                    let letter = legend.count < letters.count ? letters[legend.count] : "?"
                    letterOf[style] = letter
                    legend.append("\(letter)  \(describe(style))")
                    line.append(letter)
                }
            }
            while line.last == "." { line.removeLast() }
            map.append(line)
        }
        return ([screen.trimmedText, stylesHeader] + map + [legendHeader] + legend).joined(separator: "\n") + "\n"
    }

    /// `red on blue, bold, reverse`: the foreground, the background when not the default, the attributes.
    static func describe(_ style: Style) -> String {
        var words = style.foreground == .default ? "default" : "\(style.foreground)"
        if style.background != .default { words += " on \(style.background)" }
        let attributes: [(TextAttributes, String)] = [
            (.bold, "bold"), (.dim, "dim"), (.reverse, "reverse"), (.underline, "underline"),
        ]
        for (attribute, name) in attributes where style.attributes.contains(attribute) { words += ", " + name }
        return words
    }
}

/// Compares `screen` with the golden file `name`, or records it when `INCIDENTBOARD_RECORD=1`.
///
/// A difference is reported per part: the text rows that differ, or the style rows that differ
/// with the legends, so a lost colour reads as such.
func expectGolden(_ screen: Screen, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = Golden.url(name)
    let actual = Golden.text(of: screen)
    if Golden.isRecording {
        try FileManager.default.createDirectory(at: Golden.directory, withIntermediateDirectories: true)
        try actual.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        Issue.record(
            "no golden file \(url.path); run the tests with INCIDENTBOARD_RECORD=1 to record it",
            sourceLocation: sourceLocation
        )
        return
    }
    guard actual != expected else { return }
    let actualLines = actual.components(separatedBy: "\n")
    let expectedLines = expected.components(separatedBy: "\n")
    let stylesStart = actualLines.firstIndex(of: Golden.stylesHeader) ?? actualLines.count
    var differences: [String] = []
    for index in 0..<max(actualLines.count, expectedLines.count) {
        let got = index < actualLines.count ? actualLines[index] : "(none)"
        let want = index < expectedLines.count ? expectedLines[index] : "(none)"
        guard got != want else { continue }
        let place =
            switch index {
            case ..<stylesStart: "text of row \(index)"
            case stylesStart: "styles header"
            default: index - stylesStart - 1 < screen.height ? "styles of row \(index - stylesStart - 1)" : "legend"
            }
        differences.append("\(place):\n  got:      \(got)\n  expected: \(want)")
    }
    Issue.record(
        """
        screen differs from \(name).txt (\(differences.count) lines):
        \(differences.prefix(12).joined(separator: "\n"))
        --- whole screen ---
        \(actual)
        """,
        sourceLocation: sourceLocation
    )
}
