/// Columns and rows of a terminal.
public struct TerminalSize: Sendable, Hashable, CustomStringConvertible {
    /// Columns.
    public var width: Int
    /// Rows.
    public var height: Int

    /// Creates a size.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// `80x24`.
    public var description: String { "\(width)x\(height)" }
}

/// A key press (or a resize) decoded from the terminal.
public enum Key: Sendable, Hashable {
    /// Arrow up.
    case up
    /// Arrow down.
    case down
    /// Arrow left.
    case left
    /// Arrow right.
    case right
    /// Page Up.
    case pageUp
    /// Page Down.
    case pageDown
    /// Home.
    case home
    /// End.
    case end
    /// Enter or Return.
    case enter
    /// Tab.
    case tab
    /// Shift-Tab.
    case backTab
    /// Esc (after ncurses' short escape delay).
    case escape
    /// Backspace.
    case backspace
    /// Delete.
    case delete
    /// A printable character.
    case char(Character)
    /// Ctrl plus a letter, as its lowercase letter (`ctrl("l")` for Ctrl-L).
    case ctrl(Character)
    /// The terminal changed size; the next frame is drawn in full.
    case resize
}

/// Where frames are shown and keys come from. ``NcursesTerminal`` is the real one, ``TestTerminal``
/// keeps everything in memory.
///
/// Backends diff each frame against the one drawn before and write only the cells that changed, so an
/// idle board writes nothing.
///
/// - Important: a terminal is used from one thread (ncurses is not thread-safe); conforming types are
///   classes that are not `Sendable`, so the compiler keeps each in one isolation domain.
public protocol Terminal: AnyObject {
    /// The current size; frames should be rendered at this size.
    var size: TerminalSize { get }

    /// Shows `screen`, writing only what changed since the last frame (everything after a resize).
    func draw(_ screen: Screen)

    /// Waits up to `timeout` for a key press or a resize; `nil` when none came.
    func readKey(timeout: Duration) -> Key?

    /// Gives the terminal back to the shell (cursor, echo, normal screen). Safe to call more than once.
    func restore()

    /// Whether the terminal has gone away (the ssh connection or the terminal window closed); the
    /// board then has nothing to draw on and should end.
    var isHungUp: Bool { get }
}

extension Terminal {
    /// An in-memory terminal never hangs up.
    public var isHungUp: Bool { false }
}

/// The frame last drawn, and the diff of the next one against it.
struct FrameDiffer {
    private(set) var previous: Screen?

    /// Forgets the last frame, so the next one is drawn in full (after a resize or a clear).
    mutating func invalidate() {
        previous = nil
    }

    /// The writes that show `screen`, and whether they are a full redraw; remembers `screen`.
    mutating func updates(for screen: Screen) -> (updates: [CellUpdate], isFullRedraw: Bool) {
        let isFull = previous == nil || previous?.width != screen.width || previous?.height != screen.height
        let updates = screen.updates(from: previous)
        previous = screen
        return (updates, isFull)
    }
}
