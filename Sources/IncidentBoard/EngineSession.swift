import ArgumentParser
import Foundation
import Probes
import Synchronization

/// The live engine as every long-running command wires it: config → history → monitor →
/// scheduler (live probes, wall clock) → engine loop. `watch`, `dashboard` and `demo` share it.
struct EngineSession {
    let config: ProbesConfig
    let configPath: String
    let statePath: String
    /// What the history records as its config (``HistoryStore/configIdentity(forConfig:currentDirectory:)``).
    var configIdentity: String
    var concurrency: Int
    /// The `/metrics` endpoint to feed each tick's board and the scheduler's statistics, if serving.
    var metrics: MetricsEndpoint? = nil

    /// - Parameter configIdentity: what the history records as its config; by default the
    ///   absolute path of `configPath` (`demo` passes the built-in estate's).
    init(
        config: ProbesConfig, configPath: String, statePath: String, configIdentity: String? = nil,
        concurrency: Int = ProbeScheduler<ContinuousClock>.defaultConcurrencyLimit
    ) {
        self.config = config
        self.configPath = configPath
        self.statePath = statePath
        self.configIdentity = configIdentity ?? HistoryStore.configIdentity(forConfig: configPath)
        self.concurrency = concurrency
    }

    /// Takes the state file for this agent (``StateLock``), or says on stderr who holds it.
    /// - Throws: `ExitCode(3)` when another agent holds it or the lock file cannot be made.
    static func lock(_ statePath: String) throws(ExitCode) -> StateLock {
        do {
            return try StateLock.acquire(statePath: statePath)
        } catch {
            StandardError.write("incidentboard: \(error.description)")
            throw ExitCode(UsageExit.code)
        }
    }

    /// Opens the history (moving an unusable file aside with a warning on stderr) and records
    /// which config it belongs to; a history of another config is named in one line on stderr.
    /// Call with the state's lock held: only the agent that holds it may move a file aside.
    func openStore() throws(HistoryError) -> HistoryStore {
        let store = try HistoryStore(path: statePath) { StandardError.write($0) }
        let owner = try store.claim(config: configIdentity)
        if let line = HistoryOwner.mismatch(statePath: statePath, recorded: owner, identity: configIdentity) {
            StandardError.write(line)
        }
        return store
    }

    /// Runs until SIGINT/SIGTERM (or until the surrounding task is cancelled).
    /// - Parameters:
    ///   - onEvents: attributed alert transitions, in order (restore events first).
    ///   - onSnapshot: a fresh board once a tick, for screens; `nil` for none.
    ///   - onStart: the scheduler, once it exists (for "probe now" and "pause" commands).
    /// - Returns: the number of alerts still firing at the end.
    @discardableResult
    func run(
        store: HistoryStore,
        onEvents: @escaping @Sendable ([AlertEvent]) -> Void,
        onSnapshot: (@Sendable (BoardSnapshot) -> Void)? = nil,
        onStart: @Sendable (ProbeScheduler<ContinuousClock>) -> Void = { _ in }
    ) async -> Int {
        var monitor = Monitor(config: config)
        do {
            let restored = try monitor.restore(from: store, now: Date())
            if !restored.isEmpty { onEvents(restored) }
        } catch {
            StandardError.write("incidentboard: \(error.description)")
        }
        let runner = LiveProbeRunner(configuration: config)
        let clock = ContinuousClock()
        let start = clock.now
        let wallStart = Date()
        let scheduler = ProbeScheduler(
            services: config.services.filter { $0.probe != nil }, runner: runner, clock: clock, wallStart: wallStart,
            concurrencyLimit: concurrency)
        onStart(scheduler)
        metrics?.attach(scheduler)
        let loop = EngineLoop(
            scheduler: scheduler, clock: clock,
            now: { wallStart.addingTimeInterval(start.duration(to: clock.now).seconds) }, store: store)
        // The loop gets the only reference: a copy kept here would make its first write to each
        // SLI ring and history duplicate it (about 250 MB more at 10,000 services).
        let handoff = MonitorHandoff(consume monitor)
        let snapshots: (@Sendable (BoardSnapshot) -> Void)?
        if let metrics {
            snapshots = { snapshot in
                onSnapshot?(snapshot)
                metrics.publish(snapshot)
            }
        } else {
            snapshots = onSnapshot
        }
        let task = Task {
            // Only a screen needs the detailed board; `/metrics` alone gets the cheaper one.
            await loop.run(monitor: handoff.take(), onEvents: onEvents, onSnapshot: snapshots,
                           snapshotDetail: onSnapshot != nil, onWarning: { StandardError.write($0) })
        }
        let signals = Termination.cancelling(task)
        let final = await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        signals.forEach { $0.cancel() }
        await runner.shutdown()
        return final.firingCount
    }
}

/// Hands the monitor to the engine's task without a second reference staying behind in the
/// task's captured context.
private final class MonitorHandoff: Sendable {
    private let slot: Mutex<Monitor?>

    init(_ monitor: consuming Monitor) { slot = Mutex(monitor) }

    /// The monitor, once; the slot is empty afterwards.
    func take() -> Monitor {
        slot.withLock { slot in
            guard let monitor = slot else { preconditionFailure("the monitor was already taken") }
            slot = nil
            return monitor
        }
    }
}
