import Foundation
import Testing

@testable import Probes

private let t0: Int64 = 1_800_000_000

@Suite("Recent results as fixed-size records")
struct RecentResultsTests {
    private func result(
        _ i: Int, _ status: ProbeStatus, ms: Int64, error: String? = nil,
        failure: FailureKind? = nil, http: Int? = nil
    ) -> ProbeResult {
        ProbeResult(
            service: "s", startedAt: Date(timeIntervalSince1970: Double(t0) + Double(i) * 10.25),
            status: status, latency: .microseconds(ms * 1000 + 123), error: error, failure: failure,
            httpStatus: http)
    }

    @Test("recent results keep the last 60 with their times, statuses, latencies and texts")
    func recentRoundTrip() {
        var ring = RecentResults()
        var all: [ProbeResult] = []
        for i in 0..<75 {
            let r: ProbeResult
            switch i % 5 {
            case 0: r = result(i, .down, ms: 2000, error: "timeout after 2000 ms", failure: .timeout)
            case 1: r = result(i, .down, ms: 3, error: "HTTP 503", failure: .condition, http: 503)
            case 2: r = result(i, .degraded, ms: 812, error: "slow: 812 ms over 500 ms threshold", http: 200)
            default: r = result(i, .up, ms: Int64(i), http: 200)
            }
            ring.append(r, threshold: .milliseconds(500))
            all.append(r)
        }
        let kept = ring.results(service: "s", threshold: .milliseconds(500))
        #expect(kept.count == 60)
        #expect(kept == Array(all.suffix(60)))
    }

    @Test("the sparkline reads the same records as the recent list")
    func sparklineFromRecent() {
        var ring = RecentResults()
        for i in 0..<10 {
            ring.append(
                result(
                    i, i == 4 ? .down : .up, ms: Int64(100 + i), error: i == 4 ? "HTTP 500" : nil,
                    failure: i == 4 ? .condition : nil, http: i == 4 ? 500 : 200),
                threshold: .milliseconds(500))
        }
        let list = ring.results(service: "s", threshold: .milliseconds(500))
        #expect(ring.availableLatencies() == list.filter { $0.status.isAvailable }.map(\.latency))
        #expect(ring.availableLatencies().count == 9)
    }

    @Test("new error texts reuse slots no kept result refers to; with none free the kind is shown")
    func errorSlots() {
        var ring = RecentResults()
        for i in 0..<RecentResults.capacity {
            ring.append(
                result(
                    i, .down, ms: 1, error: "condition failed: got \(i % 4)", failure: .condition,
                    http: 200), threshold: .milliseconds(500))
        }
        // Four texts in use by kept results: a fifth cannot be kept word for word.
        ring.append(
            result(60, .down, ms: 1, error: "connection refused (127.0.0.1:1)", failure: .refused),
            threshold: .milliseconds(500))
        var kept = ring.results(service: "s", threshold: .milliseconds(500))
        #expect(kept.last?.error == "connection refused")
        #expect(kept.first?.error == "condition failed: got 1")
        // Once no kept result uses a text any more, its slot takes the new one.
        for i in 61..<(61 + RecentResults.capacity) {
            ring.append(
                result(i, .down, ms: 1, error: "HTTP 502", failure: .condition, http: 502),
                threshold: .milliseconds(500))
        }
        ring.append(
            result(200, .down, ms: 1, error: "connection refused (127.0.0.1:1)", failure: .refused),
            threshold: .milliseconds(500))
        kept = ring.results(service: "s", threshold: .milliseconds(500))
        #expect(kept.last?.error == "connection refused (127.0.0.1:1)")
        #expect(kept.dropLast().allSatisfy { $0.error == "HTTP 502" })
    }
}
