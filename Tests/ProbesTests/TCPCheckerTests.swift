import Foundation
import ProbesTesting
import Testing

@testable import Probes

@Suite("TCP checker")
struct TCPCheckerTests {
    private func check(
        _ probe: TCPProbe, conditions: [Condition] = [], timeout: Duration = .seconds(30)
    ) async -> ProbeResult {
        await TCPChecker().check(probe, conditions: conditions, timeout: timeout, service: "db", startedAt: Date())
    }

    @Test func listeningPortIsUp() async throws {
        let listener = try await LoopbackTCPListener.start()
        let result = await check(TCPProbe(host: "127.0.0.1", port: listener.port))
        #expect(result.status == .up)
        #expect(result.service == "db")
        #expect(result.error == nil)
        #expect(result.httpStatus == nil)
        #expect(await eventually { listener.acceptedConnections == 1 })
        await listener.stop()
    }

    @Test func localhostNameResolves() async throws {
        let listener = try await LoopbackTCPListener.start(banner: Array("220 hello\r\n".utf8))
        let result = await check(TCPProbe(host: "localhost", port: listener.port))
        await listener.stop()
        #expect(result.status == .up)
    }

    @Test func closedPortIsRefused() async throws {
        let result = try await RefusingPort.withPort { port in
            await check(TCPProbe(host: "127.0.0.1", port: port))
        }
        #expect(result.status == .down)
        #expect(result.failure == .refused)
        #expect(result.error == "connection refused")
    }

    @Test func blackholedPortTimesOutOnTime() async throws {
        let blackhole = try await LoopbackBlackhole.start()
        let (result, waited, allowed) = await measureAgainstDeadline(.seconds(1)) {
            await check(TCPProbe(host: "127.0.0.1", port: blackhole.port), timeout: .seconds(1))
        }
        await blackhole.stop()
        #expect(result.status == .down)
        #expect(result.failure == .timeout)
        #expect(result.error == "timeout after 1000 ms")
        #expect(waited <= allowed)
    }

    @Test(arguments: [0, -1, 65_536, 1_000_000])
    func impossiblePortIsDownWithoutCrashing(port: Int) async {
        let result = await check(TCPProbe(host: "127.0.0.1", port: port))
        #expect(result.status == .down)
        #expect(result.error == "invalid port \(port)")
    }

    @Test func conditionsSeeConnectedAndResponseTime() async throws {
        let listener = try await LoopbackTCPListener.start()
        let probe = TCPProbe(host: "127.0.0.1", port: listener.port)
        let passing = await check(probe, conditions: [try Condition(parsing: "[CONNECTED] == true")])
        let failing = await check(
            probe, conditions: [try Condition(parsing: "[RESPONSE_TIME] < 0", severity: .warning)])
        await listener.stop()
        #expect(passing.status == .up)
        #expect(failing.status == .degraded)
        #expect(failing.error?.contains("[RESPONSE_TIME] < 0") == true)
    }
}
