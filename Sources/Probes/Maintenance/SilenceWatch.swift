import Foundation

/// How a running agent notices silences added from another terminal: every ``interval`` it reads
/// the state file's silence revision (one row) and reads the silences again only when it moved.
/// It also has a line to say when a silence starts to count and when it ends (for stderr).
public struct SilenceWatch: Sendable {
    /// How often the revision is read.
    public static let interval: TimeInterval = 2

    private var revision: Int64?
    private var lastPoll: Date?
    /// Silences told as active, and when they end.
    private var active: [String: Silence] = [:]
    private var lines: [String] = []

    /// A watch that reads the silences at its first poll.
    public init() {}

    /// The silences when they changed since the last poll (or at the first one); `nil` when
    /// nothing changed, it is not time yet, or the file cannot be read (the last ones stay).
    public mutating func poll(_ store: HistoryStore, now: Date) -> [Silence]? {
        if let lastPoll, abs(now.timeIntervalSince(lastPoll)) < Self.interval { return nil }
        lastPoll = now
        var changed: [Silence]?
        if let current = try? store.silencesRevision(), current != revision, let silences = try? store.silences() {
            revision = current
            changed = silences
            for silence in silences where active[silence.id] == nil && silence.isActive(at: now) {
                active[silence.id] = silence
                lines.append(
                    "silence \(silence.id) on \(silence.service) until \(CheckReport.timestamp(silence.endsAt)) "
                        + "by \(silence.createdBy): \(silence.reason)")
            }
            for silence in silences where active[silence.id] != nil && silence.endsAt <= now {
                active[silence.id] = nil
                lines.append("silence \(silence.id) on \(silence.service) expired")
            }
        }
        for (id, silence) in active.sorted(by: { $0.key < $1.key }) where silence.endsAt <= now {
            active[id] = nil
            lines.append("silence \(id) on \(silence.service) ended")
        }
        return changed
    }

    /// The lines about silences that started or ended since the last call.
    public mutating func takeLines() -> [String] {
        defer { lines = [] }
        return lines
    }
}
