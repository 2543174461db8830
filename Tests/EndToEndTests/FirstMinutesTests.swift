import Foundation
import ProbesTesting
import Testing

/// What a new user meets in the first minutes, run as the user runs it: the built binary.
@Suite("First minutes (built binary)")
struct FirstMinutesTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    // MARK: Unknown commands

    @Test func aMisspeltCommandSuggestsTheCommandAndShowsTheRootUsage() async throws {
        let outcome = try await Binary.run(["chek"])
        #expect(outcome.status == 3)
        #expect(outcome.stdout.isEmpty)
        let lines = outcome.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "incidentboard: unknown command 'chek'; did you mean 'check'?", "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("Unexpected argument"), "not the dashboard's complaint: \(outcome.stderr)")
        #expect(lines.dropFirst().first == "USAGE: incidentboard <subcommand>", "the root usage: \(outcome.stderr)")
        #expect(outcome.stderr.contains("SUBCOMMANDS:") && outcome.stderr.contains("  check "), "\(outcome.stderr)")
        // Nothing close: no guess, still the usage.
        let far = try await Binary.run(["frobnicate"])
        #expect(far.status == 3)
        #expect(far.stderr.hasPrefix("incidentboard: unknown command 'frobnicate'\n"), "\(far.stderr)")
        // One level down: `slo`'s own commands, and `slo`'s usage.
        let nested = try await Binary.run(["slo", "simulat", "--objective", "99.9"])
        #expect(nested.status == 3)
        #expect(
            nested.stderr.hasPrefix(
                "incidentboard slo: unknown command 'simulat'; did you mean 'simulate'?\n"
                    + "USAGE: incidentboard slo <subcommand>"), "\(nested.stderr)")
        // Real commands and options are not touched.
        let help = try await Binary.run(["check", "--help"])
        #expect(help.status == 0)
    }

    // MARK: check

    /// A config whose every probe goes to a port where nothing listens.
    @Test func checkWithNothingListeningSaysSoBeforeTheReport() async throws {
        let refusing = try RefusingPort()
        let scratch = try Scratch()
        let url = "http://127.0.0.1:\(refusing.port)"
        let config = try scratch.write(
            "estate.json",
            """
            {"defaults": {"interval": "30s", "timeout": "5s"},
             "services": [{"name": "db", "probe": {"type": "http", "url": "\(url)/db"}},
                          {"name": "api", "dependsOn": ["db"], "probe": {"type": "http", "url": "\(url)/api"}}]}
            """)
        let outcome = try await Binary.run(["check", "--config", config])
        withExtendedLifetime(refusing) {}
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr == "incidentboard: \(config): nothing answered (all 2 probes refused: nothing listens "
                + "there); is the estate running?\n", "\(outcome.stderr)")
    }

    @Test func checkOfTheDemoEstatesConfigWithNothingRunningNamesTheDemo() async throws {
        let refusing = try RefusingPort()
        let scratch = try Scratch()
        var text = try String(contentsOf: Self.repository.appendingPathComponent("probes.json"), encoding: .utf8)
        text = text.replacing(/127\.0\.0\.1:\d+\//, with: "127.0.0.1:\(refusing.port)/")
        let config = try scratch.write("probes.json", text)
        let outcome = try await Binary.run(["check", "--config", config])
        withExtendedLifetime(refusing) {}
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("nothing answered (all 13 probes refused"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("`incidentboard demo` starts it"), "\(outcome.stderr)")
    }

    @Test func checkTextReadsWellForARootWithNoDependents() async throws {
        let refusing = try RefusingPort()
        let scratch = try Scratch()
        let config = try scratch.write(
            "probes.json",
            """
            {"services": [{"name": "db", "probe": {"type": "tcp", "host": "127.0.0.1", "port": \(refusing.port)}}]}
            """)
        let outcome = try await Binary.run(["check", "--config", config])
        withExtendedLifetime(refusing) {}
        #expect(outcome.status == 2)
        #expect(!outcome.stdout.contains("×0"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("connection refused  ROOT CAUSE\n"), "\(outcome.stdout)")
        #expect(outcome.stdout.hasSuffix("incident: db, affecting nothing else\n"), "\(outcome.stdout)")
        #expect(outcome.stderr.contains("nothing answered (the only probe refused"), "\(outcome.stderr)")
    }

    @Test func checkJSONOnAMissingConfigSaysWhatTextModeSays() async throws {
        let scratch = try Scratch()
        let missing = scratch.file("nope.json")
        let json = try await Binary.run(["check", "--config", missing, "--format", "json"])
        #expect(json.status == 3)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["status"] as? String == "unknown")
        #expect(object["error"] as? String == "\(missing): cannot read: No such file or directory")
        let text = try await Binary.run(["check", "--config", missing])
        #expect(text.stderr == "incidentboard: \(missing): cannot read: No such file or directory\n")
    }

    @Test func withoutAConfigHereTheErrorPointsAtTheDemo() async throws {
        let scratch = try Scratch()
        let outcome = try await Binary.run(["check"], directory: scratch.path)
        #expect(outcome.status == 3)
        #expect(
            outcome.stderr == "incidentboard: probes.json: cannot read: No such file or directory\n"
                + "incidentboard: no --config given and no ./probes.json here; "
                + "`incidentboard demo` shows the board on the built-in demo estate\n", "\(outcome.stderr)")
    }

    // MARK: History per config

    /// Runs `watch --headless` on `config` until `until` holds for `slo --format json` of it.
    static func watch(
        _ config: String, environment: [String: String],
        until done: @escaping ([String: Any]) -> Bool
    ) async throws {
        let watch = try RunningBinary(
            ["watch", "--headless", "--format", "json", "--config", config],
            environment: environment)
        let deadline = ContinuousClock.now + .seconds(30)
        var reached = false
        while !reached && ContinuousClock.now < deadline {
            let slo = try await Binary.run(["slo", "--config", config, "--format", "json"], environment: environment)
            if slo.status == 0, let json = try? JSONSerialization.jsonObject(with: Data(slo.stdout.utf8)),
                let object = json as? [String: Any], done(object)
            {
                reached = true
            } else {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        watch.signal(SIGTERM)
        #expect(await watch.waitForExit() == 0)
        #expect(reached, "history of \(config) never showed what was awaited")
    }

    /// Good and total of the `svc` availability SLI in an `slo --format json` document.
    static func availability(_ json: [String: Any]) -> (good: Double, total: Double)? {
        guard let services = json["services"] as? [[String: Any]],
            let slis = services.first(where: { $0["service"] as? String == "svc" })?["slis"] as? [[String: Any]],
            let sli = slis.first, let good = sli["good"] as? Double, let total = sli["total"] as? Double
        else { return nil }
        return (good, total)
    }

    @Test func twoConfigsOfTheSameNameInDifferentFoldersKeepSeparateHistories() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/ok": .ok(), "/broken": .status(500)])
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.file("a"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: scratch.file("b"), withIntermediateDirectories: true)
        func config(_ path: String) -> String {
            #"{"defaults": {"interval": "1s", "timeout": "900ms"}, "#
                + #""services": [{"name": "svc", "probe": {"type": "http", "url": "\#(server.url(path))"}}]}"#
        }
        let a = try scratch.write("a/probes.json", config("/ok"))
        let b = try scratch.write("b/probes.json", config("/broken"))
        let environment = ["XDG_STATE_HOME": scratch.file("state")]
        try await Self.watch(a, environment: environment) { (Self.availability($0)?.total ?? 0) >= 2 }
        try await Self.watch(b, environment: environment) { (Self.availability($0)?.total ?? 0) >= 2 }
        await server.stop()

        let files = try FileManager.default.contentsOfDirectory(atPath: scratch.file("state/incidentboard"))
            .filter { $0.hasSuffix(".sqlite") }
        #expect(files.count == 2, "\(files)")
        #expect(files.allSatisfy { $0.range(of: #"^probes-[0-9a-f]{8}\.sqlite$"#, options: .regularExpression) != nil })
        for (config, healthy) in [(a, true), (b, false)] {
            let slo = try await Binary.run(["slo", "--config", config, "--format", "json"], environment: environment)
            #expect(slo.status == 0, "\(slo.stderr)")
            #expect(slo.stderr.isEmpty, "\(slo.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(slo.stdout.utf8)) as? [String: Any])
            let counts = try #require(Self.availability(json))
            #expect(counts.total >= 2)
            #expect(counts.good == (healthy ? counts.total : 0), "\(config): \(counts)")
        }
    }

    @Test func aHistoryOfAnotherConfigIsNamedAsSuch() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/ok": .ok()])
        let scratch = try Scratch()
        let first = try scratch.write(
            "first.json",
            #"""
            {"defaults": {"interval": "1s", "timeout": "900ms"},
             "services": [{"name": "svc", "probe": {"type": "http", "url": "\#(server.url("/ok"))"}}]}
            """#)
        let other = try scratch.write("other.json", #"{"services": [{"name": "payments"}, {"name": "ledger"}]}"#)
        let state = scratch.file("first.sqlite")
        try await Self.watch(first, environment: ["XDG_STATE_HOME": scratch.file("xdg")]) { _ in true }
        // The awaited history lives at the default path; copy its file to an explicit --state.
        let directory = scratch.file("xdg/incidentboard")
        let written = try #require(
            try FileManager.default.contentsOfDirectory(atPath: directory)
                .first { $0.hasSuffix(".sqlite") })
        try FileManager.default.copyItem(atPath: directory + "/" + written, toPath: state)
        await server.stop()

        let outcome = try await Binary.run(["slo", "--config", other, "--state", state])
        #expect(outcome.status == 3)
        #expect(outcome.stdout.isEmpty, "no table of 0/0: \(outcome.stdout)")
        let firstPath = URL(fileURLWithPath: first).resolvingSymlinksInPath().path
        let otherPath = URL(fileURLWithPath: other).resolvingSymlinksInPath().path
        #expect(
            outcome.stderr == "incidentboard: \(state): this history was written for \(firstPath), not for "
                + "\(otherPath); give each config its own --state (or leave --state out)\n", "\(outcome.stderr)")
        // Its own config reads it without a word.
        let own = try await Binary.run(["slo", "--config", first, "--state", state])
        #expect(own.status == 0, "\(own.stderr)")
        #expect(own.stderr.isEmpty, "\(own.stderr)")
    }

    @Test func aHistoryUnderTheOldDefaultNameIsRenamedOnce() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/ok": .ok()])
        let scratch = try Scratch()
        let config = try scratch.write(
            "estate.json",
            #"""
            {"defaults": {"interval": "1s", "timeout": "900ms"},
             "services": [{"name": "svc", "probe": {"type": "http", "url": "\#(server.url("/ok"))"}}]}
            """#)
        let environment = ["XDG_STATE_HOME": scratch.file("xdg")]
        try await Self.watch(config, environment: environment) { (Self.availability($0)?.total ?? 0) >= 1 }
        await server.stop()
        let directory = scratch.file("xdg/incidentboard")
        let current = try #require(
            try FileManager.default.contentsOfDirectory(atPath: directory)
                .first { $0.hasSuffix(".sqlite") })
        // As an earlier version left it.
        try FileManager.default.moveItem(atPath: directory + "/" + current, toPath: directory + "/estate.sqlite")

        let renamed = try await Binary.run(["slo", "--config", config], environment: environment)
        #expect(renamed.status == 0, "\(renamed.stderr)")
        #expect(
            renamed.stderr == "incidentboard: \(directory)/estate.sqlite: renamed to \(directory)/\(current) "
                + "(histories are now kept per config path)\n", "\(renamed.stderr)")
        #expect(renamed.stdout.contains("svc"))
        let again = try await Binary.run(["slo", "--config", config], environment: environment)
        #expect(again.status == 0)
        #expect(again.stderr.isEmpty, "renamed once: \(again.stderr)")
    }

    // MARK: demo

    @Test func demoHelpShowsEachDefaultOnce() async throws {
        let help = try await Binary.run(["demo", "--help"])
        #expect(help.status == 0)
        let text = help.stdout.replacing(/\s+/, with: " ")
        // The option's own entry (the last mention; the first is in the USAGE line).
        let config = try #require(text.range(of: "--config <path>", options: .backwards))
        let rest = text[config.upperBound...]
        let option = rest[..<(rest.range(of: "--state")?.lowerBound ?? rest.endIndex)]
        #expect(option.components(separatedBy: "default").count - 1 == 1, "\(option)")
        #expect(option.contains("built into incidentboard"), "\(option)")
    }

    @Test func demoListWorksFromAnyDirectory() async throws {
        let scratch = try Scratch()
        let list = try await Binary.run(["demo", "--list"], directory: scratch.path)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.hasPrefix("tour"))
    }

    // MARK: Install

    @Test func installPutsTheBinaryIntoPrefixBin() async throws {
        let scratch = try Scratch()
        let script = Self.repository.appendingPathComponent("scripts/install").path
        let outcome = try await Binary.run(
            "/bin/bash", [script, "--binary", Binary.path, "--prefix", scratch.file("prefix")],
            environment: ProcessInfo.processInfo.environment.merging(["PATH": "/usr/bin:/bin"]) { $1 })
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let installed = scratch.file("prefix/bin/incidentboard")
        #expect(FileManager.default.isExecutableFile(atPath: installed))
        #expect(outcome.stderr.contains("installed \(installed)"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("\(scratch.file("prefix/bin")) is not on your PATH"), "\(outcome.stderr)")
        let version = try await Binary.run(installed, ["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("0."), "\(version.stdout)")
        // From anywhere, the installed binary finds its demo: the estate's config is inside it.
        let list = try await Binary.run(installed, ["demo", "--list"], directory: "/")
        #expect(list.stdout.hasPrefix("tour"))
        let bad = try await Binary.run("/bin/bash", [script, "--nonsense"])
        #expect(bad.status == 3)
    }
}
