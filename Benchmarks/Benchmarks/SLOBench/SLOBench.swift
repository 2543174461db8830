// SLO maths against docs/PERFORMANCE.md's goals: over 10 million results/s ingested per core, a 28-day
// window under 16 KB per SLI, all burn rates for 10,000 services in under 5 ms.
import Benchmark
import Foundation
import Probes

let t0 = Date(timeIntervalSince1970: 1_800_000_000)

func policies(_ count: Int) -> [(service: String, policy: SLOPolicy)] {
    (0..<count).map { ("svc-\($0)", SLOPolicy.standard) }
}

/// 10,000 services with twenty results each over ten minutes, one of them failed.
func busyBook() -> SLOBook {
    var book = SLOBook(policies: policies(10_000))
    for service in 0..<10_000 {
        for k in 0..<20 {
            book.record(
                service: "svc-\(service)", available: k != 3, latency: .milliseconds(50),
                at: t0 + Double(k * 30))
        }
    }
    return book
}

let bytesPerSLI = BenchmarkMetric.custom("bytes per SLI (goal < 16 KB)", polarity: .prefersSmaller)

let benchmarks: @Sendable () -> Void = {
    // Wall clock only for the short ones: process CPU time moves in 10 ms ticks here.
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        maxDuration: .seconds(3), maxIterations: 1000)

    // One service, a result every 10 ms of virtual time so that the fine buckets rotate.
    Benchmark(
        "SLO ingest, results per second per core (goal > 10 M/s)",
        configuration: .init(
            metrics: [.throughput, .wallClock, .cpuTotal, .mallocCountTotal],
            scalingFactor: .mega, maxDuration: .seconds(5), maxIterations: 20)
    ) { benchmark in
        var book = SLOBook(policies: policies(1))
        var time = t0
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            book.record(service: "svc-0", available: i % 1000 != 0, latency: .milliseconds(Int64(i % 900)), at: time)
            time += 0.01
        }
        benchmark.stopMeasurement()
        blackHole(book)
    }

    // Both SLIs of one service over a full 28-day window, a result a minute.
    Benchmark(
        "SLI memory, 28-day window",
        configuration: .init(
            metrics: [bytesPerSLI], units: [bytesPerSLI: .count], maxDuration: .seconds(1),
            maxIterations: 1)
    ) { benchmark in
        var book = SLOBook(policies: policies(1))
        var time = t0
        for _ in 0..<(28 * 24 * 60) {
            book.record(service: "svc-0", available: true, latency: .milliseconds(10), at: time)
            time += 60
        }
        benchmark.measurement(bytesPerSLI, book.memoryFootprint / 2)
    }

    var book = busyBook()
    var engine = AlertEngine()
    let now = t0 + 700
    Benchmark("budgets + burn rates, 10,000 services, all windows (goal < 5 ms)") { _ in
        blackHole(book.statuses(now: now))
    }
    Benchmark("burn-rate alert rules, 10,000 services (goal < 5 ms)") { _ in
        blackHole(engine.evaluateBurnRates(now: now, slo: &book))
    }
}
