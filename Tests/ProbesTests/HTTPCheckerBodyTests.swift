import Foundation
import Testing

@testable import Probes

/// An endless body that counts how many chunks were taken from it.
private struct EndlessChunks: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let chunk: [UInt8]
    let taken: TakenCounter

    struct AsyncIterator: AsyncIteratorProtocol {
        let chunk: [UInt8]
        let taken: TakenCounter
        mutating func next() async -> [UInt8]? {
            taken.increment()
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunk: chunk, taken: taken) }
}

private final class TakenCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}

@Suite("HTTP checker: capped body reading")
struct HTTPCheckerBodyTests {
    @Test func endlessBodyIsReadToTheCapPlusOneChunkAndNoFurther() async throws {
        let taken = TakenCounter()
        let body = EndlessChunks(chunk: [UInt8](repeating: 7, count: 4096), taken: taken)
        await #expect(throws: ProbeFailure.bodyTooLarge(10_000)) {
            _ = try await CappedBody.read(body, cap: 10_000, keep: true)
        }
        // 3 chunks make 12288 bytes, the first total over 10000.
        #expect(taken.value == 3)
    }

    @Test func bodyWithinTheCapIsKeptWhenAsked() async throws {
        let chunks = [Array("hello ".utf8), Array("world".utf8)]
        let kept = try await CappedBody.read(chunks.async, cap: 11, keep: true)
        #expect(kept.bytes == Array("hello world".utf8))
        #expect(kept.count == 11)
        let counted = try await CappedBody.read(chunks.async, cap: 11, keep: false)
        #expect(counted.bytes.isEmpty)
        #expect(counted.count == 11)
    }

    @Test func emptyBodyIsFine() async throws {
        let read = try await CappedBody.read([[UInt8]]().async, cap: 0, keep: true)
        #expect(read == CappedBody(bytes: [], count: 0))
    }

    @Test func oneByteOverTheCapFails() async throws {
        await #expect(throws: ProbeFailure.bodyTooLarge(4)) {
            _ = try await CappedBody.read([Array("12345".utf8)].async, cap: 4, keep: false)
        }
    }
}

extension Array where Element: Sendable {
    /// The elements as an async sequence.
    fileprivate var async: AsyncStream<Element> {
        AsyncStream { continuation in
            for element in self { continuation.yield(element) }
            continuation.finish()
        }
    }
}
