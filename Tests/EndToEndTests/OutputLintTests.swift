import Foundation
import Testing

/// Foundation's `FileHandle.write(_:)` traps on any write error (a reader that left, a full disk):
/// one call on stdout or stderr and an agent dies for its consumer's sake. The sources write
/// through `write(contentsOf:)`, which throws, or POSIX `write` with its errno (issue 16).
@Suite("Output lint: no trapping FileHandle writes")
struct OutputLintTests {
    /// `<something FileHandle-like>.write(` not followed by `contentsOf:`.
    static let trapping = try? NSRegularExpression(
        pattern:
            #"(FileHandle\.\w+|[hH]andle\w*|fileHandleFor\w+|standard(Output|Error))\s*\.write\((?!\s*contentsOf:)"#)

    static func sources() -> [URL] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        return (walker?.allObjects as? [URL] ?? []).filter { $0.pathExtension == "swift" }
    }

    static func offences(in text: String) -> [String] {
        guard let trapping else { return ["the pattern does not compile"] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { number, line in
            let code =
                line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let range = NSRange(code.startIndex..., in: code)
            return trapping.firstMatch(in: code, range: range) == nil ? nil : "\(number + 1): \(line)"
        }
    }

    @Test func theLintFindsTheTrappingForm() {
        #expect(!Self.offences(in: "FileHandle.standardOutput.write(Data(text.utf8))").isEmpty)
        #expect(!Self.offences(in: "FileHandle.standardError.write(data)").isEmpty)
        #expect(!Self.offences(in: "handle.write(data)").isEmpty)
        #expect(!Self.offences(in: "pipe.fileHandleForWriting.write(bytes)").isEmpty)
        #expect(Self.offences(in: "try FileHandle.standardOutput.write(contentsOf: data)").isEmpty)
        #expect(Self.offences(in: "try await outbound.write(.end(nil))").isEmpty)
        #expect(Self.offences(in: "try store.write(batch)").isEmpty)
    }

    @Test func noSourceWritesThroughTheTrappingForm() throws {
        let files = Self.sources()
        #expect(files.count > 50, "the sources were not found next to the tests")
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let found = Self.offences(in: text)
            #expect(found.isEmpty, "\(file.lastPathComponent): \(found.joined(separator: "; "))")
        }
    }
}
