import Testing

@testable import Probes

@Suite("PerfData")
struct PerfDataTests {
    @Test func parsesAFullItem() {
        let items = PerfData.parse("time=0.012s;1;2;0;10")
        #expect(items == [PerfDatum(label: "time", value: 0.012, unit: "s", warn: "1", crit: "2", min: 0, max: 10)])
    }

    @Test func parsesSeveralItemsAcrossSpacesTabsAndNewlines() {
        let items = PerfData.parse("  time=0.012s;1;2;0;\tsize=512B;;;0 \n load1=0.5 ")
        #expect(items.map(\.label) == ["time", "size", "load1"])
        #expect(items[1] == PerfDatum(label: "size", value: 512, unit: "B", min: 0))
        #expect(items[2] == PerfDatum(label: "load1", value: 0.5))
    }

    @Test func quotedLabelsKeepSpacesEqualsAndDoubledQuotes() {
        let items = PerfData.parse("'disk /var/log'=818MB;970;975;0;980 'a=b'=1 'it''s'=2 '한국 지연'=3ms")
        #expect(items.map(\.label) == ["disk /var/log", "a=b", "it's", "한국 지연"])
        #expect(items[0].value == 818)
        #expect(items[0].unit == "MB")
        #expect(items[3].unit == "ms")
    }

    @Test(arguments: ["", "s", "ms", "us", "%", "B", "KB", "MB", "TB", "c", "GB", "B/s"])
    func acceptsUnits(unit: String) {
        let items = PerfData.parse("x=42\(unit);;;0;100")
        #expect(items == [PerfDatum(label: "x", value: 42, unit: unit, min: 0, max: 100)])
    }

    @Test func missingFieldsAreNil() {
        let items = PerfData.parse("a=1 b=2;; c=3;;5 d=4;;;;9 e=5;")
        #expect(
            items == [
                PerfDatum(label: "a", value: 1),
                PerfDatum(label: "b", value: 2),
                PerfDatum(label: "c", value: 3, crit: "5"),
                PerfDatum(label: "d", value: 4, max: 9),
                PerfDatum(label: "e", value: 5),
            ])
    }

    @Test func numbersWithSignsFractionsAndExponents() {
        let items = PerfData.parse("a=-3.5 b=+2 c=.25 d=5. e=1.5e3ms f=2E-2")
        #expect(items.map(\.value) == [-3.5, 2, 0.25, 5, 1500, 0.02])
        #expect(items[4].unit == "ms")
    }

    @Test func boundsMayRepeatTheValuesUnit() {
        let items = PerfData.parse("used=40%;80;90;0%;100% t=1s;;;0s;5ms")
        #expect(items == [PerfDatum(label: "used", value: 40, unit: "%", warn: "80", crit: "90", min: 0, max: 100)])
    }

    @Test(arguments: ["10", "10:", "~:10", "10:20", "@10:20", "-5:5", "@~:0", "1.5"])
    func acceptsThresholdRanges(range: String) {
        let items = PerfData.parse("x=1;\(range);\(range)")
        #expect(items.first?.warn == range)
        #expect(items.first?.crit == range)
    }

    @Test(arguments: ["abc", "@", ":", "20:10", "1:x", "10%", "@@1"])
    func skipsItemsWithBadThresholds(range: String) {
        #expect(PerfData.parse("x=1;\(range) y=2").map(\.label) == ["y"])
    }

    @Test func undeterminedValuesAreSkipped() {
        let items = PerfData.parse("a=U b=1 'c d'=U;1;2;0;10 e=2")
        #expect(items.map(\.label) == ["b", "e"])
    }

    @Test(arguments: [
        "=1", "''=1", "noequals", "a=", "a=x", "a=1x2", "a=1;2;3;4;5;6", "a=1;;;z", "a=1;;;;q",
        "a=--1", "a=1.2.3", "a=nan", "a=inf", "'a'b=1", "a=1e999",
    ])
    func skipsMalformedItemsAndKeepsTheirNeighbours(garbage: String) {
        let items = PerfData.parse("before=1 \(garbage) after=2")
        #expect(items.first?.label == "before")
        #expect(items.last?.label == "after")
        #expect(items.allSatisfy { ["before", "after"].contains($0.label) })
    }

    @Test func anUnterminatedQuoteEndsParsing() {
        #expect(PerfData.parse("a=1 'broken label=2 b=3").map(\.label) == ["a"])
    }

    @Test func emptyAndBlankInputGiveNothing() {
        #expect(PerfData.parse("").isEmpty)
        #expect(PerfData.parse(" \n\t ").isEmpty)
    }

    @Test func randomInputNeverCrashes() {
        var generator = PerfDataFuzz(seed: 0x1BAD_5EED)
        let alphabet = Array("ab =;'U@~:.-+e%sMB0123456789 \n\t\u{0}한")
        for _ in 0..<2_000 {
            let length = Int(generator.next() % 40)
            let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            for item in PerfData.parse(text) {
                #expect(!item.label.isEmpty)
                #expect(item.value.isFinite)
            }
        }
    }
}

@Suite("PluginOutput")
struct PluginOutputTests {
    @Test func summaryOnly() {
        let output = PluginOutput(parsing: "PING OK - rtt 1 ms\n")
        #expect(output.text == "PING OK - rtt 1 ms")
        #expect(output.longText.isEmpty)
        #expect(output.perfdata.isEmpty)
    }

    @Test func summaryWithPerfdata() {
        let output = PluginOutput(parsing: "HTTP OK - 200 | time=0.012s;1;2;0; size=512B;;;0\n")
        #expect(output.text == "HTTP OK - 200")
        #expect(output.perfdata.map(\.label) == ["time", "size"])
    }

    @Test func longTextAndASecondPerfdataPart() {
        let output = PluginOutput(
            parsing: """
                DISK OK - free space: / 3326 MB (56%); | /=2643MB;5948;5958;0;5968
                / 15272 MB (77%);
                /boot 68 MB (69%);
                /var/log 819 MB (84%); | /boot=68MB;88;93;0;98
                /home=69357MB;253404;253409;0;253414
                'var log'=818MB;970;975;0;980

                """)
        #expect(output.text == "DISK OK - free space: / 3326 MB (56%);")
        #expect(output.longText == "/ 15272 MB (77%);\n/boot 68 MB (69%);\n/var/log 819 MB (84%);")
        #expect(output.perfdata.map(\.label) == ["/", "/boot", "/home", "var log"])
        #expect(output.perfdata[2].value == 69357)
    }

    @Test func longTextWithoutPerfdata() {
        let output = PluginOutput(parsing: "WARNING - 2 of 3\nfirst\r\nsecond\r\n")
        #expect(output.text == "WARNING - 2 of 3")
        #expect(output.longText == "first\nsecond")
        #expect(output.perfdata.isEmpty)
    }

    @Test func aBarInTheSummaryStartsPerfdataEvenWithoutLongText() {
        let output = PluginOutput(parsing: "OK | a=1\nmore text\n")
        #expect(output.text == "OK")
        #expect(output.longText == "more text")
        #expect(output.perfdata.map(\.label) == ["a"])
    }

    @Test func emptyOutput() {
        let output = PluginOutput(parsing: "")
        #expect(output.text.isEmpty)
        #expect(output.longText.isEmpty)
        #expect(output.perfdata.isEmpty)
    }
}

/// A small seeded generator (SplitMix64), so the random-input test is the same on every run.
private struct PerfDataFuzz {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
