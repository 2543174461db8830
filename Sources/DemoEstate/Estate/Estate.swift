import Synchronization

/// The demo estate, live on loopback: one HTTP listener per server of an ``EstateLayout``, a
/// ``SimulatedNode`` per node, and services that really call their upstreams. Change faults
/// with ``apply(_:)`` (scenarios do); stop with ``stop()``.
///
/// - Important: Call ``stop()`` when done: it closes every listener.
public final class Estate: Sendable {
    /// The layout it runs, with the ports asked for.
    public let layout: EstateLayout
    private let nodes: [String: SimulatedNode]
    private let servers: [EndpointServer]
    private let ports: PortBook
    private let router: Router
    private let switchboard: Switchboard
    private let caller: UpstreamCaller

    /// The seed of the demo's random draws (latency jitter, errors): KakaoBank's launch day.
    public static let defaultSeed: UInt64 = 2017_07_27

    private init(
        layout: EstateLayout, seed: UInt64, clock: any Clock<Duration>, upstreamTimeout: Duration,
        onWarning: @escaping @Sendable (String) -> Void
    ) {
        self.layout = layout
        var nodes: [String: SimulatedNode] = [:]
        for name in layout.nodeNames {
            nodes[name] = SimulatedNode(name: name, profile: layout.baselineProfile(of: name), seed: seed, clock: clock)
        }
        self.nodes = nodes
        let ports = PortBook()
        let caller = UpstreamCaller()
        self.ports = ports
        self.caller = caller
        let router = Router(layout: layout, nodes: nodes, ports: ports, caller: caller, timeout: upstreamTimeout)
        self.router = router
        servers = layout.servers.map { server in
            EndpointServer(name: server.name, port: server.port) { [router] request in
                await router.respond(server: server.name, request: request)
            }
        }
        switchboard = Switchboard(onWarning: onWarning)
    }

    /// Starts every listener of `layout` with every node at its healthy profile.
    /// - Parameters:
    ///   - clock: the clock of simulated latency (a ``ContinuousClock`` live).
    ///   - upstreamTimeout: how long a service waits for an upstream.
    ///   - onWarning: trouble after the start (a listener that cannot reopen).
    /// - Throws: ``EstateError/portInUse(port:server:)`` naming the first port that is taken;
    ///   nothing is left listening then.
    public static func start(
        _ layout: EstateLayout = .standard, seed: UInt64 = defaultSeed,
        clock: any Clock<Duration> = ContinuousClock(), upstreamTimeout: Duration = .seconds(1),
        onWarning: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws(EstateError) -> Estate {
        let estate = Estate(
            layout: layout, seed: seed, clock: clock, upstreamTimeout: upstreamTimeout, onWarning: onWarning)
        do {
            for server in estate.servers {
                try await server.open()
                estate.ports.set(server.port, for: server.name)
            }
        } catch {
            await estate.stop()
            throw error
        }
        return estate
    }

    /// The port a server listens on (as bound, also with port 0 in the layout).
    public func port(of server: String) -> Int? {
        ports.port(of: server)
    }

    /// `http://127.0.0.1:<port><path>` on `server`.
    public func url(server: String, path: String) -> String? {
        port(of: server).map { "http://127.0.0.1:\($0)\(path)" }
    }

    /// A node, by name (as in probes.json).
    public func node(_ name: String) -> SimulatedNode? {
        nodes[name]
    }

    /// The current profile of every node.
    public var profiles: [String: FaultProfile] {
        nodes.mapValues(\.profile)
    }

    /// Sets every node named in `deviations` to its profile and every other node back to its
    /// healthy one; listeners close or reopen to match the hard-down switches.
    public func apply(_ deviations: [String: FaultProfile]) async {
        for (name, node) in nodes {
            let profile = deviations[name] ?? layout.baselineProfile(of: name)
            if node.profile != profile { node.apply(profile) }
        }
        await syncListeners()
    }

    /// Sets one node's profile, leaving the others as they are.
    public func set(_ profile: FaultProfile, for node: String) async {
        nodes[node]?.apply(profile)
        await syncListeners()
    }

    /// Closes every listener and the upstream client.
    public func stop() async {
        await switchboard.closeAll(servers)
        await caller.shutdown()
    }

    /// A server listens while any of its nodes is not hard-down; a server whose nodes are all
    /// down refuses connections.
    private func syncListeners() async {
        for (server, spec) in zip(servers, layout.servers) {
            let open = spec.routes.contains { nodes[$0.node]?.profile.hardDown == false }
            await switchboard.set(server, open: open)
        }
    }
}

/// Opens and closes listeners one at a time, so overlapping changes cannot bind a port twice.
private actor Switchboard {
    let onWarning: @Sendable (String) -> Void
    var stopped = false

    init(onWarning: @escaping @Sendable (String) -> Void) {
        self.onWarning = onWarning
    }

    func set(_ server: EndpointServer, open: Bool) async {
        guard !stopped, open != server.isOpen else { return }
        if open {
            do {
                try await server.open()
            } catch {
                onWarning("demo estate: \(error.description)")
            }
        } else {
            await server.close()
        }
    }

    func closeAll(_ servers: [EndpointServer]) async {
        stopped = true
        for server in servers { await server.close() }
    }
}

/// The bound port of every server, for services calling upstreams.
final class PortBook: Sendable {
    private let ports = Mutex<[String: Int]>([:])

    func set(_ port: Int, for server: String) {
        ports.withLock { $0[server] = port }
    }

    func port(of server: String) -> Int? {
        ports.withLock { $0[server] }
    }
}
