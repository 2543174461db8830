import Foundation
import ProbesTesting
import Synchronization
import Testing

/// Runs the built `incidentboard` binary as a user would.
enum Binary {
    /// The executable next to the test bundle (SwiftPM builds it because the test target depends on it),
    /// or `$INCIDENTBOARD_BIN`.
    static var path: String {
        if let override = ProcessInfo.processInfo.environment["INCIDENTBOARD_BIN"] { return override }
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = here.deletingLastPathComponent()
        // The test executable is either directly in the build folder or inside an .xctest bundle.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("incidentboard").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return ".build/debug/incidentboard"
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    }

    /// Runs to completion (killed after `timeout`, which fails the test).
    static func run(
        _ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
        timeout: Duration = .seconds(60)
    ) async throws -> Outcome {
        var env = ProcessInfo.processInfo.environment
        env["INCIDENTBOARD_CONFIG"] = nil
        for (k, v) in environment { env[k] = v }
        return try await run(path, arguments, environment: env, directory: directory, timeout: timeout)
    }

    /// Runs any program to completion (killed after `timeout`, which fails the test).
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        directory: String? = nil, timeout: Duration = .seconds(60)
    ) async throws -> Outcome {
        let ran = try await ExternalProgram.run(
            executable, arguments, environment: environment, directory: directory,
            timeout: timeout)
        if ran.timedOut {
            Issue.record("\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        return Outcome(status: ran.status, stdout: ran.stdout, stderr: ran.stderr)
    }
}

/// A long-running `incidentboard` (watch, dashboard) whose stdout is read line by line.
final class RunningBinary: Sendable {
    private let process: Process
    private let lines = LineBox()
    private let errLines = LineBox()
    let started = ContinuousClock.now

    /// - Parameter launcher: a program and its arguments that run the binary (its path last), e.g.
    ///   ``UnprivilegedUser/launcher``; the binary itself when empty.
    init(_ arguments: [String], environment: [String: String] = [:], launcher: [String] = []) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launcher.first ?? Binary.path)
        process.arguments = Array(launcher.dropFirst()) + arguments
        var env = ProcessInfo.processInfo.environment
        env["INCIDENTBOARD_CONFIG"] = nil
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        self.process = process
        try process.run()
        Self.collect(out.fileHandleForReading, into: lines)
        Self.collect(err.fileHandleForReading, into: errLines)
    }

    private static func collect(_ handle: FileHandle, into box: LineBox) {
        Thread.detachNewThread {
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    box.lines.withLock { $0.append(line) }
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            if !pending.isEmpty {
                let rest = String(decoding: pending, as: UTF8.self)
                box.lines.withLock { $0.append(rest) }
            }
            box.ended.withLock { $0 = true }
        }
    }

    var stdoutLines: [String] { lines.lines.withLock { $0 } }
    var stderrLines: [String] { errLines.lines.withLock { $0 } }
    var isRunning: Bool { process.isRunning }
    var pid: Int32 { process.processIdentifier }

    /// Waits until a stdout line satisfies `predicate`; returns it, or nil after `timeout`.
    func waitForLine(timeout: Duration = .seconds(30), _ predicate: (String) -> Bool) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = stdoutLines.first(where: predicate) { return line }
            if !process.isRunning, let line = stdoutLines.first(where: predicate) { return line }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return stdoutLines.first(where: predicate)
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for exit; returns the status, or nil when it is still running after `timeout`.
    func waitForExit(timeout: Duration = .seconds(10)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning { return nil }
        process.waitUntilExit()
        // Every line read: the reader threads have met the end of both pipes (bounded, in case a
        // child the binary started still holds one open).
        _ = await waitUntil(timeout: .seconds(5)) {
            lines.ended.withLock { $0 } && errLines.ended.withLock { $0 }
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
    }
}

/// Waits until `condition` holds (an observed state of another process: requests it served, lines
/// it wrote, what its endpoint answers), checking every 25 ms; `false` when it still does not after
/// `timeout`. The deadline only bounds a failing run; a passing one waits as long as it takes.
func waitUntil(timeout: Duration = .seconds(30), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(25))
    }
    return await condition()
}

/// A scratch directory with files a test writes (configs, state).
final class Scratch: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "incidentboard-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    func file(_ name: String) -> String { path + "/" + name }
}

/// Lines read so far from one of a child's pipes.
final class LineBox: Sendable {
    let lines = Mutex<[String]>([])
    /// Whether the pipe has reached its end and every line is in ``lines``.
    let ended = Mutex(false)
}
