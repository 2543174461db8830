import Foundation
import GRDB
import Synchronization

/// Per-minute counts of one service's two SLIs, as stored for the whole SLO window.
public struct MinuteAggregate: Sendable, Equatable {
    /// Minutes since 1970-01-01 UTC.
    public var minute: Int64
    /// Availability SLI: available probes and all probes.
    public var availabilityGood: Int64
    public var availabilityTotal: Int64
    /// Latency SLI: available probes not slow (``LatencySLO/isSlow(_:)``), and available probes.
    public var latencyGood: Int64
    public var latencyTotal: Int64

    public init(
        minute: Int64, availabilityGood: Int64 = 0, availabilityTotal: Int64 = 0, latencyGood: Int64 = 0,
        latencyTotal: Int64 = 0
    ) {
        self.minute = minute
        self.availabilityGood = availabilityGood
        self.availabilityTotal = availabilityTotal
        self.latencyGood = latencyGood
        self.latencyTotal = latencyTotal
    }

    /// The start of the minute.
    public var date: Date { Date(timeIntervalSince1970: TimeInterval(minute) * 60) }

    /// The minute that contains `date`.
    public static func minute(of date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / 60).rounded(.down)) }

    /// Adds one probe result; `latencyThreshold` decides the latency SLI.
    public mutating func add(_ result: ProbeResult, latencyThreshold: Duration) {
        availabilityTotal += 1
        guard result.status.isAvailable else { return }
        availabilityGood += 1
        latencyTotal += 1
        if !LatencySLO.isSlow(result.latency, threshold: latencyThreshold) { latencyGood += 1 }
    }
}

/// What the store writes in one transaction: everything the engine learnt in about a second.
public struct HistoryBatch: Sendable {
    /// Counts to add, by service and minute.
    public var aggregates: [String: [Int64: MinuteAggregate]] = [:]
    /// Raw results to keep (the last ``HistoryStore/rawResultsKept`` per service survive).
    public var results: [ProbeResult] = []
    /// Alert states to upsert (key → opaque JSON), and keys to delete.
    public var alertStates: [String: Data] = [:]
    public var removedAlertStates: Set<String> = []
    /// Incident records that opened or changed, stored whole.
    public var incidents: [IncidentRecord] = []

    public init() {}

    public var isEmpty: Bool {
        aggregates.isEmpty && results.isEmpty && alertStates.isEmpty && removedAlertStates.isEmpty
            && incidents.isEmpty
    }

    /// Records a result both as a raw result and in its minute's aggregate.
    public mutating func add(_ result: ProbeResult, latencyThreshold: Duration) {
        results.append(result)
        let minute = MinuteAggregate.minute(of: result.startedAt)
        aggregates[result.service, default: [:]][minute, default: MinuteAggregate(minute: minute)]
            .add(result, latencyThreshold: latencyThreshold)
    }
}

/// Why the history could not be used.
public struct HistoryError: Error, Sendable, CustomStringConvertible {
    /// What kind of trouble the disk is in, for a write that failed.
    public enum Kind: String, Sendable, Hashable {
        case diskFull = "disk full"
        case readOnly = "read-only"
        case ioError = "I/O error"
        case other = "error"
    }

    public var description: String
    public var kind: Kind
    public init(_ description: String, kind: Kind = .other) {
        self.description = description
        self.kind = kind
    }

    /// The kind of a SQLite error.
    static func kind(of error: any Error) -> Kind {
        guard let database = error as? DatabaseError else { return .other }
        switch database.resultCode {
        case .SQLITE_FULL: return .diskFull
        case .SQLITE_READONLY: return .readOnly
        case .SQLITE_IOERR, .SQLITE_CANTOPEN: return .ioError
        default: return .other
        }
    }
}

/// The SQLite history at `--state`: per-minute SLI aggregates for the SLO window, the last raw
/// results per service, and alert states, so a restart resumes budgets and alerts.
///
/// WAL mode; callers batch writes (``HistoryBatch``) about once a second, so a hard kill loses
/// at most one batch. A file that cannot be read, is corrupt, or was written by a newer schema
/// is moved aside (`<path>.corrupt-<time>`) with a warning, never overwritten.
public final class HistoryStore: HistoryWriter, Sendable {
    /// The schema this build writes. Bump it and add a step to ``migrations`` for every change.
    public static let schemaVersion = 4
    /// Raw results kept per service (the table holds up to ``trimEvery`` more between trims).
    public static let rawResultsKept = 500
    /// Results written for a service between two trims of its raw results.
    static let trimEvery = 50

    public let path: String
    let queue: DatabaseQueue
    /// The alert states again, in a file whose space is reserved (``AlertStateFile``).
    let alertStateFile: AlertStateFile
    /// What this history last recorded of the alert states; `nil` until the first write.
    private let alertMirror = Mutex<AlertMirror?>(nil)
    private let notices = Mutex<[String]>([])
    /// Raw results written per service since its last trim.
    private let untrimmed = Mutex<[String: Int]>([:])

    /// Opens (or creates) the history at `path`.
    /// - Parameter warn: receives one line when an unusable file was moved aside.
    /// - Throws: ``HistoryError`` when no usable database can be created at `path` at all.
    public init(path: String, now: Date = Date(), warn: (String) -> Void) throws(HistoryError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw HistoryError("\(path): cannot create directory \(directory): \(error.localizedDescription)")
            }
        }
        if FileManager.default.fileExists(atPath: path), let problem = Self.problem(withExistingFileAt: path) {
            let aside = try Self.moveAside(path, now: now)
            warn("incidentboard: \(path): \(problem); moved aside to \(aside), starting with empty history")
        }
        alertStateFile = AlertStateFile(path: path + ".alerts")
        do {
            queue = try Self.open(path)
        } catch let error as HistoryError {
            throw error
        } catch {
            throw HistoryError("\(path): cannot open state file: \(error)")
        }
    }

    private static func configuration() -> Configuration {
        var config = Configuration()
        config.journalMode = .wal
        config.busyMode = .timeout(5)
        config.label = "incidentboard.history"
        return config
    }

    private static func open(_ path: String) throws -> DatabaseQueue {
        let queue = try DatabaseQueue(path: path, configuration: configuration())
        try queue.write { db in
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            guard version <= schemaVersion else {
                throw HistoryError("\(path): written by a newer incidentboard (schema \(version))")
            }
            for step in version..<schemaVersion {
                try migrations[step](db)
            }
            try db.execute(sql: "PRAGMA user_version = \(schemaVersion)")
            // Which config the history belongs to. Not a schema step: older builds ignore the
            // table, and files they wrote gain it when this build first opens them.
            try db.execute(
                sql: "CREATE TABLE IF NOT EXISTS history_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)")
            // This history's own name, so its alert-state file is never taken for another's.
            try db.execute(
                sql: "INSERT OR IGNORE INTO history_meta (key, value) VALUES ('instance', ?)",
                arguments: [UUID().uuidString])
        }
        return queue
    }

    /// `migrations[n]` takes the schema from version n to n + 1.
    private static let migrations: [@Sendable (Database) throws -> Void] = [
        { db in
            try db.execute(
                sql: """
                    CREATE TABLE minute_aggregates (
                        service TEXT NOT NULL,
                        minute INTEGER NOT NULL,
                        availability_good INTEGER NOT NULL,
                        availability_total INTEGER NOT NULL,
                        latency_good INTEGER NOT NULL,
                        latency_total INTEGER NOT NULL,
                        PRIMARY KEY (service, minute)
                    ) WITHOUT ROWID;
                    CREATE TABLE raw_results (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        service TEXT NOT NULL,
                        started_at REAL NOT NULL,
                        status TEXT NOT NULL,
                        latency_ms REAL NOT NULL,
                        error TEXT,
                        failure TEXT,
                        http_status INTEGER
                    );
                    CREATE INDEX raw_results_by_service ON raw_results (service, id);
                    CREATE TABLE alert_states (
                        key TEXT PRIMARY KEY NOT NULL,
                        payload BLOB NOT NULL
                    );
                    """)
        },
        { db in
            // Incident records (``IncidentRecord``), one row each, rewritten as they change.
            try db.execute(
                sql: """
                    CREATE TABLE incidents (
                        id TEXT PRIMARY KEY NOT NULL,
                        root TEXT NOT NULL,
                        onset REAL NOT NULL,
                        closed REAL,
                        record BLOB NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX incidents_by_onset ON incidents (onset);
                    """)
        },
        { db in
            // The delivery outbox (``OutboxEntry``): alert events waiting for a destination
            // (Alertmanager, a webhook) to acknowledge them, and the alerts each destination must
            // be reminded of while they fire.
            try db.execute(
                sql: """
                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        destination TEXT NOT NULL,
                        delivery_id TEXT NOT NULL,
                        payload BLOB NOT NULL,
                        created REAL NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE INDEX outbox_by_destination ON outbox (destination, id);
                    CREATE TABLE outbox_firing (
                        destination TEXT NOT NULL,
                        alert_key TEXT NOT NULL,
                        payload BLOB NOT NULL,
                        grouping TEXT NOT NULL,
                        dependent INTEGER NOT NULL,
                        resolved_id TEXT,
                        resolved_payload BLOB,
                        PRIMARY KEY (destination, alert_key)
                    ) WITHOUT ROWID;
                    """)
        },
        { db in
            // Silences (``Silence``), written by `incidentboard silence` and the dashboard while an
            // agent runs; `revision` counts every change so agents notice one with a cheap read.
            try db.execute(
                sql: """
                    CREATE TABLE silences (
                        id TEXT PRIMARY KEY NOT NULL,
                        service TEXT NOT NULL,
                        created_by TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        ends_at REAL NOT NULL,
                        reason TEXT NOT NULL,
                        alertmanager_id TEXT
                    ) WITHOUT ROWID;
                    CREATE TABLE silences_revision (only INTEGER PRIMARY KEY CHECK (only = 0), revision INTEGER NOT NULL);
                    INSERT INTO silences_revision (only, revision) VALUES (0, 0);
                    """)
        },
    ]

    /// Why an existing file cannot be used, or `nil` when it can.
    private static func problem(withExistingFileAt path: String) -> String? {
        do {
            var config = configuration()
            config.readonly = true
            config.journalMode = .default
            let probe = try DatabaseQueue(path: path, configuration: config)
            defer { try? probe.close() }
            return try probe.read { db -> String? in
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                if version > schemaVersion {
                    return "written by a newer incidentboard (schema \(version), this one reads \(schemaVersion))"
                }
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                if check != ["ok"] { return "state file is corrupt (\(check.first ?? "quick_check failed"))" }
                if version > 0 {
                    for table in ["minute_aggregates", "raw_results", "alert_states"] {
                        guard try db.tableExists(table) else { return "state file is missing table \(table)" }
                    }
                }
                return nil
            }
        } catch {
            return "state file is unreadable (\(Self.shortSQLiteMessage(error)))"
        }
    }

    static func shortSQLiteMessage(_ error: any Error) -> String {
        if let db = error as? DatabaseError { return db.message ?? "\(db.resultCode)" }
        return "\(error)"
    }

    /// Renames the file (and its WAL and shared-memory files) out of the way.
    private static func moveAside(_ path: String, now: Date) throws(HistoryError) -> String {
        let stamp = ISOTimestamp.compact(now)
        var target = "\(path).corrupt-\(stamp)"
        var n = 1
        while FileManager.default.fileExists(atPath: target) {
            n += 1
            target = "\(path).corrupt-\(stamp)-\(n)"
        }
        do {
            try FileManager.default.moveItem(atPath: path, toPath: target)
            for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                try FileManager.default.moveItem(atPath: path + suffix, toPath: target + suffix)
            }
        } catch {
            throw HistoryError("\(path): unusable, and cannot be moved aside: \(error.localizedDescription)")
        }
        return target
    }

    // MARK: Writing

    /// Writes one batch in a single transaction.
    public func write(_ batch: HistoryBatch) throws(HistoryError) {
        guard !batch.isEmpty else { return }
        // The alert states reach their reserved file first: it takes writes on a full disk.
        let alertSequence = try recordAlertStates(of: batch)
        let trimming = untrimmed.withLock { Self.trimming(batch.results, untrimmed: $0) }
        do {
            try queue.write { db in
                let upsert = try db.cachedStatement(
                    sql: """
                        INSERT INTO minute_aggregates
                            (service, minute, availability_good, availability_total, latency_good, latency_total)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (service, minute) DO UPDATE SET
                            availability_good = availability_good + excluded.availability_good,
                            availability_total = availability_total + excluded.availability_total,
                            latency_good = latency_good + excluded.latency_good,
                            latency_total = latency_total + excluded.latency_total
                        """)
                for (service, minutes) in batch.aggregates {
                    for a in minutes.values {
                        try upsert.execute(arguments: [
                            service, a.minute, a.availabilityGood, a.availabilityTotal, a.latencyGood, a.latencyTotal,
                        ])
                    }
                }
                let insert = try db.cachedStatement(
                    sql: """
                        INSERT INTO raw_results (service, started_at, status, latency_ms, error, failure, http_status)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """)
                for r in batch.results {
                    try insert.execute(arguments: [
                        r.service, r.startedAt.timeIntervalSince1970, r.status.rawValue, r.latency.milliseconds,
                        r.error, r.failure?.rawValue, r.httpStatus,
                    ])
                }
                for service in trimming.due {
                    try db.execute(
                        sql: """
                            DELETE FROM raw_results WHERE service = ? AND id <= (
                                SELECT id FROM raw_results WHERE service = ? ORDER BY id DESC LIMIT 1 OFFSET ?)
                            """,
                        arguments: [service, service, Self.rawResultsKept])
                }
                for (key, payload) in batch.alertStates {
                    try db.execute(
                        sql: "INSERT INTO alert_states (key, payload) VALUES (?, ?) "
                            + "ON CONFLICT (key) DO UPDATE SET payload = excluded.payload",
                        arguments: [key, payload])
                }
                for key in batch.removedAlertStates where batch.alertStates[key] == nil {
                    try db.execute(sql: "DELETE FROM alert_states WHERE key = ?", arguments: [key])
                }
                if let alertSequence {
                    try db.execute(
                        sql: "INSERT INTO history_meta (key, value) VALUES ('alert_states_sequence', ?) "
                            + "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        arguments: [String(alertSequence)])
                }
                try Self.write(batch.incidents, in: db)
            }
            untrimmed.withLock { $0 = trimming.after }
        } catch {
            throw HistoryError(
                "\(path): cannot write history: \(Self.shortSQLiteMessage(error))",
                kind: HistoryError.kind(of: error))
        }
    }

    /// Which services' raw results to trim to the last ``rawResultsKept`` with this batch, and the
    /// counts of results written since each service's last trim once it is written. A service is
    /// trimmed once every ``trimEvery`` results, not at every batch: one DELETE per service a
    /// second was the largest part of the history's cost at thousands of services. Reading asks
    /// for the newest rows, so the few extra rows kept meanwhile change nothing.
    static func trimming(_ results: [ProbeResult], untrimmed: [String: Int]) -> (due: [String], after: [String: Int]) {
        var after = untrimmed
        for result in results { after[result.service, default: 0] += 1 }
        var due: [String] = []
        for (service, count) in after where count >= trimEvery {
            due.append(service)
            after[service] = nil
        }
        return (due, after)
    }

    /// Deletes aggregates older than `date` (past the SLO window).
    public func prune(before date: Date) throws(HistoryError) {
        do {
            try queue.write { db in
                try db.execute(
                    sql: "DELETE FROM minute_aggregates WHERE minute < ?",
                    arguments: [MinuteAggregate.minute(of: date)])
            }
        } catch {
            throw HistoryError("\(path): cannot prune history: \(Self.shortSQLiteMessage(error))")
        }
    }

    // MARK: Reading

    /// Aggregates since `date`, by service, oldest first.
    public func aggregates(since date: Date) throws(HistoryError) -> [String: [MinuteAggregate]] {
        do {
            return try queue.read { db in
                var out: [String: [MinuteAggregate]] = [:]
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT service, minute, availability_good, availability_total, latency_good, latency_total
                        FROM minute_aggregates WHERE minute >= ? ORDER BY service, minute
                        """,
                    arguments: [MinuteAggregate.minute(of: date)])
                while let row = try rows.next() {
                    let service: String = row[0]
                    out[service, default: []].append(
                        MinuteAggregate(
                            minute: row[1], availabilityGood: row[2], availabilityTotal: row[3], latencyGood: row[4],
                            latencyTotal: row[5]))
                }
                return out
            }
        } catch {
            throw HistoryError("\(path): cannot read history: \(Self.shortSQLiteMessage(error))")
        }
    }

    /// The most recent raw results of a service, newest last.
    public func recentResults(service: String, limit: Int = rawResultsKept) throws(HistoryError) -> [ProbeResult] {
        do {
            return try queue.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT started_at, status, latency_ms, error, failure, http_status FROM raw_results
                        WHERE service = ? ORDER BY id DESC LIMIT ?
                        """,
                    arguments: [service, limit])
                return rows.reversed().map { row in
                    let status: String = row[1]
                    let failure: String? = row[4]
                    let ms: Double = row[2]
                    return ProbeResult(
                        service: service, startedAt: Date(timeIntervalSince1970: row[0]),
                        status: ProbeStatus(rawValue: status) ?? .unknown,
                        latency: .microseconds(Int64((ms * 1000).rounded())), error: row[3],
                        failure: failure.flatMap(FailureKind.init(rawValue:)), httpStatus: row[5])
                }
            }
        } catch {
            throw HistoryError("\(path): cannot read history: \(Self.shortSQLiteMessage(error))")
        }
    }

    /// Every stored alert state, by key: the newer of the history's and the alert-state file's.
    public func alertStates() throws(HistoryError) -> [String: Data] { try newestAlertStates().states }

    /// The alert states as last recorded, with their sequence and this history's instance id.
    private func newestAlertStates() throws(HistoryError) -> AlertMirror {
        let stored: AlertMirror
        do {
            stored = try queue.read { db in
                var states: [String: Data] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT key, payload FROM alert_states") {
                    states[row[0]] = row[1]
                }
                let sequence = try String.fetchOne(
                    db, sql: "SELECT value FROM history_meta WHERE key = 'alert_states_sequence'")
                let instance = try String.fetchOne(db, sql: "SELECT value FROM history_meta WHERE key = 'instance'")
                return AlertMirror(
                    instance: instance ?? "", states: states,
                    sequence: sequence.flatMap { UInt64($0) } ?? 0, inFile: 0)
            }
        } catch {
            throw HistoryError("\(path): cannot read history: \(Self.shortSQLiteMessage(error))")
        }
        guard let file = AlertStateFile.read(path: alertStateFile.path), file.instance == stored.instance,
            file.sequence >= stored.sequence
        else { return stored }
        return AlertMirror(
            instance: stored.instance, states: file.states, sequence: file.sequence,
            inFile: file.sequence)
    }

    /// Applies the batch's alert states to what was recorded, and writes the result to the
    /// alert-state file when it changed (or the last try failed).
    /// - Returns: the sequence the history records with the batch; `nil` when the batch has no
    ///   alert states.
    private func recordAlertStates(of batch: HistoryBatch) throws(HistoryError) -> UInt64? {
        var mirror: AlertMirror
        if let known = alertMirror.withLock({ $0 }) {
            mirror = known
        } else {
            mirror = try newestAlertStates()
        }
        let before = mirror.states
        for (key, payload) in batch.alertStates { mirror.states[key] = payload }
        for key in batch.removedAlertStates where batch.alertStates[key] == nil { mirror.states[key] = nil }
        if mirror.states != before { mirror.sequence += 1 }
        if mirror.inFile != mirror.sequence || mirror.sequence == 0 {
            // The first write of this agent also makes the file, reserving its space early.
            let target = max(mirror.sequence, 1)
            mirror.sequence = target
            let problem = alertStateFile.write(
                .init(instance: mirror.instance, sequence: target, states: mirror.states))
            if let problem {
                if !mirror.warned { notices.withLock { $0.append(problem + "; the history keeps them as before") } }
                mirror.warned = true
            } else {
                mirror.inFile = target
                mirror.warned = false
            }
        }
        let changed = !batch.alertStates.isEmpty || !batch.removedAlertStates.isEmpty
        let sequence = mirror.sequence
        alertMirror.withLock { $0 = mirror }
        return changed ? sequence : nil
    }

    /// Warnings gathered by writes that did not fail (the alert-state file could not be written).
    public func takeNotices() -> [String] {
        notices.withLock { out in
            defer { out = [] }; return out
        }
    }

    // MARK: The config it belongs to

    /// The config this history was written for (``HistoryStore/configIdentity(forConfig:currentDirectory:)``),
    /// as recorded by the first agent that opened it; `nil` for a history from before it was recorded.
    public func recordedConfig() throws(HistoryError) -> String? {
        do {
            return try queue.read { db in
                try String.fetchOne(db, sql: "SELECT value FROM history_meta WHERE key = 'config'")
            }
        } catch {
            throw HistoryError("\(path): cannot read history: \(Self.shortSQLiteMessage(error))")
        }
    }

    /// Records `identity` as the config this history belongs to, unless one is recorded already.
    /// - Returns: the config recorded before when it is another one (the history is someone
    ///   else's), else `nil`.
    @discardableResult
    public func claim(config identity: String) throws(HistoryError) -> String? {
        do {
            return try queue.write { db -> String? in
                if let owner = try String.fetchOne(db, sql: "SELECT value FROM history_meta WHERE key = 'config'") {
                    return owner == identity ? nil : owner
                }
                try db.execute(sql: "INSERT INTO history_meta (key, value) VALUES ('config', ?)", arguments: [identity])
                return nil
            }
        } catch {
            throw HistoryError("\(path): cannot write history: \(Self.shortSQLiteMessage(error))")
        }
    }

    /// Flushes the WAL into the main file; called on a clean shutdown.
    public func checkpoint() {
        _ = try? queue.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }
}

/// Raw database access for tests that damage a state file on purpose.
enum GRDBTestAccess {
    static func queue(_ path: String) throws -> DatabaseQueue { try DatabaseQueue(path: path) }
}

/// The alert states as recorded: by the history or by its alert-state file.
struct AlertMirror: Sendable {
    var instance: String
    var states: [String: Data]
    /// Bumped at every change; the history and the file each record the one they hold.
    var sequence: UInt64
    /// The sequence the alert-state file holds.
    var inFile: UInt64
    /// Whether a failed write of the file was reported (once until one succeeds).
    var warned = false
}
