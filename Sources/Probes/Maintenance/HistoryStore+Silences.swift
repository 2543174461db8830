import Foundation
import GRDB

extension HistoryStore {
    /// How long an ended silence stays listed (and kept) before it is deleted.
    public static let endedSilencesKept: TimeInterval = 7 * 86_400

    /// Adds a silence in a transaction of its own (an agent may hold the state file: the agent's
    /// lock is per agent; SQLite serialises writers).
    public func addSilence(_ silence: Silence) throws(HistoryError) {
        try writeSilences { db in
            try db.execute(
                sql: """
                    INSERT INTO silences (id, service, created_by, created_at, ends_at, reason, alertmanager_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    silence.id, silence.service, silence.createdBy, silence.createdAt.timeIntervalSince1970,
                    silence.endsAt.timeIntervalSince1970, silence.reason, silence.alertmanagerID,
                ])
            try db.execute(
                sql: "DELETE FROM silences WHERE ends_at < ?",
                arguments: [silence.createdAt.timeIntervalSince1970 - Self.endedSilencesKept])
            return true
        }
    }

    /// Ends a silence at `now`. Returns it as it was, or `nil` when there is no silence `id`.
    @discardableResult
    public func expireSilence(id: String, now: Date) throws(HistoryError) -> Silence? {
        var found: Silence?
        try writeSilences { db in
            guard let row = try Row.fetchOne(db, sql: Self.silenceSelect + " WHERE id = ?", arguments: [id]) else {
                return false
            }
            let silence = Self.silence(row)
            found = silence
            guard silence.endsAt > now else { return false }
            try db.execute(
                sql: "UPDATE silences SET ends_at = ? WHERE id = ?",
                arguments: [now.timeIntervalSince1970, id])
            return true
        }
        return found
    }

    /// Records the id Alertmanager gave a silence's copy.
    public func setAlertmanagerID(_ alertmanagerID: String, ofSilence id: String) throws(HistoryError) {
        try writeSilences { db in
            try db.execute(
                sql: "UPDATE silences SET alertmanager_id = ? WHERE id = ?", arguments: [alertmanagerID, id])
            return db.changesCount > 0
        }
    }

    /// Every silence kept, ordered by start.
    public func silences() throws(HistoryError) -> [Silence] {
        do {
            return try queue.read { db in
                try Row.fetchAll(db, sql: Self.silenceSelect + " ORDER BY created_at, id").map(Self.silence)
            }
        } catch {
            throw HistoryError("\(path): cannot read silences: \(Self.shortSQLiteMessage(error))")
        }
    }

    /// A number that changes whenever a silence is added, expired or changed: an agent reads it
    /// every couple of seconds and reloads the silences only when it moved.
    public func silencesRevision() throws(HistoryError) -> Int64 {
        do {
            return try queue.read { db in
                try Int64.fetchOne(db, sql: "SELECT revision FROM silences_revision WHERE only = 0") ?? 0
            }
        } catch {
            throw HistoryError("\(path): cannot read silences: \(Self.shortSQLiteMessage(error))")
        }
    }

    private static let silenceSelect =
        "SELECT id, service, created_by, created_at, ends_at, reason, alertmanager_id FROM silences"

    private static func silence(_ row: Row) -> Silence {
        Silence(
            id: row[0], service: row[1], createdBy: row[2], createdAt: Date(timeIntervalSince1970: row[3]),
            endsAt: Date(timeIntervalSince1970: row[4]), reason: row[5], alertmanagerID: row[6])
    }

    /// Runs `change` in one write transaction, bumping the revision when it says it changed something.
    private func writeSilences(_ change: (Database) throws -> Bool) throws(HistoryError) {
        do {
            try queue.write { db in
                if try change(db) {
                    try db.execute(sql: "UPDATE silences_revision SET revision = revision + 1 WHERE only = 0")
                }
            }
        } catch {
            throw HistoryError(
                "\(path): cannot write silences: \(Self.shortSQLiteMessage(error))",
                kind: HistoryError.kind(of: error))
        }
    }
}
