import ArgumentParser
import Foundation
import Probes
import ProbesPrometheus

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Write Prometheus SLO rules and Alertmanager inhibit rules for the config.",
        discussion: """
            For running the alerting in Prometheus and Alertmanager across many agents (`--metrics-listen`). \
            Per probed service and SLI: recording rules slo:sli_error:ratio_rate<window>, the objective and error \
            budget as series, the multi-window multi-burn-rate alerts of the config's slo.alerts (same factors, \
            windows and severities as the local engine) and a down alert. The Alertmanager config groups alerts \
            by service and inhibits the alerts of every service that depends on an upstream with a firing \
            alert, as the local engine suppresses them.

            With --output-dir, writes DIR/\(PrometheusRules.fileName) and DIR/\(AlertmanagerConfig.fileName) \
            (each replaced atomically; DIR is created when missing). Without it, prints the rules file to \
            stdout. Exit 0 on success, 3 when the config cannot be read or a file cannot be written.
            """
    )

    @Option(name: .customLong("output-dir"),
            help: ArgumentHelp("Write both files into this directory instead of printing the rules.",
                               valueName: "dir"))
    var outputDir: String?

    @OptionGroup var options: ConfigOptions

    func run() throws {
        guard let config = options.load() else { throw ExitCode(UsageExit.code) }
        let rules = PrometheusRules(config: config, source: options.configPath)
        guard let outputDir else {
            try StandardOutput.write(rules.yaml)
            return
        }
        let alertmanager = AlertmanagerConfig(config: config, source: options.configPath)
        let directory = outputDir.isEmpty ? "." : outputDir
        let rulesPath = Self.join(directory, PrometheusRules.fileName)
        let alertmanagerPath = Self.join(directory, AlertmanagerConfig.fileName)
        do throws(GeneratedFileError) {
            try GeneratedFiles.makeDirectory(directory)
            try GeneratedFiles.replace([(rulesPath, rules.yaml), (alertmanagerPath, alertmanager.yaml)])
        } catch {
            StandardError.write("incidentboard: \(error.path): \(error.reason)")
            throw ExitCode(UsageExit.code)
        }
        let alerts = rules.rules.filter { $0.kind == .alerting }.count
        let recorded = rules.rules.count - alerts
        StandardError.write("incidentboard: wrote \(rulesPath): \(Plural.count(rules.groups.count, "service")), "
            + "\(Plural.count(recorded, "recording rule")), \(Plural.count(alerts, "alert"))")
        StandardError.write("incidentboard: wrote \(alertmanagerPath): "
            + "\(Plural.count(alertmanager.inhibitRules.count, "inhibit rule")) (edit the placeholder receiver before use)")
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}

/// Why a generated file could not be written: the path and the system's reason.
struct GeneratedFileError: Error {
    var path: String
    var reason: String

    init(_ path: String, errno code: Int32) {
        self.path = path
        reason = String(cString: strerror(code))
    }

    init(_ path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// Writes generated files so that a reader (or a crash) never sees half of one: each is written
/// to a temporary file beside it, flushed, and renamed over the old one only when every file of
/// the set has been written.
enum GeneratedFiles {
    /// Creates `path` and its missing parents (`mkdir -p`); refuses a path that is not a directory.
    static func makeDirectory(_ path: String) throws(GeneratedFileError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw GeneratedFileError(path, "exists and is not a directory") }
            return
        }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0 {
                let code = errno
                var exists: ObjCBool = false
                let isDirectoryNow = FileManager.default.fileExists(atPath: prefix, isDirectory: &exists)
                    && exists.boolValue
                guard code == EEXIST && isDirectoryNow else {
                    throw GeneratedFileError(prefix, code == EEXIST ? "exists and is not a directory"
                                                                     : String(cString: strerror(code)))
                }
            }
            prefix += "/"
        }
    }

    /// Replaces every `(path, text)` with its text, all or nothing as far as rename allows.
    static func replace(_ files: [(path: String, text: String)]) throws(GeneratedFileError) {
        var written: [(temporary: String, path: String)] = []
        do throws(GeneratedFileError) {
            for file in files {
                written.append((try writeTemporary(beside: file.path, file.text), file.path))
            }
            for (temporary, path) in written where rename(temporary, path) != 0 {
                throw GeneratedFileError(path, errno: errno)
            }
        } catch {
            for (temporary, _) in written { unlink(temporary) }
            throw error
        }
    }

    private static func writeTemporary(beside path: String, _ text: String) throws(GeneratedFileError) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let temporary = url.deletingLastPathComponent().appendingPathComponent(name).path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw GeneratedFileError(path, errno: errno) }
        var failure: Int32 = 0
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += n
            }
        }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        if close(fd) != 0 && failure == 0 { failure = errno }
        guard failure == 0 else {
            unlink(temporary)
            throw GeneratedFileError(path, errno: failure)
        }
        return temporary
    }
}
