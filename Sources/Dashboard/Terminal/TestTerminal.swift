/// An in-memory terminal for tests: records every cell written and keeps the grid a user would see.
///
/// Writes behave as on a real terminal: a wide glyph covers two columns, and writing over either half of
/// one blanks the other half. Comparing ``visible`` with the rendered ``Screen`` therefore shows
/// debris that a wrong diff would leave behind.
public final class TestTerminal: Terminal {
    /// The current size.
    public private(set) var size: TerminalSize
    /// What the terminal shows now.
    public private(set) var visible: Screen
    /// Cells written by the last ``draw(_:)``.
    public private(set) var lastWrites: [CellUpdate] = []
    /// Cells written since creation.
    public private(set) var totalWrites = 0
    /// Number of frames that were drawn in full (the first, and the first after each resize).
    public private(set) var fullRedraws = 0
    /// Whether ``restore()`` has run.
    public private(set) var isRestored = false
    private var differ = FrameDiffer()
    private var pendingKeys: [Key] = []

    /// Creates a blank terminal.
    public init(width: Int, height: Int) {
        size = TerminalSize(width: width, height: height)
        visible = Screen(width: width, height: height)
    }

    /// Changes the size as a user dragging the window would: the content is lost, a ``Key/resize`` is
    /// queued, and the next frame is drawn in full.
    public func resize(width: Int, height: Int) {
        size = TerminalSize(width: width, height: height)
        visible = Screen(width: width, height: height)
        differ.invalidate()
        pendingKeys.append(.resize)
    }

    /// Queues key presses for ``readKey(timeout:)``.
    public func press(_ keys: Key...) {
        pendingKeys.append(contentsOf: keys)
    }

    /// Applies the diff of `screen` to the visible grid, recording each write.
    public func draw(_ screen: Screen) {
        let (updates, isFull) = differ.updates(for: screen)
        if isFull {
            fullRedraws += 1
            visible.clear()
        }
        for update in updates {
            visible.setCell(update.cell, x: update.x, y: update.y)
        }
        lastWrites = updates
        totalWrites += updates.count
    }

    /// The next queued key, or `nil` at once when none is queued (tests never wait).
    public func readKey(timeout: Duration) -> Key? {
        pendingKeys.isEmpty ? nil : pendingKeys.removeFirst()
    }

    /// Set to make the terminal report a hang-up, as a closed ssh connection would.
    public var hasHungUp = false

    /// Whether ``hasHungUp`` was set.
    public var isHungUp: Bool { hasHungUp }

    /// Marks the terminal restored.
    public func restore() {
        isRestored = true
    }
}
