import Foundation
import Testing

@testable import Probes

private struct DescribedError: Error, CustomStringConvertible {
    var description: String
}

@Suite("HTTP checker: failure texts")
struct HTTPCheckerClassificationTests {
    @Test func socketErrorsMapToKinds() {
        func classify(_ code: Int32) -> ProbeFailure { ProbeFailure.classify(errno: code, timeout: .seconds(2)) }
        #expect(classify(ECONNREFUSED) == ProbeFailure(.refused, "connection refused"))
        #expect(classify(ECONNRESET) == ProbeFailure(.reset, "connection reset"))
        #expect(classify(EPIPE).kind == .reset)
        #expect(classify(ETIMEDOUT) == ProbeFailure(.timeout, "timeout after 2000 ms"))
        #expect(classify(EHOSTUNREACH).kind == .dns)
        #expect(classify(EINVAL) == ProbeFailure(.other, "socket error \(EINVAL)"))
        // This machine's limits are named as such, not as the upstream's failure.
        #expect(classify(EACCES) == ProbeFailure(.other, "socket error 13: permission denied on this machine"))
        #expect(classify(EMFILE).message.hasSuffix("too many open files on this machine"))
        #expect(classify(ENOBUFS).message.hasSuffix("out of memory for sockets on this machine"))
    }

    @Test func timeoutTextUsesTheProbeTimeout() {
        #expect(ProbeFailure.timeout(.milliseconds(250)).message == "timeout after 250 ms")
        #expect(ProbeFailure.timeout(.seconds(3)).message == "timeout after 3000 ms")
    }

    @Test func boringSSLReasonIsShortened() {
        let error = DescribedError(
            description: """
                handshakeFailed(sslError([Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:\
                CERTIFICATE_VERIFY_FAILED at /src/handshake.cc:393]))
                """)
        #expect(ProbeFailure.tlsReason(error) == "certificate verify failed")
        let eof = DescribedError(description: "handshakeFailed(sslError([Error:  EOF during handshake]))")
        #expect(ProbeFailure.tlsReason(eof) == "connection closed during handshake")
        #expect(ProbeFailure.tlsReason(DescribedError(description: "odd")) == "handshake failed")
    }

    @Test func cancellationAndUnknownErrorsAreOther() {
        #expect(ProbeFailure.classify(CancellationError(), timeout: .seconds(1)).kind == .other)
        let long = DescribedError(description: String(repeating: "z", count: 500) + "\nsecond line")
        let failure = ProbeFailure.classify(long, timeout: .seconds(1))
        #expect(failure.kind == .other)
        #expect(failure.message.count <= 120)
        #expect(!failure.message.contains("\n"))
    }

    @Test func classifiedFailuresPassThrough() {
        let failure = ProbeFailure(.redirects, "redirect loop")
        #expect(ProbeFailure.classify(failure, timeout: .seconds(1)) == failure)
    }
}
