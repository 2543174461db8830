import Testing

@testable import Dashboard

@Suite("Sparkline")
struct SparklineTests {
    private func render(_ sparkline: Sparkline, width: Int) -> String {
        var screen = Screen(width: width, height: 1)
        sparkline.render(in: screen.area, on: &screen)
        return screen.lines[0]
    }

    @Test("eight levels scaled to the largest value, newest at the right")
    func unicodeLevels() {
        let values: [Double?] = (0...8).map { Double($0) }
        #expect(render(Sparkline(values: values), width: 9) == "▁▁▂▃▄▅▆▇█")
        #expect(render(Sparkline(values: values), width: 5) == "▄▅▆▇█")
        #expect(render(Sparkline(values: values), width: 12) == "   ▁▁▂▃▄▅▆▇█")
    }

    @Test("ASCII fallback and gaps")
    func asciiAndGaps() {
        let values: [Double?] = [0, 2, nil, 4, 6, 8]
        #expect(render(Sparkline(values: values, glyphs: .ascii), width: 6) == "_. -=#")
    }

    @Test("a fixed maximum clamps larger values to the top")
    func fixedMaximum() {
        #expect(render(Sparkline(values: [1, 2, 400], maximum: 2), width: 3) == "▄██")
    }

    @Test("odd values: NaN is a gap, infinity and negatives are clamped, zero maximum draws the floor")
    func oddValues() {
        #expect(Sparkline.level(of: .nan, maximum: 1, levels: 8) == nil)
        #expect(Sparkline.level(of: .infinity, maximum: 1, levels: 8) == 7)
        #expect(Sparkline.level(of: -5, maximum: 1, levels: 8) == 0)
        #expect(Sparkline.level(of: 3, maximum: 0, levels: 8) == 0)
        #expect(Sparkline.level(of: 0.0001, maximum: 1, levels: 8) == 0)
        #expect(render(Sparkline(values: [.infinity, 1, .nan]), width: 3) == "██ ")
    }
}

@Suite("Budget bar")
struct BudgetBarTests {
    private func render(_ remaining: Double?, width: Int, theme: Theme = .plain) -> Screen {
        var screen = Screen(width: width, height: 1)
        BudgetBar(remaining: remaining, theme: theme).render(in: screen.area, on: &screen)
        return screen
    }

    @Test(
        "ASCII bar with the percentage always shown",
        arguments: [
            (0.42 as Double?, 14, "[###----]  42%"),
            (1.0, 14, "[#######] 100%"),
            (0.999, 14, "[######-]  99%"),
            (0.001, 14, "[#------]   0%"),
            (-0.13, 14, "[-------] -13%"),
            (nil, 14, "[-------]   --"),
            (0.42, 6, "   42%"),
            (0.42, 4, " 42%"),
            (0.42, 2, "42"),
        ]
    )
    func ascii(remaining: Double?, width: Int, expected: String) {
        #expect(render(remaining, width: width).lines == [expected])
    }

    @Test("Unicode bar without brackets")
    func unicode() {
        #expect(render(0.5, width: 10, theme: .standard).lines == ["███░░  50%"])
    }

    @Test("colour by threshold, bold when exhausted; no colour under NO_COLOR")
    func colours() {
        #expect(BudgetBar(remaining: 0.6).style == .fg(.green))
        #expect(BudgetBar(remaining: 0.3).style == .fg(.yellow))
        #expect(BudgetBar(remaining: 0.1).style == .fg(.red))
        #expect(BudgetBar(remaining: -0.1).style == Style(foreground: .red, attributes: .bold))
        #expect(BudgetBar(remaining: -0.1, theme: .plain).style == Style(attributes: .bold))
        let screen = render(0.3, width: 10, theme: .standard)
        #expect(screen[x: 0, y: 0].style == .fg(.yellow))
        #expect(screen[x: 4, y: 0].style == Style(attributes: .dim))
    }

    @Test("filled cells are never full unless untouched and never empty unless spent")
    func filledCells() {
        #expect(BudgetBar.filledCells(remaining: 0.999, cells: 10) == 9)
        #expect(BudgetBar.filledCells(remaining: 0.001, cells: 10) == 1)
        #expect(BudgetBar.filledCells(remaining: 0, cells: 10) == 0)
        #expect(BudgetBar.filledCells(remaining: 7, cells: 10) == 10)
        #expect(BudgetBar.filledCells(remaining: .nan, cells: 10) == 0)
        #expect(BudgetBar(remaining: -1e300).label == "<-999%")
        #expect(BudgetBar(remaining: -999.01).label == "<-999%")
        #expect(BudgetBar(remaining: -9.99).label == "-999%")
        #expect(BudgetBar(remaining: 1e300).label == "100%")
        #expect(BudgetBar(remaining: .infinity).label == "--")
    }
}

@Suite("Burn-down chart")
struct BurnDownChartTests {
    @Test("ASCII: one point per column, steep drops joined vertically")
    func ascii() {
        var screen = Screen(width: 4, height: 3)
        BurnDownChart(values: [1, 0.5, 0], glyphs: .ascii).render(in: screen.area, on: &screen)
        #expect(screen.lines == ["*** ", "  **", "   *"])
    }

    @Test("braille: two samples per cell, four dot rows")
    func braille() {
        var screen = Screen(width: 1, height: 1)
        BurnDownChart(values: [1, 0]).render(in: screen.area, on: &screen)
        #expect(screen.lines == ["⢹"])
    }

    @Test("a budget burning down over a 20×4 chart", arguments: [true, false])
    func burnDownGolden(braille: Bool) throws {
        let glyphs = braille ? Glyphs.unicode : Glyphs.ascii
        let values: [Double?] = (0..<40).map { (index: Int) -> Double? in
            guard index >= 4 else { return nil }
            let hours = Double(index - 4)
            return max(-0.2, 1 - hours * hours / 900)
        }
        var screen = Screen(width: 20, height: 4)
        BurnDownChart(values: values, range: -0.2...1, glyphs: glyphs).render(in: screen.area, on: &screen)
        try expectGolden(screen, "burndown-\(braille ? "braille" : "ascii")")
    }

    @Test("gaps break the line; values outside the range sit on the edge; odd input does not crash")
    func gapsAndEdges() {
        var screen = Screen(width: 3, height: 2)
        BurnDownChart(values: [5, nil, -5], glyphs: .ascii).render(in: screen.area, on: &screen)
        #expect(screen.lines == ["*  ", "  *"])
        var empty = Screen(width: 3, height: 2)
        BurnDownChart(values: []).render(in: empty.area, on: &empty)
        BurnDownChart(values: [.nan, 1], range: 1...1).render(in: empty.area, on: &empty)
        #expect(empty.lines.count == 2)
    }
}
