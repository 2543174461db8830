import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One agent per state file, as Prometheus locks its data directory: `watch`, `dashboard` and
/// `demo` hold an exclusive `flock` on `<state>.lock` (the agent's pid written in it) for as long
/// as they run. The kernel drops the lock when the process ends in any way, `kill -9` included,
/// so a lock left behind is taken over by the next agent; the file itself is removed on a clean
/// exit. Short-lived commands (`slo`) do not take it: they read and write the history in SQLite
/// transactions of their own while an agent runs.
public final class StateLock: Sendable {
    /// The lock file.
    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// The lock file of a state file.
    public static func path(forState statePath: String) -> String { statePath + ".lock" }

    /// Takes the lock of `statePath`, creating its directory when needed.
    /// - Throws: ``StateLockError/held(statePath:lockPath:pid:)`` when another agent holds it,
    ///   ``StateLockError/unusable(lockPath:reason:)`` when the file cannot be made or locked.
    public static func acquire(statePath: String) throws(StateLockError) -> StateLock {
        let lockPath = path(forState: statePath)
        let directory = (lockPath as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        // A holder that exits removes the file after we opened it: the lock we then get is on a
        // file nobody else can see. Lock, then check the path still names the locked file.
        for _ in 0..<8 {
            let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw .unusable(lockPath: lockPath, reason: Self.reason(errno)) }
            if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                let holder = Self.pid(in: descriptor)
                close(descriptor)
                if code == EWOULDBLOCK {
                    throw .held(statePath: statePath, lockPath: lockPath, pid: holder)
                }
                throw .unusable(lockPath: lockPath, reason: Self.reason(code))
            }
            var opened = stat()
            var named = stat()
            guard fstat(descriptor, &opened) == 0, stat(lockPath, &named) == 0,
                opened.st_dev == named.st_dev, opened.st_ino == named.st_ino
            else {
                close(descriptor)
                continue
            }
            let pid = Array("\(getpid())\n".utf8)
            let written = pid.withUnsafeBytes { buffer -> Int in
                guard ftruncate(descriptor, 0) == 0, let base = buffer.baseAddress else { return -1 }
                return pwrite(descriptor, base, buffer.count, 0)
            }
            if written != pid.count {
                let code = errno
                close(descriptor)
                throw .unusable(lockPath: lockPath, reason: Self.reason(code))
            }
            return StateLock(path: lockPath, descriptor: descriptor)
        }
        throw .unusable(lockPath: lockPath, reason: "the lock file keeps being replaced")
    }

    /// Removes the lock file and releases the lock (in that order: an agent waiting for it then
    /// opens a new file). Called once, when the agent has flushed its history.
    public func release() {
        unlink(path)
        close(descriptor)
    }

    /// The pid written in an open lock file, if one can be read.
    private static func pid(in descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text)
    }

    private static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// Why an agent could not take its state file.
public enum StateLockError: Error, CustomStringConvertible {
    case held(statePath: String, lockPath: String, pid: Int32?)
    case unusable(lockPath: String, reason: String)

    /// One line for stderr, after `incidentboard: `.
    public var description: String {
        switch self {
        case .held(let statePath, let lockPath, let pid):
            let holder = pid.map { "pid \($0)" } ?? "a process that has not written its pid yet"
            return "\(statePath): in use by another incidentboard agent (\(holder), lock \(lockPath)); "
                + "stop it first, or give this one another --state"
        case .unusable(let lockPath, let reason):
            return "\(lockPath): cannot lock the state file: \(reason)"
        }
    }
}
