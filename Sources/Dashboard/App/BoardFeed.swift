import Probes
import Synchronization

/// Where the engine leaves snapshots for the dashboard thread: the newest one only, behind a lock.
///
/// The engine publishes about once a second from its own task; the dashboard thread picks up the
/// newest whenever it looks, so a slow frame never queues snapshots and the board never shows an
/// old one. Also carries the request to stop (the engine ended, e.g. on SIGTERM).
public final class BoardFeed: Sendable {
    private struct Content {
        var snapshot: BoardSnapshot?
        var version = 0
        var isStopRequested = false
        var banner: String?
    }

    private let content = Mutex(Content())

    /// An empty feed.
    public init() {}

    /// Replaces the snapshot the board shows next.
    public func publish(_ snapshot: BoardSnapshot) {
        content.withLock {
            $0.snapshot = snapshot
            $0.version &+= 1
        }
    }

    /// Asks the dashboard loop to end (it restores the terminal and returns).
    public func requestStop() {
        content.withLock { $0.isStopRequested = true }
    }

    /// Whether ``requestStop()`` was called.
    public var isStopRequested: Bool {
        content.withLock { $0.isStopRequested }
    }

    /// Sets the line shown under the header of every snapshot from now on (`nil` removes it):
    /// `demo` says there what it is playing.
    public func setBanner(_ banner: String?) {
        content.withLock {
            guard $0.banner != banner else { return }
            $0.banner = banner
            $0.version &+= 1
        }
    }

    /// The newest snapshot (with the banner, if one is set) and a number that changes with every
    /// publish and banner change.
    public func latest() -> (snapshot: BoardSnapshot?, version: Int) {
        content.withLock { content in
            guard let banner = content.banner, var snapshot = content.snapshot else {
                return (content.snapshot, content.version)
            }
            snapshot.banner = banner
            return (snapshot, content.version)
        }
    }
}
