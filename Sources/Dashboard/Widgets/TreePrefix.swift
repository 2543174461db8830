/// Where a node sits in a tree, enough to draw its indentation (`├─ `, `└─ `, `│  `).
public struct TreePosition: Sendable, Hashable {
    /// For the node's top-level ancestor down to the node itself: whether each is the last of its
    /// siblings. A top-level node has one entry and no prefix.
    public var lastFlags: [Bool]

    /// Creates a position from the is-last flags along the path from the top.
    public init(lastFlags: [Bool]) {
        self.lastFlags = lastFlags
    }

    /// Levels below the top (0 for a top-level node).
    public var depth: Int { max(0, lastFlags.count - 1) }

    /// The indentation text drawn before the node's label.
    public func prefix(_ glyphs: Glyphs) -> String {
        guard lastFlags.count > 1 else { return "" }
        var text = ""
        for isLast in lastFlags.dropFirst().dropLast() {
            text += isLast ? glyphs.treeSpace : glyphs.treeVertical
        }
        text += (lastFlags.last ?? true) ? glyphs.treeLast : glyphs.treeBranch
        return text
    }
}

extension TreePosition {
    /// The nodes reachable from `roots`, depth first, each with its position: the order in which a
    /// tree view lists them.
    ///
    /// A node reachable along several paths (a shared upstream) is listed under each; a node already on
    /// the current path is not listed again, so a cycle in bad input cannot recurse forever. At most
    /// `limit` entries are returned.
    public static func flatten<Node: Hashable>(
        roots: [Node], limit: Int = 10_000, children: (Node) -> [Node]
    ) -> [(node: Node, position: TreePosition)] {
        var result: [(node: Node, position: TreePosition)] = []
        var path: [Node] = []
        func visit(_ node: Node, flags: [Bool]) {
            guard result.count < limit else { return }
            result.append((node, TreePosition(lastFlags: flags)))
            path.append(node)
            let next = children(node).filter { !path.contains($0) }
            for (index, child) in next.enumerated() {
                visit(child, flags: flags + [index == next.count - 1])
            }
            path.removeLast()
        }
        for (index, root) in roots.enumerated() {
            visit(root, flags: [index == roots.count - 1])
        }
        return result
    }
}
