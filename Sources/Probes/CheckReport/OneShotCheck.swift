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
            return .failure(UnknownServices(
                names: unknown,
                hints: unknown.map { ConfigSpelling.hint(for: $0, among: all) }))
        }
        let services = Dictionary(config.services.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
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

    /// Probes every selected entry that has a probe, all at once, so the wall time is about the
    /// slowest probe rather than the sum.
    public static func probe(_ names: [String], in config: ProbesConfig, runner: any ProbeRunner,
                             now: @escaping @Sendable () -> Date = { Date() }) async -> [String: ProbeResult] {
        let services = Dictionary(config.services.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return await withTaskGroup(of: ProbeResult.self) { group in
            for name in names {
                guard let service = services[name], service.probe != nil else { continue }
                group.addTask { await runner.run(service, startedAt: now()) }
            }
            var results: [String: ProbeResult] = [:]
            for await result in group { results[result.service] = result }
            return results
        }
    }
}
