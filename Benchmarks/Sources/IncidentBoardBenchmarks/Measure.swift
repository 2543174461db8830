import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Wall and CPU time of a block, best of a few runs (the machine is shared; the best run is the
/// one least disturbed).
struct Measurement {
    var wall: Duration
    var cpu: Duration

    static func cpuNow() -> Duration {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = Duration.seconds(usage.ru_utime.tv_sec) + .microseconds(usage.ru_utime.tv_usec)
        let system = Duration.seconds(usage.ru_stime.tv_sec) + .microseconds(usage.ru_stime.tv_usec)
        return user + system
    }

    static func best(runs: Int = 5, _ body: () -> Void) -> Measurement {
        var best = Measurement(wall: .seconds(1_000_000), cpu: .seconds(1_000_000))
        for _ in 0..<runs {
            let cpu0 = cpuNow()
            let start = ContinuousClock.now
            body()
            let wall = ContinuousClock.now - start
            let cpu = cpuNow() - cpu0
            if wall < best.wall { best = Measurement(wall: wall, cpu: cpu) }
        }
        return best
    }
}

extension Duration {
    var ms: Double {
        let (s, a) = components
        return Double(s) * 1000 + Double(a) / 1e15
    }
}

/// Keeps a value alive so the optimiser cannot drop the work that made it.
@inline(never)
func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }

func report(_ name: String, _ value: String, goal: String) {
    print(name.padding(toLength: 52, withPad: " ", startingAt: 0) + value.padding(toLength: 24, withPad: " ", startingAt: 0)
        + "goal: " + goal)
}
