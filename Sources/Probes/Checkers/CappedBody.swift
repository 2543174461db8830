/// A response body read up to a cap, so memory stays bounded whatever the server sends.
package struct CappedBody: Sendable, Equatable {
    /// The bytes kept (empty when the caller did not ask to keep them).
    package var bytes: [UInt8]
    /// Bytes received in total.
    package var count: Int

    /// Takes one chunk; throws ``ProbeFailure/bodyTooLarge(_:)`` at the first chunk that takes
    /// the body past `cap`, so at most `cap` plus one chunk is ever read.
    /// - Parameter keep: whether to keep the bytes (only conditions on `[BODY]` need them).
    package mutating func append<Chunk: Collection>(_ chunk: Chunk, cap: Int, keep: Bool) throws
    where Chunk.Element == UInt8 {
        count += chunk.count
        if count > cap { throw ProbeFailure.bodyTooLarge(cap) }
        if keep { bytes.append(contentsOf: chunk) }
    }

    /// Reads `body` chunk by chunk with ``append(_:cap:keep:)``.
    package static func read<Body: AsyncSequence>(_ body: Body, cap: Int, keep: Bool) async throws -> CappedBody
    where Body.Element: Collection, Body.Element.Element == UInt8 {
        var result = CappedBody(bytes: [], count: 0)
        for try await chunk in body {
            try result.append(chunk, cap: cap, keep: keep)
        }
        return result
    }
}
