import Probes

/// The dashboard's one loop: keys, snapshots, resizes and a steady tick merged on one thread,
/// which owns the terminal and the UI state and does all drawing (bottom's event loop).
///
/// Each turn waits a short while for a key, applies every key that arrived, picks up the newest
/// snapshot from the ``BoardFeed`` and draws when anything changed, or at most four times a second
/// otherwise; the terminal's diff makes an unchanged frame write nothing.
///
/// - Important: create, run and drop it on the thread that owns the terminal.
public final class DashboardLoop<T: Terminal> {
    /// The terminal drawn to.
    public let terminal: T
    /// The UI state as the keys have left it.
    public private(set) var state: BoardState
    /// Frames drawn so far (including unchanged ones the diff wrote nothing for).
    public private(set) var framesDrawn = 0
    private let view: BoardView
    private let feed: BoardFeed
    private var snapshot: BoardSnapshot?
    private var version = 0
    private var drawn: (state: BoardState, size: TerminalSize, version: Int)?
    private var lastFrame: ContinuousClock.Instant?
    private var messageShownAt: ContinuousClock.Instant?

    /// How long a turn waits for a key; also the idle redraw period (4 frames a second).
    public static var tick: Duration { .milliseconds(250) }
    /// How long a footer message stays when no key clears it.
    public static var messageLifetime: Duration { .seconds(4) }

    /// Creates the loop.
    public init(terminal: T, view: BoardView, feed: BoardFeed, state: BoardState = BoardState()) {
        self.terminal = terminal
        self.view = view
        self.feed = feed
        self.state = state
    }

    /// Draws at once (the loading board if no snapshot has come yet), then runs turns until a quit
    /// key or ``BoardFeed/requestStop()``; engine commands go to `onCommand` as they come.
    /// - Returns: `true` when the user quit, `false` when the feed asked to stop or the terminal hung up.
    @discardableResult
    public func run(onCommand: (BoardCommand) -> Void) -> Bool {
        pickUpSnapshot()
        draw(now: ContinuousClock.now)
        while !feed.isStopRequested && !terminal.isHungUp {
            for command in turn(wait: Self.tick) {
                if command == .quit { return true }
                onCommand(command)
            }
        }
        return false
    }

    /// One turn of the loop: waits up to `wait` for a key, applies it and any others already
    /// queued, picks up the newest snapshot and draws if needed.
    /// - Returns: the commands the keys produced, in order; nothing after a `quit`.
    @discardableResult
    public func turn(wait: Duration, now: ContinuousClock.Instant = .now) -> [BoardCommand] {
        var commands: [BoardCommand] = []
        pickUpSnapshot()
        var key = terminal.readKey(timeout: wait)
        var handled = 0
        // Keys typed faster than frames (a held arrow, a pasted filter) are applied before drawing.
        while let pressed = key {
            if let command = state.handle(pressed, snapshot: snapshot, size: terminal.size) {
                commands.append(command)
                if command == .quit { return commands }
                if state.message != nil { messageShownAt = now }
            }
            handled += 1
            key = handled < 64 ? terminal.readKey(timeout: .zero) : nil
        }
        if let shown = messageShownAt, state.message != nil, now - shown >= Self.messageLifetime {
            state.message = nil
            messageShownAt = nil
        }
        pickUpSnapshot()
        drawIfNeeded(now: now)
        return commands
    }

    private func pickUpSnapshot() {
        let latest = feed.latest()
        guard latest.version != version else { return }
        version = latest.version
        snapshot = latest.snapshot
        state.reconcile(with: snapshot, size: terminal.size)
    }

    private func drawIfNeeded(now: ContinuousClock.Instant) {
        let size = terminal.size
        if let drawn, drawn.state == state, drawn.size == size, drawn.version == version,
            let lastFrame, now - lastFrame < Self.tick
        {
            return
        }
        if drawn?.size != size { state.reconcile(with: snapshot, size: size) }
        draw(now: now)
    }

    private func draw(now: ContinuousClock.Instant) {
        let size = terminal.size
        terminal.draw(view.render(snapshot: snapshot, state: state, size: size))
        drawn = (state, size, version)
        lastFrame = now
        framesDrawn += 1
    }
}
