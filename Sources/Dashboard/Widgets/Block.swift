/// A border with an optional title, around the area another widget renders into.
public struct Block: Sendable, Hashable {
    /// Shown in the top border, after the corner.
    public var title: Line?
    /// Style of the border lines.
    public var borderStyle: Style
    /// Border characters.
    public var glyphs: Glyphs

    /// Creates a block.
    public init(title: Line? = nil, borderStyle: Style = .plain, glyphs: Glyphs = .unicode) {
        self.title = title
        self.borderStyle = borderStyle
        self.glyphs = glyphs
    }

    /// Creates a block with a bold title, styled by `theme`.
    public init(title: String, theme: Theme) {
        self.init(
            title: Line(title, style: theme.headerStyle), borderStyle: theme.borderStyle, glyphs: theme.glyphs
        )
    }

    /// The area inside the border.
    public func inner(_ area: Rect) -> Rect { area.inset(by: 1) }

    /// Draws the border and the title; the inside is left as it is.
    public func render(in area: Rect, on screen: inout Screen) {
        guard area.width >= 2, area.height >= 2 else { return }
        let right = area.right - 1
        let bottom = area.bottom - 1
        for column in (area.x + 1)..<right {
            screen.put(glyphs.horizontal, x: column, y: area.y, style: borderStyle)
            screen.put(glyphs.horizontal, x: column, y: bottom, style: borderStyle)
        }
        for row in (area.y + 1)..<bottom {
            screen.put(glyphs.vertical, x: area.x, y: row, style: borderStyle)
            screen.put(glyphs.vertical, x: right, y: row, style: borderStyle)
        }
        screen.put(glyphs.topLeft, x: area.x, y: area.y, style: borderStyle)
        screen.put(glyphs.topRight, x: right, y: area.y, style: borderStyle)
        screen.put(glyphs.bottomLeft, x: area.x, y: bottom, style: borderStyle)
        screen.put(glyphs.bottomRight, x: right, y: bottom, style: borderStyle)
        if let title, area.width > 4 {
            // " title " between the corners, with one border cell kept on each side.
            let titleArea = Rect(x: area.x + 1, y: area.y, width: area.width - 2, height: 1)
            var padded = Line([Span(" ")] + title.spans + [Span(" ")])
            padded = padded.truncated(toWidth: titleArea.width - 2, ellipsis: glyphs.ellipsis)
            screen.put(padded, x: titleArea.x + 1, y: area.y, clip: titleArea)
        }
    }
}
