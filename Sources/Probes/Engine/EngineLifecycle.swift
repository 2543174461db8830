import Logging
import ServiceLifecycle
import UnixSignals

/// Runs the engine and what serves beside it (the `/metrics` server) as one swift-service-lifecycle
/// `ServiceGroup`: the signals given end them gracefully (the engine flushes its history), as does
/// cancelling the calling task.
public enum EngineLifecycle {
    /// A signal that stops the engine gracefully.
    public enum StopSignal: Sendable {
        /// SIGINT (Ctrl-C).
        case interrupt
        /// SIGTERM (a service manager's stop).
        case terminate
        /// SIGHUP (the terminal went away: a dropped ssh connection).
        case hangUp

        var unixSignal: UnixSignal {
            switch self {
            case .interrupt: .sigint
            case .terminate: .sigterm
            case .hangUp: .sighup
            }
        }
    }

    /// Runs `services` until each has returned: after one of `signals` arrives, the calling task is
    /// cancelled, or one of them returns by itself (then the others are shut down gracefully).
    ///
    /// - Important: ncurses takes over SIGINT and SIGTERM only when they are at their default on
    ///   start: a screen started beside this must have them ignored first (the group ignores the
    ///   signals it watches and reads them through dispatch sources).
    public static func run(_ services: [any Service], stopOn signals: [StopSignal]) async {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map {
                    ServiceGroupConfiguration.ServiceConfiguration(
                        service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                        failureTerminationBehavior: .gracefullyShutdownGroup)
                },
                gracefulShutdownSignals: signals.map(\.unixSignal),
                logger: Logger(label: "incidentboard", factory: { _ in SwiftLogNoOpLogHandler() })))
        // The services here do not throw; an error of the group itself (signals it could not watch)
        // leaves nothing to undo once every service has returned.
        try? await group.run()
    }
}
