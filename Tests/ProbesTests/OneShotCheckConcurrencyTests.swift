import Foundation
import Synchronization
import Testing

@testable import Probes

/// A runner whose first `gate` probes wait until `gate` are in flight together, and which records
/// the most it ever had in flight.
private final class GatedRunner: ProbeRunner {
    private struct State {
        var inFlight = 0
        var most = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
        var opened = false
    }
    private let state = Mutex(State())
    let gate: Int

    init(gate: Int) { self.gate = gate }

    var most: Int { state.withLock { $0.most } }

    func run(_ service: ServiceConfig, startedAt: Date) async -> ProbeResult {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let release: [CheckedContinuation<Void, Never>] = state.withLock { s in
                s.inFlight += 1
                s.most = max(s.most, s.inFlight)
                if s.opened { return [continuation] }
                s.waiting.append(continuation)
                guard s.waiting.count == gate else { return [] }
                s.opened = true
                defer { s.waiting = [] }
                return s.waiting
            }
            for c in release { c.resume() }
        }
        state.withLock { $0.inFlight -= 1 }
        return ProbeResult(service: service.name, startedAt: startedAt, status: .up, latency: .milliseconds(1))
    }
}

@Suite("check: probes in flight")
struct OneShotCheckConcurrencyTests {
    // A bound below 4 would leave the gated probes waiting: the time limit turns that into a failure.
    @Test(
        "a check runs up to its concurrency at once and never more, and probes everything",
        .timeLimit(.minutes(1)))
    func boundedInFlight() async throws {
        let services = (0..<50).map {
            """
            {"name": "s\($0)", "probe": {"type": "tcp", "host": "127.0.0.1", "port": 1}}
            """
        }
        let json = #"{"services": ["# + services.joined(separator: ",") + "]}"
        let config = try ConfigLoader.load(data: Data(json.utf8), displayName: "c.json", environment: [:])
        let runner = GatedRunner(gate: 4)
        let results = await OneShotCheck.probe(config.services.map(\.name), in: config, runner: runner, concurrency: 4)
        #expect(results.count == 50)
        #expect(runner.most == 4)
    }
}
