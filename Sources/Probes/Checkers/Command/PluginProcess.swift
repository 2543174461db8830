import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What one run of a plugin produced, before any interpretation.
struct PluginRun: Sendable {
    /// How the run ended.
    enum Termination: Sendable, Equatable {
        case exited(code: Int32)
        case signalled(signal: Int32)
        case timedOut
        case cancelled
        /// The program could not be started; `reason` is the system's text for it.
        case failedToStart(reason: String)
        /// The child was reaped by someone else, so its status is unknown.
        case lost
    }

    var termination: Termination
    /// The head of standard output, at most ``PluginProcess/stdoutCap`` bytes.
    var stdout: [UInt8] = []
    /// Bytes written to standard output in all, including those past the cap.
    var stdoutTotal = 0
    /// The tail of standard error, at most ``PluginProcess/stderrCap`` bytes.
    var stderr: [UInt8] = []
    /// From just before the spawn to the moment the end was noticed.
    var elapsed: Duration = .zero
    /// The child's pid, which is also its process group id; `nil` when nothing was spawned.
    var pid: pid_t?
}

/// Runs a program without a shell, in a process group of its own, with a hard timeout.
///
/// The blocking work (polling the pipes, reaping) runs on a thread of its own per run, so many
/// plugins can run at once without tying up Swift's cooperative pool.
enum PluginProcess {
    /// Standard output kept per run; the rest is read and discarded so the plugin never blocks.
    static let stdoutCap = 64 * 1024
    /// Standard error kept per run (its tail, where the final error usually is).
    static let stderrCap = 8 * 1024
    /// How long to keep reading after the plugin exited, for output its killed children left.
    static let drainGrace: Duration = .milliseconds(100)
    /// How long to wait for a killed plugin to be reaped before answering without waiting further.
    static let reapGrace: Duration = .milliseconds(500)

    /// Runs `argv` (the program is looked up in `PATH` when it has no slash) until it exits,
    /// `timeout` passes or the calling task is cancelled; in the last two cases its whole
    /// process group is killed. Always returns, within `timeout` plus a small margin.
    static func run(argv: [String], timeout: Duration) async -> PluginRun {
        if let problem = unrunnable(argv) {
            return PluginRun(termination: .failedToStart(reason: problem))
        }
        guard timeout > .zero else { return PluginRun(termination: .timedOut) }
        if Task.isCancelled { return PluginRun(termination: .cancelled) }
        guard let wakeup = Wakeup() else {
            return PluginRun(termination: .failedToStart(reason: String(cString: strerror(errno))))
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<PluginRun, Never>) in
                let thread = Thread {
                    supervise(argv: argv, timeout: timeout, wakeup: wakeup) { run in
                        continuation.resume(returning: run)
                    }
                    wakeup.close()
                }
                thread.name = "incidentboard.plugin"
                thread.start()
            }
        } onCancel: {
            wakeup.fire()
        }
    }

    /// Why `argv` cannot be handed to the system at all, if it cannot.
    private static func unrunnable(_ argv: [String]) -> String? {
        guard !argv.isEmpty else { return "argv is empty" }
        // C strings end at NUL: an argument with one would silently be cut short.
        if argv.contains(where: { $0.utf8.contains(0) }) { return "an argument contains a NUL byte" }
        return nil
    }

    /// Spawns, watches and reaps one plugin on the calling (dedicated) thread. `deliver` is
    /// called exactly once; the reaping of an unkillable child may continue after it.
    private static func supervise(
        argv: [String], timeout: Duration, wakeup: Wakeup, deliver: (PluginRun) -> Void
    ) {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + timeout
        guard let out = Pipe.make() else {
            deliver(PluginRun(termination: .failedToStart(reason: String(cString: strerror(errno)))))
            return
        }
        guard let err = Pipe.make() else {
            let reason = String(cString: strerror(errno))
            closeDescriptor(out.read)
            closeDescriptor(out.write)
            deliver(PluginRun(termination: .failedToStart(reason: reason)))
            return
        }
        let spawned = spawn(argv: argv, stdout: out.write, stderr: err.write)
        closeDescriptor(out.write)
        closeDescriptor(err.write)
        var stdout = Capture(fd: out.read, cap: stdoutCap, keepsTail: false)
        var stderr = Capture(fd: err.read, cap: stderrCap, keepsTail: true)
        defer {
            stdout.close()
            stderr.close()
        }
        let pid: pid_t
        switch spawned {
        case .failed(let code):
            var run = PluginRun(termination: .failedToStart(reason: String(cString: strerror(code))))
            run.elapsed = clock.now - start
            deliver(run)
            return
        case .started(let child):
            pid = child
        }

        var ending: PluginRun.Termination?
        var exited = false
        var idleSlice = 1
        while ending == nil {
            switch state(of: pid) {
            case .running: break
            case .exited: exited = true
            case .lost: ending = .lost
            }
            if exited || ending != nil { break }
            let now = clock.now
            if now >= deadline {
                ending = .timedOut
                break
            }
            // Poll in short slices: there is no portable fd for the child's exit, and a
            // grandchild may hold the pipes open after the plugin itself has gone.
            var sliceMs = 20
            if !stdout.isOpen && !stderr.isOpen {
                sliceMs = idleSlice
                idleSlice = min(idleSlice * 2, 20)
            }
            let woken = wait(
                for: [stdout, stderr], wakeup: wakeup.readFD,
                milliseconds: min(sliceMs, milliseconds(until: deadline, from: now)))
            stdout.drain()
            stderr.drain()
            if woken { ending = .cancelled }
        }
        let endedAt = clock.now

        // Kill the whole group while the leader is still unreaped: its pid (the group id)
        // cannot be reused until then, so this never hits an unrelated process. After a normal
        // exit this ends children the plugin left behind; after a timeout, Nagios-style, SIGKILL
        // with no grace, so the answer stays within the timeout.
        if ending != .lost { kill(-pid, SIGKILL) }
        if exited {
            let drainDeadline = clock.now + drainGrace
            while stdout.isOpen || stderr.isOpen {
                let now = clock.now
                guard now < drainDeadline else { break }
                _ = wait(
                    for: [stdout, stderr], wakeup: -1,
                    milliseconds: milliseconds(until: drainDeadline, from: now))
                stdout.drain()
                stderr.drain()
            }
        }

        if ending == .lost {
            var run = PluginRun(termination: .lost)
            run.elapsed = endedAt - start
            deliver(run)
            return
        }
        var run = PluginRun(termination: ending ?? .lost)
        run.stdout = stdout.bytes
        run.stdoutTotal = stdout.total
        run.stderr = stderr.bytes
        run.elapsed = endedAt - start
        run.pid = pid

        switch reap(pid, within: exited ? nil : reapGrace, clock: clock) {
        case .reaped(let status):
            if ending == nil { run.termination = termination(ofWaitStatus: status) }
            deliver(run)
        case .gone:
            deliver(run)
        case .stillRunning:
            // Unkillable for now (e.g. stuck in the kernel): answer, then keep waiting so no
            // zombie is left behind.
            deliver(run)
            _ = reap(pid, within: nil, clock: clock)
        }
    }

    // MARK: - Spawning

    private enum Spawned {
        case started(pid_t)
        case failed(errno: Int32)
    }

    private static func spawn(argv: [String], stdout: Int32, stderr: Int32) -> Spawned {
        #if canImport(Darwin)
            var actions: posix_spawn_file_actions_t?
            var attributes: posix_spawnattr_t?
        #else
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
        #endif
        guard posix_spawn_file_actions_init(&actions) == 0 else { return .failed(errno: errno) }
        defer { posix_spawn_file_actions_destroy(&actions) }
        guard posix_spawnattr_init(&attributes) == 0 else { return .failed(errno: errno) }
        defer { posix_spawnattr_destroy(&attributes) }

        var setup: [Int32] = [
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0),
            posix_spawn_file_actions_adddup2(&actions, stdout, 1),
            posix_spawn_file_actions_adddup2(&actions, stderr, 2),
        ]
        // Our pipes are close-on-exec already; this also keeps any other descriptor of the
        // process (sockets, the database) out of the plugin.
        #if canImport(Darwin)
            var flags = Int32(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
            flags |= Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        #else
            if let closeFrom = GNU.addCloseFrom { setup.append(closeFrom(&actions, 3)) }
            let flags = Int32(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        #endif
        // A group of its own, so a timeout can kill the plugin with everything it started.
        setup.append(posix_spawnattr_setpgroup(&attributes, 0))
        // Signal dispositions we ignore (SIGPIPE) and our blocked mask would otherwise be inherited.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        setup.append(posix_spawnattr_setsigmask(&attributes, &noSignals))
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        setup.append(posix_spawnattr_setsigdefault(&attributes, &defaults))
        setup.append(posix_spawnattr_setflags(&attributes, Int16(flags)))
        if let failed = setup.first(where: { $0 != 0 }) { return .failed(errno: failed) }

        var arguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        defer { arguments.forEach { free($0) } }
        guard !arguments.contains(where: { $0 == nil }), let program = arguments.first ?? nil else {
            return .failed(errno: ENOMEM)
        }
        arguments.append(nil)
        var pid: pid_t = 0
        let code = posix_spawnp(&pid, program, &actions, &attributes, arguments, environment)
        return code == 0 ? .started(pid) : .failed(errno: code)
    }

    private static var environment: UnsafePointer<UnsafeMutablePointer<CChar>?>? {
        #if canImport(Darwin)
            UnsafePointer(_NSGetEnviron().pointee)
        #else
            UnsafePointer(environ)
        #endif
    }

    // MARK: - Waiting

    /// Polls the open captures and the wakeup descriptor; returns whether the wakeup fired.
    private static func wait(for captures: [Capture], wakeup: Int32, milliseconds: Int) -> Bool {
        var fds = captures.filter(\.isOpen).map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        if wakeup >= 0 { fds.append(pollfd(fd: wakeup, events: Int16(POLLIN), revents: 0)) }
        guard !fds.isEmpty else {
            usleep(useconds_t(max(0, milliseconds)) * 1000)
            return false
        }
        let ready = poll(&fds, nfds_t(fds.count), Int32(max(0, milliseconds)))
        guard ready > 0, wakeup >= 0, let last = fds.last else { return false }
        return last.revents != 0
    }

    private static func milliseconds(
        until deadline: ContinuousClock.Instant, from now: ContinuousClock.Instant
    ) -> Int {
        let remaining = (deadline - now).milliseconds
        // Clamped: poll takes an Int32, and a slice is never longer than a few ms anyway.
        return remaining <= 0 ? 0 : Int(min(remaining.rounded(.up), 60_000))
    }

    private enum ChildState {
        case running
        case exited
        /// Reaped by someone else (ECHILD): its pid may already belong to another process.
        case lost
    }

    /// Whether the child has ended, found without reaping it (so its pid stays reserved).
    private static func state(of pid: pid_t) -> ChildState {
        var info = siginfo_t()
        while true {
            let code = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
            if code == 0 { return info.si_signo == SIGCHLD ? .exited : .running }
            if errno != EINTR { return .lost }
        }
    }

    private enum Reaping {
        case reaped(status: Int32)
        case gone
        case stillRunning
    }

    /// Reaps the child, waiting at most `limit` (forever when `nil`).
    private static func reap(_ pid: pid_t, within limit: Duration?, clock: ContinuousClock) -> Reaping {
        var status: Int32 = 0
        guard let limit else {
            while true {
                if waitpid(pid, &status, 0) == pid { return .reaped(status: status) }
                if errno != EINTR { return .gone }
            }
        }
        let deadline = clock.now + limit
        var pause: useconds_t = 200
        while true {
            let code = waitpid(pid, &status, WNOHANG)
            if code == pid { return .reaped(status: status) }
            if code < 0, errno != EINTR { return .gone }
            if clock.now >= deadline { return .stillRunning }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
    }

    /// Decodes a `waitpid` status (the W* macros are not visible to Swift).
    static func termination(ofWaitStatus status: Int32) -> PluginRun.Termination {
        let signal = status & 0x7f
        if signal == 0 { return .exited(code: (status >> 8) & 0xff) }
        return .signalled(signal: signal)
    }
}

// MARK: - Descriptors

/// A pipe whose ends are both close-on-exec, so a plugin spawned concurrently on another
/// thread cannot inherit them (which would hold our read end open until it exits).
private struct Pipe {
    var read: Int32
    var write: Int32

    static func make() -> Pipe? {
        var fds: [Int32] = [-1, -1]
        #if canImport(Darwin)
            guard pipe(&fds) == 0 else { return nil }
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        #else
            guard GNU.makePipe(&fds, O_CLOEXEC) == 0 else { return nil }
        #endif
        // Only our end is non-blocking: the plugin's end shares its flags with the plugin.
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        return Pipe(read: fds[0], write: fds[1])
    }
}

/// Reads one output stream of the plugin, keeping at most `cap` bytes (its head or its tail).
private struct Capture {
    let fd: Int32
    let cap: Int
    let keepsTail: Bool
    private(set) var bytes: [UInt8] = []
    private(set) var total = 0
    private(set) var isOpen = true

    init(fd: Int32, cap: Int, keepsTail: Bool) {
        self.fd = fd
        self.cap = cap
        self.keepsTail = keepsTail
    }

    /// Reads whatever is available without blocking; closes the stream at its end.
    mutating func drain() {
        guard isOpen else { return }
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                keep(chunk[..<count])
                continue
            }
            if count < 0, errno == EINTR { continue }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK { return }
            close()
            return
        }
    }

    private mutating func keep(_ chunk: ArraySlice<UInt8>) {
        total += chunk.count
        if keepsTail {
            bytes.append(contentsOf: chunk)
            if bytes.count > cap * 2 { bytes.removeFirst(bytes.count - cap) }
        } else if bytes.count < cap {
            bytes.append(contentsOf: chunk.prefix(cap - bytes.count))
        }
    }

    mutating func close() {
        guard isOpen else { return }
        isOpen = false
        if keepsTail, bytes.count > cap { bytes.removeFirst(bytes.count - cap) }
        closeDescriptor(fd)
    }
}

/// Lets a cancelled task wake the thread that watches its plugin.
private final class Wakeup: @unchecked Sendable {
    // Guards the descriptors: `fire` may race with `close`, and must never write to a
    // descriptor number that has since been reused.
    private let lock = NSLock()
    private var fds: (read: Int32, write: Int32)?

    init?() {
        var pair: [Int32] = [-1, -1]
        #if canImport(Darwin)
            guard pipe(&pair) == 0 else { return nil }
            for fd in pair {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            }
        #else
            guard GNU.makePipe(&pair, O_CLOEXEC | O_NONBLOCK) == 0 else { return nil }
        #endif
        fds = (pair[0], pair[1])
    }

    /// The descriptor to poll; valid until ``close()``, which only the watching thread calls.
    var readFD: Int32 { lock.withLock { fds?.read ?? -1 } }

    func fire() {
        lock.withLock {
            guard let fds else { return }
            var byte: UInt8 = 1
            _ = write(fds.write, &byte, 1)
        }
    }

    func close() {
        lock.withLock {
            guard let open = fds else { return }
            closeDescriptor(open.read)
            closeDescriptor(open.write)
            fds = nil
        }
    }
}

/// `close(2)`, under a name that the `close()` methods above do not shadow.
private func closeDescriptor(_ fd: Int32) {
    #if canImport(Darwin)
        _ = Darwin.close(fd)
    #else
        _ = Glibc.close(fd)
    #endif
}

#if !canImport(Darwin)
    /// glibc functions declared only under `_GNU_SOURCE`, which Swift's Glibc module is built without,
    /// so they are looked up at run time.
    private enum GNU {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
        typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32

        /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34 and later).
        static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
        private static let pipe2: Pipe2? = symbol("pipe2")

        /// `pipe2`, or where it is missing `pipe` followed by `fcntl` (which leaves a short window in
        /// which a concurrent spawn could inherit the descriptors; `addCloseFrom` closes it for ours).
        static func makePipe(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32 {
            if let pipe2 { return pipe2(fds, flags) }
            guard pipe(fds) == 0 else { return -1 }
            for fd in [fds[0], fds[1]] {
                if flags & O_CLOEXEC != 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
                if flags & O_NONBLOCK != 0 { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
            }
            return 0
        }

        private static func symbol<Function>(_ name: String) -> Function? {
            guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else { return nil }
            return unsafeBitCast(address, to: Function.self)
        }
    }
#endif
