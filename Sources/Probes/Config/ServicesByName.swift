/// A config's services by name, the first of a name winning: an index into the config's array, not
/// a second copy of every ``ServiceConfig`` (288 bytes each, 5 MB at 10,000 services in a
/// dictionary with its growth slack). The engine and the one-shot `check` look entries up by it.
struct ServicesByName: Sendable {
    private let all: [ServiceConfig]
    private let indexByName: [String: Int]

    init(_ services: [ServiceConfig]) {
        all = services
        var index: [String: Int] = [:]
        index.reserveCapacity(services.count)
        for (i, service) in services.enumerated() where index[service.name] == nil { index[service.name] = i }
        indexByName = index
    }

    subscript(name: String) -> ServiceConfig? {
        guard let i = indexByName[name] else { return nil }
        return all[i]
    }
}
