import Foundation
import NIOCore
import NIOPosix

/// Where the engine's tasks run.
public enum ProbeThreads {
    /// The environment variable that keeps Swift's own global executor when set to `swift`.
    public static let executorVariable = "INCIDENTBOARD_EXECUTOR"

    /// Makes NIO's event loops Swift concurrency's global executor, so that a probe's task, its
    /// channel and its result share one thread: without it every probe wakes a thread of the
    /// cooperative pool and an event loop for each other (futex, eventfd and epoll calls that
    /// cost more CPU than the probe's own socket work). `INCIDENTBOARD_EXECUTOR=swift` opts out.
    ///
    /// - Important: Call once, first thing in `main`, on the main thread, before any task runs.
    /// - Returns: whether the event loops now run the tasks.
    @discardableResult
    public static func adoptEventLoops(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard environment[executorVariable] != "swift" else { return false }
        return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
