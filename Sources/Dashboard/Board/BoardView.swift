import Foundation
import Probes

/// The whole dashboard as a pure function: (snapshot, UI state, size) → ``Screen``.
///
/// Immediate mode, as ratatui does it: every frame is rendered in full and the terminal backend
/// writes only what changed. `snapshot` is `nil` until the engine has published one; the board
/// then shows its frame and a "starting" line, so the first frame never waits for a probe.
public struct BoardView: Sendable {
    /// Glyphs and colours.
    public var theme: Theme
    /// Time zone of the header clock and the probe times.
    public var timeZone: TimeZone

    /// Creates a view.
    public init(theme: Theme = .standard, timeZone: TimeZone = .current) {
        self.theme = theme
        self.timeZone = timeZone
    }

    /// Renders one frame.
    public func render(snapshot: BoardSnapshot?, state: BoardState, size: TerminalSize) -> Screen {
        var screen = Screen(width: size.width, height: size.height)
        let layout = BoardLayout(size: size, state: state, banner: snapshot?.banner != nil)
        if layout.isTooSmall {
            TooSmallNotice(
                minimumWidth: BoardLayout.minimumWidth, minimumHeight: BoardLayout.minimumHeight, theme: theme
            ).render(in: screen.area, on: &screen)
            return screen
        }
        let rows = snapshot.map { BoardRows.rows(for: $0, state: state) } ?? []
        renderHeader(snapshot, in: layout.header, on: &screen)
        if let area = layout.banner, let banner = snapshot?.banner {
            let line = Line(banner, style: theme.resolve(Style(foreground: .cyan, attributes: .bold)))
            screen.put(
                line.truncated(toWidth: area.width, ellipsis: theme.glyphs.ellipsis), x: area.x, y: area.y,
                clip: area)
        }
        switch state.page {
        case .services:
            if !layout.detailCoversTable {
                ServicesTableView(theme: theme).render(
                    snapshot: snapshot, rows: rows, state: state, in: layout.table, on: &screen)
                renderTransitions(snapshot, rows: rows.count, in: layout.table, on: &screen)
            }
            if let area = layout.detail {
                let service = state.selected.flatMap { name in snapshot?.service(named: name) }
                DetailPane(theme: theme, timeZone: timeZone).render(
                    service: service, snapshot: snapshot, state: state, in: area, on: &screen)
            }
            renderFooter(snapshot, rows: rows, state: state, layout: layout, on: &screen)
        case .incidents:
            IncidentsView(theme: theme, timeZone: timeZone).render(
                snapshot: snapshot, state: state, in: layout.body, on: &screen)
            renderPageFooter(
                snapshot,
                hints: [
                    ("q", "quit"), ("Esc", "board"), ("Enter", "timeline"),
                    ("\(theme.glyphs.upDownKeys)", "move"), ("?", "help"),
                ],
                in: layout.footer, on: &screen)
        case .incident(let id):
            IncidentTimelineView(theme: theme, timeZone: timeZone).render(
                snapshot?.incident(id: id), id: id, snapshot: snapshot, state: state, in: layout.body, on: &screen)
            renderPageFooter(
                snapshot,
                hints: [
                    ("q", "quit"), ("Esc", "incidents"), ("i", "board"),
                    ("\(theme.glyphs.upDownKeys)", "scroll"), ("?", "help"),
                ],
                in: layout.footer, on: &screen)
        }
        if state.showsHelp {
            BoardView.helpOverlay(theme: theme).render(in: screen.area, on: &screen)
        }
        return screen
    }

    // MARK: Header

    private func renderHeader(_ snapshot: BoardSnapshot?, in area: Rect, on screen: inout Screen) {
        let glyphs = theme.glyphs
        let top = area.row(0)
        let second = area.row(1)
        var right: [Span] = []
        if let snapshot {
            if snapshot.paused {
                let paused = theme.resolve(Style(foreground: .yellow, attributes: [.bold, .reverse]))
                right.append(Span(" PAUSED ", style: paused))
                right.append(Span("  "))
            }
            if snapshot.sourceProblem != nil {
                let stale = theme.resolve(Style(foreground: .yellow, attributes: [.bold, .reverse]))
                right.append(Span(" STALE ", style: stale))
                right.append(Span("  "))
            }
            right.append(Span("SLO \(BoardFormat.window(snapshot.sloWindow))", style: theme.dimStyle))
            right.append(Span("  "))
            right.append(Span(BoardFormat.clock(snapshot.time, timeZone: timeZone), style: theme.headerStyle))
        }
        var rightLine = Line(right, alignment: .right)

        var left: [Span] = [Span("IncidentBoard", style: theme.headerStyle), Span("  ")]
        // Worked out once a frame: the header word and the incident line both read it.
        let overall = snapshot.map(Self.overall) ?? .unknown
        if let snapshot {
            if overall == .up, !snapshot.firing.isEmpty {
                // Everything answers again, but alerts still fire: not OK until they resolve.
                left.append(
                    Span(
                        glyphs.status(.degraded) + " RECOVERING",
                        style: theme.style(for: .degraded).adding(.bold)))
            } else {
                let word = overall == .up ? "OK" : overall.rawValue.uppercased()
                left.append(Span(glyphs.status(overall) + " " + word, style: theme.style(for: overall).adding(.bold)))
            }
            left.append(Span("  "))
            left += countSpans(snapshot)
        } else {
            left.append(Span("starting: waiting for the first probes", style: theme.dimStyle))
        }
        // The source (fleet view) goes on the right in the longest form the left side leaves room for.
        for form in Self.sourceForms(snapshot?.source) {
            let candidate = Line([Span(form, style: theme.dimStyle), Span("  ")] + right, alignment: .right)
            if Line(left).displayWidth + 2 + candidate.displayWidth <= top.width {
                rightLine = candidate
                break
            }
        }
        screen.put(rightLine, in: top, y: top.y)
        let leftWidth = max(0, top.width - rightLine.displayWidth - 2)
        screen.put(Line(left).truncated(toWidth: leftWidth, ellipsis: glyphs.ellipsis), x: top.x, y: top.y, clip: top)

        guard let snapshot else { return }
        // Root causes come first; the alert summary takes what they leave, in its longest form that fits.
        let incidents = incidentLine(snapshot, overall: overall, width: .max)
        var alerts = Line("")
        for candidate in alertSummaries(snapshot)
        where candidate.displayWidth + 2 + incidents.displayWidth
            <= second.width
        {
            alerts = candidate
            break
        }
        if alerts.displayWidth > 0 { screen.put(alerts, in: second, y: second.y) }
        let incidentsWidth = max(0, second.width - (alerts.displayWidth > 0 ? alerts.displayWidth + 2 : 0))
        screen.put(
            incidentLine(snapshot, overall: overall, width: incidentsWidth), x: second.x, y: second.y,
            clip: second)
    }

    /// `prometheus http://127.0.0.1:9090`, then `prometheus 127.0.0.1:9090`, then `prometheus`; none
    /// for local probing.
    static func sourceForms(_ source: String?) -> [String] {
        guard let source, !source.isEmpty else { return [] }
        let words = source.split(separator: " ", maxSplits: 1).map(String.init)
        guard words.count == 2 else { return [source] }
        var forms = [source]
        for scheme in ["https://", "http://"] where words[1].hasPrefix(scheme) {
            forms.append(words[0] + " " + words[1].dropFirst(scheme.count))
        }
        forms.append(words[0])
        return forms
    }

    /// `5 alerts firing (2 paging, 3 suppressed)`, then shorter forms; nothing when none fire.
    private func alertSummaries(_ snapshot: BoardSnapshot) -> [Line] {
        let firing = snapshot.firing.count
        guard firing > 0 else { return [] }
        let suppressed = snapshot.firing.filter(\.suppressed).count
        // In maintenance or silenced, and not suppressed already: nobody is paged for these either.
        let quiet = snapshot.firing.filter { !$0.suppressed && $0.isQuiet }.count
        let red = theme.resolve(Style(foreground: .red, attributes: .bold))
        let count = Span("\(firing) alert\(firing == 1 ? "" : "s") firing", style: red)
        let short = Span("\(firing) firing", style: red)
        var forms: [Line] = []
        if suppressed > 0 || quiet > 0 {
            let parts =
                ["\(firing - suppressed - quiet) paging"] + (suppressed > 0 ? ["\(suppressed) suppressed"] : [])
                + (quiet > 0 ? ["\(quiet) quiet"] : [])
            let detail = Span(" (" + parts.joined(separator: ", ") + ")", style: theme.dimStyle)
            forms.append(Line([count, detail], alignment: .right))
            let paging = Span(" (\(firing - suppressed - quiet) paging)", style: theme.dimStyle)
            forms.append(Line([short, paging], alignment: .right))
        }
        forms.append(Line([count], alignment: .right))
        forms.append(Line([short], alignment: .right))
        return forms
    }

    /// ``BoardSnapshot/overall`` without copying every service.
    static func overall(_ snapshot: BoardSnapshot) -> ProbeStatus {
        var worst: ProbeStatus?
        for index in snapshot.services.indices {
            guard snapshot.services[index].hasProbe || snapshot.services[index].role == .inferredRootCause,
                let status = snapshot.services[index].status
            else { continue }
            worst = max(worst ?? status, status)
        }
        return worst ?? .unknown
    }

    private func countSpans(_ snapshot: BoardSnapshot) -> [Span] {
        var counts: [ProbeStatus: Int] = [:]
        var noData = 0
        for index in snapshot.services.indices where snapshot.services[index].hasProbe {
            if let status = snapshot.services[index].status { counts[status, default: 0] += 1 } else { noData += 1 }
        }
        var spans: [Span] = []
        func add(_ text: String, _ style: Style) {
            if !spans.isEmpty { spans.append(Span("  ")) }
            spans.append(Span(text, style: style))
        }
        add("\(counts[.up] ?? 0) up", theme.style(for: .up))
        if let degraded = counts[.degraded] { add("\(degraded) degraded", theme.style(for: .degraded)) }
        if let down = counts[.down] { add("\(down) down", theme.style(for: .down)) }
        if let unknown = counts[.unknown] { add("\(unknown) unknown", theme.style(for: .unknown)) }
        if noData > 0 { add("\(noData) no data", theme.dimStyle) }
        return spans
    }

    /// `ROOT credit-bureau ×5  ROOT auth-vendor ×2`, as many as fit, then `+N more`.
    /// - Parameter overall: ``overall(_:)`` of the snapshot.
    func incidentLine(_ snapshot: BoardSnapshot, overall: ProbeStatus, width: Int) -> Line {
        let glyphs = theme.glyphs
        guard !snapshot.incidents.isEmpty else {
            if !snapshot.firing.isEmpty, overall == .up {
                return lingeringAlerts(snapshot).truncated(toWidth: width, ellipsis: glyphs.ellipsis)
            }
            if snapshot.services.indices.contains(where: { snapshot.services[$0].status != nil }) {
                return Line([theme.statusSpan(.up), Span(" no incidents", style: theme.resolve(.fg(.green)))])
            }
            return Line("no incidents", style: theme.dimStyle)
        }
        // The open incident's id goes after its root when everything still fits: all of them, else
        // the first root's only, else none (another root's name matters more than an id).
        for withIDs in [snapshot.incidents.count, 1] where !snapshot.incidentRecords.isEmpty {
            let line = incidentPieces(snapshot, ids: withIDs, width: width)
            if line.fits { return line.line }
        }
        return incidentPieces(snapshot, ids: 0, width: width).line
    }

    /// The root causes as pieces, the first `ids` of them followed by their open incident's id, as
    /// many as fit in `width`, then `+N more`; `fits` when none had to be left out.
    private func incidentPieces(_ snapshot: BoardSnapshot, ids: Int, width: Int) -> (line: Line, fits: Bool) {
        let glyphs = theme.glyphs
        var pieces: [[Span]] = []
        for (position, incident) in snapshot.incidents.enumerated() {
            var spans = [
                Span("ROOT ", style: causeStyle(incident.cause)),
                Span(incident.rootCause, style: theme.headerStyle),
            ]
            if incident.blastRadius > 0 {
                spans.append(Span(" \(glyphs.times)\(incident.blastRadius)", style: causeStyle(incident.cause)))
            }
            switch incident.cause {
            case .failing: break
            case .slow: spans.append(Span(" (slow)", style: theme.dimStyle))
            case .inferred: spans.append(Span(" (inferred)", style: theme.dimStyle))
            case .recovered: spans.append(Span(" (recovered)", style: theme.dimStyle))
            }
            if position < ids, let record = snapshot.openIncident(root: incident.rootCause) {
                spans.append(Span(" " + record.id, style: theme.resolve(.fg(.cyan))))
            }
            pieces.append(spans)
        }
        var spans: [Span] = []
        var used = 0
        for (index, piece) in pieces.enumerated() {
            let separator = spans.isEmpty ? 0 : 2
            let pieceWidth = Line(piece).displayWidth
            let remaining = pieces.count - index - 1
            let moreWidth = remaining > 0 ? " +\(remaining) more".displayWidth : 0
            if used + separator + pieceWidth + moreWidth > width, !spans.isEmpty {
                spans.append(Span(" +\(pieces.count - index) more", style: theme.dimStyle))
                return (Line(spans), false)
            }
            if separator > 0 { spans.append(Span("  ")) }
            spans += piece
            used += separator + pieceWidth
        }
        return (Line(spans).truncated(toWidth: width, ellipsis: glyphs.ellipsis), used <= width)
    }

    /// Why alerts still fire while every service is up: `all up; alerts wait out their windows:
    /// 6 burn-rate, 3 latency` (burn rates and the 5-minute p99 still hold the errors; a `down`
    /// alert waits for its run of good probes).
    private func lingeringAlerts(_ snapshot: BoardSnapshot) -> Line {
        var counts: [AlertKind: Int] = [:]
        for alert in snapshot.firing { counts[alert.alert, default: 0] += 1 }
        let kinds = AlertKind.allCases.compactMap { kind in counts[kind].map { "\($0) \(kind.rawValue)" } }
        return Line([
            theme.statusSpan(.up),
            Span(" all up; alerts wait out their windows: ", style: theme.resolve(.fg(.green))),
            Span(kinds.joined(separator: ", "), style: theme.resolve(Style(foreground: .yellow, attributes: .bold))),
        ])
    }

    private func causeStyle(_ cause: CascadeIncident.Cause) -> Style {
        switch cause {
        case .failing, .inferred: theme.resolve(Style(foreground: .red, attributes: .bold))
        case .slow: theme.resolve(Style(foreground: .yellow, attributes: .bold))
        case .recovered: theme.resolve(.fg(.green))
        }
    }

    // MARK: Latest alert transitions

    /// The latest alert transitions, newest first, in the rows the services table leaves empty at
    /// the bottom of its area (at least four: a heading and three transitions).
    private func renderTransitions(_ snapshot: BoardSnapshot?, rows: Int, in area: Rect, on screen: inout Screen) {
        guard let transitions = snapshot?.transitions, !transitions.isEmpty else { return }
        let spare = area.height - 1 - rows - 1
        guard spare >= 4 else { return }
        let shown = min(transitions.count, spare - 1)
        let top = area.bottom - shown - 1
        let glyphs = theme.glyphs
        let heading = Line([
            Span("LATEST ALERTS", style: theme.headerStyle),
            Span(" \(glyphs.separator) newest first", style: theme.dimStyle),
        ])
        screen.put(heading.truncated(toWidth: area.width, ellipsis: glyphs.ellipsis), x: area.x, y: top, clip: area)
        for (slot, event) in transitions.suffix(shown).reversed().enumerated() {
            var spans = [Span(BoardFormat.clock(event.time, timeZone: timeZone) + " ", style: theme.dimStyle)]
            if event.event == .firing {
                let quiet = event.suppressed || event.isQuiet
                let style =
                    quiet ? theme.resolve(.fg(.yellow)) : theme.resolve(Style(foreground: .red, attributes: .bold))
                spans.append(Span(quiet ? "QUIET    " : "PAGED    ", style: style))
            } else {
                spans.append(Span("RESOLVED ", style: theme.resolve(.fg(.green))))
            }
            spans.append(Span(event.service, style: theme.headerStyle))
            spans.append(Span(" \(event.alert.rawValue)" + (event.rule.map { " \($0)" } ?? "")))
            if let root = event.rootCause, root != event.service {
                spans.append(Span(" \(glyphs.causeArrow) \(root)", style: theme.dimStyle))
            }
            if let incident = event.incident { spans.append(Span("  \(incident)", style: theme.resolve(.fg(.cyan)))) }
            screen.put(
                Line(spans).truncated(toWidth: area.width, ellipsis: glyphs.ellipsis), x: area.x,
                y: top + 1 + slot, clip: area)
        }
    }

    // MARK: Footer

    /// The footer of the incidents views: key hints.
    private func renderPageFooter(
        _ snapshot: BoardSnapshot?, hints: [(String, String)], in area: Rect,
        on screen: inout Screen
    ) {
        var spans: [Span] = []
        for (keys, action) in hints {
            if !spans.isEmpty { spans.append(Span("  ")) }
            spans.append(Span(keys, style: theme.headerStyle))
            spans.append(Span(" " + action, style: theme.dimStyle))
        }
        screen.put(
            Line(spans).truncated(toWidth: area.width, ellipsis: theme.glyphs.ellipsis), x: area.x, y: area.y,
            clip: area)
    }

    private func renderFooter(
        _ snapshot: BoardSnapshot?, rows: [BoardRow], state: BoardState, layout: BoardLayout,
        on screen: inout Screen
    ) {
        let area = layout.footer
        let glyphs = theme.glyphs
        let key = theme.headerStyle
        let total = snapshot?.services.count ?? 0
        if state.isEditingFilter {
            let prompt = Line([
                Span("/", style: key), Span(state.filter), Span(glyphs.cursor, style: theme.dimStyle),
            ])
            let info = Line(
                "\(rows.count) of \(total)  Enter keep  Esc clear", style: theme.dimStyle, alignment: .right)
            screen.put(info, in: area, y: area.y)
            let room = max(0, area.width - info.displayWidth - 2)
            screen.put(prompt.truncated(toWidth: room, ellipsis: glyphs.ellipsis), x: area.x, y: area.y, clip: area)
            return
        }
        if let silence = state.silencePrompt {
            let prompt = Line([
                Span("silence \(silence.service) for 1h, reason: ", style: key), Span(silence.reason),
                Span(glyphs.cursor, style: theme.dimStyle),
            ])
            let info = Line(state.message ?? "Enter silence  Esc cancel", style: theme.dimStyle, alignment: .right)
            screen.put(info, in: area, y: area.y)
            let room = max(0, area.width - info.displayWidth - 2)
            screen.put(prompt.truncated(toWidth: room, ellipsis: glyphs.ellipsis), x: area.x, y: area.y, clip: area)
            return
        }
        var info: [Span] = []
        if let message = state.message {
            info.append(Span(message, style: theme.resolve(.fg(.cyan))))
        } else if let ending = snapshot.flatMap(Self.silenceEndingSoon) {
            // A silence about to end: whoever set it may want to extend it before the pages resume.
            let minutes = max(
                1, Int((ending.endsAt.timeIntervalSince(snapshot?.time ?? ending.endsAt) / 60).rounded(.up)))
            info.append(
                Span(
                    "silence \(ending.id) on \(ending.service) ends in \(minutes)m",
                    style: theme.resolve(Style(foreground: .yellow, attributes: .bold))))
        } else {
            if state.sort != .tree { info.append(Span("sort: \(state.sort.rawValue)", style: theme.dimStyle)) }
            if state.cascadeOnly {
                if !info.isEmpty { info.append(Span("  ")) }
                info.append(Span("cascade only", style: theme.resolve(Style(foreground: .yellow, attributes: .bold))))
            }
            if !state.filter.isEmpty {
                if !info.isEmpty { info.append(Span("  ")) }
                info.append(
                    Span(
                        "filter \"\(state.filter)\" \(rows.count)/\(total)",
                        style: theme.resolve(
                            Style(foreground: .cyan, attributes: .bold))))
            }
            if !layout.detailCoversTable, rows.count > layout.visibleTableRows, let selected = state.selected,
                let index = rows.firstIndex(where: { snapshot?.services[$0.index].name == selected })
            {
                if !info.isEmpty { info.append(Span("  ")) }
                info.append(Span("\(index + 1)/\(rows.count)", style: theme.dimStyle))
            }
        }
        let infoLine = Line(info, alignment: .right)
        if !info.isEmpty { screen.put(infoLine, in: area, y: area.y) }
        let room = max(0, area.width - (info.isEmpty ? 0 : infoLine.displayWidth + 2))
        // A source that cannot be read matters more than the key hints (they are under `?` too).
        if let problem = snapshot?.sourceProblem {
            let warning = theme.resolve(Style(foreground: .yellow, attributes: .bold))
            let line = Line([Span(glyphs.degraded + " " + problem, style: warning)])
            screen.put(line.truncated(toWidth: room, ellipsis: glyphs.ellipsis), x: area.x, y: area.y, clip: area)
            return
        }
        // Then a site that stopped reporting: the board's own blind spot.
        if let snapshot, !snapshot.darkSites.isEmpty {
            let warning = theme.resolve(Style(foreground: .yellow, attributes: .bold))
            let parts = snapshot.darkSites.map { site in
                site.site + " DARK" + (site.since.map { " since " + BoardFormat.clock($0, timeZone: timeZone) } ?? "")
            }
            let line = Line([Span(glyphs.degraded + " " + parts.joined(separator: ", "), style: warning)])
            screen.put(line.truncated(toWidth: room, ellipsis: glyphs.ellipsis), x: area.x, y: area.y, clip: area)
            return
        }
        // Whole hints go when the row is short, least needed first (all are under `?` too),
        // rather than the row being cut off in the middle of one.
        var hints: [(keys: String, action: String, keep: Int)] = [
            ("q", "quit", 9), ("?", "help", 8), ("Enter", "detail", 6), ("i", "incidents", 7), ("/", "filter", 3),
            ("s", "sort", 2), ("c", "cascade", 1), ("r", "probe", 4), ("p", state.pausedHint(snapshot), 5),
        ]
        func width(_ hints: [(keys: String, action: String, keep: Int)]) -> Int {
            hints.reduce(0) { $0 + $1.keys.displayWidth + 1 + $1.action.displayWidth } + 2 * max(0, hints.count - 1)
        }
        while hints.count > 1, width(hints) > room,
            let least = hints.indices.min(by: { hints[$0].keep < hints[$1].keep })
        {
            hints.remove(at: least)
        }
        var spans: [Span] = []
        for hint in hints {
            if !spans.isEmpty { spans.append(Span("  ")) }
            spans.append(Span(hint.keys, style: key))
            spans.append(Span(" " + hint.action, style: theme.dimStyle))
        }
        screen.put(Line(spans).truncated(toWidth: room, ellipsis: glyphs.ellipsis), x: area.x, y: area.y, clip: area)
    }

    /// The active silence that ends first, when it ends within ``Silence/expiryWarning``.
    static func silenceEndingSoon(_ snapshot: BoardSnapshot) -> Silence? {
        snapshot.services.compactMap(\.silence)
            .filter { $0.endsAt.timeIntervalSince(snapshot.time) <= Silence.expiryWarning }
            .min { $0.endsAt < $1.endsAt }
    }

    // MARK: Help

    /// The key bindings and the legend.
    static func helpOverlay(theme: Theme) -> HelpOverlay {
        let glyphs = theme.glyphs
        let statuses = [glyphs.up, glyphs.degraded, glyphs.down, glyphs.unknown].joined(separator: " ")
        return HelpOverlay(
            entries: [
                HelpEntry(glyphs.upDownKeys + " j k", "move the selection (scroll the detail pane)"),
                HelpEntry("PgUp PgDn", "move a page"),
                HelpEntry("g G", "first / last row"),
                HelpEntry("Enter", "open or close the detail pane"),
                HelpEntry("Tab", "switch between table and detail pane"),
                HelpEntry("/", "filter by name or title (Esc clears)"),
                HelpEntry("s", "sort: tree, status, name, budget, burn"),
                HelpEntry("c", "cascade only: root causes and their victims"),
                HelpEntry("i", "incidents: open, then recent (Enter: timeline)"),
                HelpEntry("r", "probe the selected service now"),
                HelpEntry("p", "pause or resume probing"),
                HelpEntry("m", "silence the selected service for 1h (asks why)"),
                HelpEntry("q Esc", "quit"),
                HelpEntry(statuses, "up, degraded, down, no data"),
                HelpEntry("ROOT \(glyphs.times)5", "root cause; 5 services fail because of it"),
                HelpEntry("\(glyphs.causeArrow) name", "fails because of the root cause name"),
            ], title: "IncidentBoard keys", theme: theme)
    }
}

extension BoardState {
    /// The footer's word for `p`.
    func pausedHint(_ snapshot: BoardSnapshot?) -> String {
        snapshot?.paused == true ? "resume" : "pause"
    }
}
