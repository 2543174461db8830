import Foundation
import Probes
import ProbesTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The built binary as most people run it: not as root. When the tests run as root (CI), the
/// binary runs under `setpriv` as nobody (65534); otherwise as the test's own user.
///
/// Root may do things an ordinary user may not (a socket option at the wrong level once made
/// every HTTP probe of an ordinary user fail with "socket error 13", and every connection to
/// our servers close at accept), so a test run as root alone cannot see them.
@Suite("an unprivileged user (built binary)")
struct UnprivilegedUserTests {
    @Test func checkSeesAHealthyUpstreamUp() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/health": .ok()])
        let user = try UnprivilegedUser()
        let config = try user.scratch.write("probes.json", Self.config(server))
        let outcome = try await Binary.run(
            user.launcher[0], Array(user.launcher.dropFirst()) + ["check", "--config", config],
            environment: user.environment)
        await server.stop()
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("OK: 1 of 1 up"), "\(outcome.stdout)")
        #expect(!outcome.stdout.contains("socket error"), "\(outcome.stdout)")
        #expect(server.requests(to: "/health").count == 1)
    }

    /// The metrics server (the demo estate's servers share its accept loop) serves an ordinary
    /// user's agent, and that agent's probes reach their upstream.
    @Test func metricsEndpointAnswersAndProbesSucceed() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/health": .ok()])
        let user = try UnprivilegedUser()
        let config = try user.scratch.write("probes.json", Self.config(server))
        let port = try #require(FreePort.find())
        let watch = try RunningBinary(
            [
                "watch", "--headless", "--format", "json", "--config", config, "--state",
                user.scratch.file("state.sqlite"), "--metrics-listen", "127.0.0.1:\(port)",
            ], environment: user.environment, launcher: user.launcher)
        var body = ""
        let answered = await waitUntil {
            body = await Scrape.get(port: port, "/metrics")?.body ?? ""
            return body.contains("probe_success{service=\"portal\"")
        }
        #expect(answered, "no /metrics answer; stderr: \(watch.stderrLines)")
        if getuid() == 0 {
            #expect(Self.realUID(of: watch.pid) == UnprivilegedUser.nobody, "the agent runs as nobody, not as root")
        }
        #expect(body.contains("probe_success{service=\"portal\",site=\""), "\(body.prefix(2000))")
        let successes = body.split(separator: "\n").filter { $0.hasPrefix("probe_success{service=\"portal\"") }
        #expect(successes.count == 1 && successes.allSatisfy { $0.hasSuffix(" 1") }, "\(successes)")
        watch.signal(SIGTERM)
        #expect(await watch.waitForExit(timeout: .seconds(10)) == 0, "\(watch.stderrLines)")
        await server.stop()
    }

    /// The real user id of process `pid`, from /proc.
    static func realUID(of pid: Int32) -> uid_t? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Uid:") })
        else { return nil }
        return line.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first.flatMap { uid_t($0) }
    }

    static func config(_ server: LoopbackHTTPServer) -> String {
        """
        {
          "defaults": { "interval": "1s", "timeout": "900ms" },
          "services": [ { "name": "portal", "probe": { "type": "http", "url": "\(server.url("/health"))" } } ]
        }
        """
    }
}

/// A scratch directory an unprivileged user can use, and how to run the binary as that user.
struct UnprivilegedUser {
    /// The user the binary runs as when the tests run as root: nobody.
    static let nobody: uid_t = 65_534

    let scratch: Scratch
    /// The program and arguments that start the binary as the user (the binary's path last).
    let launcher: [String]
    let environment: [String: String]

    init() throws {
        scratch = try Scratch()
        var environment = ProcessInfo.processInfo.environment
        environment["INCIDENTBOARD_CONFIG"] = nil
        guard getuid() == 0 else {
            launcher = [Binary.path]
            self.environment = environment
            return
        }
        // The binary is linked into the scratch directory, which nobody owns: a checkout under a
        // directory only root may enter (/root) must not decide the test.
        let binary = scratch.file("incidentboard")
        do {
            try FileManager.default.linkItem(atPath: Binary.path, toPath: binary)
        } catch {
            try FileManager.default.copyItem(atPath: Binary.path, toPath: binary)
        }
        guard chmod(binary, 0o755) == 0, chown(scratch.path, Self.nobody, Self.nobody) == 0,
            chmod(scratch.path, 0o755) == 0
        else { throw UnprivilegedUserError.setup(errno) }
        let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let setpriv else { throw UnprivilegedUserError.noSetpriv }
        launcher = [setpriv, "--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups", "--", binary]
        environment["HOME"] = scratch.path
        self.environment = environment
    }
}

enum UnprivilegedUserError: Error {
    case setup(Int32)
    /// `setpriv` (Debian's util-linux) is missing; scripts/test installs it.
    case noSetpriv
}
