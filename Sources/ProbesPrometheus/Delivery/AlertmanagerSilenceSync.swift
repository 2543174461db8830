import Foundation
import Probes
import Synchronization

/// An agent with `--alertmanager` copies the silences of its state file there, whoever added them
/// (`incidentboard silence add` without `--alertmanager`, another dashboard): each active silence
/// without an Alertmanager id is created there and the id recorded; one expired early is expired
/// there too. Failures are told once per silence and never stop the agent.
public final class AlertmanagerSilenceSync: Sendable {
    private let target: DeliveryTarget
    private let store: HistoryStore
    private let onNotice: @Sendable (String) -> Void
    /// Silences already handled (or being handled), so each is copied or expired once.
    private let handled = Mutex<Set<String>>([])

    public init(target: DeliveryTarget, store: HistoryStore, onNotice: @escaping @Sendable (String) -> Void) {
        self.target = target
        self.store = store
        self.onNotice = onNotice
    }

    /// Takes the silences as the agent read them; the work runs in tasks of its own.
    public func sync(_ silences: [Silence], now: Date = Date()) {
        for silence in silences {
            if silence.alertmanagerID == nil, silence.endsAt > now, claim("create " + silence.id) {
                Task { await create(silence) }
            } else if let remote = silence.alertmanagerID, silence.endsAt <= now,
                now.timeIntervalSince(silence.endsAt) < 60, claim("expire " + silence.id)
            {
                // Ended in the last minute: expired early, or at its end (Alertmanager's copy ends
                // with it then, and expiring it again changes nothing).
                Task { try? await AlertmanagerSilences.expire(id: remote, at: target) }
            }
        }
    }

    private func claim(_ key: String) -> Bool { handled.withLock { $0.insert(key).inserted } }

    private func create(_ silence: Silence) async {
        do {
            let id = try await AlertmanagerSilences.create(silence, at: target)
            try store.setAlertmanagerID(id, ofSilence: silence.id)
        } catch {
            onNotice("silence \(silence.id) on \(silence.service) not copied to Alertmanager: \(error)")
        }
    }
}
