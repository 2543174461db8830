import Foundation
import ProbesTesting
import Synchronization
import Testing

/// What the world around an agent does to it (issue 16): its reader leaves, its disk fills, its
/// metrics port is stormed, a second copy starts on its history. The built binary, as users run it.
@Suite("Reliability (built binary)")
struct ReliabilityTests {
    /// Two services answering 503: alerts fire within a few seconds of the start.
    static func failing() async throws -> (LoopbackHTTPServer, Scratch, String) {
        let server = try await LoopbackHTTPServer.start(routes: ["/a": .status(503), "/b": .status(503)])
        let scratch = try Scratch()
        let config = try scratch.write(
            "probes.json",
            """
            {
              "defaults": { "interval": "1s", "timeout": "900ms" },
              "slo": { "latency": { "threshold": "800ms" } },
              "services": [
                { "name": "alpha", "probe": { "type": "http", "url": "\(server.url("/a"))" } },
                { "name": "beta", "probe": { "type": "http", "url": "\(server.url("/b"))" } }
              ]
            }
            """)
        return (server, scratch, config)
    }

    /// Runs `script` in bash with `$BIN` set to the built binary.
    static func shell(_ script: String, timeout: Duration = .seconds(60)) async throws -> Binary.Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["BIN"] = Binary.path
        environment["INCIDENTBOARD_CONFIG"] = nil
        return try await Binary.run("/bin/bash", ["-c", script], environment: environment, timeout: timeout)
    }

    static func quoted(_ path: String) -> String { "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    // MARK: output errors

    @Test func watchPipedIntoHeadStopsCleanlyWithHistoryFlushed() async throws {
        let (server, scratch, config) = try await Self.failing()
        let state = scratch.file("state.sqlite")
        let outcome = try await Self.shell(
            "\"$BIN\" watch --headless --format json --config \(Self.quoted(config)) --state \(Self.quoted(state))"
                + " | head -1; exit ${PIPESTATUS[0]}")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdoutLines.count == 1)
        #expect(outcome.stdoutLines.first?.contains("\"event\":\"firing\"") == true, "\(outcome.stdout)")
        #expect(
            outcome.stderr.contains("incidentboard: stdout closed by its reader; stopped; history flushed;"),
            "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("Fatal error"), "\(outcome.stderr)")
        // The history holds the probes: the SLO report counts them.
        let slo = try await Binary.run(["slo", "--format", "json", "--config", config, "--state", state])
        #expect(slo.status == 0, "\(slo.stderr)")
        #expect(slo.stdout.contains("\"alpha\""), "\(slo.stdout)")
        #expect(!FileManager.default.fileExists(atPath: state + ".lock"), "a clean exit removes the lock file")
        // The SLO report from that history, onto a full disk: one line, exit 3.
        let full = try await Self.shell(
            "exec \"$BIN\" slo --config \(Self.quoted(config)) --state \(Self.quoted(state)) > /dev/full")
        #expect(full.status == 3)
        #expect(full.stderr == "incidentboard: stdout: No space left on device\n", "\(full.stderr)")
        await server.stop()
    }

    @Test func watchOnAFullDiskSaysSoOnceAndExitsOne() async throws {
        let (server, scratch, config) = try await Self.failing()
        let state = scratch.file("state.sqlite")
        let outcome = try await Self.shell(
            "exec \"$BIN\" watch --headless --format json --config \(Self.quoted(config)) "
                + "--state \(Self.quoted(state)) > /dev/full")
        #expect(outcome.status == 1, "\(outcome.stderr)")
        let errors = outcome.stderr.split(separator: "\n").filter { $0.contains("No space left on device") }
        #expect(errors.count == 1, "\(outcome.stderr)")
        #expect(
            errors.first?.hasPrefix("incidentboard: stdout: No space left on device; stopped; history flushed;")
                == true, "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("Fatal error"), "\(outcome.stderr)")
        await server.stop()
    }

    @Test(arguments: ["text", "json", "nagios"])
    func checkOnAFullDiskIsUnknown(format: String) async throws {
        let (server, scratch, config) = try await Self.failing()
        defer { withExtendedLifetime(scratch) {} }
        let outcome = try await Self.shell(
            "exec \"$BIN\" check --format \(format) --config \(Self.quoted(config)) > /dev/full")
        #expect(outcome.status == 3, "\(outcome.stderr)")
        #expect(outcome.stderr == "incidentboard: stdout: No space left on device\n", "\(outcome.stderr)")
        await server.stop()
    }

    @Test func checkWhoseReaderLeftKeepsItsStatus() async throws {
        let (server, scratch, config) = try await Self.failing()
        defer { withExtendedLifetime(scratch) {} }
        let outcome = try Self.runWithClosedStdout(["check", "--format", "json", "--config", config])
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.isEmpty, "\(outcome.stderr)")
        await server.stop()
    }

    /// The one-shot commands that print: a full disk is one line and exit 3, a reader that left is quiet.
    @Test(arguments: [
        ["validate"], ["rules"],
        ["slo", "simulate", "--objective", "99.9", "--window", "28d", "--error-ratio", "0.01"],
        ["demo", "--list"],
    ])
    func oneShotCommandsOnAFullDiskOrAClosedPipe(command: [String]) async throws {
        let (server, scratch, config) = try await Self.failing()
        defer { withExtendedLifetime(scratch) {} }
        let arguments = command + (command.first == "demo" || command.count > 1 ? [] : ["--config", config])
        let full = try await Self.shell(
            "exec \"$BIN\" " + arguments.map(Self.quoted).joined(separator: " ") + " > /dev/full")
        #expect(full.status == 3, "\(command): \(full.stderr)")
        #expect(full.stderr == "incidentboard: stdout: No space left on device\n", "\(command): \(full.stderr)")
        let left = try Self.runWithClosedStdout(arguments)
        #expect(left.status == 0, "\(command): \(left.stderr)")
        #expect(left.stderr.isEmpty, "\(command): \(left.stderr)")
        await server.stop()
    }

    /// `demo --headless` writes its alerts as `watch` does: a reader that leaves ends it with 0, a full
    /// disk with 1, the estate stopped either way. (The tour at pace 10: it loops through all five
    /// incidents, so an alert comes within seconds even on a loaded machine, where one short
    /// cascade at that pace can end before any alert has waited out its probes.)
    @Test(arguments: [("| head -1; exit ${PIPESTATUS[0]}", Int32(0)), ("> /dev/full", Int32(1))])
    func demoHeadlessOnAClosedPipeOrAFullDisk(redirect: String, expected: Int32) async throws {
        var outcome: Binary.Outcome?
        // The free ports are picked before the demo binds them: a test next door may take one (exit 3).
        for _ in 0..<3 where outcome == nil || outcome?.stderr.contains("is in use") == true {
            let scratch = try Scratch()
            let config = try DemoScenarioTests.estateConfig(in: scratch)
            outcome = try await Self.shell(
                "export INCIDENTBOARD_DEMO_PACE=10; \"$BIN\" demo --headless --scenario tour "
                    + "--format json --config \(Self.quoted(config)) --state \(Self.quoted(scratch.file("demo.sqlite"))) "
                    + redirect)
        }
        let run = try #require(outcome)
        #expect(run.status == expected, "\(run.stderr)")
        #expect(run.stderr.contains("incidentboard: demo estate stopped") || expected != 0, "\(run.stderr)")
        let last = run.stderr.split(separator: "\n").first { $0.contains("stopped; history flushed;") }
        if expected == 0 {
            #expect(last?.hasPrefix("incidentboard: stdout closed by its reader; stopped;") == true, "\(run.stderr)")
        } else {
            #expect(
                last?.hasPrefix("incidentboard: stdout: No space left on device; stopped;") == true,
                "\(run.stderr)")
        }
        #expect(!run.stderr.contains("Fatal error"), "\(run.stderr)")
    }

    /// Runs the binary with stdout a pipe whose reading end is already closed: every write is EPIPE.
    static func runWithClosedStdout(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["INCIDENTBOARD_CONFIG"] = nil
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try out.fileHandleForReading.close()
        try process.run()
        try out.fileHandleForWriting.close()
        try err.fileHandleForWriting.close()
        let errors = try err.fileHandleForReading.readToEnd() ?? Data()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: errors, as: UTF8.self))
    }

    // MARK: one agent per state file

    /// Waits until `condition` holds (30 s at most).
    static func eventually(_ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Waits until a stderr line of `agent` satisfies `predicate`.
    static func waitForStderr(
        _ agent: RunningBinary, timeout: Duration = .seconds(30),
        _ predicate: (String) -> Bool
    ) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if agent.stderrLines.contains(where: predicate) { return true }
            if !agent.isRunning { return agent.stderrLines.contains(where: predicate) }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return false
    }

    @Test func aSecondAgentOnTheSameStateIsRefusedNamingTheFirst() async throws {
        let (server, scratch, config) = try await Self.failing()
        let state = scratch.file("state.sqlite")
        let first = try RunningBinary(["watch", "--headless", "--format", "json", "--config", config, "--state", state])
        #expect(await Self.waitForStderr(first) { $0.contains("incidentboard: watching") }, "\(first.stderrLines)")
        // The first has written history once an alert is out.
        #expect(await first.waitForLine { $0.contains("\"firing\"") } != nil)

        let second = try await Binary.run(["watch", "--headless", "--config", config, "--state", state])
        #expect(second.status == 3)
        #expect(
            second.stderr == "incidentboard: \(state): in use by another incidentboard agent (pid \(first.pid), "
                + "lock \(state).lock); stop it first, or give this one another --state\n", "\(second.stderr)")
        #expect(second.stdout.isEmpty)
        let demo = try await Binary.run(["demo", "--headless", "--config", config, "--state", state])
        #expect(demo.status == 3)
        #expect(demo.stderr.contains("in use by another incidentboard agent (pid \(first.pid)"), "\(demo.stderr)")
        #expect(!demo.stderr.contains("demo estate listening"), "refused before the estate starts")

        // A short-lived command still reads the history while the agent runs.
        let slo = try await Binary.run(["slo", "--config", config, "--state", state])
        #expect(slo.status == 0, "\(slo.stderr)")
        #expect(first.isRunning)

        // kill -9 leaves the lock file behind; the kernel released the lock, so the next agent takes it.
        first.signal(SIGKILL)
        _ = await first.waitForExit()
        #expect(FileManager.default.fileExists(atPath: state + ".lock"))
        let port = try #require(FreePort.find())
        let third = try RunningBinary([
            "watch", "--headless", "--format", "json", "--config", config, "--state", state,
            "--metrics-listen", "127.0.0.1:\(port)",
        ])
        #expect(await Self.waitForStderr(third) { $0.contains("incidentboard: watching") }, "\(third.stderrLines)")
        let lockText = try String(contentsOfFile: state + ".lock", encoding: .utf8)
        #expect(lockText == "\(third.pid)\n")
        // Its engine runs (and handles SIGTERM) once its probes show on /metrics.
        #expect(
            await Self.eventually {
                await Scrape.get(port: port, "/metrics")?.body.contains("probe_success{service=\"alpha\"") == true
            })
        third.signal(SIGTERM)
        #expect(await third.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: state + ".lock"))
        await server.stop()
    }

    @Test func aDashboardOnAStateHeldByAWatchIsRefusedNamingIt() async throws {
        let (server, scratch, config) = try await Self.failing()
        let state = scratch.file("state.sqlite")
        let watch = try RunningBinary(["watch", "--headless", "--format", "json", "--config", config, "--state", state])
        #expect(await Self.waitForStderr(watch) { $0.contains("incidentboard: watching") }, "\(watch.stderrLines)")
        let tmux = BoardTmux(width: 250, height: 20)
        defer { tmux.kill() }
        try tmux.start("'\(Binary.path)' dashboard --config '\(config)' --state '\(state)'; echo EXIT=$?; sleep 600")
        let screen = try await tmux.waitForScreen("refusal") { $0.contains("EXIT=") }
        #expect(screen.contains("EXIT=3"), "\(screen)")
        #expect(screen.contains("in use by another incidentboard agent (pid \(watch.pid),"), "\(screen)")
        #expect(watch.isRunning)
        watch.signal(SIGTERM)
        #expect(await watch.waitForExit() == 0)
        await server.stop()
    }

    // MARK: the metrics endpoint under a storm

    @Test func twoHundredConnectionsAtOnceDoNotEndTheAgent() async throws {
        let (server, scratch, config) = try await Self.failing()
        let port = try #require(FreePort.find())
        let watch = try RunningBinary([
            "watch", "--headless", "--format", "json", "--config", config, "--state", scratch.file("state.sqlite"),
            "--metrics-listen", "127.0.0.1:\(port)",
        ])
        #expect(await Self.waitForStderr(watch) { $0.contains("metrics at http://127.0.0.1:\(port)/metrics") })
        // 200 connections, half of them idle, half sending half a request, all held open.
        let storm = Storm(port: port, count: 200)
        #expect(storm.opened >= 150, "only \(storm.opened) connections opened")
        // A scrape is answered while they are held.
        let during = await Scrape.get(port: port, "/metrics")
        #expect(during?.status == 200)
        storm.close()
        #expect(watch.isRunning, "\(watch.stderrLines)")
        let after = await Scrape.get(port: port, "/metrics")
        #expect(after?.status == 200)
        watch.signal(SIGTERM)
        #expect(await watch.waitForExit() == 0)
        #expect(!watch.stderrLines.contains { $0.contains("Fatal error") }, "\(watch.stderrLines)")
        await server.stop()
    }
}

/// Connections opened to a port at once and held, as a port scan or a slowloris client does.
final class Storm: Sendable {
    private let descriptors: [Int32]

    var opened: Int { descriptors.count }

    init(port: Int, count: Int) {
        var opened: [Int32] = []
        for index in 0..<count {
            guard let fd = LoopbackSocket.connect(port: port) else { continue }
            if index % 2 == 1 {
                let partial = Array("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8)
                _ = partial.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            }
            opened.append(fd)
        }
        descriptors = opened
    }

    func close() {
        for fd in descriptors { Glibc.close(fd) }
    }
}
