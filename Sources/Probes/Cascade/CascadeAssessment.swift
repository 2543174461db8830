import Foundation

/// The part a node plays in the current picture.
public enum CascadeRole: String, Sendable, Equatable, Codable, CaseIterable {
    /// Up and fast, or slow only because of nothing that matters yet.
    case healthy
    /// A declared dependency without a probe, not inferred unhealthy.
    case unobserved
    /// Failing, and no trouble upstream explains it.
    case rootCause
    /// Only slow (latency over its threshold, or degraded), and nothing upstream explains it: the
    /// credit bureau that slowed before it stopped, or a service slow on its own.
    case slowRootCause
    /// A dependency without a probe, inferred unhealthy because several of its dependents
    /// fail together with nothing else to explain them.
    case inferredRootCause
    /// Recovered a moment ago; victims still failing within the grace period stay attributed
    /// to it.
    case recoveredRootCause
    /// Failing or slow because of trouble upstream.
    case impacted

    /// Whether the node heads an incident.
    public var isRootCause: Bool {
        switch self {
        case .rootCause, .slowRootCause, .inferredRootCause, .recoveredRootCause: true
        case .healthy, .unobserved, .impacted: false
        }
    }
}

/// One node's place in the cascade.
public struct CascadeNodeAssessment: Sendable, Equatable {
    /// The node's name from the config.
    public var name: String
    /// The part it plays.
    public var role: CascadeRole
    /// As `check --format json` has it: empty for a node in no incident, `[name]` for a root
    /// cause, otherwise the root causes upstream that explain it, sorted by name.
    public var rootCauses: [String]

    /// Creates a node assessment.
    public init(name: String, role: CascadeRole, rootCauses: [String]) {
        self.name = name
        self.role = role
        self.rootCauses = rootCauses
    }
}

/// One root cause and what it takes down with it.
public struct CascadeIncident: Sendable, Equatable {
    /// How the root cause is in trouble.
    public enum Cause: String, Sendable, Equatable, Codable {
        /// Down or unknown.
        case failing
        /// Only slow.
        case slow
        /// Without a probe; inferred from its dependents.
        case inferred
        /// Recovered, but victims within the grace period are still failing.
        case recovered
    }

    /// The root cause's name.
    public var rootCause: String
    /// How it is in trouble.
    public var cause: Cause
    /// The nodes attributed to it, sorted by name.
    public var impacted: [String]
    /// When the root cause's trouble began (for an inferred one, its dependents' earliest).
    public var onset: Date?

    /// Creates an incident.
    public init(rootCause: String, cause: Cause, impacted: [String], onset: Date?) {
        self.rootCause = rootCause
        self.cause = cause
        self.impacted = impacted
        self.onset = onset
    }

    /// How many nodes the root cause impacts.
    public var blastRadius: Int { impacted.count }
    /// Whether the root cause has no probe and its state was inferred (`"inferred": true`).
    public var inferred: Bool { cause == .inferred }
}

/// Who an alert should name, and whether it pages.
public struct AlertAttribution: Sendable, Equatable {
    /// The root cause that explains the alert: the service itself when it is the root, `nil`
    /// when nothing is known.
    public var rootCause: String?
    /// Whether an upstream root cause with a firing alert of its own explains this one.
    public var suppressed: Bool

    /// Creates an attribution.
    public init(rootCause: String?, suppressed: Bool) {
        self.rootCause = rootCause
        self.suppressed = suppressed
    }
}

/// The cascade at one snapshot: every node's role and the incidents, largest first.
public struct CascadeAssessment: Sendable, Equatable {
    /// One per graph node, in file order.
    public private(set) var nodes: [CascadeNodeAssessment]
    /// One per root cause, by blast radius (largest first), then onset (earliest first), then
    /// name.
    public private(set) var incidents: [CascadeIncident]
    private var positions: [String: Int]

    /// Creates an assessment.
    public init(nodes: [CascadeNodeAssessment], incidents: [CascadeIncident]) {
        self.nodes = nodes
        self.incidents = incidents
        var positions: [String: Int] = [:]
        for (i, node) in nodes.enumerated() where positions[node.name] == nil { positions[node.name] = i }
        self.positions = positions
    }

    /// The assessment of the node with this name.
    public func node(named name: String) -> CascadeNodeAssessment? { positions[name].map { nodes[$0] } }

    /// The node's `rootCauses` as `check --format json` defines them; empty for an unknown name.
    public func rootCauses(of name: String) -> [String] { node(named: name)?.rootCauses ?? [] }

    /// The node's role; `nil` for an unknown name.
    public func role(of name: String) -> CascadeRole? { node(named: name)?.role }

    /// The incident this node is the root cause of.
    public func incident(rootCause name: String) -> CascadeIncident? { incidents.first { $0.rootCause == name } }

    /// The root causes in incident order.
    public var rootCauseNames: [String] { incidents.map(\.rootCause) }

    /// Attributes an alert on `service`, given the services that have a firing alert now (the
    /// Alertmanager inhibit model).
    ///
    /// A root cause's alert names itself and is never suppressed. A victim's alert names, of
    /// its root causes, the first by blast radius that has a firing alert (so the name shown is
    /// the one being paged for), or the first by blast radius when none has; it is suppressed
    /// when that root cause's alert is firing. A healthy service gets `nil`.
    ///
    /// - Important: Suppression only mutes the page. The alert still fires and still resolves.
    ///   A root with no probe (inferred) has no alert of its own unless the alert engine raises
    ///   one under its name; until then its victims are not suppressed.
    public func alertAttribution(service: String, firing: Set<String>) -> AlertAttribution {
        guard let node = node(named: service) else { return AlertAttribution(rootCause: nil, suppressed: false) }
        switch node.role {
        case .healthy, .unobserved:
            return AlertAttribution(rootCause: nil, suppressed: false)
        case .rootCause, .slowRootCause, .inferredRootCause, .recoveredRootCause:
            return AlertAttribution(rootCause: service, suppressed: false)
        case .impacted:
            let ranked = incidents.map(\.rootCause).filter { node.rootCauses.contains($0) }
            if let paged = ranked.first(where: { firing.contains($0) }) {
                return AlertAttribution(rootCause: paged, suppressed: true)
            }
            return AlertAttribution(rootCause: ranked.first ?? node.rootCauses.first, suppressed: false)
        }
    }
}
