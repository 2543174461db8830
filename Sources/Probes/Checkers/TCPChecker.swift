import Foundation
import NIOCore
import NIOPosix

/// Probes a TCP port: `up` when a connection is established within the timeout.
public final class TCPChecker: Sendable {
    private let group: any EventLoopGroup

    /// - Parameter eventLoopGroup: the NIO event loops to connect on; the process-wide singleton by default.
    public init(eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.group = eventLoopGroup
    }

    /// Connects to `probe.host:probe.port` once, then closes the connection.
    /// - Parameters:
    ///   - conditions: evaluated once connected, with `[CONNECTED]` and `[RESPONSE_TIME]`.
    ///   - timeout: hard limit from now, including name resolution.
    public func check(
        _ probe: TCPProbe, conditions: [Condition], timeout: Duration, service: String, startedAt: Date
    ) async -> ProbeResult {
        let clock = ContinuousClock()
        let start = clock.now
        // NIO traps on a port outside UInt16; the config validator should have caught it already.
        guard (1...65_535).contains(probe.port) else {
            return ProbeResult(
                service: service, startedAt: startedAt, status: .down, latency: .zero,
                error: "invalid port \(probe.port)", failure: .other)
        }
        let group = self.group
        let outcome: Result<Duration, ProbeFailure> = await ProbeDeadline.race(until: start + timeout) {
            do {
                let channel = try await ClientBootstrap(group: group)
                    .connectTimeout(TimeAmount(timeout))
                    .connect(host: probe.host, port: probe.port)
                    .get()
                let connected = clock.now - start
                try? await channel.close()
                return .success(connected)
            } catch {
                return .failure(ProbeFailure.classify(error, timeout: timeout))
            }
        } onTimeout: {
            .failure(.timeout(timeout))
        }
        switch outcome {
        case .failure(let failure):
            return ProbeResult(
                service: service, startedAt: startedAt, status: .down, latency: clock.now - start,
                error: failure.message, failure: failure.kind)
        case .success(let latency):
            let context = ConditionContext(responseTimeMs: latency.milliseconds, connected: true)
            let verdict = ConditionVerdict.judge(conditions, context)
            return ProbeResult(
                service: service, startedAt: startedAt, status: verdict.status, latency: latency,
                error: verdict.message, failure: verdict.status == .up ? nil : .condition)
        }
    }
}
