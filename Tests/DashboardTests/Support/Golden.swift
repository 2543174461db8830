import Foundation
import Testing

@testable import Dashboard

/// Golden-screen files: a rendered ``Screen`` as plain text (trailing spaces trimmed, every row kept),
/// stored under `Tests/DashboardTests/Golden/NAME.txt`.
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

    /// The text stored for a screen.
    static func text(of screen: Screen) -> String {
        screen.trimmedText + "\n"
    }
}

/// Compares `screen` with the golden file `name`, or records it when `INCIDENTBOARD_RECORD=1`.
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
    #expect(
        actual == expected,
        "screen differs from \(name).txt:\n\(actual)\n--- expected ---\n\(expected)",
        sourceLocation: sourceLocation
    )
}
