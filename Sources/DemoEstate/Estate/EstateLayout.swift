import NIOHTTP1

/// The shape of the demo estate: which nodes exist, the loopback server (port) that serves
/// each, the paths they answer, what each path does, and every node's healthy profile.
///
/// ``standard`` is the estate the repository's probes.json describes; tests use it with
/// ``withEphemeralPorts()`` so they never collide with a running demo.
public struct EstateLayout: Sendable {
    /// One HTTP listener on 127.0.0.1.
    public struct Server: Sendable, Equatable {
        /// The name used in messages (`port 18082 is in use (auth-vendor)`).
        public var name: String
        /// The port; 0 picks a free one.
        public var port: Int
        /// The paths it answers.
        public var routes: [Route]

        /// Creates a server.
        public init(name: String, port: Int, routes: [Route]) {
            self.name = name
            self.port = port
            self.routes = routes
        }
    }

    /// One path of a server, served by one node.
    public struct Route: Sendable, Equatable {
        /// The method it answers; another method gets 405.
        public var method: HTTPMethod
        /// The path, without query.
        public var path: String
        /// The node whose gate and profile the request passes through.
        public var node: String
        /// What the node answers once the request is served.
        public var answer: Answer

        /// Creates a route for `method`.
        public init(_ method: HTTPMethod, _ path: String, node: String, answer: Answer) {
            self.method = method
            self.path = path
            self.node = node
            self.answer = answer
        }

        /// Creates a GET route.
        public init(_ path: String, node: String, answer: Answer) {
            self.init(.GET, path, node: node, answer: answer)
        }
    }

    /// What a route answers.
    public enum Answer: Sendable, Equatable {
        /// An upstream's health: `{"status":"UP"}`.
        case health
        /// An upstream's business call, named (`credit-report`): `{"ok":true,…}`.
        case work(String)
        /// The card network's authorisation: `{"approved":true,"charged":true}`, or with the
        /// wrong-answer fault `{"approved":false,"charged":true}`, both 200 OK.
        case authorize
        /// A service's health: calls every upstream; DOWN (503) when any call fails.
        case serviceHealth([UpstreamCall])
        /// Transfers: the certificate call failing is DOWN (503); the receiver confirmation
        /// failing refuses inbound transfers with 200 OK and the message of incident 4.
        case transfersHealth(certificate: UpstreamCall, receiver: UpstreamCall)
        /// The gift shop's synthetic payment through the card network: `{"paid":…,"charged":…}`.
        case giftPayment(UpstreamCall)
        /// The gift shop's API (``GiftShop``); paying calls the card network's authorisation.
        case giftShop(GiftShopAction, UpstreamCall?)
    }

    /// A call a service makes to an upstream node.
    public struct UpstreamCall: Sendable, Equatable {
        /// The upstream node (named in the service's answer).
        public var node: String
        /// The server that serves it.
        public var server: String
        /// The method.
        public var method: HTTPMethod
        /// The path on that server.
        public var path: String
        /// A request body, for POSTs.
        public var body: String?

        /// Creates a call.
        public init(node: String, server: String, method: HTTPMethod = .GET, path: String, body: String? = nil) {
            self.node = node
            self.server = server
            self.method = method
            self.path = path
            self.body = body
        }
    }

    /// The listeners.
    public var servers: [Server]
    /// Every node's healthy profile, by node name.
    public var baseline: [String: FaultProfile]

    /// Creates a layout.
    public init(servers: [Server], baseline: [String: FaultProfile]) {
        self.servers = servers
        self.baseline = baseline
    }

    /// Every node name, in server order.
    public var nodeNames: [String] {
        var seen = Set<String>()
        return servers.flatMap(\.routes).map(\.node).filter { seen.insert($0).inserted }
    }

    /// The same estate on ports the system picks.
    public func withEphemeralPorts() -> EstateLayout {
        var copy = self
        for i in copy.servers.indices { copy.servers[i].port = 0 }
        return copy
    }

    /// The same estate with one server moved to `port`.
    public func with(port: Int, for server: String) -> EstateLayout {
        var copy = self
        for i in copy.servers.indices where copy.servers[i].name == server { copy.servers[i].port = port }
        return copy
    }

    /// The server that serves `node`, if any.
    public func server(serving node: String) -> Server? {
        servers.first { $0.routes.contains { $0.node == node } }
    }

    /// `node`'s healthy profile (a plain default for a node without one).
    public func baselineProfile(of node: String) -> FaultProfile {
        baseline[node] ?? Self.serviceProfile
    }
}
