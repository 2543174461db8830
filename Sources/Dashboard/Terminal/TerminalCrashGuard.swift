#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Gives the terminal back even when the process crashes while ncurses owns it.
///
/// A trap or fault kills the process before any `defer` runs, leaving the shell in the alternate
/// screen with echo off. While armed, the fatal signals first restore the terminal modes saved
/// before ncurses started, write the sequences that leave the alternate screen and show the
/// cursor, and point stderr back at the terminal (async-signal-safe calls only: `tcsetattr`,
/// `write`, `dup2`, `sigaction`), then hand the signal to whatever handled it before (the Swift
/// runtime's backtracer, or the default action).
enum TerminalCrashGuard {
    private static let signals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT]

    // Read by the signal handler, which can take no context; written only by `arm`/`disarm`, on
    // the thread that owns the terminal, while no handler of ours is installed.
    nonisolated(unsafe) private static var savedModes = termios()
    nonisolated(unsafe) private static var hasSavedModes = false
    nonisolated(unsafe) private static let previousActions = UnsafeMutablePointer<sigaction>.allocate(capacity: 32)
    nonisolated(unsafe) private static var reset: [UInt8] = []
    nonisolated(unsafe) private static var isArmed = false
    /// Where stderr pointed before ``StandardErrorCapture`` took it; -1 when not capturing.
    nonisolated(unsafe) static var originalStandardError: Int32 = -1

    /// Saves the terminal modes and installs the handlers; call just before ncurses starts.
    static func arm() {
        guard !isArmed else { return }
        hasSavedModes = tcgetattr(STDIN_FILENO, &savedModes) == 0
        // sgr0, cursor visible, keypad off, leave the alternate screen: what endwin sends on an xterm.
        reset = Array("\u{1B}[0m\u{1B}[?25h\u{1B}[?1l\u{1B}>\u{1B}[?1049l\r\n".utf8)
        for signalNumber in signals where signalNumber < 32 {
            var action = sigaction()
            #if canImport(Glibc)
                action.__sigaction_handler.sa_handler = TerminalCrashGuard.handle
            #else
                action.__sigaction_u.__sa_handler = TerminalCrashGuard.handle
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(signalNumber, &action, previousActions + Int(signalNumber))
        }
        isArmed = true
    }

    /// Puts the previous handlers back; call after the terminal was restored normally.
    static func disarm() {
        guard isArmed else { return }
        isArmed = false
        for signalNumber in signals where signalNumber < 32 {
            sigaction(signalNumber, previousActions + Int(signalNumber), nil)
        }
    }

    private static let handle: @convention(c) (Int32) -> Void = { signalNumber in
        if hasSavedModes {
            tcsetattr(STDIN_FILENO, TCSANOW, &savedModes)
        }
        reset.withUnsafeBufferPointer { bytes in
            _ = write(STDOUT_FILENO, bytes.baseAddress, bytes.count)
        }
        if originalStandardError >= 0 {
            dup2(originalStandardError, STDERR_FILENO)
        }
        // The previous handler runs when the faulting instruction runs again (or when abort raises
        // once more); a default action then ends the process as it would have.
        if signalNumber >= 0, signalNumber < 32 {
            sigaction(signalNumber, previousActions + Int(signalNumber), nil)
        }
    }
}
