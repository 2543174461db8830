import Foundation

/// `incidentboard check`: probe a set of services once, concurrently, and report.
public enum OneShotCheck {
    /// The named services and everything they depend on, transitively, in config order.
    /// An empty selection means every entry.
    /// - Returns: the names, or the unknown names when some do not exist.
    public static func selection(_ names: [String], in config: ProbesConfig) -> Result<[String], UnknownServices> {
        guard !names.isEmpty else { return .success(config.services.map(\.name)) }
        let known = Set(config.services.map(\.name))
        let unknown = names.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            let all = config.services.map(\.name)
            return .failure(
                UnknownServices(
                    names: unknown,
                    hints: unknown.map { ConfigSpelling.hint(for: $0, among: all) }))
        }
        let services = ServicesByName(config.services)
        var wanted = Set<String>()
        var stack = names
        while let name = stack.popLast() {
            guard wanted.insert(name).inserted, let service = services[name] else { continue }
            stack.append(contentsOf: service.dependsOn)
        }
        return .success(config.services.map(\.name).filter { wanted.contains($0) })
    }

    /// Names given to `check` that are not in the config.
    public struct UnknownServices: Error, Sendable {
        public var names: [String]
        /// Per name, `; did you mean "x"?` where a configured name is close, else empty.
        public var hints: [String]
    }

    /// Probes every selected entry that has a probe, up to `concurrency` at once, so the wall time
    /// is about the slowest probe (times the rounds past `concurrency`) rather than the sum.
    ///
    /// The bound is what keeps a one-shot check small: every probe in flight holds a task, a
    /// connection and its buffers, and 3,000 of them at once took ~100 MB for a report of a few
    /// kilobytes (the watch loop's default bound is the same).
    public static func probe(
        _ names: [String], in config: ProbesConfig, runner: any ProbeRunner,
        concurrency: Int = defaultConcurrency,
        now: @escaping @Sendable () -> Date = { Date() }
    ) async -> [String: ProbeResult] {
        let table = ServicesByName(config.services)
        let services = names.compactMap { name in table[name].flatMap { $0.probe == nil ? nil : $0 } }
        let limit = max(1, concurrency)
        return await withTaskGroup(of: ProbeResult.self) { group in
            var results: [String: ProbeResult] = [:]
            results.reserveCapacity(services.count)
            var next = services.makeIterator()
            for _ in 0..<limit {
                guard let service = next.next() else { break }
                group.addTask { await runner.run(service, startedAt: now()) }
            }
            // One probe out, the next one in: never more than `limit` in flight.
            while let result = await group.next() {
                results[result.service] = result
                if let service = next.next() {
                    group.addTask { await runner.run(service, startedAt: now()) }
                }
            }
            return results
        }
    }

    /// Probes in flight at once unless told otherwise: the watch loop's default.
    public static var defaultConcurrency: Int { ProbeScheduler<ContinuousClock>.defaultConcurrencyLimit }
}
