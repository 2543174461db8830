/// How many reporting sites must see a service fail before the fleet view calls it failing
/// (`"quorum"` in `defaults` or on a service; README, "Beyond one machine").
///
/// The trade-off: `any` pages on one site's view of a failure, including a network problem
/// between that site and the service; a higher quorum ignores those but also waits for a second
/// site to see a real outage, and misses one that only some sites' users see.
public enum FleetQuorum: Sendable, Equatable, CustomStringConvertible {
    /// One site is enough (the default, as before quorums existed).
    case any
    /// At least this many sites (≥ 1), capped at the number of sites reporting the service.
    case sites(Int)
    /// Every reporting site.
    case all

    /// How many of `reporting` sites must agree: at least 1, at most `reporting`.
    public func required(of reporting: Int) -> Int {
        let count = max(1, reporting)
        switch self {
        case .any: return 1
        case .sites(let n): return min(max(1, n), count)
        case .all: return count
        }
    }

    /// `any`, `2`, `all`: as written in the config.
    public var description: String {
        switch self {
        case .any: "any"
        case .sites(let n): String(n)
        case .all: "all"
        }
    }
}
