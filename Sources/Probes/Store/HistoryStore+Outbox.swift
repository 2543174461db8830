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
    public enum Standing: Sendable, Equatable {
        /// The alert with this key fires; `payload` is what reminds the destination of it.
        case fire(key: String, payload: Data)
        /// The alert with this key no longer fires.
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
    /// a crash and wait for ``removeDelivered(_:)``.
    public func enqueue(_ items: [OutboxItem], now: Date) throws(HistoryError) {
        guard !items.isEmpty else { return }
        do {
            try queue.write { db in
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO outbox (destination, delivery_id, payload, created, attempts) VALUES (?, ?, ?, ?, 0)
                    """)
                for item in items {
                    try insert.execute(arguments: [item.destination, item.deliveryID, item.payload,
                                                   now.timeIntervalSince1970])
                    switch item.standing {
                    case .fire(let key, let payload):
                        try db.execute(
                            sql: "INSERT INTO outbox_firing (destination, alert_key, payload) VALUES (?, ?, ?) "
                                + "ON CONFLICT (destination, alert_key) DO UPDATE SET payload = excluded.payload",
                            arguments: [item.destination, key, payload])
                    case .resolve(let key):
                        try db.execute(sql: "DELETE FROM outbox_firing WHERE destination = ? AND alert_key = ?",
                                       arguments: [item.destination, key])
                    case nil:
                        break
                    }
                }
            }
        } catch {
            throw HistoryError("\(path): cannot write the delivery outbox: \(Self.shortSQLiteMessage(error))")
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
                    OutboxEntry(id: row[0], destination: destination, deliveryID: row[1], payload: row[2],
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
