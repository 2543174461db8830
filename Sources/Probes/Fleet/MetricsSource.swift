import Foundation

/// Where fleet results come from: a poll returns what every site reports, or why it could not.
/// The seam where the fleet view's results enter the engine (docs/ARCHITECTURE.md).
public protocol MetricsSource: Sendable {
    /// How the board names the source, e.g. `prometheus http://127.0.0.1:9090` (never credentials).
    var description: String { get }
    /// One poll. Never throws and always returns within the source's own timeout.
    func read() async -> Result<FleetReading, SourceProblem>
    /// Releases connections; call once when done.
    func shutdown() async
}
