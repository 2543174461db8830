import CNcursesw

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the terminal could not be taken over.
public enum TerminalError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Standard input or output is not a terminal (piped, or run by cron).
    case notATerminal
    /// ncurses could not start, usually because `TERM` names an unknown terminal type.
    case cannotStart(term: String)

    /// A message for the user.
    public var description: String {
        switch self {
        case .notATerminal:
            "standard input and output must be a terminal; use `watch --headless` in scripts"
        case .cannotStart(let term):
            "cannot start the terminal UI for TERM=\(term.isEmpty ? "(unset)" : term); try TERM=xterm-256color"
        }
    }
}

/// The real terminal, through ncursesw: UTF-8 output, function keys, colours when available, resizes.
///
/// The constructor sets the locale from the environment (needed for wide characters), switches the
/// terminal to the alternate screen with cbreak, no echo and no cursor, and ``restore()`` undoes all of it.
/// Only one can be active in a process.
///
/// - Important: ncurses keeps global state and is not thread-safe. Create, draw to, read from and restore
///   this terminal on one thread; the type is deliberately not `Sendable`. Call ``restore()`` on every
///   exit path; it is also called when the terminal is deinitialised.
public final class NcursesTerminal: Terminal {
    /// Whether the locale's codeset is UTF-8; without it, draw with ``Glyphs/ascii``.
    public let isUTF8: Bool
    /// Whether colours are in use (the terminal has them and they were not turned off).
    public let usesColor: Bool
    /// The current size.
    public private(set) var size: TerminalSize
    /// Cells written by the last ``draw(_:)`` (0 when the frame was unchanged), for diagnostics.
    public private(set) var lastWriteCount = 0
    private var differ = FrameDiffer()
    private var colorPairs: [Int: Int32] = [:]
    private var isActive = true

    /// Takes over the terminal.
    ///
    /// - Parameter useColor: `false` for `--no-color` or `NO_COLOR`; colours are also off when the terminal
    ///   has none.
    public init(useColor: Bool = true) throws(TerminalError) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
        isUTF8 = cncurses_setlocale_utf8() == 1
        let started = cncurses_start(useColor ? 1 : 0)
        guard started >= 0 else {
            let term = getenv("TERM").map { String(cString: $0) } ?? ""
            throw .cannotStart(term: term)
        }
        usesColor = started == 1
        size = TerminalSize(width: 0, height: 0)
        size = currentSize()
    }

    deinit {
        restore()
    }

    /// Writes the cells that changed since the last frame and refreshes; nothing at all when none did.
    public func draw(_ screen: Screen) {
        guard isActive else { return }
        let (updates, isFull) = differ.updates(for: screen)
        if isFull { cncurses_clear() }
        lastWriteCount = updates.count
        guard !updates.isEmpty || isFull else { return }
        for update in updates where update.x + update.cell.width <= size.width && update.y < size.height {
            let style = update.cell.style
            let pair = colorPair(foreground: style.foreground, background: style.background)
            // Without a UTF-8 locale ncurses would print each byte of a Korean title as `M-x` and wreck
            // the layout; a `?` per cell keeps every column where the frame put it.
            let symbol =
                isUTF8 || update.cell.symbol.utf8.allSatisfy({ $0 < 0x80 })
                ? update.cell.symbol : String(repeating: "?", count: update.cell.width)
            symbol.withCString { text in
                cncurses_put(Int32(update.y), Int32(update.x), text, Int32(style.attributes.rawValue), pair)
            }
        }
        cncurses_refresh()
    }

    /// Waits up to `timeout` (whole milliseconds) for a key. On a resize it re-reads the size and makes
    /// the next frame a full redraw.
    public func readKey(timeout: Duration) -> Key? {
        guard isActive else { return nil }
        let milliseconds = Int32(
            clamping: max(
                0,
                timeout.components.seconds * 1000
                    + timeout.components.attoseconds / 1_000_000_000_000_000))
        var value: UInt32 = 0
        let kind = cncurses_read(milliseconds, &value)
        let key: Key?
        switch kind {
        case 1: key = Key(cursesCharacter: value)
        case 2: key = Key(cursesKeyCode: value)
        default: key = nil
        }
        if key == .resize {
            size = currentSize()
            differ.invalidate()
        }
        return key
    }

    /// Whether standard input reports a hang-up (poll's `POLLHUP`): the terminal is gone, and every
    /// read would return at once without a key.
    public var isHungUp: Bool {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) >= 0 else { return false }
        return descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }

    /// Ends ncurses and gives the terminal back. Idempotent.
    public func restore() {
        guard isActive else { return }
        isActive = false
        cncurses_stop()
    }

    private func currentSize() -> TerminalSize {
        var rows: Int32 = 0
        var columns: Int32 = 0
        cncurses_size(&rows, &columns)
        return TerminalSize(width: Int(max(0, columns)), height: Int(max(0, rows)))
    }

    /// The ncurses pair for a colour combination, defined on first use; pair 0 (the terminal's default)
    /// when colours are off or the terminal has run out of pairs.
    private func colorPair(foreground: Color, background: Color) -> Int32 {
        guard usesColor, foreground != .default || background != .default else { return 0 }
        let key = (foreground.rawValue + 1) * 16 + (background.rawValue + 1)
        if let pair = colorPairs[key] { return pair }
        let pair = Int32(colorPairs.count + 1)
        guard pair < cncurses_color_pairs(),
            cncurses_init_pair(pair, Int32(foreground.rawValue), Int32(background.rawValue)) == OK
        else { return 0 }
        colorPairs[key] = pair
        return pair
    }
}
