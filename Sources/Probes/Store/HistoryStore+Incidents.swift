import Foundation
import GRDB

extension HistoryStore {
    private static let recordEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    /// Upserts `records` whole (inside a batch's transaction).
    static func write(_ records: [IncidentRecord], in db: Database) throws {
        guard !records.isEmpty else { return }
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO incidents (id, root, onset, closed, record) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                    root = excluded.root, onset = excluded.onset, closed = excluded.closed, record = excluded.record
                """)
        for record in records {
            try upsert.execute(arguments: [
                record.id, record.root, record.onset.timeIntervalSince1970, record.closed?.timeIntervalSince1970,
                try recordEncoder.encode(record),
            ])
        }
    }

    /// The incidents still open, and those that closed at or after `date`, oldest onset first.
    /// A row that cannot be decoded (written by a later version) is skipped.
    public func incidents(since date: Date) throws(HistoryError) -> [IncidentRecord] {
        do {
            return try queue.read { db in
                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = .secondsSince1970
                return try Data.fetchAll(
                    db, sql: "SELECT record FROM incidents WHERE closed IS NULL OR closed >= ? ORDER BY onset",
                    arguments: [date.timeIntervalSince1970]
                ).compactMap { try? decoder.decode(IncidentRecord.self, from: $0) }
            }
        } catch {
            throw HistoryError("\(path): cannot read history: \(Self.shortSQLiteMessage(error))")
        }
    }

    /// Every incident id stored, so a new incident never takes one.
    public func incidentIDs() throws(HistoryError) -> Set<String> {
        do {
            return try queue.read { db in Set(try String.fetchAll(db, sql: "SELECT id FROM incidents")) }
        } catch {
            throw HistoryError("\(path): cannot read history: \(Self.shortSQLiteMessage(error))")
        }
    }
}
