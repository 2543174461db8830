import Foundation

/// Keeps incident records in step with the cascade analysis (``Monitor`` calls it after every
/// fresh assessment) and with the alerts told, and hands the records that changed to the history.
///
/// A root that disappears from the analysis (its recovery grace over, every victim back) closes
/// its incident. A root that is named again later opens a new one, with a new id.
public struct IncidentLog: Sendable {
    /// Open incidents by root.
    public private(set) var open: [String: IncidentRecord] = [:]
    /// Ids in use, so a new one never repeats an old one (loaded from history on restore).
    private var usedIDs: Set<String> = []
    /// Roots whose records changed since the last ``takeChanged()``.
    private var changed: Set<String> = []
    /// Records closed since the last ``takeChanged()``.
    private var closedSinceTaken: [IncidentRecord] = []
    /// Closed incidents with alerts that have not resolved yet: their resolutions still belong to
    /// them. Bounded by the alerts firing, not by time.
    private(set) var awaitingResolution: [IncidentRecord] = []
    /// How far back a restore reads incidents (open ones of any age are read too).
    public static let restoredSpan: TimeInterval = 86_400
    /// At most this many closed incidents wait for late resolutions (the oldest give way).
    static let awaitingKept = 64
    /// The latest closed incidents, oldest first, for the board's incidents view.
    private(set) var recentClosed: [IncidentRecord] = []
    /// Closed incidents the board lists at most.
    public static let recentKept = 20
    /// The root's trace per incident id, for the open and the recently closed ones.
    private var traces: [String: IncidentTrace] = [:]

    public init() {}

    /// The id of the open incident of `root`, if any.
    public func id(ofRoot root: String) -> String? { open[root]?.id }

    /// Takes a fresh analysis: opens incidents for new roots, records the roots' state changes and
    /// victims joining and leaving, and closes incidents whose roots are gone from it.
    /// - Parameter counts: whether an incident of the analysis counts yet (an inferred root only
    ///   once its inference has held); one that does not is not opened. An open one always counts.
    public mutating func observe(
        _ assessment: CascadeAssessment, now: Date,
        counts: (CascadeIncident) -> Bool = { _ in true }
    ) {
        var seen: Set<String> = []
        for incident in assessment.incidents where open[incident.rootCause] != nil || counts(incident) {
            let root = incident.rootCause
            seen.insert(root)
            let state = IncidentRecord.RootState(incident.cause)
            if var record = open[root] {
                var dirty = false
                if record.state != state {
                    record.add(IncidentRecord.StateChange(time: now, state: state))
                    if state == .recovered { record.rootRecovered = now }
                    dirty = true
                }
                if incident.inferred && !record.inferred {
                    record.inferred = true
                    dirty = true
                }
                dirty = Self.updateVictims(&record, current: Set(incident.impacted), now: now) || dirty
                if dirty {
                    open[root] = record
                    changed.insert(root)
                }
            } else {
                // A root first seen recovered (a restart in its grace) still gets its record.
                let onset = min(incident.onset ?? now, now)
                var record = IncidentRecord(
                    id: nextID(root: root, onset: onset), root: root, inferred: incident.inferred, onset: onset,
                    states: [.init(time: onset, state: state)], victims: [], alerts: [])
                if state == .recovered { record.rootRecovered = now }
                _ = Self.updateVictims(&record, current: Set(incident.impacted), now: now)
                open[root] = record
                changed.insert(root)
            }
        }
        for root in open.keys where !seen.contains(root) {
            guard var record = open.removeValue(forKey: root) else { continue }
            record.closed = now
            if record.rootRecovered == nil { record.rootRecovered = now }
            if record.state != .recovered { record.states.append(.init(time: now, state: .recovered)) }
            for index in record.victims.indices where record.victims[index].left == nil {
                record.victims[index].left = now
            }
            changed.remove(root)
            closedSinceTaken.append(record)
            keepRecent(record)
            if record.hasUnresolvedFiring {
                awaitingResolution.append(record)
                if awaitingResolution.count > Self.awaitingKept { awaitingResolution.removeFirst() }
            }
        }
    }

    /// Sets each event's ``AlertEvent/incident`` and notes it in its incident: a firing belongs to
    /// the open incident of its root cause; a resolved to the incident its firing belonged to, even
    /// when that incident has closed since.
    public mutating func attach(_ events: inout [AlertEvent]) {
        for index in events.indices {
            let event = events[index]
            switch event.event {
            case .firing:
                guard let root = event.rootCause, var record = open[root] else { continue }
                events[index].incident = record.id
                record.add(Self.note(event))
                if !event.suppressed, record.firstAlert == nil { record.firstAlert = event.time }
                open[root] = record
                changed.insert(root)
            case .resolved:
                if let root = open.first(where: { $0.value.hasUnresolvedFiring(like: event) })?.key,
                    var record = open[root]
                {
                    events[index].incident = record.id
                    record.add(Self.note(event))
                    open[root] = record
                    changed.insert(root)
                } else if let at = awaitingResolution.lastIndex(where: { $0.hasUnresolvedFiring(like: event) }) {
                    var record = awaitingResolution[at]
                    events[index].incident = record.id
                    record.add(Self.note(event))
                    closedSinceTaken.removeAll { $0.id == record.id }
                    closedSinceTaken.append(record)
                    if let kept = recentClosed.firstIndex(where: { $0.id == record.id }) { recentClosed[kept] = record }
                    if record.hasUnresolvedFiring {
                        awaitingResolution[at] = record
                    } else {
                        awaitingResolution.remove(at: at)
                    }
                }
            }
        }
    }

    private static func note(_ event: AlertEvent) -> IncidentRecord.AlertNote {
        .init(
            time: event.time, event: event.event, alert: event.alert, service: event.service, rule: event.rule,
            sli: event.sli, suppressed: event.suppressed)
    }

    /// The records that changed since the last call (open ones as they are now, and those that
    /// closed), for the history.
    public mutating func takeChanged() -> [IncidentRecord] {
        let records = closedSinceTaken + changed.compactMap { open[$0] }
        changed.removeAll()
        closedSinceTaken.removeAll()
        return records
    }

    /// Continues from the history (recent records): open incidents resume under their ids, closed
    /// ones can still take late resolutions, and no new incident
    /// takes an id already stored.
    public mutating func restore(_ records: [IncidentRecord], usedIDs ids: Set<String>) {
        for record in records.sorted(by: { $0.onset < $1.onset }) {
            if record.isOpen {
                open[record.root] = record
            } else {
                keepRecent(record)
                if record.hasUnresolvedFiring { awaitingResolution.append(record) }
            }
        }
        awaitingResolution = Array(awaitingResolution.suffix(Self.awaitingKept))
        usedIDs.formUnion(ids)
        usedIDs.formUnion(records.map(\.id))
    }

    private mutating func keepRecent(_ record: IncidentRecord) {
        recentClosed.removeAll { $0.id == record.id }
        recentClosed.append(record)
        while recentClosed.count > Self.recentKept {
            let dropped = recentClosed.removeFirst()
            traces[dropped.id] = nil
        }
    }

    // MARK: The board's view

    /// Whether `root`'s open incident has no trace yet (just opened, or resumed after a restart).
    func needsTrace(root: String) -> Bool {
        guard let id = open[root]?.id else { return false }
        return traces[id] == nil
    }

    /// Starts the trace of `root`'s open incident from the results the engine still holds.
    mutating func startTrace(root: String, results: [ProbeResult]) {
        guard let record = open[root] else { return }
        traces[record.id] = IncidentTrace(seed: results, onset: record.onset)
    }

    /// Adds a result of an open incident's root to its trace; anything else is ignored.
    mutating func sample(_ result: ProbeResult) {
        guard let id = open[result.service]?.id else { return }
        traces[id, default: IncidentTrace()].append(result)
    }

    /// Open incidents (latest onset first), then the recently closed (latest first), with their
    /// traces: what the board's incidents view lists.
    public var boardIncidents: [BoardIncident] {
        let opened = open.values.sorted { ($0.onset, $0.id) > ($1.onset, $1.id) }
        return (opened + recentClosed.reversed()).map {
            BoardIncident(record: $0, trace: traces[$0.id] ?? IncidentTrace())
        }
    }

    private static func updateVictims(_ record: inout IncidentRecord, current: Set<String>, now: Date) -> Bool {
        var dirty = false
        var inNow: Set<String> = []
        for index in record.victims.indices where record.victims[index].left == nil {
            let name = record.victims[index].service
            if current.contains(name) {
                inNow.insert(name)
            } else {
                record.victims[index].left = now
                dirty = true
            }
        }
        for name in current.sorted() where !inNow.contains(name) {
            record.add(IncidentRecord.VictimSpell(service: name, joined: now, left: nil))
            dirty = true
        }
        return dirty
    }

    private mutating func nextID(root: String, onset: Date) -> String {
        let day = ISOTimestamp.day(onset)
        // Ids name their day: only those of this day and the one before can be taken again (an
        // onset a little before midnight), so the set stays as small as a day's incidents.
        let yesterday = ISOTimestamp.day(onset.addingTimeInterval(-86_400))
        usedIDs = usedIDs.filter { $0.hasPrefix(day) || $0.hasPrefix(yesterday) }
        let base = "\(day)-\(root)"
        var id = base
        var n = 1
        while usedIDs.contains(id) {
            n += 1
            id = "\(base)-\(n)"
        }
        usedIDs.insert(id)
        return id
    }
}
