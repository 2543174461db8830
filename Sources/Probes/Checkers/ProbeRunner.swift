import Foundation

/// Runs one probe of one service to completion.
///
/// - Important: Implementations always return a result, and return it within the probe's
///   timeout plus a small margin, whatever the target does (never answers, resets, sends
///   garbage or an endless body). A failure is a result, never a thrown error.
public protocol ProbeRunner: Sendable {
    /// Probes `service` (which has a probe) and returns the classified result.
    /// - Parameter startedAt: the wall-clock start time to stamp on the result.
    func run(_ service: ServiceConfig, startedAt: Date) async -> ProbeResult
}
