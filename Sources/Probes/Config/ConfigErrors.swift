import Foundation

/// One problem in a config file.
public struct ConfigIssue: Sendable, Equatable {
    /// Where, as a JSON path such as `services[3].probe.url`; empty for the whole file.
    public var path: String
    /// What is wrong, quoting the file's own text (never a value from the environment).
    public var message: String

    /// Creates an issue.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
}

/// Every problem found in a config file: ``ConfigLoader`` reports them all at once.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    /// The file as the user named it (used as the subject of each line).
    public var file: String
    /// The problems, in file order as far as possible.
    public var issues: [ConfigIssue]

    /// Creates the error for a file.
    public init(file: String, issues: [ConfigIssue]) {
        self.file = file
        self.issues = issues
    }

    /// One message per issue: `probes.json: services[3].probe.url: "htp:/x" is not an http(s) URL`.
    public var messages: [String] {
        issues.map { issue in
            issue.path.isEmpty ? "\(file): \(issue.message)" : "\(file): \(issue.path): \(issue.message)"
        }
    }

    /// One line per issue, ready for stderr: the ``messages`` after `incidentboard: `.
    public var lines: [String] { messages.map { "incidentboard: " + $0 } }

    /// The lines joined by newlines.
    public var description: String { lines.joined(separator: "\n") }
}
