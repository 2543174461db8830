import Foundation
import Testing

@testable import Probes

private let t0: Int64 = 1_800_000_000
private func at(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(t0 + seconds)) }

private func policy(objective: Double = 99.9, days: Int64 = 28) -> SLOPolicy {
    SLOPolicy(objective: objective, window: .seconds(days * 86_400), latency: .standard, alerts: .standard)
}

@Suite("SLO budgets and burn rates")
struct SLOBudgetTests {
    @Test("the error-budget formulas on known inputs")
    func formulas() {
        let c = WindowCounts(good: 9_995, total: 10_000, coverage: 1)
        #expect(abs(ErrorBudget.burnRate(c, objective: 99.9) - 0.5) < 1e-9)
        #expect(abs(ErrorBudget.remaining(c, objective: 99.9) - 0.5) < 1e-9)
        #expect(ErrorBudget.remaining(.empty, objective: 99.9) == 1)
        #expect(ErrorBudget.burnRate(WindowCounts(good: 0, total: 5, coverage: 1), objective: 100) > 1e8)
        let tte = ErrorBudget.timeToExhaustion(remaining: 0.5, burnRate: 10, windowSeconds: 28 * 86_400)
        #expect(tte == .seconds(120_960))
        #expect(ErrorBudget.timeToExhaustion(remaining: 0.5, burnRate: 0, windowSeconds: 100) == nil)
        #expect(ErrorBudget.timeToExhaustion(remaining: -0.2, burnRate: 3, windowSeconds: 100) == .zero)
        #expect(
            BurnRateRule(
                name: "x", severity: .page, longWindow: .seconds(3600), shortWindow: .seconds(300),
                budgetConsumed: 2
            ).burnRate(sloWindow: .seconds(30 * 86_400)) == 14.4)
    }

    @Test("status: budget remaining, burn rates and time to exhaustion for a service")
    func serviceStatus() throws {
        var book = SLOBook(policies: [("card-network", policy())])
        // 3 days at one probe every 10 s; in the last hour 1 % of the probes fail.
        let probes = 3 * 8640
        for i in 0..<probes {
            let bad = i >= probes - 360 && i % 100 == 0
            book.record(service: "card-network", available: !bad, latency: .milliseconds(20), at: at(Int64(i) * 10))
        }
        let statusValue = book.status(of: "card-network", now: at(Int64(probes) * 10))
        let status = try #require(statusValue)
        let a = status.availability
        #expect(a.counts.total == Double(probes))
        #expect(a.counts.bad == 4)
        #expect(abs(a.budgetRemaining - (1 - (4.0 / Double(probes)) / 0.001)) < 1e-9)
        #expect(abs(a.burnRates.oneHour - (4.0 / 360) / 0.001) < 1e-6)
        #expect(abs(a.burnRates.fiveMinutes - (1.0 / 30) / 0.001) < 1e-6)
        #expect(abs(a.burnRates.threeDays - (4.0 / Double(probes)) / 0.001) < 1e-6)
        let expected = a.budgetRemaining * Double(28 * 86_400) / a.burnRates.oneHour
        let tte = try #require(a.timeToExhaustion)
        #expect(abs(tte.seconds - expected) < 0.01)
        #expect(a.windowSeconds == 28 * 86_400)
        #expect(status.latency.counts.total == Double(probes - 4))
        #expect(status.latency.budgetRemaining == 1)
        #expect(status.latency.timeToExhaustion == nil)
        #expect(
            a.burnRates.labelled(sloWindowSeconds: a.windowSeconds).map(\.window)
                == ["5m", "30m", "1h", "2h", "6h", "1d", "3d", "28d"])
    }

    @Test("the latency SLI counts good probes under the threshold among good probes")
    func latencySLI() throws {
        var book = SLOBook(policies: [("credit-bureau", policy())])
        let latencies: [(ProbeStatus, Int64)] = [
            (.up, 100), (.up, 499), (.up, 500), (.degraded, 900), (.down, 2000), (.unknown, 10),
        ]
        for (i, (status, ms)) in latencies.enumerated() {
            book.record(
                ProbeResult(
                    service: "credit-bureau", startedAt: at(Int64(i)), status: status,
                    latency: .milliseconds(ms)))
        }
        book.record(ProbeResult(service: "not-in-book", startedAt: at(7), status: .down, latency: .zero))
        let latencyValue = book.counts(service: "credit-bureau", sli: .latency, now: at(10))
        let latency = try #require(latencyValue)
        #expect(latency.total == 4)
        // 500 ms is exactly the threshold: fast (slow is over it).
        #expect(latency.good == 3)
        let availabilityValue = book.counts(service: "credit-bureau", sli: .availability, now: at(10))
        let availability = try #require(availabilityValue)
        #expect(availability.total == 6)
        #expect(availability.good == 4)
        #expect(book.counts(service: "not-in-book", sli: .availability, now: at(10)) == nil)
    }

    @Test("services without a probe get no SLI; each policy keeps its own window")
    func bookFromConfig() throws {
        let probe = ProbeConfig(
            kind: .tcp(TCPProbe(host: "127.0.0.1", port: 1)), interval: .seconds(10),
            timeout: .seconds(1))
        var book = SLOBook(services: [
            ServiceConfig(name: "a", probe: probe, slo: policy(objective: 99.5, days: 7)),
            ServiceConfig(name: "b", probe: nil),
            ServiceConfig(name: "c", probe: probe),
        ])
        #expect(book.services == ["a", "c"])
        let aValue = book.status(of: "a", now: at(0))
        let a = try #require(aValue)
        #expect(a.availability.windowSeconds == 7 * 86_400)
        #expect(a.availability.objective == 99.5)
        #expect(book.statuses(now: at(0)).map(\.service) == ["a", "c"])
        #expect(book.memoryFootprint < 4 * 16 * 1024)
    }

    @Test("the history's minute aggregates rebuild a book that matches the live one")
    func minutesRoundTrip() throws {
        let policy = policy()
        var book = SLOBook(policies: [("deposit-event", policy)])
        var batch = HistoryBatch()
        for i in 0..<600 {
            let result = ProbeResult(
                service: "deposit-event", startedAt: at(Int64(i)), status: i % 7 != 0 ? .up : .down,
                latency: .milliseconds(i % 2 == 0 ? 100 : 700))
            book.record(result)
            batch.add(result, latencyThreshold: policy.latency.threshold)
        }
        let minutes = try #require(batch.aggregates["deposit-event"]).values.sorted { $0.minute < $1.minute }
        #expect(minutes.count == 10)
        let first = try #require(minutes.first)
        #expect(first.minute * 60 == t0)
        #expect(first.availabilityTotal == 60)
        #expect(first.availabilityGood == 60 - 9)

        var rebuilt = SLOBook(policies: [("deposit-event", policy)])
        rebuilt.restore(
            service: "deposit-event", sli: .availability,
            aggregates: minutes.map {
                SLIAggregate(
                    start: $0.minute * 60, seconds: 60, good: Int($0.availabilityGood),
                    total: Int($0.availabilityTotal))
            }, now: at(600))
        rebuilt.restore(
            service: "deposit-event", sli: .latency,
            aggregates: minutes.map {
                SLIAggregate(start: $0.minute * 60, seconds: 60, good: Int($0.latencyGood), total: Int($0.latencyTotal))
            }, now: at(600))
        for sli in SLIKind.allCases {
            for window in [Duration.seconds(3600), .seconds(86_400), nil] {
                let aValue = book.counts(service: "deposit-event", sli: sli, window: window, now: at(600))
                let a = try #require(aValue)
                let bValue = rebuilt.counts(service: "deposit-event", sli: sli, window: window, now: at(600))
                let b = try #require(bValue)
                #expect(abs(a.total - b.total) < 1e-9)
                #expect(abs(a.good - b.good) < 1e-9)
            }
        }
    }

    @Test("a long run's bookkeeping is bounded by services, not by minutes")
    func memoryDoesNotGrowWithTime() {
        var book = SLOBook(policies: [("a", policy()), ("b", policy())])
        func run(days: Int64, from start: Int64) {
            // One probe a minute per service, a third of them slow, some down.
            for minute in 0..<(days * 1440) {
                let t = start + minute * 60
                for service in ["a", "b"] {
                    book.record(
                        service: service, available: minute % 11 != 0,
                        latency: .milliseconds(minute % 3 == 0 ? 900 : 100), at: at(t))
                }
            }
        }
        run(days: 2, from: 0)
        let afterTwoDays = (book.memoryFootprint, StorageCensus.elements(in: book))
        run(days: 40, from: 2 * 86_400)
        // 40 days are 57,600 probes per service: anything kept per minute or per probe shows here.
        #expect(book.memoryFootprint == afterTwoDays.0)
        #expect(StorageCensus.elements(in: book) == afterTwoDays.1)
    }

    @Test("burn rate queries for a service and a rule window")
    func burnRateQuery() throws {
        var book = SLOBook(policies: [("transfers", policy(objective: 99))])
        for i in 0..<360 {
            book.record(service: "transfers", available: i % 10 != 0, latency: .zero, at: at(Int64(i) * 10))
        }
        let rateValue = book.burnRate(
            service: "transfers", sli: .availability, window: .seconds(3600),
            now: at(3600))
        let rate = try #require(rateValue)
        #expect(abs(rate - 10) < 1e-9)
        #expect(book.burnRate(service: "nope", sli: .availability, window: .seconds(3600), now: at(3600)) == nil)
    }
}
