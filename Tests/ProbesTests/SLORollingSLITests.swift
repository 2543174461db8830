import Foundation
import Testing

@testable import Probes

/// A seeded generator so the property test is the same on every run.
private struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The window definition recomputed from raw events, bucket by bucket, with no running sums.
private struct BruteForceSLI {
    var events: [(t: Int64, good: Bool)] = []

    func counts(tier: Int, buckets k: Int64, now: Int64) -> (good: Double, total: Double) {
        let r = SLILayout.resolutions[tier]
        let c = SLIWindow.floorDiv(now, r)
        let f = Double(r - (now - c * r)) / Double(r)
        var good = 0.0
        var total = 0.0
        for e in events {
            let b = SLIWindow.floorDiv(e.t, r)
            let weight: Double = b > c - k && b <= c ? 1 : (b == c - k ? f : 0)
            total += weight
            good += e.good ? weight : 0
        }
        return (good, total)
    }
}

private let hour: Int64 = 3600
private let day: Int64 = 86_400
/// A start time on every bucket edge (a multiple of 1 h).
private let t0: Int64 = 1_800_000_000

private func layout28d() -> SLILayout { SLILayout(sloWindow: .seconds(28 * day)) }

@Suite("SLO rolling SLI counters")
struct SLORollingSLITests {
    @Test("layout keeps the standard windows in the finest tier that covers them")
    func layoutPlacement() {
        let layout = layout28d()
        #expect(layout.capacities == [361, 289, 673])
        #expect(layout.windows == [300, 1800, 3600, 7200, 21_600, 86_400, 259_200, 28 * day])
        #expect(layout.windowTiers == [0, 0, 0, 1, 1, 1, 2, 2])
        #expect(layout.sloWindowSeconds == 28 * day)
        let wide = SLILayout(sloWindow: .seconds(90 * day), extraWindows: [.seconds(45 * 60)])
        #expect(wide.capacities[2] == 90 * 24 + 1)
        #expect(wide.windows.contains(2700))
    }

    @Test("5m window at a bucket edge and part-way into a 10 s bucket")
    func fineTierRollover() {
        var sli = RollingSLI(layout: layout28d())
        for s in 0..<405 {
            sli.record(good: !(100..<110).contains(s), at: t0 + Int64(s))
        }
        // [T+105, T+405]: the bucket [100, 110) is half inside, so 5 of its 10 bad results count.
        let mid = sli.counts(overSeconds: 300, now: t0 + 405)
        #expect(mid.total == 300)
        #expect(mid.bad == 5)
        for s in 405..<600 { sli.record(good: true, at: t0 + Int64(s)) }
        let edge = sli.counts(overSeconds: 300, now: t0 + 600)
        #expect(edge.total == 300)
        #expect(edge.bad == 0)
        let hourWindow = sli.counts(overSeconds: 3600, now: t0 + 600)
        #expect(hourWindow.total == 600)
        #expect(hourWindow.bad == 10)
    }

    @Test("2h window from 5 min buckets rolls over and counts its oldest bucket in part")
    func middleTierRollover() {
        var sli = RollingSLI(layout: layout28d())
        // One result every 10 s for 3 h; the first 5 minutes of the second hour are all bad.
        for i in 0..<(3 * 360) {
            let t = t0 + Int64(i) * 10
            sli.record(good: !(t >= t0 + hour && t < t0 + hour + 300), at: t)
        }
        let atEdge = sli.counts(overSeconds: 7200, now: t0 + 3 * hour)
        #expect(atEdge.total == 720)
        #expect(atEdge.bad == 30)
        // Record up to +3h 2m 30s; then [1h 2m 30s, 3h 2m 30s]: half of the bad 5 min bucket left.
        for i in 0..<15 { sli.record(good: true, at: t0 + 3 * hour + Int64(i) * 10) }
        let mid = sli.counts(overSeconds: 7200, now: t0 + 3 * hour + 150)
        #expect(abs(mid.total - 720) < 1e-9)
        #expect(abs(mid.bad - 15) < 1e-9)
        let later = sli.counts(overSeconds: 7200, now: t0 + 3 * hour + 300)
        #expect(later.bad == 0)
    }

    @Test("3d and 28d windows from 1 h buckets")
    func coarseTierRollover() {
        var sli = RollingSLI(layout: layout28d())
        // One result a minute for 4 days; hour 10 of day 0 is all bad.
        for i in 0..<(4 * 1440) {
            let t = t0 + Int64(i) * 60
            sli.record(good: !(t >= t0 + 10 * hour && t < t0 + 11 * hour), at: t)
        }
        let now = t0 + 4 * day
        let threeDays = sli.counts(overSeconds: 3 * day, now: now)
        #expect(threeDays.total == 3 * 1440)
        #expect(threeDays.bad == 0)
        let window = sli.counts(overSeconds: 28 * day, now: now)
        #expect(window.total == 4 * 1440)
        #expect(window.bad == 60)
        // Half an hour later the 3 d window starts at day 1 00:30; still no bad hour inside.
        let half = sli.counts(overSeconds: 3 * day, now: now + 1800)
        #expect(abs(half.total - (3 * 1440 - 30)) < 1e-9)
        #expect(half.coverage == 1)
    }

    @Test("running sums equal a brute-force recomputation over a random sequence")
    func runningSumsMatchBruteForce() {
        var random = SeededRandom(state: 42)
        let layout = SLILayout(sloWindow: .seconds(7 * day), extraWindows: [.seconds(2700), .seconds(10 * hour)])
        var sli = RollingSLI(layout: layout)
        var oracle = BruteForceSLI()
        var t = t0 + 7
        var latest = t
        var checks = 0
        let extraWindows: [Int64] = [45, 2700, 4 * hour, 10 * hour, 5 * day]
        for step in 0..<12_000 {
            let roll = Int.random(in: 0..<1000, using: &random)
            if roll < 3 {
                t += Int64.random(in: hour...(2 * day), using: &random)
            } else if roll < 40 {
                t += Int64.random(in: 60...900, using: &random)
            } else {
                t += Int64.random(in: 0...25, using: &random)
            }
            latest = max(latest, t)
            // Now and then a result arrives late: mostly by up to 2 minutes, rarely by up to 8 hours.
            var at = t
            if roll % 17 == 0 { at = t - Int64.random(in: 1...120, using: &random) }
            if roll % 53 == 0 { at = t - Int64.random(in: 1...(8 * hour), using: &random) }
            let good = Int.random(in: 0..<10, using: &random) > 1
            sli.record(good: good, at: at)
            oracle.events.append((at, good))
            guard step % 150 == 0 else { continue }
            let now = latest + Int64.random(in: 0...9, using: &random)
            for w in layout.windows + extraWindows {
                let (tier, k) = SLILayout.placement(of: w, capacities: layout.capacities)
                let got = sli.counts(overSeconds: w, now: now)
                let want = oracle.counts(tier: tier, buckets: k, now: now)
                #expect(abs(got.total - want.total) < 1e-6, "total over \(w) s at step \(step)")
                #expect(abs(got.good - want.good) < 1e-6, "good over \(w) s at step \(step)")
                checks += 1
            }
            latest = now
            t = max(t, now)
        }
        #expect(checks > 500)
    }

    @Test("a gap longer than a tier's reach empties it")
    func gapResetsTiers() {
        var sli = RollingSLI(layout: layout28d())
        for i in 0..<360 { sli.record(good: false, at: t0 + Int64(i) * 10) }
        let t1 = t0 + 2 * day
        for i in 0..<30 { sli.record(good: true, at: t1 + Int64(i) * 10) }
        let now = t1 + 300
        #expect(sli.counts(overSeconds: 3600, now: now).bad == 0)
        #expect(sli.counts(overSeconds: 3600, now: now).total == 30)
        #expect(sli.counts(overSeconds: day, now: now).bad == 0)
        #expect(sli.counts(overSeconds: 3 * day, now: now).bad == 360)
    }

    @Test("late results land in the buckets of their time; too old ones are dropped")
    func lateResults() {
        var sli = RollingSLI(layout: layout28d())
        sli.record(good: true, at: t0 + 1000)
        sli.record(good: false, at: t0 + 995)
        sli.record(good: false, at: t0 + 1000 - 2 * hour)
        sli.record(good: false, at: t0 + 1000 - 40 * day)
        let now = t0 + 1010
        #expect(sli.counts(overSeconds: 300, now: now).bad == 1)
        #expect(sli.counts(overSeconds: 300, now: now).total == 2)
        #expect(sli.counts(overSeconds: 3 * hour, now: now).bad == 2)
        #expect(sli.counts(overSeconds: 28 * day, now: now).total == 3)
        #expect(sli.firstRecordSeconds == t0 + 1000 - 2 * hour)
    }

    @Test("a fresh start uses the data it has and reports its coverage")
    func freshStartCoverage() {
        var sli = RollingSLI(layout: layout28d())
        #expect(sli.counts(overSeconds: 3600, now: t0) == .empty)
        for i in 0..<180 { sli.record(good: i % 10 != 0, at: t0 + Int64(i) * 10) }
        let now = t0 + 1800
        let h = sli.counts(overSeconds: 3600, now: now)
        #expect(h.total == 180)
        #expect(abs(h.errorRatio - 0.1) < 1e-12)
        #expect(h.coverage == 0.5)
        #expect(sli.counts(overSeconds: 300, now: now).coverage == 1)
        let w = sli.counts(now: now)
        #expect(abs(w.coverage - 1800.0 / Double(28 * day)) < 1e-12)
    }

    @Test("the first result in a bucket the clock already reached sets the start time")
    func firstResultAfterQuery() {
        var sli = RollingSLI(layout: layout28d())
        _ = sli.counts(overSeconds: 300, now: t0 + 3)
        sli.record(good: true, at: t0 + 5)
        #expect(sli.firstRecordSeconds == t0 + 5)
        #expect(sli.counts(overSeconds: 300, now: t0 + 6).total == 1)
    }

    @Test("weighted records saturate instead of wrapping; bad input is ignored")
    func weightedRecords() {
        var sli = RollingSLI(layout: layout28d())
        sli.record(good: 5, total: -3, at: t0)
        sli.record(good: 9, total: 4, at: t0)
        sli.record(good: Int.max, total: Int.max, at: t0 + 1)
        let c = sli.counts(overSeconds: 300, now: t0 + 2)
        #expect(c.total == Double(UInt32.max))
        #expect(c.good == Double(UInt32.max))
        sli.record(good: true, at: Int64.max)
        _ = sli.counts(overSeconds: 300, now: Int64.min)
    }

    @Test("restoring per-minute aggregates rebuilds every window")
    func restoreFromMinutes() {
        let layout = layout28d()
        var live = RollingSLI(layout: layout)
        var minutes: [SLIAggregate] = []
        var random = SeededRandom(state: 7)
        let start = t0 - 3 * day
        for m in 0..<(3 * 1440) {
            let bad = Int.random(in: 0..<4, using: &random) == 0 ? Int.random(in: 1...3, using: &random) : 0
            for s in 0..<6 { live.record(good: 10 - bad, total: 10, at: start + Int64(m * 60 + s * 10)) }
            minutes.append(SLIAggregate(start: start + Int64(m * 60), good: 60 - 6 * bad, total: 60))
        }
        var restored = RollingSLI(layout: layout)
        restored.restore(minutes.shuffled(using: &random), now: t0)
        for w in layout.windows + [2700] {
            let a = live.counts(overSeconds: w, now: t0)
            let b = restored.counts(overSeconds: w, now: t0)
            #expect(abs(a.total - b.total) < 1e-6, "total over \(w)")
            #expect(abs(a.good - b.good) < 1e-6, "good over \(w)")
        }
        // A corrupt aggregate neither hangs nor moves the clock.
        restored.restore([SLIAggregate(start: .min, seconds: .max, good: .max, total: .max)], now: t0)
        #expect(restored.counts(overSeconds: 300, now: t0).total >= live.counts(overSeconds: 300, now: t0).total)
    }

    @Test("a 28-day SLI fits in 16 KB whatever the probe rate")
    func memoryPerSLI() {
        var sli = RollingSLI(layout: layout28d())
        let before = sli.memoryFootprint
        for i in 0..<100_000 { sli.record(good: true, at: t0 + Int64(i / 50)) }
        #expect(sli.memoryFootprint == before)
        #expect(before < 16 * 1024)
        // 361 buckets of 2 bytes (three 5-bit counters), 289 of 4 (three 10-bit) and 673 of 5
        // (three 13-bit) are counted.
        #expect(before > 361 * 2 + 289 * 4 + 673 * 5)
        let ninety = RollingSLI(layout: SLILayout(sloWindow: .seconds(90 * day)))
        #expect(ninety.memoryFootprint < 24 * 1024)
    }
}
