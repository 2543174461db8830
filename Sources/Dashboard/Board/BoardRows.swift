import Probes
import Synchronization

/// One row of the services table: which service, and where it sits in the tree.
public struct BoardRow: Sendable, Hashable {
    /// Index into ``BoardSnapshot/services``.
    public var index: Int
    /// Tree position when the rows are shown as a tree; `nil` for a flat list (sorted or filtered).
    public var position: TreePosition?

    /// Creates a row.
    public init(index: Int, position: TreePosition?) {
        self.index = index
        self.position = position
    }
}

/// The rows the services table lists for a snapshot and UI state: ordered, filtered, cascade-only.
public enum BoardRows {
    /// The rows in display order.
    ///
    /// In tree order every upstream is listed above its dependents, each service once: a service
    /// hangs under the last of its upstreams to be listed (so all its upstreams are above it), and
    /// the other upstreams show in its detail pane. The cascade-only tree lists each root cause
    /// with the services it impacts under it. A filter or another sort order gives a flat list;
    /// ties keep tree order.
    public static func rows(for snapshot: BoardSnapshot, state: BoardState) -> [BoardRow] {
        let services = snapshot.services
        let tree = treeOrder(services)
        let needle = state.filter.lowercased()
        func keeps(_ index: Int) -> Bool {
            let role = services[index].role
            if state.cascadeOnly, !(role.isRootCause || role == .impacted) { return false }
            if !needle.isEmpty {
                let inName = services[index].name.lowercased().contains(needle)
                let inTitle = services[index].title?.lowercased().contains(needle) ?? false
                if !inName && !inTitle { return false }
            }
            return true
        }
        if state.sort == .tree && needle.isEmpty {
            return state.cascadeOnly ? cascadeTree(snapshot, treeOrder: tree) : tree
        }
        var rank = [Int](repeating: 0, count: services.count)
        for (position, row) in tree.enumerated() {
            rank[row.index] = position
        }
        let kept = tree.map(\.index).filter(keeps)
        let ordered: [Int]
        switch state.sort {
        case .tree:
            ordered = kept
        case .name:
            ordered = kept.sorted { (services[$0].name, rank[$0]) < (services[$1].name, rank[$1]) }
        case .status:
            ordered = kept.sorted { (severity(services[$0]), -rank[$0]) > (severity(services[$1]), -rank[$1]) }
        case .budget:
            // No data sorts last: a service without a budget is not the one running out.
            let budget = { (index: Int) -> Double in
                guard let sli = services[index].availability, sli.counts.total > 0 else { return .infinity }
                return sli.budgetRemaining
            }
            ordered = kept.sorted { (budget($0), rank[$0]) < (budget($1), rank[$1]) }
        case .burn:
            let burn = { (index: Int) -> Double in
                guard let sli = services[index].availability, sli.counts.total > 0 else { return -1 }
                return sli.burnRates.oneHour
            }
            ordered = kept.sorted { (burn($0), -rank[$0]) > (burn($1), -rank[$1]) }
        }
        return ordered.map { BoardRow(index: $0, position: nil) }
    }

    /// How bad a service looks, for the status sort: root causes above their victims at equal status.
    static func severity(_ service: ServiceSnapshot) -> Int {
        let status: Int
        switch service.status {
        case .down: status = 4
        case .unknown: status = 3
        case .degraded: status = 2
        case .up: status = 1
        case nil: status = service.hasProbe ? 3 : 0
        }
        return status * 2 + (service.role.isRootCause ? 1 : 0)
    }

    /// Every service once, upstreams first, depth first: a service is listed as soon as all of its
    /// upstreams are, under the one listed last. Services on a cycle (bad input) follow at the end.
    ///
    /// The order depends only on names and dependencies, which stay the same from one snapshot to
    /// the next, so the last one is kept and reused (comparing the arrays is cheap: the engine hands
    /// out the same storage each time).
    static func treeOrder(_ services: [ServiceSnapshot]) -> [BoardRow] {
        if let cached = TreeOrderCache.shared.rows(for: services) { return cached }
        let rows = computeTreeOrder(services)
        TreeOrderCache.shared.store(rows, for: services)
        return rows
    }

    static func computeTreeOrder(_ services: [ServiceSnapshot]) -> [BoardRow] {
        let count = services.count
        var indexByName: [String: Int] = [:]
        indexByName.reserveCapacity(count)
        for index in 0..<count where indexByName[services[index].name] == nil {
            indexByName[services[index].name] = index
        }
        var waitingFor = [Int](repeating: 0, count: count)
        var dependents = [[Int]](repeating: [], count: count)
        for index in 0..<count {
            for upstream in services[index].dependsOn {
                guard let up = indexByName[upstream], up != index, !dependents[up].contains(index) else { continue }
                waitingFor[index] += 1
                dependents[up].append(index)
            }
        }
        var rows: [BoardRow] = []
        rows.reserveCapacity(count)
        var listed = [Bool](repeating: false, count: count)

        // An explicit stack rather than recursion: a long chain of dependencies must not overflow it.
        var stack: [(index: Int, flags: [Bool])] = []
        func visit(_ root: Int, isLast: Bool) {
            stack.append((root, [isLast]))
            while let (index, flags) = stack.popLast() {
                listed[index] = true
                rows.append(BoardRow(index: index, position: TreePosition(lastFlags: flags)))
                var children: [Int] = []
                for child in dependents[index] where !listed[child] {
                    waitingFor[child] -= 1
                    if waitingFor[child] == 0 { children.append(child) }
                }
                for (position, child) in children.enumerated().reversed() {
                    stack.append((child, flags + [position == children.count - 1]))
                }
            }
        }
        let roots = (0..<count).filter { waitingFor[$0] == 0 && indexByName[services[$0].name] == $0 }
        for (position, root) in roots.enumerated() {
            visit(root, isLast: position == roots.count - 1)
        }
        for index in 0..<count where !listed[index] {
            listed[index] = true
            rows.append(BoardRow(index: index, position: TreePosition(lastFlags: [true])))
        }
        return rows
    }

    /// Each incident's root cause followed by the services it impacts, largest blast radius first;
    /// a service impacted by two roots is listed under the first. Roots and victims the incidents
    /// do not name (a snapshot in between analyses) follow at the end.
    static func cascadeTree(_ snapshot: BoardSnapshot, treeOrder: [BoardRow]) -> [BoardRow] {
        let services = snapshot.services
        var indexByName: [String: Int] = [:]
        for index in services.indices where indexByName[services[index].name] == nil {
            indexByName[services[index].name] = index
        }
        var listed = Set<Int>()
        var rows: [BoardRow] = []
        let incidents = snapshot.incidents.filter { indexByName[$0.rootCause] != nil }
        for (position, incident) in incidents.enumerated() {
            guard let root = indexByName[incident.rootCause], listed.insert(root).inserted else { continue }
            let isLastRoot = position == incidents.count - 1
            rows.append(BoardRow(index: root, position: TreePosition(lastFlags: [isLastRoot])))
            let victims = incident.impacted.compactMap { indexByName[$0] }.filter { !listed.contains($0) }
            for (number, victim) in victims.enumerated() {
                listed.insert(victim)
                let flags = [isLastRoot, number == victims.count - 1]
                rows.append(BoardRow(index: victim, position: TreePosition(lastFlags: flags)))
            }
        }
        for row in treeOrder where !listed.contains(row.index) {
            let role = services[row.index].role
            guard role.isRootCause || role == .impacted else { continue }
            rows.append(BoardRow(index: row.index, position: TreePosition(lastFlags: [true])))
        }
        return rows
    }
}

/// The last tree order and the names and dependencies it was computed from.
private final class TreeOrderCache: Sendable {
    static let shared = TreeOrderCache()

    private struct Entry {
        var names: [String]
        var dependsOn: [[String]]
        var rows: [BoardRow]
    }

    private let entry = Mutex<Entry?>(nil)

    func rows(for services: [ServiceSnapshot]) -> [BoardRow]? {
        entry.withLock { entry in
            guard let entry, entry.names.count == services.count else { return nil }
            for index in services.indices {
                guard services[index].name == entry.names[index], services[index].dependsOn == entry.dependsOn[index]
                else { return nil }
            }
            return entry.rows
        }
    }

    func store(_ rows: [BoardRow], for services: [ServiceSnapshot]) {
        let names = services.indices.map { services[$0].name }
        let dependsOn = services.indices.map { services[$0].dependsOn }
        entry.withLock { $0 = Entry(names: names, dependsOn: dependsOn, rows: rows) }
    }
}
