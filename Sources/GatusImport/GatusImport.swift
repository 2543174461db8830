import Foundation
import Probes
import Yams

/// Reads a Gatus `config.yaml` and writes the equivalent `probes.json`: endpoints become services
/// (name, group, url, method, headers, body, interval, conditions, client timeout), `${ENV}`
/// references are kept as they are (both tools substitute them alike), and everything that is not
/// carried over is listed with its YAML path.
public enum GatusImport {
    /// Something of the Gatus config that was not carried over, or carried over with a change.
    public struct Note: Sendable, Equatable, CustomStringConvertible {
        /// Where in the YAML: `endpoints[2].alerts`, `storage`.
        public var path: String
        public var message: String

        public var description: String { "\(path): \(message)" }
    }

    /// The converted config and what the conversion left out.
    public struct Output: Sendable {
        /// The `probes.json` text.
        public var json: String
        /// Services written.
        public var services: Int
        public var notes: [Note]
    }

    /// The YAML cannot be read as a Gatus config.
    public struct ImportError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        /// Where, when the YAML parser says (1-based).
        public var line: Int?
        public var column: Int?

        public var description: String {
            guard let line else { return message }
            return "line \(line), column \(column ?? 1): \(message)"
        }
    }

    /// Gatus's own defaults, written into `defaults` so that an endpoint without them behaves alike.
    static let gatusInterval = "1m"
    static let gatusTimeout = "10s"

    /// Converts the text of a Gatus config.
    public static func convert(_ yaml: String) throws(ImportError) -> Output {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw Self.importError(error)
        } catch {
            throw ImportError(message: "not YAML: \(error)")
        }
        guard let root else {
            throw ImportError(message: "the file is empty: a Gatus config has an `endpoints:` list")
        }
        guard let top = root.mapping else {
            throw ImportError(
                message: "not a Gatus config: the top level is a \(kind(of: root)), not a mapping "
                    + "with an `endpoints:` list", line: line(root), column: column(root))
        }
        var converter = Converter()
        return try converter.convert(top)
    }

    static func importError(_ error: YamlError) -> ImportError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let text = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return ImportError(message: "YAML syntax error: \(text)", line: mark.line, column: mark.column)
        case .reader(let problem, _, _, _):
            return ImportError(message: "cannot read the file as YAML text: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ImportError(
                message: "duplicate keys: \(duplicates.joined(separator: ", "))",
                line: context.mark.line, column: context.mark.column)
        default:
            return ImportError(message: "YAML error: \(error)")
        }
    }

    static func kind(of node: Node) -> String {
        switch node {
        case .scalar: "scalar"
        case .mapping: "mapping"
        case .sequence: "list"
        case .alias: "alias"
        }
    }

    static func line(_ node: Node) -> Int? { node.mark?.line }
    static func column(_ node: Node) -> Int? { node.mark?.column }
}
