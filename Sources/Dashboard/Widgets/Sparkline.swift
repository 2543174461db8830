/// A one-row chart of recent values (latency), newest at the right.
public struct Sparkline: Sendable, Hashable {
    /// Values oldest first; `nil` is a gap (no data) and draws a space.
    public var values: [Double?]
    /// The value drawn as a full cell; `nil` scales to the largest value shown.
    public var maximum: Double?
    /// Style of the bars.
    public var style: Style
    /// Levels to draw with (``Glyphs/sparkLevels``).
    public var glyphs: Glyphs

    /// Creates a sparkline.
    public init(values: [Double?], maximum: Double? = nil, style: Style = .plain, glyphs: Glyphs = .unicode) {
        self.values = values
        self.maximum = maximum
        self.style = style
        self.glyphs = glyphs
    }

    /// The level index (0 = lowest) for `value` against `maximum`; `nil` for a gap.
    ///
    /// Any value above zero shows at least the lowest level and the maximum the highest; negative,
    /// NaN and infinite values are clamped (NaN is a gap).
    public static func level(of value: Double?, maximum: Double, levels: Int) -> Int? {
        guard let value, !value.isNaN, levels > 0 else { return nil }
        guard value > 0, maximum > 0 else { return 0 }
        let ratio = min(1, value / maximum)
        return min(levels - 1, max(0, Int((ratio * Double(levels)).rounded(.up)) - 1))
    }

    /// Draws the newest values that fit into the first row of `area`, right-aligned.
    public func render(in area: Rect, on screen: inout Screen) {
        guard !area.isEmpty, !glyphs.sparkLevels.isEmpty else { return }
        let shown = values.suffix(area.width)
        let top =
            maximum
            ?? shown.reduce(0) { current, value in
                guard let value, value.isFinite else { return current }
                return max(current, value)
            }
        var x = area.right - shown.count
        for value in shown {
            if let level = Sparkline.level(of: value, maximum: top, levels: glyphs.sparkLevels.count) {
                screen.put(glyphs.sparkLevels[level], x: x, y: area.y, style: style, clip: area)
            }
            x += 1
        }
    }
}
