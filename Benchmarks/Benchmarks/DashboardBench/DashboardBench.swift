// docs/PERFORMANCE.md's goal: a frame for 1,000 services rendered and diffed in under 2 ms. Each iteration
// renders one frame from the next snapshot (the selection moving a row) and diffs it against the
// frame before, as the dashboard loop does.
import Benchmark
import Dashboard
import Foundation
import Probes

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput], maxDuration: .seconds(3),
        maxIterations: 5000)
    let snapshots: [BoardSnapshot]
    do {
        snapshots = DashboardBenchmark.snapshots(config: try DashboardBenchmark.config(services: 1000), count: 4)
    } catch {
        print("DashboardBench: the generated config did not load: \(error)")
        return
    }
    guard let first = snapshots.first else { return }
    let view = BoardView(theme: .standard, timeZone: TimeZone(secondsFromGMT: 0) ?? .current)

    for size in [TerminalSize(width: 80, height: 24), TerminalSize(width: 200, height: 60)] {
        var state = BoardState()
        state.reconcile(with: first, size: size)
        var previous = view.render(snapshot: first, state: state, size: size)
        var frame = 0
        Benchmark("render + diff, 1,000 services, \(size.width)x\(size.height) (goal < 2 ms)") { benchmark in
            for _ in benchmark.scaledIterations {
                frame += 1
                let snapshot = snapshots[frame % snapshots.count]
                _ = state.handle(frame % 50 < 25 ? .down : .up, snapshot: snapshot, size: size)
                let screen = view.render(snapshot: snapshot, state: state, size: size)
                blackHole(screen.updates(from: previous))
                previous = screen
            }
        }
    }
}
