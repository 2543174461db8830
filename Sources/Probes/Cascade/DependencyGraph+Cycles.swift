extension DependencyGraph {
    /// Every elementary dependency cycle, once each, for the config validator.
    ///
    /// A cycle is listed in dependency order starting from its member declared first:
    /// `["a", "b", "c"]` means a depends on b, b on c and c on a; `["a"]` is an entry that
    /// depends on itself. Cycles come ordered by their first member, then by the order of
    /// `dependsOn`.
    ///
    /// - Parameter limit: at most this many cycles are returned. A dense tangle of entries can
    ///   hold more cycles than there are atoms, so the search stops there instead of hanging.
    public func cycles(limit: Int = 100) -> [[String]] {
        cycleIndices(limit: limit).map { cycle in cycle.map { names[$0] } }
    }

    /// ``cycles(limit:)`` as node indices.
    ///
    /// Johnson's algorithm (1975), without recursion: for each start node s in file order,
    /// only cycles whose members are all declared at s or later are searched, so each cycle
    /// is found once, from its first-declared member. Only nodes on a cycle are tried at all,
    /// so an acyclic graph costs one pass over the components computed at build.
    public func cycleIndices(limit: Int = 100) -> [[Int]] {
        guard limit > 0 else { return [] }
        var found: [[Int]] = []
        var inScope = [Bool](repeating: false, count: count)
        var blocked = [Bool](repeating: false, count: count)
        var blockedBy = [[Int]](repeating: [], count: count)
        for s in 0..<count where isOnCycle(s) {
            let scope = strongComponent(of: s)
            guard !scope.isEmpty else { continue }
            for v in scope {
                inScope[v] = true
                blocked[v] = false
                blockedBy[v].removeAll()
            }
            findCircuits(
                from: s, inScope: inScope, blocked: &blocked, blockedBy: &blockedBy,
                found: &found, limit: limit)
            for v in scope { inScope[v] = false }
            if found.count >= limit { break }
        }
        return found
    }

    /// The members of s's strongly connected component within the nodes of s's component
    /// declared at s or later: those reachable from s that also reach s. Empty when s is on
    /// no cycle there.
    private func strongComponent(of s: Int) -> [Int] {
        let c = component[s]
        func allowed(_ v: Int) -> Bool { v >= s && component[v] == c }
        func reach(_ next: (Int) -> [Int]) -> Set<Int> {
            var seen: Set<Int> = [s]
            var queue = [s]
            while let v = queue.popLast() {
                for w in next(v) where allowed(w) && seen.insert(w).inserted { queue.append(w) }
            }
            return seen
        }
        let forward = reach { upstreams(of: $0) }
        let backward = reach { downstreams(of: $0) }
        let members = forward.intersection(backward)
        let closesCycle = members.count > 1 || upstreams(of: s).contains(s)
        return closesCycle ? members.sorted() : []
    }

    private func findCircuits(
        from s: Int, inScope: [Bool], blocked: inout [Bool], blockedBy: inout [[Int]],
        found: inout [[Int]], limit: Int
    ) {
        var path = [s]
        var frames: [(node: Int, edge: Int, closed: Bool)] = [(s, 0, false)]
        blocked[s] = true
        while let frame = frames.last {
            let v = frame.node
            let edges = upstreams(of: v)
            if frame.edge < edges.count {
                frames[frames.count - 1].edge += 1
                let w = edges[frame.edge]
                guard inScope[w] else { continue }
                if w == s {
                    found.append(path)
                    if found.count >= limit { return }
                    frames[frames.count - 1].closed = true
                } else if !blocked[w] {
                    blocked[w] = true
                    path.append(w)
                    frames.append((w, 0, false))
                }
                continue
            }
            frames.removeLast()
            path.removeLast()
            if frame.closed {
                unblock(v, blocked: &blocked, blockedBy: &blockedBy)
                if !frames.isEmpty { frames[frames.count - 1].closed = true }
            } else {
                for w in edges where inScope[w] && !blockedBy[w].contains(v) { blockedBy[w].append(v) }
            }
        }
    }

    private func unblock(_ start: Int, blocked: inout [Bool], blockedBy: inout [[Int]]) {
        var queue = [start]
        while let u = queue.popLast() {
            guard blocked[u] else { continue }
            blocked[u] = false
            queue.append(contentsOf: blockedBy[u])
            blockedBy[u].removeAll()
        }
    }
}
