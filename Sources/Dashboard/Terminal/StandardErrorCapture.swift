import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Holds back what is written to stderr while the board owns the screen, and writes it out once the
/// terminal is restored.
///
/// Stderr is the same terminal ncurses draws on: a warning from the engine (a history write that
/// failed) would land in the middle of the board and stay there until the next full redraw. While
/// capturing, file descriptor 2 points at an unlinked temporary file; ``finish()`` points it back and
/// copies the file out. A crash points it back too (``TerminalCrashGuard``), so a crash report still
/// reaches the user.
final class StandardErrorCapture {
    private var saved: Int32 = -1
    private var file: Int32 = -1

    /// Starts capturing; does nothing when no temporary file can be made (stderr then stays as it is).
    init() {
        var template = Array((NSTemporaryDirectory() + "/incidentboard-stderr-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard descriptor >= 0 else { return }
        // Unlinked at once: the descriptor keeps the file, and nothing is left behind if the process
        // is killed outright.
        template.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { unlink(base) }
        }
        let original = dup(STDERR_FILENO)
        guard original >= 0, dup2(descriptor, STDERR_FILENO) >= 0 else {
            close(descriptor)
            if original >= 0 { close(original) }
            return
        }
        saved = original
        file = descriptor
        TerminalCrashGuard.originalStandardError = original
    }

    /// Points stderr back at the terminal and writes out what was held back. Idempotent.
    func finish() {
        guard saved >= 0 else { return }
        TerminalCrashGuard.originalStandardError = -1
        dup2(saved, STDERR_FILENO)
        close(saved)
        saved = -1
        var buffer = [UInt8](repeating: 0, count: 4096)
        lseek(file, 0, SEEK_SET)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(file, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            _ = buffer.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, count) }
        }
        close(file)
        file = -1
    }

    deinit {
        finish()
    }
}
