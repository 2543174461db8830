import Foundation

/// The processes of this machine as `/proc/PID/stat` gives them (Linux): for tests that must find
/// what a program started (to kill an orphan, to see a process group empty). Empty without /proc.
public struct ProcessTable: Sendable {
    /// One process's line of `/proc/PID/stat`, the fields after the `)` that ends its name.
    public struct Entry: Sendable, Equatable {
        public var pid: Int32
        /// `R`, `S`, `Z`…
        public var state: Character
        public var parent: Int32
        public var group: Int32
    }

    public var entries: [Entry]

    /// Reads every process now.
    public init() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        entries = names.compactMap(Int32.init).compactMap(Self.entry)
    }

    /// One process, or `nil` when it is gone.
    public static func entry(_ pid: Int32) -> Entry? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let nameEnd = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: nameEnd)...].split(separator: " ")
        guard fields.count > 2, let state = fields[0].first, let parent = Int32(fields[1]),
            let group = Int32(fields[2])
        else { return nil }
        return Entry(pid: pid, state: state, parent: parent, group: group)
    }

    /// The direct children of `pid`.
    public func children(of pid: Int32) -> [Int32] { entries.filter { $0.parent == pid }.map(\.pid) }

    /// Every process below `pid`, children first.
    public func descendants(of pid: Int32) -> [Int32] {
        var found: [Int32] = []
        var queue = children(of: pid)
        while let next = queue.popLast() {
            found.append(next)
            queue += children(of: next)
        }
        return found
    }
}
