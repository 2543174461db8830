import Foundation

/// One probe result in 16 bytes: what the detail pane's recent list and the sparkline show, with
/// no strings. The error text is an index into its service's few distinct messages (or rebuilt
/// from the latency, for a slow answer), so a result costs the same whatever it said.
struct RecentRecord: Sendable, Equatable {
    /// Start of the probe, milliseconds since 1970.
    var startedAtMillis: Int64
    /// Time to the result in microseconds, saturated at about 71 minutes.
    var latencyMicros: UInt32
    /// HTTP status of the final response, 0 when there was none.
    var httpStatus: UInt16
    /// ``ProbeStatus`` in the low 2 bits, the ``FailureKind`` + 1 (0 for none) in the next 4.
    var statusAndFailure: UInt8
    /// What the error text was: ``RecentResults/noError``, ``RecentResults/slowError``, or a
    /// message slot + ``RecentResults/firstSlot``; ``RecentResults/lostError`` when no slot was free.
    var error: UInt8
}

/// The latest results of one service (at most ``capacity``), as fixed-size records in a ring,
/// plus up to ``slots`` distinct error texts they refer to.
///
/// The full last result (with perfdata and its exact text) is kept by the Monitor beside this;
/// here a service that fails the same way sixty times keeps its text once.
struct RecentResults: Sendable {
    /// Results kept per service.
    static let capacity = 60
    /// Distinct error texts kept per service.
    static let slots = 4

    static let noError: UInt8 = 0
    /// A `degraded` result whose text was the runner's "slow: N ms over M ms threshold".
    static let slowError: UInt8 = 1
    /// An error whose text could not be kept (every slot in use by other texts).
    static let lostError: UInt8 = 2
    static let firstSlot: UInt8 = 3

    private static let statuses = ProbeStatus.allCases
    private static let failures: [FailureKind] = [
        .timeout, .refused, .reset, .dns, .tls, .protocolError, .bodyTooLarge, .redirects, .condition, .command, .other,
    ]

    /// Oldest first until full, then a ring whose oldest record is at ``head``.
    private var records: [RecentRecord] = []
    private var head = 0
    private var messages: [String] = []

    init() {}

    var count: Int { records.count }

    /// Bytes on the heap: the records' and messages' storage (texts longer than 15 bytes add
    /// their own allocation).
    var heapBytes: Int {
        (records.isEmpty ? 0 : 32 + records.capacity * MemoryLayout<RecentRecord>.stride)
            + (messages.isEmpty ? 0 : 32 + messages.capacity * MemoryLayout<String>.stride)
    }

    /// Appends a result, dropping the oldest beyond ``capacity``.
    mutating func append(_ result: ProbeResult, threshold: Duration) {
        let record = encode(result, threshold: threshold)
        if records.count < Self.capacity {
            if records.isEmpty { records.reserveCapacity(Self.capacity) }
            records.append(record)
        } else {
            records[head] = record
            head = (head + 1) % Self.capacity
        }
    }

    /// The kept results, oldest first, as full values for the snapshot.
    func results(service: String, threshold: Duration) -> [ProbeResult] {
        var out: [ProbeResult] = []
        out.reserveCapacity(records.count)
        forEach { out.append(decode($0, service: service, threshold: threshold)) }
        return out
    }

    /// Latencies of the kept results that were available (up or degraded), oldest first: the
    /// per-probe sparkline, from the same records as the recent list.
    func availableLatencies() -> [Duration] {
        var out: [Duration] = []
        out.reserveCapacity(records.count)
        forEach { record in
            if ProbeStatus.isAvailableCode(record.statusAndFailure & 0x3) {
                out.append(.microseconds(Int64(record.latencyMicros)))
            }
        }
        return out
    }

    private func forEach(_ body: (RecentRecord) -> Void) {
        for i in 0..<records.count { body(records[(head + i) % records.count]) }
    }

    // MARK: Encoding

    private mutating func encode(_ result: ProbeResult, threshold: Duration) -> RecentRecord {
        let millis = result.startedAt.timeIntervalSince1970 * 1000
        let status = UInt8(Self.statuses.firstIndex(of: result.status) ?? 0)
        let failure = result.failure.flatMap { Self.failures.firstIndex(of: $0) }.map { UInt8($0 + 1) } ?? 0
        var record = RecentRecord(
            startedAtMillis: millis.isFinite ? Int64(max(min(millis, 1e15), -1e15).rounded(.down)) : 0,
            latencyMicros: UInt32(clamping: SLIWindow.microseconds(result.latency)),
            httpStatus: UInt16(clamping: max(0, result.httpStatus ?? 0)),
            statusAndFailure: status | failure << 2, error: Self.noError)
        if let error = result.error {
            if error == Self.slowText(latencyMicros: record.latencyMicros, threshold: threshold) {
                record.error = Self.slowError
            } else {
                record.error = slot(for: error)
            }
        }
        return record
    }

    /// The slot of `text`, taking a free one (a slot no kept record refers to) when it is new.
    private mutating func slot(for text: String) -> UInt8 {
        if let i = messages.firstIndex(of: text) { return Self.firstSlot + UInt8(i) }
        if messages.count < Self.slots {
            messages.append(text)
            return Self.firstSlot + UInt8(messages.count - 1)
        }
        // The record about to be overwritten (the oldest, when full) no longer holds its slot.
        var used = [Bool](repeating: false, count: Self.slots)
        let skipOldest = records.count == Self.capacity
        for (i, record) in records.enumerated() where !(skipOldest && i == head) {
            if record.error >= Self.firstSlot { used[Int(record.error - Self.firstSlot)] = true }
        }
        guard let free = used.firstIndex(of: false) else { return Self.lostError }
        messages[free] = text
        return Self.firstSlot + UInt8(free)
    }

    private func decode(_ record: RecentRecord, service: String, threshold: Duration) -> ProbeResult {
        let status = Self.statuses[Int(record.statusAndFailure & 0x3)]
        let failureCode = Int(record.statusAndFailure >> 2)
        let failure = failureCode == 0 || failureCode > Self.failures.count ? nil : Self.failures[failureCode - 1]
        let error: String?
        switch record.error {
        case Self.noError: error = nil
        case Self.slowError: error = Self.slowText(latencyMicros: record.latencyMicros, threshold: threshold)
        case Self.lostError: error = Self.describe(failure, httpStatus: record.httpStatus)
        default:
            let i = Int(record.error - Self.firstSlot)
            error = i < messages.count ? messages[i] : Self.describe(failure, httpStatus: record.httpStatus)
        }
        return ProbeResult(
            service: service, startedAt: Date(timeIntervalSince1970: Double(record.startedAtMillis) / 1000),
            status: status, latency: .microseconds(Int64(record.latencyMicros)), error: error, failure: failure,
            httpStatus: record.httpStatus == 0 ? nil : Int(record.httpStatus))
    }

    /// The runner's text for an answer over the latency threshold (``LiveProbeRunner``).
    private static func slowText(latencyMicros: UInt32, threshold: Duration) -> String {
        let ms = Int((Double(latencyMicros) / 1000).rounded())
        return "slow: \(ms) ms over \(Int(threshold.milliseconds.rounded())) ms threshold"
    }

    /// A text for an error whose own words were not kept.
    private static func describe(_ failure: FailureKind?, httpStatus: UInt16) -> String {
        switch failure {
        case .condition? where httpStatus != 0: "HTTP \(httpStatus)"
        case .timeout?: "timeout"
        case .refused?: "connection refused"
        case .reset?: "connection reset"
        case .dns?: "name not resolved"
        case .tls?: "TLS failure"
        case .protocolError?: "protocol error"
        case .bodyTooLarge?: "body too large"
        case .redirects?: "too many redirects"
        case .condition?: "condition failed"
        case .command?: "command failed"
        case .other?, nil: "failed"
        }
    }
}

extension ProbeStatus {
    /// Whether the status at `code` (its index in `allCases`) counts as available.
    static func isAvailableCode(_ code: UInt8) -> Bool {
        let all = allCases
        return Int(code) < all.count && all[Int(code)].isAvailable
    }
}
