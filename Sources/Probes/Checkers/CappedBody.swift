/// A response body read up to a cap, so memory stays bounded whatever the server sends.
package struct CappedBody: Sendable, Equatable {
    /// The bytes kept (empty when the caller did not ask to keep them).
    package var bytes: [UInt8]
    /// Bytes received in total.
    package var count: Int

    /// Reads `body` chunk by chunk and stops at the first chunk that takes it past `cap`,
    /// throwing ``ProbeFailure/bodyTooLarge(_:)``: at most `cap` plus one chunk is ever read.
    /// - Parameter keep: whether to keep the bytes (only conditions on `[BODY]` need them).
    package static func read<Body: AsyncSequence>(_ body: Body, cap: Int, keep: Bool) async throws -> CappedBody
    where Body.Element: Collection, Body.Element.Element == UInt8 {
        var result = CappedBody(bytes: [], count: 0)
        for try await chunk in body {
            result.count += chunk.count
            if result.count > cap { throw ProbeFailure.bodyTooLarge(cap) }
            if keep { result.bytes.append(contentsOf: chunk) }
        }
        return result
    }
}
