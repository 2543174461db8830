import Foundation
import NIOCore
import ProbesTesting
import ServerGate
import Synchronization
import Testing

@testable import Probes
@testable import ProbesPrometheus

/// The `/metrics` endpoint against clients that hold connections: idle hoards, slowloris, storms
/// (issue 16). The limits are the server's, the timeouts short so that tests wait little.
@Suite("Metrics server under abuse")
struct MetricsServerAbuseTests {
    static func started(limits: ServerLimits = MetricsServer.defaultLimits) async throws -> (MetricsServer, Int) {
        let config = try MetricsServerTests.config()
        let exposition = MetricsExposition(config: config, site: "test", version: "0.0.0")
        let server = MetricsServer(
            address: MetricsListenAddress(host: "127.0.0.1", port: 0), exposition: exposition,
            limits: limits)
        let bound = try await server.start()
        return (server, bound.port)
    }

    /// Waits until `condition` holds (10 s at most).
    static func eventually(_ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test func aScrapeIsAnsweredWhileTheLimitsWorthOfIdleConnectionsIsHeld() async throws {
        let (server, port) = try await Self.started()
        let hoard = HeldConnections(port: port, count: MetricsServer.maxConnections)
        #expect(hoard.opened == MetricsServer.maxConnections)
        #expect(await Self.eventually { server.gate.count == MetricsServer.maxConnections })
        let response = await RawHTTP.get(port: port, "/metrics")
        #expect(response?.status == 200)
        // One of the hoard made room (the oldest admitted: admission order is accept order per event
        // loop, so not necessarily the first connected); the limit holds.
        #expect(server.gate.evictedCount == 1)
        #expect(server.gate.count <= MetricsServer.maxConnections)
        hoard.close()
        await server.stop()
    }

    @Test func twoHundredConnectionsAtOnceLeaveTheServerServing() async throws {
        let (server, port) = try await Self.started()
        let storm = HeldConnections(port: port, count: 200, partialRequestEvery: 2)
        #expect(storm.opened >= 150)
        #expect(await Self.eventually { server.gate.count <= MetricsServer.maxConnections })
        let during = await RawHTTP.get(port: port, "/metrics")
        #expect(during?.status == 200)
        storm.close()
        let after = await RawHTTP.get(port: port, "/metrics")
        #expect(after?.status == 200)
        await server.stop()
    }

    @Test func slowAndIdleClientsAreCutByTheTimeouts() async throws {
        let limits = ServerLimits(
            maxConnections: 32, requestTimeout: .milliseconds(300),
            keepAliveTimeout: .milliseconds(300), responseTimeout: .seconds(30))
        let (server, port) = try await Self.started(limits: limits)
        // A connection that says nothing, and one that trickles half a request (slowloris).
        let clients = HeldConnections(port: port, count: 2, partialRequestEvery: 2)
        let trickling = Task.detached {
            for _ in 0..<40 {
                clients.send(1, "X")
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        #expect(await clients.isClosedByServer(0))
        #expect(await clients.isClosedByServer(1), "a request still arriving after the timeout is cut")
        trickling.cancel()
        #expect(await Self.eventually { server.gate.count == 0 })
        clients.close()
        await server.stop()
    }

    @Test func aKeptAliveConnectionIsClosedAfterTheKeepAliveTimeout() async throws {
        let limits = ServerLimits(
            maxConnections: 32, requestTimeout: .seconds(10),
            keepAliveTimeout: .milliseconds(300), responseTimeout: .seconds(30))
        let (server, port) = try await Self.started(limits: limits)
        let client = HeldConnections(port: port, count: 1)
        client.send(0, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        // The answer arrives and the connection stays open for the next request, then idles out.
        #expect(await client.isClosedByServer(0))
        #expect(client.received(0).hasPrefix("HTTP/1.1 200 OK"))
        client.close()
        await server.stop()
    }

    /// A client that asks for a large board and never reads it is cut after the response timeout.
    @Test func aClientThatDoesNotReadItsResponseIsCut() async throws {
        let limits = ServerLimits(
            maxConnections: 32, requestTimeout: .seconds(10), keepAliveTimeout: .seconds(10),
            responseTimeout: .milliseconds(500))
        let (server, port) = try await Self.startedLarge(limits: limits)
        let reader = HeldConnections(port: port, count: 1, receiveBuffer: 4096)
        reader.send(0, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        // The server hangs up while most of the board is still unsent (its FIN waits behind that data,
        // so the client cannot see it without reading: the gate counts it).
        #expect(await Self.eventually { server.gate.timedOutCount == 1 && server.gate.count == 0 })
        #expect(await reader.isClosedByServer(0))
        // The whole board, from a server of the same board whose response timeout a reading
        // client meets (9 MB do not always go out in 500 ms on a busy machine).
        let (patient, patientPort) = try await Self.startedLarge(
            limits: ServerLimits(
                maxConnections: 32, requestTimeout: .seconds(10), keepAliveTimeout: .seconds(10),
                responseTimeout: .seconds(30)))
        let whole = try #require(await RawHTTP.get(port: patientPort, "/metrics"))
        #expect(whole.body.count > 1_000_000)
        #expect(reader.received(0).utf8.count < whole.body.count, "the response was cut short")
        reader.close()
        await server.stop()
        await patient.stop()
    }

    /// A server over a board of 3,000 services: several megabytes that a client that does not read
    /// cannot take.
    static func startedLarge(limits: ServerLimits) async throws -> (MetricsServer, Int) {
        let config = try MetricsServerTests.config(services: 3000)
        var monitor = Monitor(config: config)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        for service in config.services {
            _ = monitor.ingest(
                ProbeResult(
                    service: service.name, startedAt: now, status: .up,
                    latency: .milliseconds(12), httpStatus: 200), now: now)
        }
        let exposition = MetricsExposition(config: config, site: "test", version: "0.0.0")
        exposition.update(monitor.snapshot(now: now))
        let server = MetricsServer(
            address: MetricsListenAddress(host: "127.0.0.1", port: 0), exposition: exposition,
            limits: limits)
        return (server, try await server.start().port)
    }

    /// When every connection is being answered (clients that asked for a large board and do not
    /// read it), a new one is refused: closed at once, never wrapped, and the server lives on.
    @Test func aConnectionOverALimitOfBusyOnesIsRefusedCleanly() async throws {
        let limits = ServerLimits(
            maxConnections: 2, requestTimeout: .seconds(10), keepAliveTimeout: .seconds(10),
            responseTimeout: .seconds(30))
        let (server, port) = try await Self.startedLarge(limits: limits)
        let readers = HeldConnections(port: port, count: 2, receiveBuffer: 4096)
        for index in 0..<2 { readers.send(index, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") }
        #expect(await Self.eventually { server.gate.answeringCount == 2 })
        let third = HeldConnections(port: port, count: 1)
        #expect(await third.isClosedByServer(0))
        #expect(third.received(0).isEmpty)
        #expect(server.gate.refusedCount == 1)
        readers.close()
        third.close()
        #expect(await Self.eventually { server.gate.count == 0 })
        let response = await RawHTTP.get(port: port, "/")
        #expect(response?.status == 200)
        await server.stop()
    }

    @Test func pipelinedRequestsAreAllAnsweredBeforeTheKeepAliveClock() async throws {
        let limits = ServerLimits(
            maxConnections: 32, requestTimeout: .seconds(10),
            keepAliveTimeout: .milliseconds(300), responseTimeout: .seconds(30))
        let (server, port) = try await Self.started(limits: limits)
        let client = HeldConnections(port: port, count: 1)
        let request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        client.send(0, request + request + request)
        #expect(await client.isClosedByServer(0))
        #expect(client.received(0).components(separatedBy: "HTTP/1.1 200 OK").count - 1 == 3)
        client.close()
        await server.stop()
    }

    @Test func stopDuringAStormEndsCleanly() async throws {
        let (server, port) = try await Self.started()
        let storm = HeldConnections(port: port, count: 100, partialRequestEvery: 3)
        await server.stop()
        #expect(server.gate.count == 0)
        storm.close()
    }
}

/// Plain sockets to a loopback port, opened at once and held (blocking, with receive timeouts).
final class HeldConnections: Sendable {
    private let descriptors: [Int32]
    private let buffers: [ReceivedBytes]

    var opened: Int { descriptors.count }

    init(port: Int, count: Int, partialRequestEvery: Int = 0, receiveBuffer: Int32? = nil) {
        var opened: [Int32] = []
        for index in 0..<count {
            let connected = LoopbackSocket.connect(port: port) { fd in
                if var size = receiveBuffer {
                    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
                }
                var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            }
            guard let fd = connected else { continue }
            opened.append(fd)
            if partialRequestEvery > 0 && index % partialRequestEvery == partialRequestEvery - 1 {
                Self.send(fd, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            }
        }
        descriptors = opened
        buffers = opened.map { _ in ReceivedBytes() }
    }

    private static func send(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    func send(_ index: Int, _ text: String) { Self.send(descriptors[index], text) }

    /// What connection `index` has received so far.
    func received(_ index: Int) -> String { String(decoding: buffers[index].bytes.withLock { $0 }, as: UTF8.self) }

    /// Reads connection `index` until the server closes it (true) or 10 s pass (false).
    func isClosedByServer(_ index: Int) async -> Bool {
        let fd = descriptors[index]
        let buffer = buffers[index]
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let deadline = Date().addingTimeInterval(10)
                var chunk = [UInt8](repeating: 0, count: 65536)
                while Date() < deadline {
                    let n = recv(fd, &chunk, chunk.count, 0)
                    if n > 0 {
                        buffer.bytes.withLock { $0 += chunk[0..<n] }
                        continue
                    }
                    if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                        continuation.resume(returning: true)
                        return
                    }
                }
                continuation.resume(returning: false)
            }
        }
    }

    func close() {
        for fd in descriptors { Glibc.close(fd) }
    }
}

final class ReceivedBytes: Sendable {
    let bytes = Mutex<[UInt8]>([])
}
