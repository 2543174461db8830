import Dispatch
import Foundation
import Testing

@testable import Probes

/// The hard deadline under every probe: it answers on time even when the work ignores
/// cancellation.
@Suite("Probe deadline")
struct LiveProbeRunnerDeadlineTests {
    @Test func workThatFinishesFirstWins() async {
        let value = await ProbeDeadline.race(until: .now + .seconds(10)) {
            "work"
        } onTimeout: {
            "timeout"
        }
        #expect(value == "work")
    }

    @Test func workThatIgnoresCancellationStillLosesOnTime() async {
        let (value, waited, allowed) = await measureAgainstDeadline(.seconds(1)) {
            await ProbeDeadline.race(until: .now + .seconds(1)) {
                // Resumed by a timer that knows nothing of task cancellation.
                await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 3) { continuation.resume(returning: "late") }
                }
            } onTimeout: {
                "timeout"
            }
        }
        #expect(value == "timeout")
        #expect(waited >= .seconds(1))
        #expect(waited <= allowed)
    }

    @Test func workIsCancelledWhenTheDeadlinePasses() async {
        let value = await ProbeDeadline.race(until: .now + .milliseconds(50)) {
            do {
                try await Task.sleep(for: .seconds(30))
                return "slept"
            } catch {
                return "cancelled"
            }
        } onTimeout: {
            "timeout"
        }
        #expect(value == "timeout")
    }

    @Test func callerCancellationCancelsTheWork() async {
        let task = Task {
            await ProbeDeadline.race(until: .now + .seconds(30)) {
                do {
                    try await Task.sleep(for: .seconds(30))
                    return "slept"
                } catch {
                    return "cancelled"
                }
            } onTimeout: {
                "timeout"
            }
        }
        task.cancel()
        #expect(await task.value == "cancelled")
    }

    @Test func pastDeadlineAnswersAtOnce() async {
        let value = await ProbeDeadline.race(until: .now - .seconds(1)) {
            do {
                try await Task.sleep(for: .seconds(30))
                return "slept"
            } catch {
                return "cancelled"
            }
        } onTimeout: {
            "timeout"
        }
        #expect(value == "timeout")
    }
}
