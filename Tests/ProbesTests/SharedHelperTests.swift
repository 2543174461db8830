import Foundation
import Testing

@testable import Probes

/// The helpers several modules share (docs/ARCHITECTURE.md, "One of each helper").
@Suite("Shared helpers")
struct SharedHelperTests {
    /// 2026-11-22T01:02:03.250Z (a quarter second: exact in binary, so no rounding question).
    static let date = Date(timeIntervalSince1970: 1_795_309_323.25)

    @Test func isoTimestampsWriteEveryFormInUTC() {
        #expect(ISOTimestamp.seconds(Self.date) == "2026-11-22T01:02:03Z")
        #expect(ISOTimestamp.milliseconds(Self.date) == "2026-11-22T01:02:03.250Z")
        #expect(ISOTimestamp.day(Self.date) == "2026-11-22")
        #expect(ISOTimestamp.compact(Self.date) == "20261122T010203Z")
    }

    @Test func isoTimestampsReadBackWithOrWithoutMilliseconds() throws {
        let read = try #require(ISOTimestamp.date("2026-11-22T01:02:03.250Z"))
        #expect(abs(read.timeIntervalSince(Self.date)) < 0.001)
        #expect(ISOTimestamp.date("2026-11-22T01:02:03Z") == Date(timeIntervalSince1970: 1_795_309_323))
        for bad in ["", "yesterday", "2026-13-40T99:00:00Z"] {
            #expect(ISOTimestamp.date(bad) == nil, "\"\(bad)\" is not a time")
        }
    }

    @Test func spellingDistanceCountsASwapOfNeighboursAsOneEdit() {
        func distance(_ a: String, _ b: String) -> Int { SpellingDistance.between(Array(a), Array(b)) }
        #expect(distance("status", "stauts") == 1)
        #expect(distance("interval", "intervall") == 1)
        #expect(distance("timeout", "timout") == 1)
        #expect(distance("", "abc") == 3)
        #expect(distance("abc", "") == 3)
        #expect(distance("len", "pat") == 3)
        #expect(SpellingDistance.between(Array("lne".unicodeScalars), Array("len".unicodeScalars)) == 1)
    }

    @Test func jsonNumbersEndWhereTheGrammarSays() throws {
        func scan(_ text: String) throws(JSONLexis.NumberError) -> (end: Int, isInteger: Bool) {
            try JSONLexis.scanNumber(Array(text.utf8), from: 0)
        }
        #expect(try scan("0").end == 1)
        #expect(try scan("-12,").end == 3)
        #expect(try scan("12").isInteger)
        let fraction = try scan("-0.5e+3]")
        #expect(fraction.end == 7 && !fraction.isInteger)
        #expect(try scan("1E9 ").end == 3)
    }

    @Test(arguments: [
        ("-", JSONLexis.NumberError(rule: .digitAfterMinus, offset: 1)),
        ("x", JSONLexis.NumberError(rule: .digitAfterMinus, offset: 0)),
        ("012", JSONLexis.NumberError(rule: .leadingZero, offset: 1)),
        ("1.", JSONLexis.NumberError(rule: .digitAfterPoint, offset: 2)),
        ("1.e5", JSONLexis.NumberError(rule: .digitAfterPoint, offset: 2)),
        ("1e", JSONLexis.NumberError(rule: .digitInExponent, offset: 2)),
        ("1e+", JSONLexis.NumberError(rule: .digitInExponent, offset: 3)),
    ])
    func badJSONNumbersSayWhichRuleAndWhere(text: String, expected: JSONLexis.NumberError) {
        #expect(throws: expected, "\"\(text)\"") { try JSONLexis.scanNumber(Array(text.utf8), from: 0) }
    }

    @Test func jsonEscapesAndHexDigits() {
        #expect(JSONLexis.escapedByte(UInt8(ascii: "n")) == 0x0A)
        #expect(JSONLexis.escapedByte(UInt8(ascii: "/")) == UInt8(ascii: "/"))
        #expect(JSONLexis.escapedByte(UInt8(ascii: "u")) == nil)
        #expect(JSONLexis.escapedByte(UInt8(ascii: "x")) == nil)
        #expect(JSONLexis.hexDigit(UInt8(ascii: "F")) == 15)
        #expect(JSONLexis.hexDigit(UInt8(ascii: "g")) == nil)
    }

    @Test func aWallTimelineMovesWithItsClockNotWithTheWallClock() async {
        let clock = ManualClock()
        let timeline = WallTimeline<ManualClock>(wallStart: Self.date, clockStart: clock.now)
        #expect(timeline.date(at: clock.now) == Self.date)
        #expect(timeline.date(at: clock.now.advanced(by: .seconds(90))) == Self.date.addingTimeInterval(90))
        #expect(timeline.date(at: clock.now.advanced(by: .milliseconds(-1500))) == Self.date.addingTimeInterval(-1.5))
    }

    @Test func theMinuteOfADateIsCountedFromTheEpoch() {
        #expect(MinuteAggregate.minute(of: Self.date) == 29_921_822)
        #expect(MinuteAggregate.minute(of: Date(timeIntervalSince1970: -1)) == -1)
    }
}
