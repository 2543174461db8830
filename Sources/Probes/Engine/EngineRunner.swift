import Foundation
import ServiceLifecycle
import Synchronization

/// Where the engine's work goes: alert lines, boards and one-line notices.
public struct EngineOutputs: Sendable {
    /// Alert transitions, attributed, in order (those restored from history first).
    public var onEvents: @Sendable ([AlertEvent]) -> Void
    /// A fresh board after every tick and command (and after every input of a state that asks for
    /// it); `nil` to build none.
    public var onSnapshot: (@Sendable (BoardSnapshot) -> Void)?
    /// `false` builds the cheaper board without what only a screen shows (for `/metrics` alone).
    public var snapshotDetail: Bool
    /// One-line problems for stderr, without the program's name: a history write that failed,
    /// a source that stopped answering or answers again.
    public var onNotice: @Sendable (String) -> Void
    /// Whether alert lines have stopped reaching their reader (stdout failed, its reader left).
    /// From then on the history records no alert state: what this run could not tell, it must not
    /// remember as told, so the next run tells it (at worst a line of the last second twice).
    public var outputLost: (@Sendable () -> Bool)?
    /// The state file's silences each time they changed (and at the first read); `nil` for none.
    /// `--alertmanager` copies new ones there.
    public var onSilences: (@Sendable ([Silence]) -> Void)?

    public init(
        onEvents: @escaping @Sendable ([AlertEvent]) -> Void,
        onSnapshot: (@Sendable (BoardSnapshot) -> Void)? = nil,
        snapshotDetail: Bool = true,
        onNotice: @escaping @Sendable (String) -> Void = { _ in },
        onSilences: (@Sendable ([Silence]) -> Void)? = nil
    ) {
        self.onSilences = onSilences
        self.onEvents = onEvents
        self.onSnapshot = onSnapshot
        self.snapshotDetail = snapshotDetail
        self.onNotice = onNotice
    }
}

/// Runs the engine: a ``ResultSource``'s outputs, a steady tick and consumers' commands merged into
/// one stream that one loop consumes, so the state (a ``Monitor`` or a ``FleetView``) has a single
/// owner and needs no locks (bottom's event loop). Local probing and the fleet view differ only in
/// their source and state.
///
/// Once a tick it processes burn rates and held alerts, writes history (at most about a tick of
/// results at risk on a hard kill) and publishes a board that carries everything consumers need,
/// the scheduler's statistics included. Commands (``EngineCommand``) arrive through ``send(_:)``.
///
/// A `Service` of swift-service-lifecycle: it runs until its task is cancelled or a graceful
/// shutdown is triggered (``EngineLifecycle`` ties that to signals), then flushes the history
/// and releases the source before ``run()`` returns.
///
/// - Important: ``run()`` runs once; a second call returns at once.
public final class EngineRunner<Source: ResultSource, State: EngineState, C: Clock>: Service, Sendable
where State.Input == Source.Output, C.Duration == Duration {
    /// Where inputs come from.
    public let source: Source
    private let clock: C
    private let now: @Sendable () -> Date
    private let store: HistoryStore?
    private let tick: Duration
    private let outputs: EngineOutputs
    /// The state: held here before and after the run, taken by the loop while it runs (a copy
    /// kept during the run would make the loop's first write to every SLI ring duplicate it).
    private let slot: Mutex<State?>
    private let started = Mutex(false)
    private let commands: AsyncStream<EngineCommand>
    private let commandSink: AsyncStream<EngineCommand>.Continuation

    /// - Parameters:
    ///   - state: the state to drive (restored from history already, if wanted); hand it over with
    ///     `consume`.
    ///   - now: the engine's wall time (a start date plus clock time in tests).
    ///   - store: the history to write once a tick, or `nil` to keep nothing.
    ///   - tick: how often burn rates, held alerts, history writes and boards are processed.
    public init(
        source: Source, state: consuming State, clock: C, now: @escaping @Sendable () -> Date,
        store: HistoryStore? = nil, tick: Duration = .seconds(1), outputs: EngineOutputs
    ) {
        self.source = source
        self.clock = clock
        self.now = now
        self.store = store
        self.tick = tick
        self.outputs = outputs
        slot = Mutex(Optional(consume state))
        (commands, commandSink) = AsyncStream.makeStream(of: EngineCommand.self, bufferingPolicy: .unbounded)
    }

    /// Asks the engine to act: taken in order with the results, before the next one.
    public func send(_ command: EngineCommand) {
        commandSink.yield(command)
    }

    /// The alerts firing when the run ended, or now if it has not started.
    public var firingCount: Int { slot.withLock { $0?.firingCount ?? 0 } }

    /// Whether everything learnt reached the history by the end of the run (false when the last
    /// writes failed: the disk full at exit).
    public var historyIsComplete: Bool { !historyBehind.withLock { $0 } }
    private let historyBehind = Mutex(false)

    /// The state, once the run has ended (or before it starts); `nil` while the loop holds it.
    public var state: State? { slot.withLock { $0 } }

    /// Runs until the task is cancelled or a graceful shutdown is triggered; then writes what is
    /// left to the history and releases the source.
    public func run() async {
        guard
            started.withLock({ started in
                defer { started = true }
                return !started
            })
        else { return }
        await cancelWhenGracefulShutdown { [self] in
            guard let state = slot.withLock({ $0.take() }) else { return }
            // `consume`: without it this binding keeps the state's first copy alive for the whole
            // run, and every ring and deque the loop then mutates is copied on write (at 10,000
            // services that doubled the SLO rings and the latency bins: heaptrack, PERFORMANCE.md).
            var final: State? = await drive(consume state)
            slot.withLock { $0 = final.take() }
        }
        commandSink.finish()
        await source.shutdown()
    }

    private enum Input: Sendable {
        case output(Source.Output)
        case tick
        case command(EngineCommand)
    }

    private func drive(_ initial: consuming State) async -> State {
        var state = consume initial
        let (inputs, continuation) = AsyncStream<Input>.makeStream(bufferingPolicy: .unbounded)
        let (source, clock, tick, commands) = (self.source, self.clock, self.tick, self.commands)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await source.run { continuation.yield(.output($0)) } }
            group.addTask {
                while !Task.isCancelled {
                    do { try await clock.sleep(for: tick) } catch { break }
                    continuation.yield(.tick)
                }
            }
            group.addTask {
                for await command in commands { continuation.yield(.command(command)) }
            }
            var backlog = HistoryBacklog()
            var silenceWatch = SilenceWatch()
            for await input in inputs {
                let time = now()
                var publish = false
                switch input {
                case .output(let output):
                    report(state.ingest(output, now: time))
                    publish = State.snapshotsEachInput
                case .tick:
                    if let store {
                        if let silences = silenceWatch.poll(store, now: time) {
                            state.replaceSilences(silences)
                            outputs.onSilences?(silences)
                        }
                        for line in silenceWatch.takeLines() { outputs.onNotice(line) }
                    }
                    report(state.tick(now: time))
                    for notice in flush(&state, backlog: &backlog) { outputs.onNotice(notice) }
                    publish = true
                case .command(let command):
                    source.perform(command)
                    publish = true
                }
                if let notice = state.takeNotice() { outputs.onNotice(notice) }
                if publish, let onSnapshot = outputs.onSnapshot {
                    var snapshot = state.snapshot(now: time, detail: outputs.snapshotDetail)
                    snapshot.paused = source.isPaused
                    snapshot.schedule = source.statistics
                    onSnapshot(snapshot)
                }
                if Task.isCancelled { break }
            }
            continuation.finish()
            group.cancelAll()
            for notice in flush(&state, backlog: &backlog) { outputs.onNotice(notice) }
            historyBehind.withLock { $0 = backlog.isFailing }
            if backlog.isFailing {
                outputs.onNotice(
                    "history still cannot be written at exit: \(backlog.pendingProbes) probe results "
                        + "kept in memory are lost")
            }
        }
        store?.checkpoint()
        return state
    }

    private func report(_ events: [AlertEvent]) {
        if !events.isEmpty { outputs.onEvents(events) }
    }

    /// Writes what the state learnt since the last flush, after whatever an earlier failed write
    /// left in `backlog`; returns the notices (a failure once per kind, the recovery).
    private func flush(_ state: inout State, backlog: inout HistoryBacklog) -> [String] {
        guard let store else { return [] }
        var batch = state.takeHistory()
        if outputs.outputLost?() == true {
            batch?.alertStates = [:]
            batch?.removedAlertStates = []
        }
        return backlog.write(batch, to: store)
    }
}
