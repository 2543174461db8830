import Foundation
import Testing

@testable import Dashboard

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Standard error while the board is up")
struct StandardErrorCaptureTests {
    @Test("stderr is held back until finish, then written out in order")
    func heldBack() throws {
        // Stand in for the terminal: point fd 2 at a file of our own for the length of the test.
        let path = NSTemporaryDirectory() + "stderr-capture-\(UUID().uuidString)"
        let sink = open(path, O_CREAT | O_RDWR | O_TRUNC, 0o600)
        try #require(sink >= 0)
        let original = dup(STDERR_FILENO)
        dup2(sink, STDERR_FILENO)
        defer {
            dup2(original, STDERR_FILENO)
            close(original)
            close(sink)
            unlink(path)
        }
        func written() -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

        let capture = StandardErrorCapture()
        FileHandle.standardError.write(Data("incidentboard: history write failed\n".utf8))
        FileHandle.standardError.write(Data("second line\n".utf8))
        #expect(!written().contains("history write failed"))
        capture.finish()
        #expect(written().contains("incidentboard: history write failed\nsecond line\n"))
        capture.finish()
        FileHandle.standardError.write(Data("after\n".utf8))
        #expect(written().hasSuffix("after\n"))
    }
}
