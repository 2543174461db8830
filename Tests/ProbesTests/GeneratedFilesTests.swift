import Foundation
import Testing

@testable import Probes

/// Writing the generated files: parents made, files replaced whole, failures named by path with
/// the system's words.
@Suite("Generated files")
struct GeneratedFilesTests {
    final class Scratch {
        let path = NSTemporaryDirectory() + "incidentboard-generated-\(UUID().uuidString)"
        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func contents(_ directory: String) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        }
    }

    @Test func writesEveryFileIntoMissingParentsAndReplacesOldOnes() throws {
        let scratch = try Scratch()
        let directory = scratch.path + "/nested/dir"
        let first = try GeneratedFiles.write([("a.yml", "one\n"), ("b.yml", "two\n")], into: directory)
        #expect(first == [directory + "/a.yml", directory + "/b.yml"])
        _ = try GeneratedFiles.write([("a.yml", "three\n")], into: directory + "/")
        #expect(try String(contentsOfFile: directory + "/a.yml", encoding: .utf8) == "three\n")
        #expect(try String(contentsOfFile: directory + "/b.yml", encoding: .utf8) == "two\n")
        #expect(scratch.contents(directory) == ["a.yml", "b.yml"], "no temporary file is left behind")
    }

    @Test func aFileInThePathIsNamed() throws {
        let scratch = try Scratch()
        let file = scratch.path + "/taken"
        try Data("keep\n".utf8).write(to: URL(fileURLWithPath: file))
        #expect {
            _ = try GeneratedFiles.write([("a.yml", "x")], into: file + "/below")
        } throws: { error in
            let failure = error as? GeneratedFileError
            return failure?.path == file && failure?.reason == "exists and is not a directory"
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep\n")
    }

    @Test func aFailedWriteStopsThereAndLeavesNoTemporary() throws {
        let scratch = try Scratch()
        // The first file's name is taken by a directory: its rename fails, even for root.
        try FileManager.default.createDirectory(atPath: scratch.path + "/a.yml", withIntermediateDirectories: true)
        #expect {
            _ = try GeneratedFiles.write([("a.yml", "x"), ("b.yml", "y")], into: scratch.path)
        } throws: { error in
            (error as? GeneratedFileError)?.path == scratch.path + "/a.yml"
        }
        #expect(scratch.contents(scratch.path) == ["a.yml"], "b.yml is not written after a.yml failed")
    }

    @Test func foundationErrorsBecomeTheSystemsWords() {
        #expect(GeneratedFiles.reason(CocoaError(.fileWriteNoPermission)) == String(cString: strerror(EACCES)))
        #expect(GeneratedFiles.reason(CocoaError(.fileWriteOutOfSpace)) == String(cString: strerror(ENOSPC)))
        #expect(
            GeneratedFiles.reason(NSError(domain: NSPOSIXErrorDomain, code: Int(EROFS)))
                == String(cString: strerror(EROFS)))
    }
}
