import CascadeLab
import Foundation

// cascade-lab: root-cause accuracy of the real engine on simulated incidents (virtual clock, no
// network). scripts/bench/cascade-lab builds and runs it; see docs/CASCADE-LAB.md.

let usage = """
    usage: cascade-lab [--incidents N] [--services M] [--seed S] [--json PATH] [--kind KIND]...
                       [--replay SEED --kind KIND]
      --incidents N   incidents to inject (default 1000), kinds in turn
      --services M    nodes per generated estate (default 50)
      --seed S        the run's seed (default 1); the table prints it, so any run replays
      --json PATH     also write the table and every outcome as JSON
      --kind KIND     only this kind (repeatable): \(LabIncidentKind.allCases.map(\.rawValue).joined(separator: ", "))
      --replay SEED   play one incident (a seed the table lists) and print its probes and alerts
    """

func fail(_ message: String) -> Never {
    let text = Array("cascade-lab: \(message)\n\(usage)\n".utf8)
    _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(3)
}

var incidents = 1000
var services = 50
var seed: UInt64 = 1
var jsonPath: String?
var kinds: [LabIncidentKind] = []
var replay: UInt64?
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    func value() -> String {
        guard let v = arguments.popFirst() else { fail("\(flag) needs a value") }
        return v
    }
    switch flag {
    case "--incidents": incidents = Int(value()) ?? { fail("--incidents takes a number") }()
    case "--services": services = Int(value()) ?? { fail("--services takes a number") }()
    case "--seed": seed = UInt64(value()) ?? { fail("--seed takes a number") }()
    case "--json": jsonPath = value()
    case "--kind":
        let name = value()
        guard let kind = LabIncidentKind(rawValue: name) else { fail("unknown kind \"\(name)\"") }
        kinds.append(kind)
    case "--replay": replay = UInt64(value()) ?? { fail("--replay takes a seed") }()
    case "-h", "--help":
        print(usage)
        exit(0)
    default: fail("unknown option \(flag)")
    }
}
guard incidents > 0, services >= 6 else { fail("--incidents must be positive and --services at least 6") }

do {
    if let replay {
        guard kinds.count == 1, let kind = kinds.first else { fail("--replay needs exactly one --kind") }
        guard
            let outcome = try LabReport.replay(kind: kind, incidentSeed: replay, services: services, log: { print($0) })
        else { fail("a \(kind.rawValue) incident does not fit that estate") }
        print(outcome.passed ? "PASSED" : "MISSED", outcome)
        exit(0)
    }
    let started = ContinuousClock.now
    let report = try LabReport.run(
        incidents: incidents, services: services, seed: seed,
        kinds: kinds.isEmpty ? LabIncidentKind.allCases : kinds)
    print(report.text())
    print(
        "ran in \(started.duration(to: .now).formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))")
    if let jsonPath {
        try report.json().write(to: URL(fileURLWithPath: jsonPath))
    }
} catch {
    fail("\(error)")
}
