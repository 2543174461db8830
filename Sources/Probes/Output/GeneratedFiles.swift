import Foundation

/// Why a generated file could not be written: the path and the system's reason.
public struct GeneratedFileError: Error, Sendable {
    /// The file or directory that could not be made.
    public var path: String
    /// The system's reason, e.g. `Permission denied`.
    public var reason: String

    public init(_ path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// Writes generated files (rules, reports, charts) into a directory with Foundation: the directory and its
/// missing parents are created, and each file is replaced atomically (written beside it, then
/// renamed), so a reader or a crash never sees half a file.
public enum GeneratedFiles {
    /// Writes each `(name, text)` into `directory`, in order, stopping at the first failure (the
    /// files before it are written, those after it untouched).
    /// - Returns: the paths written.
    public static func write(_ files: [(name: String, text: String)], into directory: String)
        throws(GeneratedFileError) -> [String]
    {
        let directory = directory.isEmpty ? "." : directory
        try makeDirectory(directory)
        var written: [String] = []
        for file in files {
            let path = directory.hasSuffix("/") ? directory + file.name : directory + "/" + file.name
            do {
                try Data(file.text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw GeneratedFileError(path, reason(error))
            }
            written.append(path)
        }
        return written
    }

    /// Creates `path` and its missing parents; names the first part of it that is a file.
    static func makeDirectory(_ path: String) throws(GeneratedFileError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else { throw GeneratedFileError(prefix, "exists and is not a directory") }
            } else {
                break
            }
            prefix += "/"
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw GeneratedFileError(path, reason(error))
        }
    }

    /// The system's words for a Foundation file error (`Permission denied`), without its path.
    static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        // Foundation on Linux often reports only its own code.
        if let cocoa = error as? CocoaError {
            let code: Int32? =
                switch cocoa.code {
                case .fileWriteNoPermission, .fileReadNoPermission: EACCES
                case .fileWriteOutOfSpace: ENOSPC
                case .fileWriteVolumeReadOnly: EROFS
                case .fileNoSuchFile, .fileReadNoSuchFile: ENOENT
                case .fileWriteFileExists: EEXIST
                default: nil
                }
            if let code { return String(cString: strerror(code)) }
        }
        return ns.localizedDescription
    }
}
