import Foundation
import Probes
import ProbesTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `incidentboard dashboard` as an on-call engineer runs it: the built binary in a real terminal
/// (tmux), against loopback upstreams the test breaks, read back with `capture-pane`.
///
/// Set `INCIDENTBOARD_SCREENSHOTS=DIR` to also save the captured cascade screens as text files.
@Suite("dashboard in tmux (built binary)", .serialized)
struct DashboardTmuxTests {
    /// The estate of the repository's probes.json, every probe on one loopback server.
    ///
    /// The latency threshold is far above the timeout: these tests are about the board in a
    /// terminal, not about latency. On a 2-core CI machine that starts every end-to-end suite at
    /// once, the board's event loop can stall for a second or two; with a 500 ms threshold one
    /// such probe counts as slow, holds the p99 latency alert for its one-minute window (the
    /// header says RECOVERING, not OK) and may add a slow upstream to a victim's CAUSE.
    static func estate(_ server: LoopbackHTTPServer) -> String {
        func probe(_ name: String) -> String {
            #""probe": { "type": "http", "url": "\#(server.url("/" + name))" }"#
        }
        return """
            {
              "defaults": { "interval": "1s", "timeout": "800ms" },
              "slo": { "objective": 99.9, "window": "28d", "latency": { "threshold": "10s", "objective": 99.0 } },
              "services": [
                { "name": "point-portal", "title": "카드포인트 통합조회 포털", \(probe("point-portal")) },
                { "name": "auth-vendor", "title": "본인인증 SMS·간편인증", \(probe("auth-vendor")) },
                { "name": "auth-cert", "title": "인증서 로그인", \(probe("auth-cert")) },
                { "name": "credit-bureau", "title": "신용평가 NICE", \(probe("credit-bureau")) },
                { "name": "card-network", "title": "카드 결제망", \(probe("card-network")) },
                { "name": "open-banking", "title": "오픈뱅킹 이체망" },
                { "name": "loan-application", "title": "대출 신청", "dependsOn": ["credit-bureau", "auth-vendor"],
                  \(probe("loan-application")) },
                { "name": "card-issuance", "title": "카드 발급",
                  "dependsOn": ["credit-bureau", "card-network", "auth-vendor"], \(probe("card-issuance")) },
                { "name": "account-opening", "title": "비대면 계좌개설", "dependsOn": ["auth-vendor", "credit-bureau"],
                  \(probe("account-opening")) },
                { "name": "card-point-cashout", "title": "카드포인트 계좌입금",
                  "dependsOn": ["point-portal", "auth-vendor", "open-banking"], \(probe("card-point-cashout")) },
                { "name": "deposit-event", "title": "특판 예금 이벤트", "dependsOn": ["auth-cert"],
                  \(probe("deposit-event")) },
                { "name": "transfers", "title": "이체 (인증서 로그인)", "dependsOn": ["auth-cert", "open-banking"],
                  \(probe("transfers")) },
                { "name": "gift-payment", "title": "선물하기 결제", "dependsOn": ["card-network"], \(probe("gift-payment")) }
              ]
            }
            """
    }

    static let probed = [
        "point-portal", "auth-vendor", "auth-cert", "credit-bureau", "card-network", "loan-application",
        "card-issuance", "account-opening", "card-point-cashout", "deposit-event", "transfers", "gift-payment",
    ]

    @Test func cascadeResizeAndQuit() async throws {
        let server = try await LoopbackHTTPServer.start(
            routes: Dictionary(uniqueKeysWithValues: Self.probed.map { ("/" + $0, ScriptedBehaviour.ok()) }))
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.estate(server))
        let tmux = BoardTmux(width: 100, height: 30)
        defer { tmux.kill() }

        // Three days of history, as a board restarted with the same --state has: budgets show at once.
        try Self.seedHistory(scratch.file("state.sqlite"), days: 3)

        // `echo EXIT=$?` shows how the process ended, on the normal screen once the board is gone.
        let command =
            "LANG=C.UTF-8 LC_ALL=C.UTF-8 '\(Binary.path)' dashboard --config '\(config)' "
            + "--state '\(scratch.file("state.sqlite"))' 2>'\(scratch.file("stderr.txt"))'; echo EXIT=$?; sleep 600"
        try tmux.start(command)

        // The first frame comes at once; within a few probes every service is up.
        var screen = try await tmux.waitForScreen("first frame") { $0.contains("IncidentBoard") }
        screen = try await tmux.waitForScreen("all up, with the stored history") { screen in
            screen.contains("● OK") && screen.contains("12 up")
                && Self.row(screen, "point-portal")?.contains("99.99%") == true
        }
        #expect(screen.contains("no incidents"))
        #expect(Self.row(screen, "point-portal")?.contains(" 96%") == true)

        // Incident 3: the credit bureau stops answering, then the services over it fail.
        server.script("/credit-bureau", .status(503, body: #"{"status":"DOWN"}"#))
        _ = try await tmux.waitForScreen("bureau down") { $0.contains("ROOT credit-bureau") }
        for victim in ["loan-application", "card-issuance", "account-opening"] {
            server.script("/" + victim, .status(503, body: "credit check failed"))
        }
        screen = try await tmux.waitForScreen("cascade") { screen in
            screen.contains("ROOT credit-bureau ×3")
                && Self.row(screen, "loan-application")?.contains("← credit-bureau") == true
                && Self.row(screen, "card-issuance")?.contains("← credit-bureau") == true
                && Self.row(screen, "account-opening")?.contains("← credit-bureau") == true
        }
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.contains("✖ DOWN") == true)
        #expect(lines.count <= 30 && lines.allSatisfy { $0.count <= 100 })
        #expect(Self.row(screen, "credit-bureau")?.contains("ROOT ×3") == true)
        #expect(Self.row(screen, "gift-payment")?.contains("←") == false)
        try Self.saveScreenshot(screen, "cascade-100x30")

        // Wide: the detail pane of the root cause beside the table.
        try tmux.resize(width: 160, height: 40)
        tmux.send("c")  // cascade only: the root cause is the first row
        screen = try await tmux.waitForScreen("wide layout with detail") { screen in
            screen.contains("┌─ credit-bureau · 신용평가 NICE") && screen.contains("cascade only")
        }
        tmux.send("c")
        // Back to the whole tree; the selection stays on the root cause.
        screen = try await tmux.waitForScreen("wide layout, whole tree") { screen in
            !screen.contains("cascade only") && screen.contains("gift-payment")
                && screen.contains("none: this is the root cause")
        }
        #expect(Self.row(screen, "credit-bureau")?.hasPrefix("▶") == true)
        try Self.saveScreenshot(screen, "cascade-160x40")

        // The 3 a.m. terminal: 80x24 over ssh. Header, table and cascade still there, nothing spills.
        try tmux.resize(width: 80, height: 24)
        screen = try await tmux.waitForScreen("80x24 layout") { screen in
            let rows = screen.split(separator: "\n", omittingEmptySubsequences: false)
            // The whole frame, not one tmux caught halfway through the redraw after the resize.
            return rows.count <= 24 && rows.allSatisfy { $0.count <= 80 } && screen.contains("ROOT credit-bureau ×3")
                && !screen.contains("┌─") && screen.contains("CAUSE")
                && rows.last(where: { !$0.isEmpty })?.hasPrefix("q quit") == true
                && Self.row(screen, "card-issuance")?.contains("← credit-bureau") == true
        }
        let small = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(small[0].hasPrefix("IncidentBoard"))
        #expect(small[2].contains("SERVICE") && small[2].contains("CAUSE"))
        #expect(small.last { !$0.isEmpty }?.hasPrefix("q quit") == true)
        try Self.saveScreenshot(screen, "cascade-80x24")

        // Below the minimum it says so, and comes back.
        try tmux.resize(width: 40, height: 10)
        _ = try await tmux.waitForScreen("too small") { $0.contains("terminal too small") }
        try tmux.resize(width: 80, height: 24)
        _ = try await tmux.waitForScreen("back") { $0.contains("ROOT credit-bureau ×3") }

        // q: the process exits 0 and the shell's screen is back, with no board left on it.
        tmux.send("q")
        screen = try await tmux.waitForScreen("exit") { $0.contains("EXIT=") }
        #expect(screen.contains("EXIT=0"))
        #expect(!screen.contains("SERVICE"))
        #expect(!screen.contains("ROOT credit-bureau"))
        #expect(try tmux.cursorVisible())
        let stderr = (try? String(contentsOfFile: scratch.file("stderr.txt"), encoding: .utf8)) ?? ""
        #expect(stderr.contains("history flushed"), "\(stderr)")
        await server.stop()
    }

    @Test func notATerminalExitsThreeWithAHint() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/gift-payment": .ok()])
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.estate(server))
        let outcome = try await Binary.run(["dashboard", "--config", config, "--state", scratch.file("s.sqlite")])
        await server.stop()
        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("watch --headless"))
        #expect(outcome.stdout.isEmpty)
        // The dashboard is the default command.
        let bare = try await Binary.run(["--config", config, "--state", scratch.file("s.sqlite")])
        #expect(bare.status == 3)
        #expect(bare.stderr.contains("watch --headless"))
    }

    @Test func sigtermRestoresTheTerminal() async throws {
        let server = try await LoopbackHTTPServer.start(
            routes: Dictionary(uniqueKeysWithValues: Self.probed.map { ("/" + $0, ScriptedBehaviour.ok()) }))
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.estate(server))
        let tmux = BoardTmux(width: 90, height: 26)
        defer { tmux.kill() }
        let pidFile = scratch.file("pid")
        // NO_COLOR and an ASCII locale: the board falls back to ASCII glyphs.
        let command =
            "echo $$ > '\(pidFile)'; exec env LANG=C LC_ALL=C NO_COLOR=1 sh -c "
            + "\"'\(Binary.path)' dashboard --config '\(config)' --state '\(scratch.file("state.sqlite"))' "
            + "2>/dev/null; echo EXIT=\\$?; sleep 600\""
        try tmux.start(command)
        let screen = try await tmux.waitForScreen("ascii board") { $0.contains("o OK") && $0.contains("12 up") }
        #expect(!screen.contains("●"))
        #expect(screen.contains("card-issuance"))
        // NO_COLOR: attributes (bold, reverse) but not one colour.
        let styled = try tmux.capture(withEscapes: true)
        #expect(styled.contains("\u{1B}["))
        #expect(BoardTmux.colourParameters(in: styled).isEmpty)
        // The dashboard is the child of the shell whose pid the command wrote.
        let shell = try #require(
            Int32(
                String(contentsOfFile: pidFile, encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)))
        let child = try #require(BoardTmux.children(of: shell).first)
        kill(child, SIGTERM)
        let after = try await tmux.waitForScreen("exit after SIGTERM") { $0.contains("EXIT=") }
        #expect(after.contains("EXIT=0"))
        #expect(!after.contains("SERVICE"))
        #expect(try tmux.cursorVisible())
        await server.stop()
    }

    /// Minute counts for every probed service over the last `days`: a probe a second, one failure
    /// every 500 minutes.
    static func seedHistory(_ path: String, days: Int) throws {
        let store = try HistoryStore(path: path) { _ in }
        var batch = HistoryBatch()
        let now = MinuteAggregate.minute(of: Date())
        for service in probed {
            var minutes: [Int64: MinuteAggregate] = [:]
            for minute in (now - Int64(days * 1440))..<now {
                let good: Int64 = minute % 500 == 0 ? 59 : 60
                minutes[minute] = MinuteAggregate(
                    minute: minute, availabilityGood: good, availabilityTotal: 60, latencyGood: good,
                    latencyTotal: good)
            }
            batch.aggregates[service] = minutes
        }
        try store.write(batch)
        store.checkpoint()
    }

    /// The table row that shows `service` (below the two header rows and the column header).
    static func row(_ screen: String, _ service: String) -> String? {
        screen.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(3).first { line in
            line.contains(" \(service) ") && (line.hasPrefix("  ") || line.hasPrefix("▶ "))
        }.map(String.init)
    }

    static func saveScreenshot(_ screen: String, _ name: String) throws {
        guard let directory = ProcessInfo.processInfo.environment["INCIDENTBOARD_SCREENSHOTS"], !directory.isEmpty
        else { return }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try (screen + "\n").write(toFile: directory + "/" + name + ".txt", atomically: true, encoding: .utf8)
    }
}

/// A tmux server of its own (its own socket), with one window, driven by the test.
final class BoardTmux: Sendable {
    let socket: String
    let width: Int
    let height: Int

    init(width: Int, height: Int) {
        socket = "incidentboard-e2e-\(UUID().uuidString.prefix(8))"
        self.width = width
        self.height = height
    }

    /// Runs a tmux client command and returns its output when `wanted`.
    ///
    /// Spawned with an empty signal mask and default signal actions: a test process's threads block
    /// most signals, and a child spawned from one inherits that, so the tmux server (and the shell and
    /// dashboard it starts) would never see SIGCHLD, SIGTERM or SIGHUP. Output is read only for
    /// commands that cannot start a server, which would keep the pipe open for as long as it runs.
    @discardableResult
    private func run(_ arguments: [String], output wanted: Bool = false) throws -> String {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signalNumber in [SIGHUP, SIGINT, SIGTERM, SIGQUIT, SIGCHLD, SIGPIPE, SIGWINCH] {
            sigaddset(&defaults, signalNumber)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pipeEnds: [Int32] = [-1, -1]
        if wanted {
            guard pipe(&pipeEnds) == 0 else { throw BoardTmuxError.spawn(errno) }
            // Not inherited by whatever else the test process spawns meanwhile (the dup2 below clears it).
            _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(pipeEnds[1], F_SETFD, FD_CLOEXEC)
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], STDOUT_FILENO)
        } else {
            posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)

        let argv = (["tmux", "-L", socket] + arguments).map { strdup($0) } + [nil]
        var environment = ProcessInfo.processInfo.environment
        environment["TMUX"] = nil
        // Colour is the test's choice (the runner may set NO_COLOR for its own output).
        environment["NO_COLOR"] = nil
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "tmux", &actions, &attributes, argv, envp)
        if wanted { close(pipeEnds[1]) }
        guard spawned == 0 else {
            if wanted { close(pipeEnds[0]) }
            throw BoardTmuxError.spawn(spawned)
        }
        var data = [UInt8]()
        if wanted {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                data += buffer[0..<count]
            }
            close(pipeEnds[0])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return String(decoding: data, as: UTF8.self)
    }

    func start(_ shellCommand: String) throws {
        try run([
            "-f", "/dev/null", "new-session", "-d", "-s", "board", "-x", "\(width)", "-y", "\(height)",
            "sh", "-c", shellCommand,
        ])
        // The window keeps the size the test asks for, whatever clients attach.
        try run(["set-option", "-g", "window-size", "manual"])
    }

    /// The pane's text, one line per row (no newline after the last); with `withEscapes`, the SGR
    /// sequences of its attributes and colours too.
    func capture(withEscapes: Bool = false) throws -> String {
        var text = try run(["capture-pane", "-p"] + (withEscapes ? ["-e"] : []) + ["-t", "board"], output: true)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    func send(_ keys: String...) {
        for key in keys { _ = try? run(["send-keys", "-t", "board", key]) }
    }

    func resize(width: Int, height: Int) throws {
        try run(["resize-window", "-t", "board", "-x", "\(width)", "-y", "\(height)"])
    }

    /// Whether the pane's cursor is shown (the board hides it; a restored terminal shows it).
    func cursorVisible() throws -> Bool {
        try run(["display-message", "-p", "-t", "board", "#{cursor_flag}"], output: true)
            .trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    /// Polls the screen until `predicate` holds; fails with the last screen after `timeout`.
    func waitForScreen(
        _ what: String, timeout: Duration = .seconds(30),
        _ predicate: (String) -> Bool
    ) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var screen = ""
        while ContinuousClock.now < deadline {
            screen = try capture()
            if predicate(screen) { return screen }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("timed out waiting for \(what); the screen:\n\(screen)")
        throw BoardTmuxTimeout()
    }

    /// SGR parameters in `text` that set a colour (30–37, 38, 40–47, 48, 90–97, 100–107).
    static func colourParameters(in text: String) -> [Int] {
        var found: [Int] = []
        var rest = Substring(text)
        while let start = rest.range(of: "\u{1B}[") {
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(of: "m") else { break }
            let parameters = rest[..<end].split(separator: ";").compactMap { Int($0) }
            found += parameters.filter { (30...48).contains($0) && $0 != 39 || (90...107).contains($0) }
            rest = rest[rest.index(after: end)...]
        }
        return found
    }

    func kill() {
        _ = try? run(["kill-server"])
        let directory = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        unlink("\(directory)/tmux-\(getuid())/\(socket)")
    }

    /// Direct children of `pid`.
    static func children(of pid: Int32) -> [Int32] { ProcessTable().children(of: pid) }
}

struct BoardTmuxTimeout: Error {}

enum BoardTmuxError: Error {
    case spawn(Int32)
}
