import Foundation

/// One incident as a record: it opens when the cascade analysis names a root cause and closes when
/// the root and every victim it took are back. It holds what a post-incident review asks: when it
/// began, how the root's trouble changed, who fell with it and when, every alert told about it
/// (paged or suppressed), when the root recovered and when it all ended.
public struct IncidentRecord: Sendable, Equatable, Codable {
    /// How the root was in trouble at a moment.
    public enum RootState: String, Sendable, Equatable, Codable {
        /// Answering, but over its latency threshold.
        case slow
        /// Failing (down or unknown).
        case down
        /// No probe of its own; inferred from its dependents failing together.
        case inferred
        /// Back, while victims are still within the recovery grace.
        case recovered

        init(_ cause: CascadeIncident.Cause) {
            switch cause {
            case .slow: self = .slow
            case .failing: self = .down
            case .inferred: self = .inferred
            case .recovered: self = .recovered
            }
        }
    }

    /// A change of the root's state.
    public struct StateChange: Sendable, Equatable, Codable {
        public var time: Date
        public var state: RootState
    }

    /// A victim's time under the root: it may leave and join again.
    public struct VictimSpell: Sendable, Equatable, Codable {
        public var service: String
        public var joined: Date
        /// When it stopped being attributed to the root; `nil` while it still is.
        public var left: Date?
    }

    /// An alert told while the incident was open, as the alert line said it.
    public struct AlertNote: Sendable, Equatable, Codable {
        public var time: Date
        public var event: AlertTransition
        public var alert: AlertKind
        public var service: String
        public var rule: String?
        public var sli: SLIKind?
        public var suppressed: Bool

        /// Whether `event` is about the same alert (service, kind, rule and SLI).
        func isSameAlert(as event: AlertEvent) -> Bool {
            service == event.service && alert == event.alert && rule == event.rule && sli == event.sli
        }
    }

    /// What a person types: `2026-12-06-credit-bureau` (the onset's date in UTC), with `-2`, `-3`…
    /// for a second incident of the same root on the same day.
    public var id: String
    /// The root cause's name.
    public var root: String
    /// Whether the root has no probe and was inferred from its dependents.
    public var inferred: Bool
    /// When the root's trouble began.
    public var onset: Date
    /// The root's states over time, the first at ``onset``.
    public var states: [StateChange]
    /// Every victim's spells, in the order they joined.
    public var victims: [VictimSpell]
    /// Every alert told about the root or a victim while the incident was open.
    public var alerts: [AlertNote]
    /// The first alert that paged (not suppressed).
    public var firstAlert: Date?
    /// When the root was last seen back (it may fall again within the same incident).
    public var rootRecovered: Date?
    /// When the root and every victim were back; `nil` while open.
    public var closed: Date?

    /// Entries kept per list (states, victims' spells, alerts): an incident that flaps for days
    /// keeps its first and its latest ones, and counts what it left out in between.
    public static let entriesKept = 200
    /// Entries left out of the lists to keep them within ``entriesKept``.
    public var omittedEntries = 0

    init(
        id: String, root: String, inferred: Bool, onset: Date, states: [StateChange], victims: [VictimSpell],
        alerts: [AlertNote], firstAlert: Date? = nil, rootRecovered: Date? = nil, closed: Date? = nil
    ) {
        self.id = id
        self.root = root
        self.inferred = inferred
        self.onset = onset
        self.states = states
        self.victims = victims
        self.alerts = alerts
        self.firstAlert = firstAlert
        self.rootRecovered = rootRecovered
        self.closed = closed
    }

    private enum CodingKeys: String, CodingKey {
        case id, root, inferred, onset, states, victims, alerts, firstAlert, rootRecovered, closed, omittedEntries
    }

    /// Reads a stored record; fields added after the first version may be missing.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id), root: try c.decode(String.self, forKey: .root),
            inferred: try c.decodeIfPresent(Bool.self, forKey: .inferred) ?? false,
            onset: try c.decode(Date.self, forKey: .onset),
            states: try c.decodeIfPresent([StateChange].self, forKey: .states) ?? [],
            victims: try c.decodeIfPresent([VictimSpell].self, forKey: .victims) ?? [],
            alerts: try c.decodeIfPresent([AlertNote].self, forKey: .alerts) ?? [],
            firstAlert: try c.decodeIfPresent(Date.self, forKey: .firstAlert),
            rootRecovered: try c.decodeIfPresent(Date.self, forKey: .rootRecovered),
            closed: try c.decodeIfPresent(Date.self, forKey: .closed))
        omittedEntries = try c.decodeIfPresent(Int.self, forKey: .omittedEntries) ?? 0
    }

    mutating func add(_ change: StateChange) { Self.append(change, to: &states, omitted: &omittedEntries) }
    mutating func add(_ spell: VictimSpell) { Self.append(spell, to: &victims, omitted: &omittedEntries) }
    mutating func add(_ note: AlertNote) { Self.append(note, to: &alerts, omitted: &omittedEntries) }

    private static func append<T>(_ entry: T, to list: inout [T], omitted: inout Int) {
        if list.count >= entriesKept {
            list.remove(at: entriesKept / 2)
            omitted += 1
        }
        list.append(entry)
    }

    /// Whether any alert fired in this incident and has not resolved yet.
    var hasUnresolvedFiring: Bool {
        var open: Set<String> = []
        for note in alerts {
            let key = "\(note.service)|\(note.alert)|\(note.rule ?? "")|\(note.sli?.rawValue ?? "")"
            if note.event == .firing { open.insert(key) } else { open.remove(key) }
        }
        return !open.isEmpty
    }

    /// Whether an alert like `event` fired in this incident and has not resolved yet.
    func hasUnresolvedFiring(like event: AlertEvent) -> Bool {
        guard let last = alerts.lastIndex(where: { $0.isSameAlert(as: event) }) else { return false }
        return alerts[last].event == .firing
    }

    /// Whether the incident is still going on.
    public var isOpen: Bool { closed == nil }

    /// The root's latest state.
    public var state: RootState { states.last?.state ?? .down }

    /// Every service that was a victim at some point, in the order they first joined.
    public var victimNames: [String] {
        var seen: Set<String> = []
        return victims.map(\.service).filter { seen.insert($0).inserted }
    }

    /// Alerts that fired and paged, and those that fired suppressed under the root.
    public var alertCounts: (sent: Int, suppressed: Int) {
        let fired = alerts.filter { $0.event == .firing }
        return (fired.filter { !$0.suppressed }.count, fired.filter(\.suppressed).count)
    }

    /// How long it lasted, or has lasted by `now`; never negative (a wall clock stepped back
    /// since the onset makes it 0 until the clock catches up).
    public func duration(now: Date) -> TimeInterval { max(0, (closed ?? now).timeIntervalSince(onset)) }

    /// Every moment of the incident, oldest first: the root's state changes, victims falling and
    /// coming back, each alert sent, suppressed or resolved, and the close.
    public var moments: [(time: Date, text: String)] {
        var out: [(time: Date, order: Int, text: String)] = []
        for (index, change) in states.enumerated() {
            out.append(
                (
                    change.time, 0,
                    index == 0
                        ? "\(root) \(change.state.rawValue): onset"
                        : "\(root) \(change.state.rawValue)"
                ))
        }
        for victim in victims {
            out.append((victim.joined, 1, "\(victim.service) falls with \(root)"))
            if let left = victim.left { out.append((left, 1, "\(victim.service) is back")) }
        }
        for alert in alerts {
            let what =
                alert.event == .firing ? (alert.suppressed ? "alert suppressed" : "alert sent") : "alert resolved"
            out.append(
                (
                    alert.time, 2,
                    "\(what): \(alert.service) \(alert.alert.rawValue)"
                        + (alert.rule.map { " \($0)" } ?? "")
                ))
        }
        if let closed { out.append((closed, 3, "closed: \(root) and every victim back")) }
        return out.sorted { ($0.time, $0.order) < ($1.time, $1.order) }.map { ($0.time, $0.text) }
    }
}
