import Foundation
import Probes

enum SLOBenchmarks {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func policies(_ count: Int) -> [(service: String, policy: SLOPolicy)] {
        (0..<count).map { ("svc-\($0)", SLOPolicy.standard) }
    }

    static func run() {
        // Ingest: results for one service arriving every 10 ms of virtual time (so buckets rotate).
        let n = 10_000_000
        var book = SLOBook(policies: policies(1))
        let ingest = Measurement.best(runs: 3) {
            var time = t0
            for i in 0..<n {
                book.record(service: "svc-0", available: i % 1000 != 0, latency: .milliseconds(Int64(i % 900)),
                            at: time)
                time += 0.01
            }
        }
        blackHole(book)
        let perSecond = Double(n) / (ingest.cpu.ms / 1000)
        report("SLO ingest (results/s per core, by name)", String(format: "%.1f M/s", perSecond / 1e6),
               goal: "> 10 M/s")

        // Memory: one service, both SLIs, a full 28-day window.
        var full = SLOBook(policies: policies(1))
        var time = t0
        for _ in 0..<(28 * 24 * 60) {
            full.record(service: "svc-0", available: true, latency: .milliseconds(10), at: time)
            time += 60
        }
        report("SLI memory, 28-day window (bytes per SLI)", "\(full.memoryFootprint / 2) B", goal: "< 16 KB")

        // Burn rates of every window for 10,000 services.
        var many = SLOBook(policies: policies(10_000))
        for i in 0..<10_000 {
            for k in 0..<20 {
                many.record(service: "svc-\(i)", available: k != 3, latency: .milliseconds(50),
                            at: t0 + Double(k * 30))
            }
        }
        let now = t0 + 700
        let statuses = Measurement.best {
            blackHole(many.statuses(now: now))
        }
        report("budgets + burn rates, 10,000 services (all windows)", String(format: "%.2f ms", statuses.wall.ms),
               goal: "< 5 ms")
        var engine = AlertEngine()
        let alerts = Measurement.best {
            blackHole(engine.evaluateBurnRates(now: now, slo: &many))
        }
        report("burn-rate alert rules, 10,000 services", String(format: "%.2f ms", alerts.wall.ms), goal: "< 5 ms")
    }
}
