import Foundation
import Probes

enum MonitorBenchmarks {
    static func run() {
        // The whole engine cost per result (SLIs, latency, alerts, spells, history batch) at
        // 10,000 services: the scale goal's budget is 1,000 results/s in under 30 % of a core.
        let count = 10_000
        var text = #"{"defaults": {"interval": "10s", "timeout": "2s"}, "services": ["#
        text += (0..<count).map { #"{"name": "s\#($0)", "probe": {"type": "tcp", "host": "127.0.0.1", "port": 1}}"# }
            .joined(separator: ",")
        text += "]}"
        guard let config = try? ConfigLoader.load(data: Data(text.utf8), displayName: "bench", environment: [:]) else {
            print("monitor benchmark: config did not load")
            return
        }
        var monitor = Monitor(config: config)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let rounds = 5
        var time = t0
        let measured = Measurement.best(runs: 1) {
            for _ in 0..<rounds {
                for i in 0..<count {
                    let result = ProbeResult(service: "s\(i)", startedAt: time, status: .up, latency: .milliseconds(12))
                    blackHole(monitor.ingest(result, now: time))
                    time += 0.001
                }
                blackHole(monitor.tick(now: time))
                blackHole(monitor.takeBatch())
            }
        }
        let perResult = measured.cpu.ms * 1000 / Double(rounds * count)
        report("monitor: CPU per result at 10,000 services", String(format: "%.1f µs", perResult),
               goal: "< 300 µs (30 % core / 1k results/s)")
        let snapshot = Measurement.best(runs: 3) { blackHole(monitor.snapshot(now: time)) }
        report("monitor: snapshot of 10,000 services", String(format: "%.1f ms", snapshot.wall.ms), goal: "-")
    }
}
