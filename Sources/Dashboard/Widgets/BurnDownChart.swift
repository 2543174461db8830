/// Error budget remaining over time as a line: braille dots (2×4 per cell) on a UTF-8 terminal,
/// ``Glyphs/chartPoint`` characters otherwise.
public struct BurnDownChart: Sendable, Hashable {
    /// Samples oldest first, stretched over the width; `nil` is a gap.
    public var values: [Double?]
    /// The values at the bottom and top rows; values outside are drawn at the edge.
    public var range: ClosedRange<Double>
    /// Style of the line.
    public var style: Style
    /// Braille or ASCII.
    public var glyphs: Glyphs

    /// Creates a chart; the default range suits a budget fraction (0 spent, 1 untouched).
    public init(
        values: [Double?], range: ClosedRange<Double> = 0...1, style: Style = .plain,
        glyphs: Glyphs = .unicode
    ) {
        self.values = values
        self.range = range
        self.style = style
        self.glyphs = glyphs
    }

    /// The dot row (0 = bottom) of `value` among `rows` rows, or `nil` for a gap.
    static func dotRow(of value: Double?, range: ClosedRange<Double>, rows: Int) -> Int? {
        guard let value, !value.isNaN, rows > 0 else { return nil }
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return 0 }
        let ratio = min(1, max(0, (value - range.lowerBound) / span))
        return Int((ratio * Double(rows - 1)).rounded())
    }

    /// Which dots are set, as `dots[column][row]` with row 0 at the bottom: one point per column,
    /// joined vertically to the previous column's point so a steep drop stays a line.
    static func plot(values: [Double?], range: ClosedRange<Double>, columns: Int, rows: Int) -> [[Bool]] {
        var dots = Array(repeating: Array(repeating: false, count: rows), count: columns)
        guard columns > 0, rows > 0, !values.isEmpty else { return dots }
        var previous: Int?
        for column in 0..<columns {
            let sample = values[min(values.count - 1, column * values.count / columns)]
            guard let row = dotRow(of: sample, range: range, rows: rows) else {
                previous = nil
                continue
            }
            let from = previous.map { min($0, row) } ?? row
            let to = previous.map { max($0, row) } ?? row
            for dot in from...to {
                dots[column][dot] = true
            }
            previous = row
        }
        return dots
    }

    /// Draws the line into `area`; cells without a dot are left untouched.
    public func render(in area: Rect, on screen: inout Screen) {
        guard !area.isEmpty else { return }
        if glyphs.usesBraille {
            renderBraille(in: area, on: &screen)
        } else {
            let dots = BurnDownChart.plot(values: values, range: range, columns: area.width, rows: area.height)
            for (column, points) in dots.enumerated() {
                for (row, isSet) in points.enumerated() where isSet {
                    screen.put(glyphs.chartPoint, x: area.x + column, y: area.bottom - 1 - row, style: style)
                }
            }
        }
    }

    private func renderBraille(in area: Rect, on screen: inout Screen) {
        let dots = BurnDownChart.plot(values: values, range: range, columns: area.width * 2, rows: area.height * 4)
        // Braille dot bits by (column within the cell, row within the cell from the top).
        let bits: [[UInt32]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
        for cellRow in 0..<area.height {
            for cellColumn in 0..<area.width {
                var pattern: UInt32 = 0
                for dx in 0..<2 {
                    for dy in 0..<4 {
                        let rowFromBottom = (area.height - 1 - cellRow) * 4 + (3 - dy)
                        if dots[cellColumn * 2 + dx][rowFromBottom] { pattern |= bits[dx][dy] }
                    }
                }
                guard pattern != 0, let scalar = Unicode.Scalar(0x2800 + pattern) else { continue }
                screen.put(String(Character(scalar)), x: area.x + cellColumn, y: area.y + cellRow, style: style)
            }
        }
    }
}
