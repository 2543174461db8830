import ArgumentParser
import Foundation
import Probes

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the config and print every problem.",
        discussion: """
            Exit 0 when the config is valid, 1 when it is not (each problem on stderr, with its JSON path). \
            Warnings (on stderr) name conditions that would judge some answer otherwise than Gatus \
            does (with their JSON paths), and services whose latency threshold is not below their \
            probe's timeout (no answer can count as slow); they do not change the exit code.
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        guard let config = options.load() else { throw ExitCode(1) }
        for line in Self.gatusWarnings(config, file: options.configPath) { StandardError.write(line) }
        for line in Self.latencyWarnings(config, file: options.configPath) { StandardError.write(line) }
        let probed = config.services.filter { $0.probe != nil }.count
        let declared = config.services.count - probed
        var line = "\(options.configPath): valid: \(config.services.count) entries, \(probed) probed"
        if declared > 0 { line += ", \(declared) declared without a probe" }
        try StandardOutput.write(line)
    }

    /// One line per latency threshold and timeout that leave no room for a slow answer: an
    /// answer is slow only above the threshold, and one that takes longer than the timeout is
    /// `down`. Services alike are named together (the first three, and how many).
    static func latencyWarnings(_ config: ProbesConfig, file: String) -> [String] {
        var groups: [(threshold: Duration, timeout: Duration, names: [String])] = []
        for service in config.services {
            guard let probe = service.probe, service.slo.latency.threshold >= probe.timeout else { continue }
            let threshold = service.slo.latency.threshold
            if let i = groups.firstIndex(where: { $0.threshold == threshold && $0.timeout == probe.timeout }) {
                groups[i].names.append(service.name)
            } else {
                groups.append((threshold, probe.timeout, [service.name]))
            }
        }
        return groups.map { group in
            let count = group.names.count
            let named = group.names.prefix(3).joined(separator: ", ") + (count > 3 ? ", …" : "")
            return "incidentboard: \(file): warning: \(count == 1 ? "service" : "\(count) services") (\(named)): "
                + "latency threshold \(group.threshold.configString) is not below the probe timeout "
                + "\(group.timeout.configString): no answer can count as slow (one that takes longer is down)"
        }
    }

    /// `incidentboard: probes.json: warning: services[2].probe.conditions[0]: …`, one per difference.
    static func gatusWarnings(_ config: ProbesConfig, file: String) -> [String] {
        var lines: [String] = []
        for (i, service) in config.services.enumerated() {
            for (j, condition) in (service.probe?.conditions ?? []).enumerated() {
                for difference in condition.gatusDifferences {
                    lines.append(
                        "incidentboard: \(file): warning: services[\(i)].probe.conditions[\(j)]: "
                            + "unlike Gatus, \(difference)")
                }
            }
        }
        return lines
    }
}
