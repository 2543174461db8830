import Foundation
import Testing

@testable import Probes

@Suite("Config durations")
struct ConfigDurationTests {
    @Test(arguments: [
        ("250ms", Duration.milliseconds(250)), ("5s", .seconds(5)), ("1m", .seconds(60)), ("1h", .seconds(3600)),
        ("28d", .seconds(28 * 86_400)), ("1m30s", .seconds(90)), ("1h30m15s", .seconds(5415)),
        ("1.5s", .milliseconds(1500)), ("0.5ms", .microseconds(500)), ("1.25m", .seconds(75)), ("0s", .zero),
        ("2d12h", .seconds(60 * 3600)), ("007s", .seconds(7)),
    ])
    func parses(text: String, expected: Duration) {
        #expect(Duration(configString: text) == expected)
    }

    @Test(arguments: [
        "", "5", "s", "-5s", "+5s", "5 s", " 5s", "5s ", "5sec", "5 sec", "5S", "1.s", ".5s", "5us", "1e3s", "5m-3s",
        "1,5s", "١s", "５s", "99999999999999999999d", "106752d",
    ])
    func rejects(text: String) {
        #expect(Duration(configString: text) == nil)
    }

    @Test(arguments: [
        (Duration.seconds(28 * 86_400), "28d"), (.seconds(300), "5m"), (.milliseconds(1500), "1500ms"),
        (.seconds(90), "90s"), (.seconds(3600), "1h"), (.seconds(36 * 3600), "36h"), (.zero, "0s"),
        (.milliseconds(250), "250ms"), (.microseconds(500), "0.5ms"), (.nanoseconds(1), "0.000001ms"),
        (.seconds(-5), "-5s"),
    ])
    func formatsCompactly(duration: Duration, text: String) {
        #expect(duration.configString == text)
    }

    @Test func formattingRoundTrips() {
        var generator = ConfigFuzzRandom(seed: 42)
        var samples: [Duration] = [.seconds(1), .milliseconds(1), .seconds(86_400 * 365), .nanoseconds(123_456_789)]
        for _ in 0..<500 {
            samples.append(.nanoseconds(Int64(generator.next() % 10_000_000_000_000_000)))
            samples.append(.milliseconds(Int64(generator.next() % 100_000_000)))
            samples.append(.seconds(Int64(generator.next() % 10_000_000)))
        }
        for duration in samples {
            #expect(Duration(configString: duration.configString) == duration, "\(duration.configString)")
        }
    }
}
