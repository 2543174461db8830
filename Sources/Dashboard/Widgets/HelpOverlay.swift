/// One line of the help overlay: a key and what it does.
public struct HelpEntry: Sendable, Hashable {
    /// The key as the user types it (`j / ↓`, `Enter`).
    public var key: String
    /// What it does.
    public var action: String

    /// Creates an entry.
    public init(_ key: String, _ action: String) {
        self.key = key
        self.action = action
    }
}

/// A bordered box of key bindings centred over the board; it blanks what is under it.
public struct HelpOverlay: Sendable, Hashable {
    /// The bindings, top to bottom.
    public var entries: [HelpEntry]
    /// Title in the border.
    public var title: String
    /// A last line under the bindings (how to close the overlay).
    public var footer: String?
    /// Glyphs and styles.
    public var theme: Theme

    /// Creates an overlay.
    public init(
        entries: [HelpEntry], title: String = "Help", footer: String? = "? or Esc closes",
        theme: Theme = .standard
    ) {
        self.entries = entries
        self.title = title
        self.footer = footer
        self.theme = theme
    }

    private var keyWidth: Int { entries.map(\.key.displayWidth).max() ?? 0 }

    private var lines: [Line] {
        let keyColumn = keyWidth
        var lines = entries.map { entry in
            let padding = String(repeating: " ", count: keyColumn - entry.key.displayWidth)
            return Line([Span(entry.key + padding, style: theme.headerStyle), Span("  " + entry.action)])
        }
        if let footer {
            lines.append(Line(""))
            lines.append(Line(footer, style: theme.dimStyle))
        }
        return lines
    }

    /// The box the overlay occupies in `area`: its content plus border and a column of padding each side,
    /// centred and clamped to the area.
    public func box(in area: Rect) -> Rect {
        let content = lines
        let width = max(content.map(\.displayWidth).max() ?? 0, title.displayWidth + 2) + 4
        return area.centered(width: width, height: content.count + 2)
    }

    /// Draws the overlay centred in `area`.
    public func render(in area: Rect, on screen: inout Screen) {
        let box = box(in: area)
        guard !box.isEmpty else { return }
        screen.fill(box)
        let block = Block(title: title, theme: theme)
        block.render(in: box, on: &screen)
        let inner = block.inner(box).inset(horizontal: 1, vertical: 0)
        Paragraph(lines, ellipsis: theme.glyphs.ellipsis).render(in: inner, on: &screen)
    }
}
