import Foundation
import ProbesTesting
import Testing

@testable import Probes

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("CommandChecker")
struct CommandCheckerTests {
    private let startedAt = Date(timeIntervalSince1970: 1_700_000_000)

    private func check(_ argv: [String], timeout: Duration = .seconds(10)) async -> ProbeResult {
        await CommandChecker.check(CommandProbe(argv: argv), service: "plugin", timeout: timeout, startedAt: startedAt)
    }

    // MARK: Exit codes

    @Test(arguments: [(0, ProbeStatus.up), (1, .degraded), (2, .down), (3, .unknown)])
    func exitCodesMapToStatuses(code: Int, status: ProbeStatus) async {
        let result = await check([TestPlugins.status, "\(code)", "CHECK \(code) - disk at 91% | used=91%;80;90;0;100"])
        #expect(result.status == status)
        #expect(result.service == "plugin")
        #expect(result.startedAt == startedAt)
        #expect(
            result.perfdata == [
                PerfDatum(
                    label: "used", value: 91, unit: "%", warn: "80", crit: "90",
                    min: 0, max: 100)
            ])
        if code == 0 {
            #expect(result.error == nil)
            #expect(result.failure == nil)
        } else {
            #expect(result.error == "CHECK \(code) - disk at 91%")
            #expect(result.failure == .command)
        }
    }

    @Test func anOddExitCodeIsUnknown() async {
        let result = await check([TestPlugins.status, "7", "SOMETHING ODD"])
        #expect(result.status == .unknown)
        #expect(result.error == "exit code 7: SOMETHING ODD")
        #expect(result.failure == .command)

        let silent = await check([TestPlugins.status, "255", ""])
        #expect(silent.status == .unknown)
        #expect(silent.error == "exit code 255")
    }

    @Test func aPluginKilledByASignalIsUnknown() async {
        let result = await check([TestPlugins.killsItself])
        #expect(result.status == .unknown)
        #expect(result.error == "killed by signal 9: about to die")
        #expect(result.failure == .command)
    }

    @Test func exitWithoutOutputNamesTheCode() async {
        let result = await check([TestPlugins.status, "2", ""])
        #expect(result.status == .down)
        #expect(result.error == "exit code 2")
    }

    @Test func standardErrorExplainsAnEmptySummary() async {
        let result = await check([TestPlugins.stderrOnly])
        #expect(result.status == .down)
        #expect(result.error == "final: disk on fire")
    }

    @Test func theErrorIsCappedAndFreeOfControlCharacters() async throws {
        let summary = "\u{1b}[31mCRITICAL\u{7}" + String(repeating: "x", count: 500)
        let result = await check([TestPlugins.status, "2", summary])
        let error = try #require(result.error)
        #expect(error.count == CommandChecker.errorLimit)
        #expect(error.hasPrefix(" [31mCRITICAL x"))
        #expect(error.hasSuffix("…"))
        #expect(!error.unicodeScalars.contains { $0.properties.generalCategory == .control })
    }

    @Test func longTextAndBothPerfdataPartsAreRead() async {
        let output =
            "DISK OK - free | /=2643MB;5948;5958;0;5968\n/boot 68 MB\n"
            + "/var 9 MB | /boot=68MB;88;93;0;98\n'v a r'=9MB"
        let result = await check([TestPlugins.status, "0", output])
        #expect(result.status == .up)
        #expect(result.perfdata.map(\.label) == ["/", "/boot", "v a r"])
    }

    // MARK: Starting the program

    @Test func aMissingProgramCannotRun() async {
        let result = await check(["/nonexistent/incidentboard/check_x", "-H", "x"])
        #expect(result.status == .unknown)
        #expect(result.error == "cannot run /nonexistent/incidentboard/check_x: No such file or directory")
        #expect(result.failure == .command)

        let unknownName = await check(["incidentboard-no-such-plugin"])
        #expect(unknownName.error == "cannot run incidentboard-no-such-plugin: No such file or directory")
    }

    @Test func aFileWithoutExecutePermissionCannotRun() async {
        let result = await check([TestPlugins.notExecutable])
        #expect(result.status == .unknown)
        #expect(result.error == "cannot run \(TestPlugins.notExecutable): Permission denied")
        #expect(result.failure == .command)
    }

    @Test func anEmptyArgvCannotRun() async {
        let result = await check([])
        #expect(result.status == .unknown)
        #expect(result.error == "cannot run the command: argv is empty")
        #expect(result.failure == .command)
    }

    @Test func anArgumentWithANulByteIsRefused() async {
        let result = await check([TestPlugins.status, "0\u{0}; rm -rf /", "OK"])
        #expect(result.status == .unknown)
        #expect(result.error?.hasSuffix("an argument contains a NUL byte") == true)
    }

    @Test func theProgramIsLookedUpInPath() async {
        let result = await check(["echo", "PING OK | rtt=1.5ms;100;200"])
        #expect(result.status == .up)
        #expect(result.perfdata == [PerfDatum(label: "rtt", value: 1.5, unit: "ms", warn: "100", crit: "200")])
    }

    @Test func argumentsArePassedLiterallyWithoutAShell() async {
        let arguments = ["$(id)", "`whoami`", "a  b", "; echo pwned", "*", "'quoted'", "$HOME", "\"dq\"", ">", "&&"]
        let result = await check([TestPlugins.echoArguments] + arguments)
        #expect(result.status == .degraded)
        #expect(result.error == "ARGS" + arguments.map { " [\($0)]" }.joined())
    }

    @Test func standardInputIsEmpty() async {
        let result = await check([TestPlugins.readsStandardInput])
        #expect(result.error == "stdin is empty")
    }

    // MARK: Output volume

    @Test func outputIsCappedAndTheRestDrained() async throws {
        let run = await PluginProcess.run(argv: [TestPlugins.chatty], timeout: .seconds(20))
        // The plugin wrote megabytes into a pipe we only keep 64 KiB of: it must still have run
        // to its end rather than block on a full pipe.
        #expect(run.termination == .exited(code: 0))
        #expect(run.stdout.count == PluginProcess.stdoutCap)
        #expect(run.stdoutTotal > 2_000_000)

        let result = await check([TestPlugins.chatty], timeout: .seconds(20))
        #expect(result.status == .up)
        #expect(result.perfdata.map(\.label) == ["lines"])
    }

    // MARK: Timeouts and process groups

    @Test func aHangingPluginIsKilledWithItsWholeGroup() async throws {
        let files = try ScratchFiles()
        let timeout = Duration.seconds(1)
        let clock = ContinuousClock()
        let began = clock.now
        let result = await check([TestPlugins.hangs, files.path("pid"), files.path("background")], timeout: timeout)
        let waited = clock.now - began

        #expect(result.status == .down)
        #expect(result.error == "timeout after 1000 ms")
        #expect(result.failure == .timeout)
        #expect(result.latency >= timeout)
        // The checker's own clock says when it gave up; the caller's wait also includes how long
        // the test process took to resume it, which a loaded machine stretches.
        #expect(result.latency < timeout + .milliseconds(500))
        // The plugin sleeps 100 s: anything well short of that shows nobody waited for it.
        #expect(waited < timeout + .seconds(40))

        let pid = try #require(files.pid("pid"))
        let background = try #require(files.pid("background"))
        #expect(ProcessTable.isReaped(pid))
        #expect(await ProcessTable.livingMembers(ofGroup: pid, settlingWithin: .seconds(2)).isEmpty)
        #expect(await ProcessTable.eventually(within: .seconds(2)) { !ProcessTable.isAlive(background) })
    }

    @Test func timeoutsAreReportedInMilliseconds() async {
        let result = await check([TestPlugins.hangs, "/dev/null", "/dev/null"], timeout: .milliseconds(250))
        #expect(result.error == "timeout after 250 ms")
        #expect(result.failure == .timeout)
    }

    @Test func aZeroTimeoutStartsNothing() async {
        let run = await PluginProcess.run(argv: [TestPlugins.status, "0", "OK"], timeout: .zero)
        #expect(run.termination == .timedOut)
        #expect(run.pid == nil)
    }

    @Test func childrenLeftBehindAfterAnExitAreKilled() async throws {
        let files = try ScratchFiles()
        // The background child keeps the output pipe open; the answer must not wait for it.
        let result = await check([TestPlugins.leavesAChild, files.path("child")], timeout: .seconds(30))
        #expect(result.status == .up)
        #expect(result.latency < .seconds(10))
        let child = try #require(files.pid("child"))
        #expect(await ProcessTable.eventually(within: .seconds(2)) { !ProcessTable.isAlive(child) })
    }

    @Test func aPluginThatClosesItsOutputIsStillWaitedFor() async {
        let result = await check([TestPlugins.closesOutput], timeout: .seconds(10))
        #expect(result.status == .degraded)
        #expect(result.error == "exit code 1")
    }

    @Test func cancellingTheTaskKillsThePlugin() async throws {
        let files = try ScratchFiles()
        let argv = [TestPlugins.hangs, files.path("pid"), files.path("background")]
        let probe = Task { await check(argv, timeout: .seconds(60)) }
        let pid = try #require(await files.waitForPid("pid"))
        probe.cancel()
        let result = await probe.value

        #expect(result.status == .unknown)
        #expect(result.failure == .other)
        #expect(result.latency < .seconds(30))
        #expect(ProcessTable.isReaped(pid))
        #expect(await ProcessTable.livingMembers(ofGroup: pid, settlingWithin: .seconds(2)).isEmpty)
    }

    @Test func manyPluginsRunConcurrently() async {
        let count = 40
        let results = await withTaskGroup(of: (Int, ProbeResult).self) { group in
            for index in 0..<count {
                group.addTask {
                    let argv = [TestPlugins.status, "\(index % 4)", "RUN \(index) | n=\(index)"]
                    return (index, await check(argv))
                }
            }
            var results: [Int: ProbeResult] = [:]
            for await (index, result) in group { results[index] = result }
            return results
        }
        let statuses: [ProbeStatus] = [.up, .degraded, .down, .unknown]
        #expect(results.count == count)
        for (index, result) in results {
            #expect(result.status == statuses[index % 4])
            #expect(result.perfdata == [PerfDatum(label: "n", value: Double(index))])
            #expect(result.error == (index % 4 == 0 ? nil : "RUN \(index)"))
        }
    }

    // MARK: Classification

    @Test func waitStatusesDecode() {
        #expect(PluginProcess.termination(ofWaitStatus: 0) == .exited(code: 0))
        #expect(PluginProcess.termination(ofWaitStatus: 7 << 8) == .exited(code: 7))
        #expect(PluginProcess.termination(ofWaitStatus: 9) == .signalled(signal: 9))
        #expect(PluginProcess.termination(ofWaitStatus: 15 | 0x80) == .signalled(signal: 15))
    }
}

/// Plugins written once per test run: writing a script while another thread spawns a process
/// can leave the script open in that child, and executing it then fails with "Text file busy".
/// The folder is removed when the test process exits (and folders of test runs that died
/// without exiting are removed by the next run).
private enum TestPlugins {
    static let prefix = "incidentboard-command-plugins-"

    static func folder(of pid: pid_t) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)\(pid)").path
    }

    static let directory: String = {
        removeFoldersOfDeadRuns()
        let path = folder(of: getpid())
        atexit { try? FileManager.default.removeItem(atPath: TestPlugins.folder(of: getpid())) }
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, body) in scripts {
            let file = path + "/" + name
            _ = FileManager.default.createFile(atPath: file, contents: Data(("#!/bin/sh\n" + body + "\n").utf8))
            let mode: Int16 = name == "not-executable" ? 0o644 : 0o755
            try? FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
        }
        return path
    }()

    private static let scripts: [String: String] = [
        // $1: exit code, $2: output.
        "status": #"printf '%s\n' "$2"; exit "$1""#,
        "kills-itself": #"echo "about to die"; kill -9 $$"#,
        "stderr-only": #"echo "first problem" >&2; echo "final: disk on fire" >&2; echo "  " >&2; exit 2"#,
        "echo-arguments": #"printf 'ARGS'; for a in "$@"; do printf ' [%s]' "$a"; done; echo; exit 1"#,
        "reads-stdin": #"if read -r line; then echo "read [$line]"; else echo "stdin is empty"; fi; exit 1"#,
        "chatty": #"echo "OK - chatty | lines=200000"; yes "a line of long text" | head -n 200000; exit 0"#,
        // $1: file for the plugin's pid, $2: file for its background child's pid.
        "hangs": #"echo $$ > "$1"; sleep 100 & echo $! > "$2"; sleep 100"#,
        // $1: file for the background child's pid.
        "leaves-a-child": #"sleep 100 & echo $! > "$1"; echo "OK - left a child behind"; exit 0"#,
        "closes-output": #"exec >&- 2>&-; sleep 0.2; exit 1"#,
        "not-executable": #"echo "OK"; exit 0"#,
    ]

    /// Folders left by test processes that no longer exist (killed before `atexit` could run).
    private static func removeFoldersOfDeadRuns() {
        let temporary = FileManager.default.temporaryDirectory.path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
        for name in names where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: folder(of: pid))
            }
        }
    }

    static var status: String { directory + "/status" }
    static var killsItself: String { directory + "/kills-itself" }
    static var stderrOnly: String { directory + "/stderr-only" }
    static var echoArguments: String { directory + "/echo-arguments" }
    static var readsStandardInput: String { directory + "/reads-stdin" }
    static var chatty: String { directory + "/chatty" }
    static var hangs: String { directory + "/hangs" }
    static var leavesAChild: String { directory + "/leaves-a-child" }
    static var closesOutput: String { directory + "/closes-output" }
    static var notExecutable: String { directory + "/not-executable" }
}

/// A temporary directory for the files one test's plugins write, removed with the value.
private final class ScratchFiles {
    let directory: String

    init() throws {
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("incidentboard-command-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func path(_ name: String) -> String { directory + "/" + name }

    /// The pid a plugin wrote into `name`, once it is complete.
    func pid(_ name: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: path(name), encoding: .utf8), text.hasSuffix("\n") else {
            return nil
        }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Waits (up to 10 s) for a plugin to write its pid into `name`.
    func waitForPid(_ name: String) async -> pid_t? {
        for _ in 0..<1_000 {
            if let pid = pid(name) { return pid }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }
}

/// What the kernel says about processes, read from `/proc`.
private enum ProcessTable {
    /// Whether `pid` is no longer our unreaped child.
    static func isReaped(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        return waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == -1 && errno == ECHILD
    }

    /// Whether `pid` exists and is not a zombie.
    static func isAlive(_ pid: pid_t) -> Bool {
        guard let entry = ProbesTesting.ProcessTable.entry(pid) else { return false }
        return entry.state != "Z" && entry.state != "X"
    }

    /// The processes of group `pgid` that are not zombies, once SIGKILL has had `limit` to take effect.
    ///
    /// Zombies are left out on purpose: killed grandchildren are reparented to PID 1, and an init
    /// that does not reap (as in some containers) keeps them as zombies in the group, so
    /// `kill(-pgid, 0)` can still succeed although nothing of the plugin runs any more.
    static func livingMembers(ofGroup pgid: pid_t, settlingWithin limit: Duration) async -> [pid_t] {
        _ = await eventually(within: limit) { members(ofGroup: pgid).isEmpty }
        return members(ofGroup: pgid)
    }

    /// Whether `condition` holds within `limit`: a SIGKILLed process dies soon after `kill`
    /// returns, not at once.
    static func eventually(within limit: Duration, _ condition: () -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while !condition() {
            if clock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    private static func members(ofGroup pgid: pid_t) -> [pid_t] {
        ProbesTesting.ProcessTable().entries
            .filter { $0.group == pgid && $0.state != "Z" && $0.state != "X" }.map(\.pid)
    }
}
