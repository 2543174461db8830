import Foundation

/// A program run to completion for a test (the built binary, promtool, amtool): started, fed and
/// read on threads of its own, never on the cooperative pool (two threads on a two-core machine,
/// where a blocked pipe would stall every other test's timers), and killed after a timeout.
public enum ExternalProgram {
    /// How the program ended and what it wrote.
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// The program outlived its timeout and was killed.
        public var timedOut: Bool
    }

    /// Runs `executable` with `arguments`.
    /// - Parameters:
    ///   - input: written to its stdin, which is then closed; `nil` for /dev/null.
    ///   - environment: the whole environment; `nil` inherits this process's.
    ///   - timeout: SIGTERM after this long, SIGKILL 2 s later.
    /// - Throws: when the program cannot be started.
    public static func run(
        _ executable: String, _ arguments: [String], input: String? = nil,
        environment: [String: String]? = nil, directory: String? = nil,
        timeout: Duration = .seconds(60)
    ) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result {
                        try runHere(
                            executable, arguments, input: input, environment: environment, directory: directory,
                            timeout: timeout)
                    })
            }
        }
    }

    private static func runHere(
        _ executable: String, _ arguments: [String], input: String?,
        environment: [String: String]?, directory: String?,
        timeout: Duration
    ) throws -> Outcome {
        // A program that exits without reading all its input must not kill the tests with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        let err = Pipe()
        let stdin = input.map { _ in Pipe() }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin ?? FileHandle.nullDevice
        try process.run()
        let stdout = Reader(out.fileHandleForReading.fileDescriptor)
        let stderr = Reader(err.fileHandleForReading.fileDescriptor)
        if let stdin, let input {
            let data = Data(input.utf8)
            Thread.detachNewThread {
                writeAll(stdin.fileHandleForWriting.fileDescriptor, data)
                try? stdin.fileHandleForWriting.close()
            }
        }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while process.isRunning && clock.now < deadline { usleep(5_000) }
        let timedOut = process.isRunning
        if timedOut {
            // Its children first (a shell's pipeline): an orphan holding the pipes open would keep
            // the readers below waiting for an end of file that never comes.
            for child in ProcessTable().descendants(of: process.processIdentifier) { kill(child, SIGKILL) }
            process.terminate()
            let grace = clock.now + .seconds(2)
            while process.isRunning && clock.now < grace { usleep(5_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: stdout.wait(), as: UTF8.self),
            stderr: String(decoding: stderr.wait(), as: UTF8.self), timedOut: timedOut)
    }

    /// Reads a pipe to its end on a thread of its own.
    private final class Reader: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var data = Data()  // written by the reading thread before `done` is signalled

        init(_ fd: Int32) {
            Thread.detachNewThread { [self] in
                data = readAll(fd)
                done.signal()
            }
        }

        func wait() -> Data {
            done.wait()
            return data
        }
    }

    /// Blocking pipe I/O that survives signals (FileHandle's own methods trap on EINTR, which a
    /// child's SIGCHLD can cause).
    private static func writeAll(_ fd: Int32, _ data: Data) {
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let n = write(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }

    private static func readAll(_ fd: Int32) -> Data {
        var out = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return out }
            out.append(contentsOf: buffer[0..<n])
        }
    }
}

/// `promtool check metrics` from the Debian package `prometheus`.
public enum PromtoolCheck {
    public static let path = "/usr/bin/promtool"

    /// What a test records when promtool is missing: it fails, never skips.
    public static let missing =
        "promtool is missing at \(path): install the Debian package `prometheus` "
        + "(apt-get install prometheus) to check the exposition format"

    /// Runs `promtool check metrics` on `text`: its exit status and output (stdout, then stderr);
    /// `nil` when promtool is not installed.
    public static func run(_ text: String) async throws -> (status: Int32, output: String)? {
        guard FileManager.default.isExecutableFile(atPath: path) else { return nil }
        let ran = try await ExternalProgram.run(path, ["check", "metrics"], input: text)
        return (ran.status, ran.stdout + ran.stderr)
    }
}
