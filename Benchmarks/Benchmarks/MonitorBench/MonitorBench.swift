// The whole engine cost per result at 10,000 services (SLIs, latency, alerts, spells, history
// batch). The scale goal allows 1,000 results/s in under 30 % of a core: 300 µs per result, so
// 3 s of CPU for a round of 10,000.
import Benchmark
import Foundation
import Probes

let count = 10_000

func estateConfig() -> ProbesConfig? {
    var text = #"{"defaults": {"interval": "10s", "timeout": "2s"}, "services": ["#
    text += (0..<count).map { #"{"name": "s\#($0)", "probe": {"type": "tcp", "host": "127.0.0.1", "port": 1}}"# }
        .joined(separator: ",")
    text += "]}"
    return try? ConfigLoader.load(data: Data(text.utf8), displayName: "bench", environment: [:])
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(5), maxIterations: 50)
    guard let config = estateConfig() else {
        print("MonitorBench: the generated config did not load")
        return
    }
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    var monitor = Monitor(config: config)
    var time = t0
    let names = (0..<count).map { "s\($0)" }
    func round() {
        for name in names {
            blackHole(
                monitor.ingest(
                    ProbeResult(
                        service: name, startedAt: time, status: .up,
                        latency: .milliseconds(12)), now: time))
            time += 0.001
        }
        blackHole(monitor.tick(now: time))
        blackHole(monitor.takeBatch())
    }
    // Each measured round follows the ones before it, as in a running engine: windows and
    // histograms are populated, buckets rotate.
    Benchmark("monitor: a round of 10,000 results + tick + batch (goal < 3 s CPU)") { _ in
        round()
    }
    Benchmark("monitor: snapshot of 10,000 services") { _ in
        blackHole(monitor.snapshot(now: time))
    }
}
