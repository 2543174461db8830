import ArgumentParser
import Foundation
import GatusImport
import Probes

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert another tool's config into a probes.json.",
        subcommands: [ImportGatusCommand.self]
    )
}

struct ImportGatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatus",
        abstract: "Convert a Gatus config.yaml into a probes.json.",
        discussion: """
            Endpoints become services: name (made a valid service name, the Gatus name kept as the title), \
            group, url, method, headers, body, interval, conditions and the client's timeout, insecure and \
            ignore-redirect. `${ENV}` references are kept. http(s):// and tcp:// endpoints are converted; \
            the others (icmp, dns, ssh, ...) and `enabled: false` ones are skipped with a note. Every field \
            not carried over is listed on stderr with its YAML path; the result is validated before it is \
            written. Gatus has no dependencies between endpoints: add `dependsOn` by hand. Exit 0 when \
            written, 3 for a file that cannot be read as a Gatus config (YAML errors with line and column) \
            or an output file that already exists (--force replaces it).
            """
    )

    @Argument(help: ArgumentHelp("The Gatus config.yaml.", valueName: "path"))
    var path: String

    @Option(help: ArgumentHelp("Write the probes.json here instead of to stdout.", valueName: "file"))
    var output: String?

    @Flag(help: "Replace the --output file if it exists.")
    var force = false

    func run() throws {
        let prefix = "incidentboard: import gatus: "
        guard let data = FileManager.default.contents(atPath: path) else {
            StandardError.write("\(prefix)\(path): cannot read the file")
            throw ExitCode(UsageExit.code)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            StandardError.write("\(prefix)\(path): not UTF-8 text")
            throw ExitCode(UsageExit.code)
        }
        let converted: GatusImport.Output
        do {
            converted = try GatusImport.convert(text)
        } catch {
            StandardError.write("\(prefix)\(path): \(error)")
            throw ExitCode(UsageExit.code)
        }
        for note in converted.notes { StandardError.write("\(prefix)\(note)") }
        // Validated as `validate` would, with a stand-in for every ${VAR} not set here: the
        // structure is what the import answers for, the values are the environment's.
        var environment = ProcessInfo.processInfo.environment
        for name in ConfigLoader.referencedVariables(in: converted.json) where environment[name] == nil {
            environment[name] = "x"
        }
        do {
            _ = try ConfigLoader.load(
                data: Data(converted.json.utf8), displayName: output ?? "probes.json",
                environment: environment)
        } catch {
            StandardError.write("\(prefix)the converted config does not validate; nothing written:")
            for line in error.lines { StandardError.write(line) }
            throw ExitCode(UsageExit.code)
        }
        guard let output else {
            try StandardOutput.write(converted.json)
            return
        }
        if !force, FileManager.default.fileExists(atPath: output) {
            StandardError.write("\(prefix)\(output) exists; nothing written (--force replaces it)")
            throw ExitCode(UsageExit.code)
        }
        do {
            try Data(converted.json.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            StandardError.write("\(prefix)cannot write \(output): \(error.localizedDescription)")
            throw ExitCode(UsageExit.code)
        }
        let left = converted.notes.count
        StandardError.write(
            "\(prefix)\(converted.services) service\(converted.services == 1 ? "" : "s") written to "
                + "\(output)" + (left > 0 ? "; \(left) note\(left == 1 ? "" : "s") above" : ""))
    }
}
