/// Why the estate could not start.
public enum EstateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another program listens on a port the estate needs.
    case portInUse(port: Int, server: String)
    /// Binding failed for another reason.
    case cannotListen(port: Int, server: String, reason: String)

    /// One line for stderr, naming the port and what to do.
    public var description: String {
        switch self {
        case .portInUse(let port, let server):
            "port \(port) is in use (\(server)); stop whatever uses it (`ss -ltnp 'sport = :\(port)'` shows it) "
                + "or change that port in probes.json"
        case .cannotListen(let port, let server, let reason):
            "cannot listen on 127.0.0.1:\(port) (\(server)): \(reason)"
        }
    }
}
