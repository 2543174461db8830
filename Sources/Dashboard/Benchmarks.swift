import Foundation
import Probes

/// Measurements of the board's frame cost, for the benchmark suite (not a test: no timed assertions).
///
/// docs/PERFORMANCE.md's goal: a frame for 1,000 services rendered and diffed in under 2 ms.
public enum DashboardBenchmark {
    /// A config of `count` entries: a twentieth of them upstreams, the rest services depending on
    /// two upstreams each, every fifth with a Korean title.
    public static func config(services count: Int) throws(ConfigErrors) -> ProbesConfig {
        let upstreams = max(1, count / 20)
        var entries: [String] = []
        for index in 0..<max(1, count) {
            let name = index < upstreams ? "upstream-\(index)" : "service-\(index)"
            var entry = #"{"name": "\#(name)""#
            if index % 5 == 0 { entry += #", "title": "서비스 \#(index) 대출 신청""# }
            if index >= upstreams {
                let first = index % upstreams
                let second = (index * 7) % upstreams
                let depends = Set([first, second]).sorted().map { #""upstream-\#($0)""# }
                entry += #", "dependsOn": [\#(depends.joined(separator: ", "))]"#
            }
            entry += #", "probe": {"type": "http", "url": "http://127.0.0.1:9/\#(name)"}}"#
            entries.append(entry)
        }
        let services = entries.joined(separator: ",\n")
        let json = #"{"defaults": {"interval": "10s", "timeout": "2s"}, "services": [\#(services)]}"#
        return try ConfigLoader.load(data: Data(json.utf8), displayName: "benchmark.json", environment: [:])
    }

    /// Snapshots of the estate as the engine would publish them a second apart: 40 probe results per
    /// service, upstream 3 failing for the last ten, so a cascade with a large blast radius shows.
    public static func snapshots(config: ProbesConfig, count: Int) -> [BoardSnapshot] {
        var monitor = Monitor(config: config)
        let start = Date(timeIntervalSince1970: 1_763_781_165)
        var snapshots: [BoardSnapshot] = []
        let names = config.services.map(\.name)
        for round in 0..<(40 + count) {
            let now = start.addingTimeInterval(Double(round) * 10)
            for (index, name) in names.enumerated() {
                let failing =
                    round >= 30
                    && (name == "upstream-3"
                        || config.services[index].dependsOn.contains(
                            "upstream-3"))
                let latency = Duration.milliseconds(20 + (index * 31 + round * 17) % 180)
                let result = ProbeResult(
                    service: name, startedAt: now, status: failing ? .down : .up,
                    latency: failing ? .seconds(2) : latency, error: failing ? "HTTP 503" : nil,
                    failure: failing ? .condition : nil, httpStatus: failing ? 503 : 200)
                _ = monitor.ingest(result, now: now)
            }
            _ = monitor.tick(now: now)
            if round >= 40 { snapshots.append(monitor.snapshot(now: now)) }
        }
        return snapshots
    }

    /// Average time to render one frame of `snapshots` (cycling through them, the selection moving
    /// one row a frame) and diff it against the frame before, at `size`.
    public static func renderAndDiff(
        snapshots: [BoardSnapshot], size: TerminalSize, frames: Int,
        theme: Theme = .standard
    ) -> (perFrame: Duration, lastWrites: Int) {
        guard let first = snapshots.first, frames > 0 else { return (.zero, 0) }
        let view = BoardView(theme: theme, timeZone: TimeZone(secondsFromGMT: 0) ?? .current)
        var state = BoardState()
        state.reconcile(with: first, size: size)
        var previous = view.render(snapshot: first, state: state, size: size)
        var writes = 0
        let clock = ContinuousClock()
        let started = clock.now
        for frame in 0..<frames {
            let snapshot = snapshots[frame % snapshots.count]
            _ = state.handle(frame % 50 < 25 ? .down : .up, snapshot: snapshot, size: size)
            let screen = view.render(snapshot: snapshot, state: state, size: size)
            writes = screen.updates(from: previous).count
            previous = screen
        }
        return ((clock.now - started) / frames, writes)
    }

    /// Render and diff of a board of `services` entries at 80x24 and 200x60 (detail pane beside the
    /// table), averaged over `frames` frames each.
    public static func renderAndDiff(services: Int = 1000, frames: Int = 200) throws(ConfigErrors)
        -> [(size: TerminalSize, perFrame: Duration)]
    {
        let snapshots = snapshots(config: try config(services: services), count: 4)
        return [TerminalSize(width: 80, height: 24), TerminalSize(width: 200, height: 60)].map { size in
            (size, renderAndDiff(snapshots: snapshots, size: size, frames: frames).perFrame)
        }
    }
}
