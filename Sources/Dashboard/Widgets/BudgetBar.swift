/// Error budget remaining as a bar and a percentage, coloured by how much is left.
///
/// The percentage is always shown, so the bar reads without colour; the ASCII form is `[###---]  42%`.
public struct BudgetBar: Sendable, Hashable {
    /// Fraction of the budget left: 1 untouched, 0 spent, below 0 overspent; `nil` for no data yet.
    public var remaining: Double?
    /// Glyphs and colours.
    public var theme: Theme
    /// Below this fraction the bar turns yellow.
    public var warningBelow: Double
    /// Below this fraction the bar turns red.
    public var criticalBelow: Double

    /// Creates a bar.
    public init(
        remaining: Double?, theme: Theme = .standard, warningBelow: Double = 0.5,
        criticalBelow: Double = 0.25
    ) {
        self.remaining = remaining
        self.theme = theme
        self.warningBelow = warningBelow
        self.criticalBelow = criticalBelow
    }

    /// The percentage text: rounded down (99.9 % left shows 99 %, a sliver overspent shows -1 %),
    /// `--` without data. A budget overspent more than tenfold (a fresh window of failures) shows
    /// `<-999%`, so the text keeps its width.
    public var label: String {
        guard let remaining, remaining.isFinite else { return "--" }
        let percent = (remaining * 100).rounded(.down)
        if percent < -999 { return "<-999%" }
        return percent >= 100 ? "100%" : "\(Int(percent))%"
    }

    /// The style for the current fraction.
    public var style: Style {
        guard let remaining, remaining.isFinite else { return theme.dimStyle }
        if remaining >= warningBelow { return theme.resolve(.fg(.green)) }
        if remaining >= criticalBelow { return theme.resolve(.fg(.yellow)) }
        return theme.resolve(Style(foreground: .red, attributes: remaining <= 0 ? .bold : []))
    }

    /// Filled cells out of `cells`: never full unless nothing is spent, never empty unless all is.
    public static func filledCells(remaining: Double, cells: Int) -> Int {
        guard cells > 0, remaining.isFinite else { return 0 }
        if remaining >= 1 { return cells }
        if remaining <= 0 { return 0 }
        let filled = Int((remaining * Double(cells)).rounded())
        return min(cells - 1, max(1, filled))
    }

    /// Draws bar and percentage in the first row of `area`; a narrow area shows the percentage only.
    public func render(in area: Rect, on screen: inout Screen) {
        guard !area.isEmpty else { return }
        let glyphs = theme.glyphs
        let text = label
        let labelWidth = max(4, text.displayWidth)
        let frame = glyphs.barOpen.displayWidth + glyphs.barClose.displayWidth
        let cells = area.width - labelWidth - 1 - frame
        let labelArea = Rect(x: area.right - min(labelWidth, area.width), y: area.y, width: labelWidth, height: 1)
        screen.put(Line(text, style: style, alignment: .right), in: labelArea.intersection(area), y: area.y)
        guard cells >= 1 else { return }
        let filled = remaining.map { BudgetBar.filledCells(remaining: $0, cells: cells) } ?? 0
        var x = screen.put(glyphs.barOpen, x: area.x, y: area.y, style: theme.dimStyle, clip: area)
        for cell in 0..<cells {
            let isFilled = cell < filled
            x = screen.put(
                isFilled ? glyphs.barFilled : glyphs.barEmpty, x: x, y: area.y,
                style: isFilled ? style : theme.dimStyle, clip: area
            )
        }
        screen.put(glyphs.barClose, x: x, y: area.y, style: theme.dimStyle, clip: area)
    }
}
