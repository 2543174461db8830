import Foundation

@testable import Dashboard
@testable import Probes

/// Snapshots with incident records, made by a real ``Monitor`` on a virtual clock (5 s probes):
/// credit-bureau slow for two minutes, then down for three with loan-application and
/// card-issuance failing under it, back, and ten minutes later down again (still open at the
/// snapshot). Deterministic, so golden screens are stable.
enum IncidentFixtures {
    /// 2025-11-22 03:00:00 UTC, the first probe.
    static let start = Date(timeIntervalSince1970: 1_763_780_400)

    static func config() throws -> ProbesConfig {
        let json = """
            {"defaults": {"interval": "5s", "timeout": "2s"},
             "services": [
               {"name": "credit-bureau", "title": "신용평가", "probe": {"type": "http", "url": "http://127.0.0.1:1/b"}},
               {"name": "loan-application", "title": "대출 신청", "dependsOn": ["credit-bureau"],
                "probe": {"type": "http", "url": "http://127.0.0.1:1/l"}},
               {"name": "card-issuance", "title": "카드 발급", "dependsOn": ["credit-bureau"],
                "probe": {"type": "http", "url": "http://127.0.0.1:1/c"}},
               {"name": "gift-payment", "title": "선물하기 결제", "probe": {"type": "http", "url": "http://127.0.0.1:1/g"}}
             ]}
            """
        return try ConfigLoader.load(data: Data(json.utf8), displayName: "incidents.json", environment: [:])
    }

    /// What the bureau does at minute `m` after ``start``.
    enum Bureau { case fine, slow, down }

    static func bureau(atMinute m: Double) -> Bureau {
        switch m {
        case 10..<12, 25..<26: .slow
        case 12..<15, 26...: .down
        default: .fine
        }
    }

    /// The snapshot after `minutes` of the timeline.
    static func snapshot(minutes: Double = 30) throws -> BoardSnapshot {
        var monitor = Monitor(config: try config())
        var now = start
        var step = 0
        while now.timeIntervalSince(start) < minutes * 60 {
            let m = now.timeIntervalSince(start) / 60
            let state = bureau(atMinute: m)
            let wobble = Double((step * 37) % 23)
            for name in ["credit-bureau", "loan-application", "card-issuance", "gift-payment"] {
                let victim = name == "loan-application" || name == "card-issuance"
                let result: ProbeResult
                switch (name, state) {
                case ("credit-bureau", .slow):
                    result = up(name, now, 900 + wobble * 20)
                case (_, .down) where name == "credit-bureau" || victim:
                    result = ProbeResult(
                        service: name, startedAt: now, status: .down, latency: .seconds(2),
                        error: "timeout after 2s", failure: .timeout)
                case (_, .slow) where victim:
                    result = up(name, now, 1000 + wobble * 20)
                default:
                    result = up(name, now, 40 + wobble * 3)
                }
                _ = monitor.ingest(result, now: now)
            }
            _ = monitor.tick(now: now)
            now += 5
            step += 1
        }
        return monitor.snapshot(now: now)
    }

    private static func up(_ name: String, _ time: Date, _ ms: Double) -> ProbeResult {
        ProbeResult(service: name, startedAt: time, status: .up, latency: .milliseconds(Int64(ms)), httpStatus: 200)
    }
}
