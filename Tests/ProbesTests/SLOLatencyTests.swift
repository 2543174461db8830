import Foundation
import Testing

@testable import Probes

private let t0: Int64 = 1_800_000_000
private func at(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(t0 + seconds)) }

/// A seeded generator for the distributions.
private struct SeededLatencies: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state
    }
}

/// Within the histogram's precision: 2 significant digits report at most 1/128 high, never low.
private func close(_ d: Duration, toMilliseconds ms: Double) -> Bool {
    d.milliseconds >= ms - 1e-9 && d.milliseconds <= ms * (1 + 1.0 / 128) + 0.002
}

@Suite("SLO latency percentiles")
struct SLOLatencyTests {
    @Test("percentiles of 1…1000 ms, each once, within one minute")
    func uniformDistribution() throws {
        var book = LatencyBook(services: ["auth-vendor"])
        for ms in 1...1000 { book.record(service: "auth-vendor", latency: .milliseconds(ms), at: at(Int64(ms % 60))) }
        let sValue = book.summary(service: "auth-vendor", window: .seconds(300), now: at(60))
        let s = try #require(sValue)
        #expect(s.count == 1000)
        #expect(close(s.p50, toMilliseconds: 500))
        #expect(close(s.p90, toMilliseconds: 900))
        #expect(close(s.p99, toMilliseconds: 990))
        #expect(close(s.max, toMilliseconds: 1000))
    }

    @Test("percentiles of an exponential distribution against the exact order statistics")
    func exponentialDistribution() throws {
        var random = SeededLatencies(state: 99)
        var book = LatencyBook(services: ["point-portal"])
        var samples: [Double] = []
        for i in 0..<5000 {
            let u = Double.random(in: 0.000_001..<1, using: &random)
            let ms = -log(u) * 80
            samples.append(ms)
            book.record(service: "point-portal", latency: .microseconds(Int64(ms * 1000)), at: at(Int64(i % 600)))
        }
        let sorted = samples.map { (($0 * 1000).rounded(.down)) / 1000 }.sorted()
        func exact(_ p: Double) -> Double { sorted[Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1] }
        let sValue = book.summary(service: "point-portal", window: .seconds(3600), now: at(600))
        let s = try #require(sValue)
        #expect(s.count == 5000)
        #expect(close(s.p50, toMilliseconds: exact(50)))
        #expect(close(s.p90, toMilliseconds: exact(90)))
        #expect(close(s.p99, toMilliseconds: exact(99)))
        #expect(close(s.max, toMilliseconds: sorted.last ?? 0))
    }

    @Test("windows take only their minutes; old minutes roll out of the hour")
    func windows() throws {
        var book = LatencyBook(services: ["s"])
        // Minute 0: slow; minutes 10…19: fast.
        for i in 0..<6 { book.record(service: "s", latency: .milliseconds(900), at: at(Int64(i) * 10)) }
        for i in 0..<60 { book.record(service: "s", latency: .milliseconds(50), at: at(600 + Int64(i) * 10)) }
        let fiveValue = book.summary(service: "s", window: .seconds(300), now: at(1200))
        let five = try #require(fiveValue)
        #expect(five.count == 30)
        #expect(close(five.max, toMilliseconds: 50))
        let hourValue = book.summary(service: "s", window: .seconds(3600), now: at(1200))
        let hour = try #require(hourValue)
        #expect(hour.count == 66)
        #expect(close(hour.max, toMilliseconds: 900))
        #expect(book.summary(service: "s", window: .seconds(300), now: at(3 * 3600)) == nil)
        // A result 2 h later drops everything older than the kept hour.
        book.record(service: "s", latency: .milliseconds(10), at: at(2 * 3600))
        let laterValue = book.summary(service: "s", window: .seconds(3600), now: at(2 * 3600))
        let later = try #require(laterValue)
        #expect(later.count == 1)
        #expect(book.summary(service: "unknown", window: .seconds(300), now: at(0)) == nil)
    }

    @Test("failed probes are not latencies; huge latencies are capped at 1 h")
    func failedAndHuge() throws {
        var book = LatencyBook(services: ["s"])
        book.record(ProbeResult(service: "s", startedAt: at(0), status: .down, latency: .seconds(2)))
        book.record(ProbeResult(service: "s", startedAt: at(1), status: .up, latency: .seconds(10_000_000)))
        book.record(ProbeResult(service: "s", startedAt: at(2), status: .degraded, latency: .seconds(-1)))
        let sValue = book.summary(service: "s", window: .seconds(300), now: at(3))
        let s = try #require(sValue)
        #expect(s.count == 2)
        #expect(s.max.seconds >= 3600 && s.max.seconds < 3600 * 1.01)
        #expect(s.p50 == .zero)
    }

    @Test("late results join their minute")
    func lateResults() throws {
        var book = LatencyBook(services: ["s"])
        book.record(service: "s", latency: .milliseconds(10), at: at(200))
        book.record(service: "s", latency: .milliseconds(300), at: at(30))
        book.record(service: "s", latency: .milliseconds(300), at: at(35))
        book.record(service: "s", latency: .milliseconds(20), at: at(-4000))
        let sValue = book.summary(service: "s", window: .seconds(300), now: at(210))
        let s = try #require(sValue)
        #expect(s.count == 3)
        #expect(close(s.p50, toMilliseconds: 300))
        let minute = book.windows["s"]
        #expect(minute?.bins.count == 2)
    }

    @Test("sparkline series: one value per minute")
    func series() {
        var book = LatencyBook(services: ["s"])
        for m in 0..<5 {
            for i in 0..<6 {
                let ms = Int64(100 * (m + 1) + i)
                book.record(service: "s", latency: .milliseconds(ms), at: at(Int64(m * 60 + i * 10)))
            }
        }
        let maxes = book.series(service: "s", statistic: .max, minutes: 7, now: at(6 * 60))
        #expect(maxes.count == 7)
        #expect(maxes[0].map { close($0, toMilliseconds: 105) } == true)
        #expect(maxes[4].map { close($0, toMilliseconds: 505) } == true)
        #expect(maxes[5] == nil)
        #expect(maxes[6] == nil)
        let p50 = book.series(service: "s", statistic: .p50, minutes: 7, now: at(6 * 60))
        #expect(p50[2].map { close($0, toMilliseconds: 302) } == true)
    }

    @Test("memory follows the spread of latencies, not the probe rate")
    func memory() {
        var book = LatencyBook(services: ["s"])
        for i in 0..<36_000 {
            book.record(service: "s", latency: .milliseconds(Int64(40 + i % 5)), at: at(Int64(i / 10)))
        }
        let bins = book.windows["s"]?.bins.count ?? 0
        #expect(bins <= 61 * 5)
        #expect(book.memoryFootprint < 8 * 1024)
    }
}
