import Foundation
import GRDB

/// One alert event waiting in the outbox for a destination to acknowledge it.
public struct OutboxEntry: Sendable, Equatable {
    /// Order of arrival (delivery keeps it).
    public var id: Int64
    /// Which destination it is for (`alertmanager <url>`, `webhook <url>`).
    public var destination: String
    /// The event's delivery id: the same for every destination and every retry, so a receiver
    /// recognises a duplicate.
    public var deliveryID: String
    /// What is sent, as the destination wants it.
    public var payload: Data
    /// When it entered the outbox.
    public var created: Date
    /// Attempts that failed so far (also those of earlier runs).
    public var attempts: Int

    public init(id: Int64, destination: String, deliveryID: String, payload: Data, created: Date, attempts: Int) {
        self.id = id
        self.destination = destination
        self.deliveryID = deliveryID
        self.payload = payload
        self.created = created
        self.attempts = attempts
    }
}

/// What one event puts in the outbox for one destination.
public struct OutboxItem: Sendable, Equatable {
    /// How the destination's list of alerts that are firing changes with the event (for
    /// destinations that must be reminded of firing alerts, such as Alertmanager).
    ///
    /// Alerts of one `group` (a root cause) are either its dependents (victims, muted at the
    /// destination while an alert of the group that is not a dependent fires) or not. The
    /// destination must keep muting the dependents as long as they fire, as the board does: so
    /// the resolved of a group's last alert that is not a dependent is held back (the alert is
    /// still reminded as firing) until the group's last dependent resolves; then it is queued,
    /// with the time it really ended.
    public enum Standing: Sendable, Equatable {
        /// The alert with this key fires; `payload` is what reminds the destination of it.
        case fire(key: String, payload: Data, group: String, dependent: Bool)
        /// The alert with this key no longer fires; the item's payload is its resolved.
        case resolve(key: String)
    }

    public var destination: String
    public var deliveryID: String
    public var payload: Data
    public var standing: Standing?

    public init(destination: String, deliveryID: String, payload: Data, standing: Standing? = nil) {
        self.destination = destination
        self.deliveryID = deliveryID
        self.payload = payload
        self.standing = standing
    }
}

extension HistoryStore {
    /// Puts `items` in the outbox in one transaction, in order: once this returns, they survive
    /// a crash and wait for ``removeDelivered(_:)``. A resolved may be held back for its group's
    /// dependents (``OutboxItem/Standing``).
    public func enqueue(_ items: [OutboxItem], now: Date) throws(HistoryError) {
        guard !items.isEmpty else { return }
        do {
            try queue.write { db in
                let insert = try db.cachedStatement(
                    sql: """
                        INSERT INTO outbox (destination, delivery_id, payload, created, attempts) VALUES (?, ?, ?, ?, 0)
                        """)
                for item in items {
                    switch item.standing {
                    case .fire(let key, let payload, let group, let dependent):
                        try db.execute(
                            sql: """
                                INSERT INTO outbox_firing (destination, alert_key, payload, grouping, dependent)
                                VALUES (?, ?, ?, ?, ?)
                                ON CONFLICT (destination, alert_key) DO UPDATE SET payload = excluded.payload,
                                    grouping = excluded.grouping, dependent = excluded.dependent,
                                    resolved_id = NULL, resolved_payload = NULL
                                """,
                            arguments: [item.destination, key, payload, group, dependent])
                    case .resolve(let key):
                        let row = try Row.fetchOne(
                            db,
                            sql:
                                "SELECT grouping, dependent FROM outbox_firing WHERE destination = ? AND alert_key = ?",
                            arguments: [item.destination, key])
                        let group: String? = row?[0]
                        let dependent: Bool = row?[1] ?? false
                        if let group, !dependent,
                            try Self.dependentsFiring(db, destination: item.destination, group: group) > 0
                        {
                            // Held back: its victims still fire and must stay muted.
                            try db.execute(
                                sql: "UPDATE outbox_firing SET resolved_id = ?, resolved_payload = ? "
                                    + "WHERE destination = ? AND alert_key = ?",
                                arguments: [item.deliveryID, item.payload, item.destination, key])
                            continue
                        }
                        try db.execute(
                            sql: "DELETE FROM outbox_firing WHERE destination = ? AND alert_key = ?",
                            arguments: [item.destination, key])
                        try insert.execute(arguments: [
                            item.destination, item.deliveryID, item.payload,
                            now.timeIntervalSince1970,
                        ])
                        if let group, dependent,
                            try Self.dependentsFiring(db, destination: item.destination, group: group) == 0
                        {
                            try Self.release(db, destination: item.destination, group: group, now: now)
                        }
                        continue
                    case nil:
                        break
                    }
                    try insert.execute(arguments: [
                        item.destination, item.deliveryID, item.payload,
                        now.timeIntervalSince1970,
                    ])
                }
            }
        } catch {
            throw HistoryError("\(path): cannot write the delivery outbox: \(Self.shortSQLiteMessage(error))")
        }
    }

    private static func dependentsFiring(_ db: Database, destination: String, group: String) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM outbox_firing WHERE destination = ? AND grouping = ? AND dependent = 1",
            arguments: [destination, group]) ?? 0
    }

    /// Queues the held-back resolveds of `group` (its last dependent resolved).
    private static func release(_ db: Database, destination: String, group: String, now: Date) throws {
        let held = try Row.fetchAll(
            db,
            sql: """
                SELECT alert_key, resolved_id, resolved_payload FROM outbox_firing
                WHERE destination = ? AND grouping = ? AND resolved_payload IS NOT NULL ORDER BY alert_key
                """,
            arguments: [destination, group])
        for row in held {
            let key: String = row[0]
            let id: String = row[1]
            let payload: Data = row[2]
            try db.execute(
                sql: "INSERT INTO outbox (destination, delivery_id, payload, created, attempts) VALUES (?, ?, ?, ?, 0)",
                arguments: [destination, id, payload, now.timeIntervalSince1970])
            try db.execute(
                sql: "DELETE FROM outbox_firing WHERE destination = ? AND alert_key = ?",
                arguments: [destination, key])
        }
    }

    /// Resolveds held back for their group's dependents, by destination.
    public func heldResolvedCounts() throws(HistoryError) -> [String: Int] {
        do {
            return try queue.read { db in
                var out: [String: Int] = [:]
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT destination, COUNT(*) FROM outbox_firing WHERE resolved_payload IS NOT NULL
                        GROUP BY destination
                        """)
                {
                    out[row[0]] = row[1]
                }
                return out
            }
        } catch {
            throw HistoryError("\(path): cannot read the delivery outbox: \(Self.shortSQLiteMessage(error))")
        }
    }

    /// The oldest entries waiting for `destination`, in order of arrival.
    public func pending(destination: String, limit: Int = 500) throws(HistoryError) -> [OutboxEntry] {
        do {
            return try queue.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, delivery_id, payload, created, attempts FROM outbox
                        WHERE destination = ? ORDER BY id LIMIT ?
                        """,
                    arguments: [destination, limit]
                ).map { row in
                    OutboxEntry(
                        id: row[0], destination: destination, deliveryID: row[1], payload: row[2],
                        created: Date(timeIntervalSince1970: row[3]), attempts: row[4])
                }
            }
        } catch {
            throw HistoryError("\(path): cannot read the delivery outbox: \(Self.shortSQLiteMessage(error))")
        }
    }

    /// Entries waiting, by destination (also destinations no longer configured).
    public func pendingCounts() throws(HistoryError) -> [String: Int] {
        do {
            return try queue.read { db in
                var out: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT destination, COUNT(*) FROM outbox GROUP BY destination") {
                    out[row[0]] = row[1]
                }
                return out
            }
        } catch {
            throw HistoryError("\(path): cannot read the delivery outbox: \(Self.shortSQLiteMessage(error))")
        }
    }

    /// The reminders of the alerts firing at `destination`, ordered by key.
    public func firing(destination: String) throws(HistoryError) -> [Data] {
        do {
            return try queue.read { db in
                try Data.fetchAll(
                    db, sql: "SELECT payload FROM outbox_firing WHERE destination = ? ORDER BY alert_key",
                    arguments: [destination])
            }
        } catch {
            throw HistoryError("\(path): cannot read the delivery outbox: \(Self.shortSQLiteMessage(error))")
        }
    }

    /// Takes acknowledged entries out of the outbox.
    public func removeDelivered(_ ids: [Int64]) throws(HistoryError) {
        guard !ids.isEmpty else { return }
        do {
            try queue.write { db in
                let delete = try db.cachedStatement(sql: "DELETE FROM outbox WHERE id = ?")
                for id in ids { try delete.execute(arguments: [id]) }
            }
        } catch {
            throw HistoryError("\(path): cannot write the delivery outbox: \(Self.shortSQLiteMessage(error))")
        }
    }

    /// Counts a failed attempt on each entry.
    public func recordFailedAttempt(_ ids: [Int64]) throws(HistoryError) {
        guard !ids.isEmpty else { return }
        do {
            try queue.write { db in
                let update = try db.cachedStatement(sql: "UPDATE outbox SET attempts = attempts + 1 WHERE id = ?")
                for id in ids { try update.execute(arguments: [id]) }
            }
        } catch {
            throw HistoryError("\(path): cannot write the delivery outbox: \(Self.shortSQLiteMessage(error))")
        }
    }
}

extension HistoryStore {
    /// The reminder of one alert firing at `destination`, or `nil`.
    public func firing(destination: String, key: String) throws(HistoryError) -> Data? {
        do {
            return try queue.read { db in
                try Data.fetchOne(
                    db, sql: "SELECT payload FROM outbox_firing WHERE destination = ? AND alert_key = ?",
                    arguments: [destination, key])
            }
        } catch {
            throw HistoryError("\(path): cannot read the delivery outbox: \(Self.shortSQLiteMessage(error))")
        }
    }
}
