import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An output that could not be written: stdout or stderr closed, full or broken.
///
/// Every write to the standard streams goes through ``StandardStreams/writeAll(_:to:)``, a plain
/// POSIX `write` loop: Foundation's `FileHandle.write(_:)` traps on any error (a closed pipe, a
/// full disk), and would end an agent that pages for a bank because its reader left.
public struct OutputError: Error, CustomStringConvertible {
    /// The stream, for messages: `stdout` or `stderr`.
    public let stream: String
    /// The system's error number.
    public let code: Int32

    /// The reader closed its end (`EPIPE`): it chose to stop reading, which is not a failure.
    public var readerLeft: Bool { code == EPIPE }

    /// `stdout: No space left on device`, for one line on stderr.
    public var description: String { "\(stream): \(String(cString: strerror(code)))" }

    /// What a one-shot command exits with when its output fails: 0 when the reader left (it had
    /// what it wanted), else 3.
    public var exitCode: Int32 { readerLeft ? 0 : 3 }
}

public enum StandardStreams {
    /// Lines from different threads stay whole.
    private static let lock = Mutex(())

    /// Writes all of `bytes` to `descriptor`, retrying after signals and, on a non-blocking
    /// descriptor, once it can take more.
    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32, stream: String) throws(OutputError) {
        let failure: Int32? = lock.withLock { _ in
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { buffer -> Int in
                    guard let base = buffer.baseAddress else { return 0 }
                    return write(descriptor, base + offset, buffer.count - offset)
                }
                if written >= 0 {
                    offset += written
                    continue
                }
                let code = errno
                switch code {
                case EINTR:
                    continue
                case EAGAIN, EWOULDBLOCK:
                    var waiting = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&waiting, 1, -1)
                default:
                    return code
                }
            }
            return nil
        }
        if let failure { throw OutputError(stream: stream, code: failure) }
    }
}

/// Diagnostics for people go to stderr, one line each; stdout carries only the command's output.
public enum StandardError {
    /// Writes one line. A stderr that cannot be written is left at that: there is nowhere to say so.
    public static func write(_ line: String) {
        try? StandardStreams.writeAll(
            Array((line.hasSuffix("\n") ? line : line + "\n").utf8), to: STDERR_FILENO, stream: "stderr")
    }
}

/// Writes to stdout at once (no buffer), so pipelines see each line as it is produced.
public enum StandardOutput {
    /// Writes `text`, with a newline when it has none.
    /// - Throws: ``OutputError`` when stdout is closed (`EPIPE`), full (`ENOSPC`) or broken (`EIO`).
    public static func write(_ text: String) throws(OutputError) {
        try StandardStreams.writeAll(
            Array((text.hasSuffix("\n") ? text : text + "\n").utf8), to: STDOUT_FILENO, stream: "stdout")
    }
}

/// The first output error of a long-running command, and what to do when it happens (stop the
/// engine, as SIGTERM does). Later writes are skipped: their reader is gone.
public final class OutputFailure: Sendable {
    private struct State {
        var error: OutputError?
        var onFailure: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    /// An output that has not failed yet.
    public init() {}

    /// The error that stopped output, if any.
    public var error: OutputError? { state.withLock { $0.error } }

    /// Writes `text` to stdout unless an earlier write failed; the first failure calls the action
    /// given to ``whenFailed(_:)``.
    public func write(_ text: String) {
        guard error == nil else { return }
        do {
            try StandardOutput.write(text)
        } catch {
            fail(error)
        }
    }

    /// Calls `action` on the first failure (at once, when one has happened already).
    public func whenFailed(_ action: @escaping @Sendable () -> Void) {
        let failed = state.withLock { state -> Bool in
            state.onFailure = action
            return state.error != nil
        }
        if failed { action() }
    }

    /// Notices a reader that leaves while nothing is being written (`watch | head -1` after its
    /// line, with no alert for hours): stdout's pipe reports an error to `poll` once its reading
    /// end is closed, which counts as `EPIPE`. Regular files and /dev/null never report one.
    public func watchForReaderLeaving() {
        let thread = Thread { [self] in
            while error == nil {
                var watched = pollfd(fd: STDOUT_FILENO, events: 0, revents: 0)
                let ready = poll(&watched, 1, 500)
                guard ready > 0 else { continue }
                if watched.revents & Int16(POLLNVAL) != 0 { return }
                if watched.revents & Int16(POLLERR | POLLHUP) != 0 {
                    fail(OutputError(stream: "stdout", code: EPIPE))
                    return
                }
            }
        }
        thread.name = "stdout reader watch"
        thread.start()
    }

    private func fail(_ error: OutputError) {
        let action = state.withLock { state -> (@Sendable () -> Void)? in
            guard state.error == nil else { return nil }
            state.error = error
            return state.onFailure
        }
        action?()
    }
}
