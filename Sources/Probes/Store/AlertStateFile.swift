import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The alert states, kept a second time in a small file beside the history (`<history>.alerts`)
/// whose space is reserved when it is made, so a full disk cannot stop them being written.
///
/// Why: the history holds what the agent has told (which alerts fire, which resolve). When the
/// disk is full, those writes wait in memory with the counts (``HistoryBacklog``); a kill -9 then
/// loses them, and the agent that starts next believes the last state the disk held: it stays
/// silent about a resolve it already printed, or about a failure it thinks it already paged.
/// This file is rewritten in place, so no block has to be found on the disk for it.
///
/// Two slots, each with a sequence number and a checksum, written in turn: a write torn by a kill
/// leaves the other slot, one change older, to read. The history records the sequence of the last
/// states it wrote too; a restore takes whichever is newer (``HistoryStore/alertStates()``), and
/// ignores a file that belongs to another history (the history's `instance` id is in it).
final class AlertStateFile: Sendable {
    /// The smallest slot: room for the alert states of a few hundred firing alerts.
    static let minimumSlot = 64 * 1024
    /// magic (4) + reserved (4) + sequence (8) + length (4) + checksum (4).
    static let headerSize = 24
    private static let magic: [UInt8] = Array("IBA1".utf8)

    /// What one slot holds.
    struct Contents: Equatable {
        var instance: String
        var sequence: UInt64
        var states: [String: Data]
    }

    private struct Payload: Codable {
        var instance: String
        var states: [String: Data]
    }

    let path: String
    private let slotSize = Mutex<Int>(0)

    init(path: String) { self.path = path }

    // MARK: Reading

    /// The newest intact slot of the file, or `nil` when there is no file or no intact slot.
    static func read(path: String) -> Contents? {
        guard let data = FileManager.default.contents(atPath: path), data.count >= 2 * headerSize,
            data.count % 2 == 0
        else { return nil }
        let slot = data.count / 2
        let bytes = [UInt8](data)
        let found = [0, slot].compactMap { decode(bytes[$0..<($0 + slot)]) }
        return found.max { $0.sequence < $1.sequence }
    }

    private static func decode(_ slot: ArraySlice<UInt8>) -> Contents? {
        let base = slot.startIndex
        guard Array(slot[base..<(base + 4)]) == magic else { return nil }
        let sequence = integer(slot, at: base + 8, bytes: 8)
        let length = Int(integer(slot, at: base + 16, bytes: 4))
        let checksum = UInt32(integer(slot, at: base + 20, bytes: 4))
        guard length <= slot.count - headerSize else { return nil }
        let body = slot[(base + headerSize)..<(base + headerSize + length)]
        guard Self.checksum(body) == checksum,
            let payload = try? JSONDecoder().decode(Payload.self, from: Data(body))
        else { return nil }
        return Contents(instance: payload.instance, sequence: sequence, states: payload.states)
    }

    private static func integer(_ bytes: ArraySlice<UInt8>, at offset: Int, bytes count: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in (0..<count).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
        return value
    }

    /// The low half of FNV-1a (``ProbeOffsets/fnv1a64(bytes:)``): enough to tell a torn or stale
    /// slot from a whole one.
    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        UInt32(truncatingIfNeeded: ProbeOffsets.fnv1a64(bytes: bytes))
    }

    // MARK: Writing

    /// Writes `contents` into the slot its sequence names. Grows the file (a new file renamed over
    /// the old) when the states outgrew their slot; that growth is the only step that needs free
    /// space.
    /// - Returns: `nil` when written, else why not.
    func write(_ contents: Contents) -> String? {
        guard let body = try? JSONEncoder().encode(Payload(instance: contents.instance, states: contents.states))
        else { return "cannot encode the alert states" }
        var record = Self.magic + [0, 0, 0, 0]
        record += Self.littleEndian(contents.sequence, bytes: 8)
        record += Self.littleEndian(UInt64(body.count), bytes: 4)
        record += Self.littleEndian(UInt64(Self.checksum(body)), bytes: 4)
        record += body
        return slotSize.withLock { slot -> String? in
            if slot == 0 {
                var status = stat()
                if stat(path, &status) == 0, status.st_size >= 2 * Self.minimumSlot, status.st_size % 2 == 0 {
                    slot = Int(status.st_size / 2)
                }
            }
            if record.count > slot {
                var size = Self.minimumSlot
                while size < 2 * record.count { size *= 2 }
                if let problem = grow(to: size, first: record, sequence: contents.sequence) { return problem }
                slot = size
                return nil
            }
            return Self.write(record, to: path, offset: Int(contents.sequence % 2) * slot, create: false, size: 0)
        }
    }

    /// A new file of two `size` slots, `first` in its slot, renamed over the old one.
    private func grow(to size: Int, first record: [UInt8], sequence: UInt64) -> String? {
        let temporary = path + ".new"
        if let problem = Self.write(
            record, to: temporary, offset: Int(sequence % 2) * size, create: true,
            size: 2 * size)
        {
            unlink(temporary)
            return problem
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return "\(path): cannot replace the alert-state file: \(reason)"
        }
        return nil
    }

    private static func write(_ record: [UInt8], to path: String, offset: Int, create: Bool, size: Int) -> String? {
        let flags = create ? (O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC) : (O_WRONLY | O_CLOEXEC)
        let fd = open(path, flags, 0o600)
        guard fd >= 0 else { return "\(path): cannot open the alert-state file: \(String(cString: strerror(errno)))" }
        defer { close(fd) }
        if create {
            // Reserve every byte now: later writes land in blocks the file already owns.
            let reserved = posix_fallocate(fd, 0, off_t(size))
            guard reserved == 0 else {
                return
                    "\(path): cannot reserve \(size / 1024) KB for the alert states: \(String(cString: strerror(reserved)))"
            }
        }
        var written = 0
        while written < record.count {
            let n = record.withUnsafeBytes { raw in
                pwrite(fd, raw.baseAddress.map { $0 + written }, record.count - written, off_t(offset + written))
            }
            if n < 0 {
                if errno == EINTR { continue }
                return "\(path): cannot write the alert states: \(String(cString: strerror(errno)))"
            }
            written += n
        }
        guard fdatasync(fd) == 0 else {
            return "\(path): cannot sync the alert states: \(String(cString: strerror(errno)))"
        }
        return nil
    }

    private static func littleEndian(_ value: UInt64, bytes count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }
}
