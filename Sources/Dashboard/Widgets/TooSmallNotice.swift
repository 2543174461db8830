/// What the board shows instead of itself when the terminal is below its minimum size.
public struct TooSmallNotice: Sendable, Hashable {
    /// Columns the board needs.
    public var minimumWidth: Int
    /// Rows the board needs.
    public var minimumHeight: Int
    /// Styles.
    public var theme: Theme

    /// Creates the notice.
    public init(minimumWidth: Int, minimumHeight: Int, theme: Theme = .standard) {
        self.minimumWidth = minimumWidth
        self.minimumHeight = minimumHeight
        self.theme = theme
    }

    /// Draws the message centred in `area` (clipped if even that does not fit).
    public func render(in area: Rect, on screen: inout Screen) {
        let lines = [
            Line("terminal too small", style: theme.headerStyle, alignment: .center),
            Line("\(area.width)x\(area.height), need \(minimumWidth)x\(minimumHeight)", alignment: .center),
        ]
        let box = area.centered(width: area.width, height: lines.count)
        Paragraph(lines).render(in: box, on: &screen)
    }

    /// Whether an area of `width`×`height` is below the minimum.
    public func applies(width: Int, height: Int) -> Bool {
        width < minimumWidth || height < minimumHeight
    }
}
