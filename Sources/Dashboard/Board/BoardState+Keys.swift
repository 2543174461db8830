import Foundation
import Probes

extension BoardState {
    /// Applies one key press and returns what the engine should do, if anything.
    ///
    /// A pure reducer: it reads the snapshot and size only to know the rows and how far a page
    /// goes, and never calls the engine (`r` and `p` come back as ``BoardCommand`` values).
    ///
    /// Keys follow k9s and btop: arrows and `j`/`k`, `PgUp`/`PgDn`, `g`/`G`, `Enter` detail,
    /// `Tab` pane, `/` filter (incremental; `Esc` clears), `s` sort, `c` cascade only, `r` probe
    /// now, `p` pause, `?` help, `q`/`Esc` quit. `Esc` first closes whatever is open (help, filter,
    /// detail) and quits only from the plain board.
    public mutating func handle(_ key: Key, snapshot: BoardSnapshot?, size: TerminalSize) -> BoardCommand? {
        if key != .resize { message = nil }
        defer { reconcile(with: snapshot, size: size) }
        if showsHelp {
            switch key {
            case .char("?"), .escape, .enter: showsHelp = false
            case .char("q"): return .quit
            default: break
            }
            return nil
        }
        if isEditingFilter {
            editFilter(key, snapshot: snapshot, size: size)
            return nil
        }
        if silenceService != nil { return editSilenceReason(key) }
        if page != .services { return handleIncidentKey(key, snapshot: snapshot, size: size) }
        switch key {
        case .char("q"):
            return .quit
        case .escape:
            if !filter.isEmpty {
                filter = ""
            } else if focus == .detail || detailOpen {
                focus = .table
                detailOpen = false
            } else {
                return .quit
            }
        case .char("?"):
            showsHelp = true
        case .char("i"):
            page = .incidents
            incidentsOffset = 0
        case .char("/"):
            isEditingFilter = true
        case .char("s"):
            sort = sort.next
            offset = 0
        case .char("c"):
            cascadeOnly.toggle()
            offset = 0
        case .char("p"):
            return .togglePause
        case .char("m"):
            guard let name = selected, snapshot?.service(named: name) != nil else { return nil }
            silencePrompt = (name, "")
        case .char("r"):
            guard let name = selected, let service = snapshot?.service(named: name) else { return nil }
            guard service.hasProbe else {
                message = "\(name) has no probe of its own"
                return nil
            }
            message = "probing \(name) now"
            return .probeNow(name)
        case .enter:
            if size.width >= BoardLayout.sideBySideWidth {
                focus = focus == .detail ? .table : .detail
            } else {
                detailOpen.toggle()
                focus = detailOpen ? .detail : .table
            }
        case .tab, .backTab:
            focus = focus == .detail ? .table : .detail
            if size.width < BoardLayout.sideBySideWidth { detailOpen = focus == .detail }
        default:
            move(key, snapshot: snapshot, size: size)
        }
        return nil
    }

    /// The reason prompt of a silence: Enter silences (a reason is required), Esc cancels.
    private mutating func editSilenceReason(_ key: Key) -> BoardCommand? {
        guard let service = silenceService else { return nil }
        switch key {
        case .escape:
            silencePrompt = nil
            message = "silence cancelled"
        case .enter:
            let reason = silenceReason.trimmingCharacters(in: .whitespaces)
            guard !reason.isEmpty else {
                message = "a silence needs a reason (Esc cancels)"
                return nil
            }
            silencePrompt = nil
            message = "silencing \(service) for 1h"
            return .silence(service: service, reason: reason)
        case .backspace, .delete:
            if !silenceReason.isEmpty { silenceReason.removeLast() }
        case .ctrl("u"):
            silenceReason = ""
        case .char(let character):
            if character.displayWidth != nil, silenceReason.count < 200 { silenceReason.append(character) }
        default:
            break
        }
        return nil
    }

    private mutating func editFilter(_ key: Key, snapshot: BoardSnapshot?, size: TerminalSize) {
        switch key {
        case .escape:
            filter = ""
            isEditingFilter = false
        case .enter:
            isEditingFilter = false
        case .backspace, .delete:
            if filter.isEmpty { isEditingFilter = false } else { filter.removeLast() }
        case .ctrl("u"):
            filter = ""
        case .char(let character):
            // The filter is one line of visible text; a control character would only hide itself.
            if character.displayWidth != nil, filter.count < 64 { filter.append(character) }
        case .up, .down, .pageUp, .pageDown, .home, .end:
            move(key, snapshot: snapshot, size: size)
        default:
            break
        }
    }

    /// Movement: the selection when the table has focus, the scroll position of the detail pane when
    /// it has.
    private mutating func move(_ key: Key, snapshot: BoardSnapshot?, size: TerminalSize) {
        let layout = BoardLayout(size: size, state: self, banner: snapshot?.banner != nil)
        if focus == .detail, layout.showsDetail {
            let page = max(1, (layout.detail?.height ?? 3) - 2)
            switch key {
            case .up, .char("k"): detailOffset -= 1
            case .down, .char("j"): detailOffset += 1
            case .pageUp: detailOffset -= page
            case .pageDown: detailOffset += page
            case .home, .char("g"): detailOffset = 0
            case .end, .char("G"): detailOffset = Int.max / 2
            default: return
            }
            clampDetailOffset(snapshot: snapshot, layout: layout)
            return
        }
        guard let snapshot else { return }
        let rows = BoardRows.rows(for: snapshot, state: self)
        guard !rows.isEmpty else { return }
        let current = selected.flatMap { name in rows.firstIndex { snapshot.services[$0.index].name == name } } ?? 0
        let page = max(
            1,
            layout.visibleTableRows > 0
                ? layout.visibleTableRows
                : Table.visibleRowCount(
                    height: layout.table.height))
        let target: Int
        switch key {
        case .up, .char("k"): target = current - 1
        case .down, .char("j"): target = current + 1
        case .pageUp: target = current - page
        case .pageDown: target = current + page
        case .home, .char("g"): target = 0
        case .end, .char("G"): target = rows.count - 1
        default: return
        }
        let next = min(max(0, target), rows.count - 1)
        let name = snapshot.services[rows[next].index].name
        if name != selected { detailOffset = 0 }
        selected = name
    }

    private mutating func clampDetailOffset(snapshot: BoardSnapshot?, layout: BoardLayout) {
        guard let area = layout.detail, let snapshot, let name = selected,
            let service = snapshot.service(named: name)
        else {
            detailOffset = 0
            return
        }
        let inner = area.inset(by: 1).inset(horizontal: 1, vertical: 0)
        let count = DetailPane(theme: .standard, timeZone: .gmt).lines(for: service, in: snapshot, width: inner.width)
            .count
        detailOffset = DetailPane.clampedOffset(detailOffset, lineCount: count, height: inner.height)
    }

    /// Brings the state in line with a new snapshot or size: the selection falls back to the first
    /// row when its service is no longer listed (filtered out, gone from the config), and the
    /// scroll offset keeps the selection on screen.
    public mutating func reconcile(with snapshot: BoardSnapshot?, size: TerminalSize) {
        guard let snapshot else { return }
        if page == .incidents { reconcileIncidents(with: snapshot, size: size) }
        let rows = BoardRows.rows(for: snapshot, state: self)
        guard !rows.isEmpty else {
            offset = 0
            return
        }
        var index = selected.flatMap { name in rows.firstIndex { snapshot.services[$0.index].name == name } }
        if index == nil {
            index = 0
            selected = snapshot.services[rows[0].index].name
            detailOffset = 0
        }
        let layout = BoardLayout(size: size, state: self, banner: snapshot.banner != nil)
        offset = Table.scrollOffset(
            selected: index, offset: offset, visibleRows: layout.visibleTableRows, rowCount: rows.count)
    }
}
