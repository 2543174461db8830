import ArgumentParser
import Dashboard
import Foundation
import Probes
import ProbesPrometheus

struct SilenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Quiet a service's alerts for a while: add, list and expire silences.",
        discussion: """
            A silence quiets the alerts of one service, and of the victims it explains, until it ends by \
            itself. Quiet alerts are still evaluated and written (marked "silence": ID), and a silenced alert \
            that resolves still writes its resolved line. Silences live in the state file (--state, or the \
            config's default) beside the history; a running watch or dashboard on it picks a new one up within \
            a few seconds. With --alertmanager the silence is made in Alertmanager too.
            """,
        subcommands: [SilenceAddCommand.self, SilenceListCommand.self, SilenceExpireCommand.self]
    )
}

struct SilenceAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Silence a service for a duration, with a reason.")

    @Argument(help: ArgumentHelp("The service to silence (a name from the config).", valueName: "service"))
    var service: String

    @Option(name: .customLong("for"), help: ArgumentHelp("How long, e.g. 30m, 1h, 2h30m.", valueName: "duration"))
    var duration: String

    @Option(help: ArgumentHelp("Why: shown with the silence to everyone who finds it.", valueName: "text"))
    var reason: String

    @Option(help: ArgumentHelp("Also create the silence in this Alertmanager (its base URL).", valueName: "url"))
    var alertmanager: String?

    @Option(help: "Output format: text or json.")
    var format: ReportFormat = .text

    @OptionGroup var options: ConfigOptions
    @OptionGroup var stateOptions: StateOptions

    func run() async throws {
        guard let config = options.load() else { throw ExitCode(UsageExit.code) }
        let length: Duration
        do {
            length = try SilenceRequestError.check(service: service, duration: duration, reason: reason, config: config)
        } catch {
            StandardError.write("incidentboard: silence add: \(error)")
            throw ExitCode(UsageExit.code)
        }
        let target = try alertmanager.map { text throws(ValidationError) -> DeliveryTarget in
            do { return try DeliveryTarget.alertmanager(parsing: text) } catch { throw ValidationError("\(error)") }
        }
        let now = Date()
        var silence = Silence(
            id: Silence.newID(), service: service, createdBy: Silence.currentUser(), createdAt: now,
            endsAt: now.addingTimeInterval(length.seconds), reason: reason)
        let statePath = stateOptions.path(forConfig: options.configPath)
        let store = try SilenceStore.open(statePath)
        // Alertmanager first, so the silence is stored with its copy's id in one write (an agent
        // that copies silences itself sees it already copied).
        var copyFailed = false
        if let target {
            do {
                silence.alertmanagerID = try await AlertmanagerSilences.create(silence, at: target)
            } catch {
                StandardError.write("incidentboard: silence \(silence.id) not made in Alertmanager: \(error)")
                copyFailed = true
            }
        }
        do {
            try store.addSilence(silence)
        } catch {
            StandardError.write("incidentboard: \(error)")
            throw ExitCode(UsageExit.code)
        }
        if copyFailed {
            // The silence stands locally; the line above says Alertmanager did not get its copy.
            try StandardOutput.write(
                format == .json ? SilenceText.json([silence], now: now) : SilenceText.added(silence))
            throw ExitCode(1)
        }
        try StandardOutput.write(format == .json ? SilenceText.json([silence], now: now) : SilenceText.added(silence))
    }
}

struct SilenceListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "The silences: active ones first, then those that ended in the last week.")

    @Option(help: "Output format: text or json.")
    var format: ReportFormat = .text

    @OptionGroup var options: ConfigOptions
    @OptionGroup var stateOptions: StateOptions

    func run() async throws {
        let statePath = stateOptions.path(forConfig: options.configPath)
        let now = Date()
        var silences: [Silence] = []
        if FileManager.default.fileExists(atPath: statePath) {
            do {
                silences = try SilenceStore.open(statePath).silences()
            } catch {
                StandardError.write("incidentboard: \(error)")
                throw ExitCode(UsageExit.code)
            }
        }
        try StandardOutput.write(
            format == .json
                ? SilenceText.json(silences, now: now)
                : SilenceText.list(silences, now: now))
    }
}

struct SilenceExpireCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expire", abstract: "End a silence now (and its copy in Alertmanager, with --alertmanager).")

    @Argument(help: ArgumentHelp("The silence's id, as `silence list` shows it.", valueName: "id"))
    var id: String

    @Option(help: ArgumentHelp("Also expire the silence's copy in this Alertmanager.", valueName: "url"))
    var alertmanager: String?

    @OptionGroup var options: ConfigOptions
    @OptionGroup var stateOptions: StateOptions

    func run() async throws {
        let target = try alertmanager.map { text throws(ValidationError) -> DeliveryTarget in
            do { return try DeliveryTarget.alertmanager(parsing: text) } catch { throw ValidationError("\(error)") }
        }
        let statePath = stateOptions.path(forConfig: options.configPath)
        let now = Date()
        let store = try SilenceStore.open(statePath)
        let silence: Silence?
        let known: [Silence]
        do {
            known = try store.silences()
            silence = try store.expireSilence(id: id, now: now)
        } catch {
            StandardError.write("incidentboard: \(error)")
            throw ExitCode(UsageExit.code)
        }
        guard let silence else {
            let hint =
                ConfigSpelling.suggestion(for: id, among: known.map(\.id)).map { "; did you mean \($0)?" }
                ?? (known.isEmpty ? " (there are no silences)" : " (`incidentboard silence list` shows them)")
            StandardError.write("incidentboard: silence expire: no silence \"\(id)\"\(hint)")
            throw ExitCode(UsageExit.code)
        }
        if let target, let remote = silence.alertmanagerID {
            do {
                try await AlertmanagerSilences.expire(id: remote, at: target)
            } catch {
                StandardError.write("incidentboard: silence \(silence.id) expired, but not in Alertmanager: \(error)")
                throw ExitCode(1)
            }
        }
        let note = silence.endsAt <= now ? " (it had already ended)" : ""
        try StandardOutput.write("expired \(silence.id) on \(silence.service)\(note)")
    }
}

/// Opening the state file for a short-lived silence command: no lock (an agent may hold it),
/// its own transactions.
enum SilenceStore {
    static func open(_ path: String) throws -> HistoryStore {
        do {
            return try HistoryStore(path: path) { StandardError.write($0) }
        } catch {
            StandardError.write("incidentboard: \(error)")
            throw ExitCode(UsageExit.code)
        }
    }
}

/// The words and JSON of the silence commands.
enum SilenceText {
    static func added(_ s: Silence) -> String {
        "silenced \(s.service) until \(CheckReport.timestamp(s.endsAt)) as \(s.id)"
            + (s.alertmanagerID.map { " (Alertmanager \($0))" } ?? "")
    }

    static func list(_ silences: [Silence], now: Date) -> String {
        guard !silences.isEmpty else { return "no silences" }
        let ordered = silences.filter { $0.endsAt > now } + silences.filter { $0.endsAt <= now }.reversed()
        return ordered.map { s in
            let state =
                s.endsAt > now
                ? "active, ends in \(IncidentsReport.duration(s.endsAt.timeIntervalSince(now)))"
                : "ended \(IncidentsReport.duration(now.timeIntervalSince(s.endsAt))) ago"
            return "\(s.id)  \(s.service)  \(state)  by \(s.createdBy): \(s.reason)"
        }.joined(separator: "\n")
    }

    static func json(_ silences: [Silence], now: Date) -> String {
        let items = silences.map { s -> String in
            var o = JSONText()
            o.add("id", s.id)
            o.add("service", s.service)
            o.add("createdBy", s.createdBy)
            o.add("createdAt", CheckReport.timestamp(s.createdAt))
            o.add("endsAt", CheckReport.timestamp(s.endsAt))
            o.add("reason", s.reason)
            o.add("active", s.isActive(at: now))
            o.add("alertmanagerId", s.alertmanagerID)
            return o.text
        }
        return "[" + items.joined(separator: ",") + "]"
    }
}

/// The dashboard's `m`: a silence of an hour in the agent's own state file. The engine picks it up
/// at its next silence poll (and, with `--alertmanager`, copies it there).
enum SilenceFromBoard {
    static func adder(store: HistoryStore) -> @Sendable (_ service: String, _ reason: String) -> Void {
        { service, reason in
            let now = Date()
            let silence = Silence(
                id: Silence.newID(), service: service, createdBy: Silence.currentUser(),
                createdAt: now, endsAt: now.addingTimeInterval(BoardState.silenceLength.seconds),
                reason: reason)
            do {
                try store.addSilence(silence)
            } catch {
                Agent.notice("silence of \(service) not saved: \(error)")
            }
        }
    }
}
