// The engine's side of scripts/bench/probe-vs-peers: N HTTP probes of one URL through the real
// LiveProbeRunner (fresh connection per probe, as blackbox_exporter does), at most C in flight,
// then one JSON line with the probing phase's own CPU (getrusage) and the process's peak RSS.
//
//     probe-load --url http://127.0.0.1:8080/ --probes 5000 --concurrency 8 [--warmup 200] [--timeout 5s]
//                [--loops one|all]   (one event loop for every probe, as the agent runs them; all: as `check`)
import Foundation
import Probes

#if canImport(Glibc)
    import Glibc
#endif

struct Options {
    var url = ""
    var probes = 2000
    var concurrency = 8
    var warmup = -1
    var timeout = "5s"
    /// Probes on every event loop (as `check` runs them) instead of on one (as the agent does).
    var allLoops = false

    static let usage =
        "usage: probe-load --url URL [--probes N] [--concurrency C] [--warmup W] [--timeout 5s] [--loops one|all]"

    init(arguments: [String]) throws(UsageError) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw UsageError("\(flag) needs a value") }
            switch flag {
            case "--url": url = value
            case "--probes": probes = try Self.count(value, flag)
            case "--concurrency": concurrency = try Self.count(value, flag)
            case "--warmup": warmup = try Self.count(value, flag, allowZero: true)
            case "--timeout": timeout = value
            case "--loops":
                guard value == "one" || value == "all" else { throw UsageError("--loops is one or all") }
                allLoops = value == "all"
            default: throw UsageError("unknown option \(flag)")
            }
        }
        guard !url.isEmpty else { throw UsageError("--url is required") }
        if warmup < 0 { warmup = min(200, max(probes / 10, concurrency)) }
    }

    private static func count(_ text: String, _ flag: String, allowZero: Bool = false) throws(UsageError) -> Int {
        guard let value = Int(text), value > 0 || (allowZero && value == 0) else {
            throw UsageError("\(flag) wants a positive whole number, got \(text)")
        }
        return value
    }
}

struct UsageError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// CPU seconds (user, system) and peak RSS in KiB of this process so far.
func usage() -> (user: Double, system: Double, maxRSSKiB: Int) {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return (user, system, usage.ru_maxrss)
}

/// Runs `count` probes of `service`, at most `concurrency` at a time; returns how many were up.
func probe(_ service: ServiceConfig, with runner: LiveProbeRunner, count: Int, concurrency: Int) async
    -> (available: Int, firstError: String?)
{
    await withTaskGroup(of: ProbeResult.self) { group in
        var started = 0
        var available = 0
        var firstError: String?
        while started < min(concurrency, count) {
            group.addTask { await runner.run(service, startedAt: Date()) }
            started += 1
        }
        while let result = await group.next() {
            if result.status.isAvailable { available += 1 } else if firstError == nil { firstError = result.error }
            if started < count {
                group.addTask { await runner.run(service, startedAt: Date()) }
                started += 1
            }
        }
        return (available, firstError)
    }
}

/// A JSON string literal (the few escapes a URL or an error text can need).
func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("probe-load: \(message)\n\(Options.usage)\n".utf8))
    exit(2)
}

func main() async {
    let options: Options
    do {
        options = try Options(arguments: Array(CommandLine.arguments.dropFirst()))
    } catch {
        fail(error.message)
    }
    let config: ProbesConfig
    let json = """
        {"services": [{"name": "target", "probe": {"type": "http", "url": \(quoted(options.url)),
        "timeout": \(quoted(options.timeout))}}]}
        """
    do {
        config = try ConfigLoader.load(data: Data(json.utf8), displayName: "probe-load", environment: [:])
    } catch {
        fail("\(error)")
    }
    guard let service = config.services.first else { fail("no service in the generated config") }
    // As the agent runs its probes (`LocalProbes.live`): all on one event loop, unless `--loops all`.
    let runner = LiveProbeRunner(configuration: config, loops: options.allLoops ? .all : .one)

    // The warm-up starts the event loops and the client, as a long-running exporter would have them.
    let warm = await probe(service, with: runner, count: options.warmup, concurrency: options.concurrency)
    if options.warmup > 0, warm.available == 0 {
        await runner.shutdown()
        fail("every warm-up probe failed: \(warm.firstError ?? "?")")
    }
    let before = usage()
    let clock = ContinuousClock()
    let start = clock.now
    let measured = await probe(service, with: runner, count: options.probes, concurrency: options.concurrency)
    let wall = clock.now - start
    let after = usage()
    await runner.shutdown()

    let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
    let user = after.user - before.user
    let system = after.system - before.system
    let fields: [(String, String)] = [
        ("tool", quoted("incidentboard")),
        ("probes", "\(options.probes)"),
        ("available", "\(measured.available)"),
        ("failed", "\(options.probes - measured.available)"),
        ("concurrency", "\(options.concurrency)"),
        ("wall_seconds", String(format: "%.6f", seconds)),
        ("cpu_user_seconds", String(format: "%.6f", user)),
        ("cpu_system_seconds", String(format: "%.6f", system)),
        ("cpu_seconds_per_probe", String(format: "%.9f", (user + system) / Double(options.probes))),
        ("probes_per_second", String(format: "%.1f", Double(options.probes) / seconds)),
        ("max_rss_kib", "\(after.maxRSSKiB)"),
        ("first_error", measured.firstError.map(quoted) ?? "null"),
    ]
    print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
}

await main()
