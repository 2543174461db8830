import Foundation
import Synchronization

/// A whole lab run: incidents drawn at random, each on an estate of its own, and the table of how
/// the engine did, per kind and overall.
public struct LabReport: Sendable {
    public var seed: UInt64
    public var services: Int
    public var outcomes: [LabOutcome]
    /// Incidents that could not be drawn on their estate (no node fits the kind).
    public var skipped: Int

    /// Runs `incidents` incidents on estates of `services` nodes; `kinds` limits what is drawn.
    /// Incidents are independent (each its own estate, engine and seed), so they run on every core
    /// and the outcome does not depend on how many there are.
    public static func run(
        incidents: Int, services: Int, seed: UInt64, kinds: [LabIncidentKind] = LabIncidentKind.allCases
    ) throws -> LabReport {
        let slots = Mutex([LabOutcome?](repeating: nil, count: incidents))
        let failure = Mutex<(any Error)?>(nil)
        DispatchQueue.concurrentPerform(iterations: incidents) { index in
            let drawn = draw(
                kinds[index % kinds.count], incidentSeed: LabRandom.incidentSeed(seed, index),
                services: services)
            guard let (estate, incident) = drawn else { return }
            do {
                let outcome = LabRun.play(incident, on: estate, config: try estate.config())
                slots.withLock { $0[index] = outcome }
            } catch {
                failure.withLock { $0 = error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        let outcomes = slots.withLock { $0 }
        return LabReport(
            seed: seed, services: services, outcomes: outcomes.compactMap { $0 },
            skipped: outcomes.filter { $0 == nil }.count)
    }

    /// One row of the table.
    public struct Row: Sendable, Codable {
        public var kind: String
        public var incidents: Int
        /// Percent of incidents whose true roots the analysis ranked first.
        public var rootAtRank1: Double
        /// Percent of incidents with no victim alert unsuppressed.
        public var noVictimPage: Double
        /// Seconds from fault to the root's first alert: median and 99th percentile.
        public var timeToRootAlertP50: Double?
        public var timeToRootAlertP99: Double?
        /// 99th percentile of that time over its goal (≤ 1 meets the goal).
        public var timeOverGoalP99: Double?
        public var phantomPages: Int
        public var missingResolves: Int
        /// Seeds of incidents that missed a goal, for replay (at most five).
        public var failingSeeds: [UInt64]
    }

    public var rows: [Row] {
        var rows = LabIncidentKind.allCases.compactMap { kind -> Row? in
            let mine = outcomes.filter { $0.kind == kind }
            return mine.isEmpty ? nil : Self.row(kind.rawValue, mine)
        }
        rows.append(Self.row("all", outcomes))
        return rows
    }

    static func row(_ name: String, _ outcomes: [LabOutcome]) -> Row {
        let scored = outcomes.filter { $0.kind != .noise }
        func percent(_ n: Int, of total: Int) -> Double {
            total == 0 ? 100 : (Double(n) / Double(total) * 1000).rounded() / 10
        }
        let times = scored.compactMap(\.timeToRootAlert).sorted()
        let ratios = scored.compactMap { o in o.timeToRootAlert.map { $0 / o.rootAlertGoal } }.sorted()
        func quantile(_ sorted: [Double], _ q: Double) -> Double? {
            guard !sorted.isEmpty else { return nil }
            let index = min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.up)) - 1)
            return (sorted[max(0, index)] * 10).rounded() / 10
        }
        return Row(
            kind: name, incidents: outcomes.count,
            rootAtRank1: percent(scored.filter(\.rootAtRank1).count, of: scored.count),
            noVictimPage: percent(outcomes.filter { $0.victimPages == 0 }.count, of: outcomes.count),
            timeToRootAlertP50: quantile(times, 0.5), timeToRootAlertP99: quantile(times, 0.99),
            timeOverGoalP99: quantile(ratios, 0.99).map { ($0 * 100).rounded() / 100 },
            phantomPages: outcomes.reduce(0) { $0 + $1.phantomPages },
            missingResolves: outcomes.reduce(0) { $0 + $1.missingResolves },
            failingSeeds: Array(outcomes.filter { !$0.passed }.map(\.seed).prefix(5)))
    }

    /// The table for people.
    public func text() -> String {
        func cell(_ value: Double?, _ suffix: String = "") -> String {
            value.map { String(format: "%.1f", $0) + suffix } ?? "-"
        }
        var lines = [
            "cascade lab: \(outcomes.count) incidents on estates of \(services) services, seed \(seed)"
                + (skipped > 0 ? " (\(skipped) could not be drawn)" : ""),
            "KIND                     N  RANK1%  NO-VICTIM-PAGE%  ROOT-ALERT p50/p99 s  p99/GOAL  PHANTOM  UNRESOLVED",
        ]
        for row in rows {
            lines.append(
                row.kind.padding(toLength: 22, withPad: " ", startingAt: 0)
                    + String(format: "%5d", row.incidents)
                    + String(format: "%8.1f", row.rootAtRank1)
                    + String(format: "%17.1f", row.noVictimPage)
                    + ("  " + cell(row.timeToRootAlertP50) + " / " + cell(row.timeToRootAlertP99))
                    .padding(toLength: 22, withPad: " ", startingAt: 0)
                    + cell(row.timeOverGoalP99).padding(toLength: 10, withPad: " ", startingAt: 0)
                    + String(format: "%7d", row.phantomPages) + String(format: "%12d", row.missingResolves))
        }
        let failing = rows.dropLast().filter { !$0.failingSeeds.isEmpty }
        if !failing.isEmpty {
            lines.append("missed a goal (replay with --kind KIND --replay SEED):")
            for row in failing {
                lines.append("  \(row.kind): " + row.failingSeeds.map(String.init).joined(separator: " "))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The same as JSON: the run's parameters, the rows and every outcome.
    public func json() throws -> Data {
        struct Document: Codable {
            var seed: UInt64
            var services: Int
            var skipped: Int
            var rows: [Row]
            var outcomes: [LabOutcome]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(
            Document(
                seed: seed, services: services, skipped: skipped, rows: rows,
                outcomes: outcomes))
    }

    /// Replays one incident from its seed.
    public static func replay(
        kind: LabIncidentKind, incidentSeed: UInt64, services: Int, log: ((String) -> Void)? = nil
    ) throws -> LabOutcome? {
        guard let (estate, incident) = draw(kind, incidentSeed: incidentSeed, services: services) else { return nil }
        if let log {
            let names = { (nodes: Set<Int>) in nodes.map { estate.nodes[$0].name }.sorted().joined(separator: " ") }
            log(
                "\(kind.rawValue) seed \(incidentSeed): roots \(names(incident.roots)); victims \(names(incident.victims)); "
                    + String(format: "fault %.1f-%.1f s", incident.faultStart, incident.faultEnd))
            for (i, node) in estate.nodes.enumerated() where incident.roots.contains(i) || incident.victims.contains(i)
            {
                log(
                    "  \(node.name) every \(Int(node.interval.seconds))s phase "
                        + String(format: "%.1f", node.phase) + " depends on "
                        + node.dependsOn.map { estate.nodes[$0].name + (estate.nodes[$0].probed ? "" : "(no probe)") }
                        .joined(separator: ", "))
            }
        }
        return LabRun.play(incident, on: estate, config: try estate.config(), log: log)
    }

    /// The estate and the incident of one seed: the estate is drawn from the seed first, then the
    /// incident on it; `nil` when the kind fits no node of that estate.
    static func draw(_ kind: LabIncidentKind, incidentSeed: UInt64, services: Int) -> (LabEstate, LabIncident)? {
        var random = LabRandom(seed: incidentSeed)
        let estate = LabEstate(size: services, random: &random)
        return LabIncident.make(kind, on: estate, seed: incidentSeed).map { (estate, $0) }
    }
}
