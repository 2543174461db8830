import Probes

extension BoardState {
    /// Keys of the incidents view and of one incident's timeline.
    ///
    /// In the list: arrows and `j`/`k`, `PgUp`/`PgDn`, `g`/`G` move; `Enter` opens the selected
    /// incident; `Esc` or `i` go back to the services. In a timeline: the same keys scroll it;
    /// `Esc` or `Backspace` go back to the list, `i` to the services. `q` quits from either.
    mutating func handleIncidentKey(_ key: Key, snapshot: BoardSnapshot?, size: TerminalSize) -> BoardCommand? {
        switch key {
        case .char("q"):
            return .quit
        case .char("?"):
            showsHelp = true
            return nil
        case .char("i"):
            page = .services
            return nil
        default:
            break
        }
        let layout = BoardLayout(size: size, state: self, banner: snapshot?.banner != nil)
        switch page {
        case .services:
            return nil
        case .incidents:
            let incidents = snapshot?.incidentRecords ?? []
            let page = max(1, IncidentsView.visibleRows(in: layout.body))
            let current = selectedIncident.flatMap { id in incidents.firstIndex { $0.record.id == id } } ?? 0
            let target: Int
            switch key {
            case .escape, .backspace:
                self.page = .services
                return nil
            case .enter:
                guard incidents.indices.contains(current) else { return nil }
                self.page = .incident(incidents[current].record.id)
                timelineOffset = 0
                return nil
            case .up, .char("k"): target = current - 1
            case .down, .char("j"): target = current + 1
            case .pageUp: target = current - page
            case .pageDown: target = current + page
            case .home, .char("g"): target = 0
            case .end, .char("G"): target = incidents.count - 1
            default: return nil
            }
            guard !incidents.isEmpty else { return nil }
            selectedIncident = incidents[min(max(0, target), incidents.count - 1)].record.id
            reconcileIncidents(with: snapshot, size: size)
        case .incident(let id):
            let view = IncidentTimelineView(theme: .standard, timeZone: .gmt)
            let lines = snapshot?.incident(id: id).map { view.timelineLines($0) }?.count ?? 0
            let height = view.timelineHeight(in: layout.body)
            let page = max(1, height - 1)
            switch key {
            case .escape, .backspace:
                self.page = .incidents
                selectedIncident = id
                return nil
            case .up, .char("k"): timelineOffset -= 1
            case .down, .char("j"): timelineOffset += 1
            case .pageUp: timelineOffset -= page
            case .pageDown: timelineOffset += page
            case .home, .char("g"): timelineOffset = 0
            case .end, .char("G"): timelineOffset = lines
            default: return nil
            }
            timelineOffset = max(0, min(timelineOffset, lines - height))
        }
        return nil
    }

    /// Keeps the incidents view's selection on a listed incident and on screen.
    mutating func reconcileIncidents(with snapshot: BoardSnapshot?, size: TerminalSize) {
        let incidents = snapshot?.incidentRecords ?? []
        guard !incidents.isEmpty else {
            incidentsOffset = 0
            return
        }
        var index = selectedIncident.flatMap { id in incidents.firstIndex { $0.record.id == id } }
        if index == nil {
            index = 0
            selectedIncident = incidents[0].record.id
        }
        let layout = BoardLayout(size: size, state: self, banner: snapshot?.banner != nil)
        incidentsOffset = Table.scrollOffset(
            selected: index, offset: incidentsOffset, visibleRows: IncidentsView.visibleRows(in: layout.body),
            rowCount: incidents.count)
    }
}
