import Foundation
import Probes
import ProbesTesting
import Testing

/// Silences and maintenance windows with the built binary: a silence added from a second
/// terminal reaches a running `watch`, a real Alertmanager and the dashboard in tmux; it expires by
/// itself and never swallows a `resolved`. Every bad input has its message.
@Suite("silences and maintenance windows (built binary)", .serialized)
struct SilenceEndToEndTests {
    static func config(_ server: LoopbackHTTPServer, extra: String = "") -> String {
        """
        {
          "defaults": { "interval": "1s", "timeout": "900ms" },
          "slo": { "latency": { "threshold": "5s" } },
          "services": [
            { "name": "bureau", "group": "upstream", "probe": { "type": "http", "url": "\(server.url("/bureau"))" }\(extra) },
            { "name": "gift", "probe": { "type": "http", "url": "\(server.url("/gift"))" } }
          ]
        }
        """
    }

    static func line(_ text: String) -> [String: Any]? { WatchCommandTests.event(text) }

    static func isDown(_ text: String, _ event: String, _ service: String) -> Bool {
        WatchCommandTests.isEvent(text, event, service)
    }

    /// The silence id in `silence add`'s line: `silenced bureau until … as s-3f9a1c`.
    static func silenceID(_ stdout: String) -> String? {
        guard let range = stdout.range(of: #" as s-[0-9a-f]{6}"#, options: .regularExpression) else { return nil }
        return String(stdout[range].dropFirst(4))
    }

    static func amSilences(_ am: RulesAlertmanager) async -> [[String: Any]] {
        guard let data = try? await am.request("GET", "/api/v2/silences") else { return [] }
        return ((try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]]) ?? []
    }

    /// Must-show 2 (watch and Alertmanager): the silence reaches the running agent and a real
    /// Alertmanager; the silenced alert's `resolved` still comes; the silence ends by itself, after
    /// which the same failure pages again, not quiet.
    @Test func aSilenceFromASecondTerminalReachesWatchAndAlertmanagerAndEndsByItself() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/bureau": .ok(), "/gift": .ok(), "/am": .status(200)])
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server))
        let amConfig = try await AlertDeliveryEndToEndTests.alertmanagerConfig(
            scratch, config: config,
            receiver: server.url("/am"))
        let am = try await RulesAlertmanager(config: amConfig, storage: scratch.file("am"))
        defer { am.stop() }
        let state = scratch.file("state.sqlite")
        let amURL = "http://127.0.0.1:\(am.port)"
        let watch = try RunningBinary([
            "watch", "--headless", "--format", "json", "--config", config, "--state", state,
            "--alertmanager", amURL, "--alertmanager-resend", "2",
        ])

        // The bureau goes down and pages, loud.
        server.script("/bureau", .status(503))
        let fired = await watch.waitForLine(timeout: .seconds(60)) { Self.isDown($0, "firing", "bureau") }
        let firing = try #require(fired.flatMap(Self.line), "\(watch.stdoutLines) \(watch.stderrLines)")
        #expect(firing["silence"] == nil && firing["maintenance"] == nil)

        // A second terminal silences it, in the state file the agent holds and in Alertmanager.
        let added = try await Binary.run([
            "silence", "add", "bureau", "--for", "25s", "--reason", "on it, deploy rollback",
            "--config", config, "--state", state, "--alertmanager", amURL,
        ])
        #expect(added.status == 0, "\(added.stderr)")
        let id = try #require(Self.silenceID(added.stdout), "\(added.stdout)")
        #expect(added.stdout.contains("silenced bureau until "))

        // The agent picks it up within a few seconds, and says so.
        #expect(
            await AlertDeliveryEndToEndTests.eventually(.seconds(10)) {
                watch.stderrLines.contains {
                    $0.contains("silence \(id) on bureau until ") && $0.contains("on it, deploy rollback")
                }
            }, "\(watch.stderrLines)")

        // Alertmanager has the silence, with who and why, and mutes the bureau's alert with it.
        var silences: [[String: Any]] = []
        #expect(
            await AlertDeliveryEndToEndTests.eventually {
                silences = await Self.amSilences(am)
                return silences.contains {
                    ($0["comment"] as? String)?.contains(id) == true
                        && ($0["status"] as? [String: Any])?["state"] as? String == "active"
                }
            }, "\(silences)")
        let copy = try #require(silences.first { ($0["comment"] as? String)?.contains(id) == true })
        let matchers = copy["matchers"] as? [[String: Any]] ?? []
        #expect(matchers.contains { $0["name"] as? String == "service" && $0["value"] as? String == "bureau" })
        #expect((copy["createdBy"] as? String)?.isEmpty == false)
        var alerts: [[String: Any]] = []
        #expect(
            await AlertDeliveryEndToEndTests.eventually {
                alerts = await AlertDeliveryEndToEndTests.listed(am)
                return alerts.contains {
                    AlertDeliveryEndToEndTests.labels($0)["service"] == "bureau"
                        && AlertDeliveryEndToEndTests.state($0) == "suppressed"
                        && (($0["status"] as? [String: Any])?["silencedBy"] as? [String])?.isEmpty == false
                }
            }, "\(alerts)")

        // `silence list` from a third terminal shows it, active.
        let listed = try await Binary.run(["silence", "list", "--format", "json", "--config", config, "--state", state])
        #expect(listed.status == 0)
        let entries = (try? JSONSerialization.jsonObject(with: Data(listed.stdout.utf8))) as? [[String: Any]] ?? []
        #expect(
            entries.contains {
                $0["id"] as? String == id && $0["active"] as? Bool == true
                    && $0["reason"] as? String == "on it, deploy rollback" && $0["alertmanagerId"] is String
            }, "\(listed.stdout)")

        // Recovery while silenced: the resolved line still comes, marked with the silence.
        server.script("/bureau", .ok())
        let resolvedLine = await watch.waitForLine(timeout: .seconds(30)) { Self.isDown($0, "resolved", "bureau") }
        let resolved = try #require(resolvedLine.flatMap(Self.line), "\(watch.stdoutLines)")
        #expect(resolved["silence"] as? String == id)

        // The silence ends by itself: the agent says so, `silence list` shows it ended, and
        // Alertmanager's copy expires with it.
        #expect(
            await AlertDeliveryEndToEndTests.eventually(.seconds(40)) {
                watch.stderrLines.contains { $0.contains("silence \(id) on bureau ended") }
            }, "\(watch.stderrLines)")
        let after = try await Binary.run(["silence", "list", "--config", config, "--state", state])
        #expect(after.stdout.contains("\(id)  bureau  ended "), "\(after.stdout)")
        #expect(
            await AlertDeliveryEndToEndTests.eventually {
                await Self.amSilences(am).contains {
                    ($0["comment"] as? String)?.contains(id) == true
                        && ($0["status"] as? [String: Any])?["state"] as? String == "expired"
                }
            })

        // The same failure now pages, not quiet.
        let before = watch.stdoutLines.count
        server.script("/bureau", .status(503))
        let again = await watch.waitForLine(timeout: .seconds(60)) { line in
            Self.isDown(line, "firing", "bureau") && !watch.stdoutLines.prefix(before).contains(line)
        }
        let loud = try #require(again.flatMap(Self.line), "\(watch.stdoutLines)")
        #expect(loud["silence"] == nil)

        watch.signal(SIGTERM)
        #expect(await watch.waitForExit() == 0)
        await server.stop()
    }

    /// An agent with `--alertmanager` copies there the silences added without it, records the
    /// copy's id, and expires the copy when the silence is expired early.
    @Test func anAgentWithAlertmanagerCopiesSilencesAddedWithoutIt() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/bureau": .ok(), "/gift": .ok(), "/am": .status(200)])
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server))
        let amConfig = try await AlertDeliveryEndToEndTests.alertmanagerConfig(
            scratch, config: config,
            receiver: server.url("/am"))
        let am = try await RulesAlertmanager(config: amConfig, storage: scratch.file("am"))
        defer { am.stop() }
        let state = scratch.file("state.sqlite")
        let watch = try RunningBinary([
            "watch", "--headless", "--format", "json", "--config", config, "--state", state,
            "--alertmanager", "http://127.0.0.1:\(am.port)",
        ])
        let added = try await Binary.run([
            "silence", "add", "gift", "--for", "1h", "--reason", "vendor maintenance",
            "--config", config, "--state", state,
        ])
        let id = try #require(Self.silenceID(added.stdout), "\(added.stdout) \(added.stderr)")
        func copy() async -> [String: Any]? {
            await Self.amSilences(am).first { ($0["comment"] as? String)?.contains(id) == true }
        }
        #expect(
            await AlertDeliveryEndToEndTests.eventually {
                (await copy())?["status"].flatMap { ($0 as? [String: Any])?["state"] as? String } == "active"
            }, "\(watch.stderrLines)")
        let remote = try #require(await copy()?["id"] as? String)
        let listed = try await Binary.run(["silence", "list", "--format", "json", "--config", config, "--state", state])
        let entries = (try? JSONSerialization.jsonObject(with: Data(listed.stdout.utf8))) as? [[String: Any]] ?? []
        #expect(entries.first { $0["id"] as? String == id }?["alertmanagerId"] as? String == remote, "\(listed.stdout)")
        // Copied once, however often the agent reads the silences again.
        #expect(await Self.amSilences(am).filter { ($0["comment"] as? String)?.contains(id) == true }.count == 1)

        let expired = try await Binary.run(["silence", "expire", id, "--config", config, "--state", state])
        #expect(expired.status == 0, "\(expired.stderr)")
        #expect(
            await AlertDeliveryEndToEndTests.eventually {
                (await copy())?["status"].flatMap { ($0 as? [String: Any])?["state"] as? String } == "expired"
            }, "\(watch.stderrLines)")
        watch.signal(SIGTERM)
        #expect(await watch.waitForExit() == 0)
        await server.stop()
    }

    /// `silence expire` ends a silence early; the running agent notices.
    @Test func expireEndsASilenceEarlyAndTheAgentNotices() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/bureau": .ok(), "/gift": .ok()])
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server))
        let state = scratch.file("state.sqlite")
        let watch = try RunningBinary(["watch", "--headless", "--format", "json", "--config", config, "--state", state])
        #expect(
            await AlertDeliveryEndToEndTests.eventually {
                watch.stderrLines.contains { $0.contains("watching 2 probes") }
            })
        let added = try await Binary.run([
            "silence", "add", "gift", "--for", "2h", "--reason", "noisy",
            "--config", config, "--state", state,
        ])
        let id = try #require(Self.silenceID(added.stdout), "\(added.stdout) \(added.stderr)")
        #expect(
            await AlertDeliveryEndToEndTests.eventually(.seconds(10)) {
                watch.stderrLines.contains { $0.contains("silence \(id) on gift until ") }
            }, "\(watch.stderrLines)")
        let expired = try await Binary.run(["silence", "expire", id, "--config", config, "--state", state])
        #expect(expired.status == 0, "\(expired.stderr)")
        #expect(expired.stdout.contains("expired \(id) on gift"))
        #expect(
            await AlertDeliveryEndToEndTests.eventually(.seconds(10)) {
                watch.stderrLines.contains { $0.contains("silence \(id) on gift expired") }
            }, "\(watch.stderrLines)")
        watch.signal(SIGTERM)
        #expect(await watch.waitForExit() == 0)
        await server.stop()
    }

    /// Must-show 3: each bad input, with its message.
    @Test func badSilencesAndWindowsAreRefusedWithWhatIsWrong() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/bureau": .ok(), "/gift": .ok()])
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server))
        let state = scratch.file("state.sqlite")
        func silence(_ arguments: [String]) async throws -> Binary.Outcome {
            try await Binary.run(["silence"] + arguments + ["--config", config, "--state", state])
        }
        let unknown = try await silence(["add", "bureu", "--for", "1h", "--reason", "x"])
        #expect(unknown.status == 3)
        #expect(
            unknown.stderr.contains(#"incidentboard: silence add: unknown service "bureu"; did you mean "bureau"?"#),
            "\(unknown.stderr)")
        let zero = try await silence(["add", "bureau", "--for", "0s", "--reason", "x"])
        #expect(zero.status == 3)
        #expect(
            zero.stderr.contains(#"incidentboard: silence add: --for: "0s" must be longer than zero"#), "\(zero.stderr)"
        )
        let noReason = try await silence(["add", "bureau", "--for", "1h", "--reason", ""])
        #expect(noReason.status == 3)
        #expect(noReason.stderr.contains("--reason must not be empty"), "\(noReason.stderr)")
        let noSuch = try await silence(["expire", "s-000000"])
        #expect(noSuch.status == 3)
        #expect(noSuch.stderr.contains(#"no silence "s-000000""#), "\(noSuch.stderr)")
        // Nothing was stored by the refused ones.
        let list = try await silence(["list"])
        #expect(list.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no silences", "\(list.stdout)")

        let zone = try scratch.write(
            "zone.json",
            Self.config(
                server,
                extra: """
                    , "maintenance": [{ "every": "daily", "start": "23:50", "end": "00:10", "timeZone": "Asia/Seol" }]
                    """))
        let badZone = try await Binary.run(["validate", "--config", zone])
        #expect(badZone.status == 1)
        #expect(
            badZone.stderr.contains(
                #"services[0].maintenance[0].timeZone: unknown time zone "Asia/Seol"; did you mean "Asia/Seoul"?"#),
            "\(badZone.stderr)")
        let order = try scratch.write(
            "order.json",
            Self.config(
                server,
                extra: """
                    , "maintenance": [{ "from": "2026-12-08T02:00:00+09:00", "to": "2026-12-08T01:00:00+09:00" }]
                    """))
        let badOrder = try await Binary.run(["validate", "--config", order])
        #expect(badOrder.status == 1)
        #expect(
            badOrder.stderr.contains(#"services[0].maintenance[0].to: "2026-12-08T01:00:00+09:00" is before "from""#),
            "\(badOrder.stderr)")
        await server.stop()
    }

    /// `check --format json` marks a service in an open window, status as measured.
    @Test func checkMarksAServiceInMaintenance() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/bureau": .status(503), "/gift": .ok()])
        let scratch = try Scratch()
        let config = try scratch.write(
            "probes.json",
            Self.config(
                server,
                extra: """
                    , "maintenance": [{ "from": "2020-01-01T00:00:00Z", "to": "2099-01-01T00:00:00Z", "reason": "migration" }]
                    """))
        let outcome = try await Binary.run(["check", "--format", "json", "--config", config])
        let json = try #require((try? JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8))) as? [String: Any])
        let services = json["services"] as? [[String: Any]] ?? []
        let bureau = try #require(services.first { $0["name"] as? String == "bureau" })
        #expect(bureau["status"] as? String == "down")
        #expect(bureau["maintenance"] as? Bool == true)
        #expect(services.first { $0["name"] as? String == "gift" }?["maintenance"] == nil)
        await server.stop()
    }

    /// Must-show 2 (dashboard): a silence from a second terminal shows on the running board with
    /// the warning of its end; `m` on a row silences it from the board, asking why.
    @Test func theDashboardShowsSilencesAndAddsOneWithAReason() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/bureau": .ok(), "/gift": .ok()])
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server))
        let state = scratch.file("state.sqlite")
        let tmux = BoardTmux(width: 100, height: 30)
        defer { tmux.kill() }
        try tmux.start(
            "LANG=C.UTF-8 LC_ALL=C.UTF-8 USER=oncall '\(Binary.path)' dashboard --config '\(config)' "
                + "--state '\(state)' 2>'\(scratch.file("stderr.txt"))'; echo EXIT=$?; sleep 600")
        _ = try await tmux.waitForScreen("both up") { $0.contains("2 up") }

        // A second terminal: a five-minute silence, inside the ten-minute warning.
        let added = try await Binary.run([
            "silence", "add", "bureau", "--for", "5m", "--reason", "deploy",
            "--config", config, "--state", state,
        ])
        let id = try #require(Self.silenceID(added.stdout), "\(added.stdout) \(added.stderr)")
        var screen = try await tmux.waitForScreen("the silence on the board") { screen in
            DashboardTmuxTests.row(screen, "bureau")?.contains("SILENCED") == true
                && screen.contains("silence \(id) on bureau ends in 5m")
        }
        #expect(DashboardTmuxTests.row(screen, "gift")?.contains("SILENCED") == false)

        // From the board: select gift, `m`, a reason, Enter.
        tmux.send("G")
        _ = try await tmux.waitForScreen("gift selected") { DashboardTmuxTests.row($0, "gift")?.hasPrefix("▶") == true }
        tmux.send("m")
        _ = try await tmux.waitForScreen("the reason prompt") { $0.contains("silence gift for 1h, reason:") }
        tmux.send("Enter")
        _ = try await tmux.waitForScreen("a reason is required") { $0.contains("a silence needs a reason") }
        tmux.send("noisy upstream")
        tmux.send("Enter")
        screen = try await tmux.waitForScreen("gift silenced from the board") { screen in
            DashboardTmuxTests.row(screen, "gift")?.contains("SILENCED") == true
        }
        let listed = try await Binary.run(["silence", "list", "--format", "json", "--config", config, "--state", state])
        let entries = (try? JSONSerialization.jsonObject(with: Data(listed.stdout.utf8))) as? [[String: Any]] ?? []
        #expect(
            entries.contains {
                $0["service"] as? String == "gift" && $0["reason"] as? String == "noisy upstream"
                    && $0["createdBy"] as? String == "oncall" && $0["active"] as? Bool == true
            }, "\(listed.stdout)")

        tmux.send("q")
        screen = try await tmux.waitForScreen("exit") { $0.contains("EXIT=") }
        #expect(screen.contains("EXIT=0"))
        await server.stop()
    }
}
