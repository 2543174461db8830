/// What the dashboard asks of the engine. The key handler returns these as values; the live loop
/// carries them out, so the handler stays a pure function that tests can call.
public enum BoardCommand: Sendable, Hashable {
    /// Probe this service now, out of its schedule.
    case probeNow(String)
    /// Pause probing when it runs, resume it when paused.
    case togglePause
    /// Silence this service for ``BoardState/silenceLength`` with the reason typed at the prompt.
    case silence(service: String, reason: String)
    /// Leave the dashboard.
    case quit
}

/// How the services table is ordered (`s` cycles through them).
public enum BoardSortOrder: String, Sendable, Hashable, CaseIterable {
    /// The dependency tree: every upstream above its dependents.
    case tree
    /// Worst status first.
    case status
    /// By name.
    case name
    /// Least error budget left first.
    case budget
    /// Fastest 1 h burn first.
    case burn

    /// The next order in the cycle.
    public var next: BoardSortOrder {
        let all = BoardSortOrder.allCases
        let index = all.firstIndex(of: self) ?? 0
        return all[(index + 1) % all.count]
    }
}

/// Which pane the movement keys act on.
public enum BoardFocus: Sendable, Hashable {
    /// The services table: arrows move the selection.
    case table
    /// The detail pane: arrows scroll it.
    case detail
}

/// Which screen the body of the board shows.
public enum BoardPage: Sendable, Hashable {
    /// The services table (and the detail pane).
    case services
    /// The incidents: open ones first, then the recently closed (`i`).
    case incidents
    /// One incident's timeline, with a chart of its root's latency (Enter on an incident).
    case incident(String)
}

/// Everything the dashboard remembers between frames that is not in the snapshot: selection,
/// scrolling, filter, sort, which panes are open.
///
/// The selection is kept by service name, so it stays on the same service when the rows reorder
/// (a status sort, a new snapshot).
public struct BoardState: Sendable, Hashable {
    /// The selected service's name; `nil` when the table is empty.
    public var selected: String?
    /// First table row shown.
    public var offset: Int
    /// Pane the movement keys act on.
    public var focus: BoardFocus
    /// Whether the detail pane is open on a terminal too narrow to show it beside the table.
    public var detailOpen: Bool
    /// Rows of the detail pane scrolled away.
    public var detailOffset: Int
    /// Whether the help overlay is shown.
    public var showsHelp: Bool
    /// Case-insensitive text a row's name or title must contain; empty for no filter.
    public var filter: String
    /// Whether keys are being typed into the filter prompt.
    public var isEditingFilter: Bool
    /// Table order.
    public var sort: BoardSortOrder
    /// Whether only root causes and the services they impact are listed.
    public var cascadeOnly: Bool
    /// One line of feedback in the footer ("probe requested"), cleared by the next key.
    public var message: String?
    /// The screen shown: services, incidents, or one incident.
    public var page: BoardPage = .services
    /// The service a silence is being typed for (`m`), and the reason typed so far; `nil` when no
    /// silence prompt is open.
    public var silencePrompt: (service: String, reason: String)? {
        get { silenceService.map { ($0, silenceReason) } }
        set {
            silenceService = newValue?.service
            silenceReason = newValue?.reason ?? ""
        }
    }
    var silenceService: String? = nil
    var silenceReason = ""
    /// How long a silence from the board lasts.
    public static let silenceLength: Duration = .seconds(3600)
    /// The selected incident's id in the incidents view.
    public var selectedIncident: String?
    /// First row of the incidents view shown.
    public var incidentsOffset = 0
    /// Rows of an incident's timeline scrolled away.
    public var timelineOffset = 0

    /// The state a fresh dashboard starts in.
    public init(
        selected: String? = nil, offset: Int = 0, focus: BoardFocus = .table, detailOpen: Bool = false,
        detailOffset: Int = 0, showsHelp: Bool = false, filter: String = "", isEditingFilter: Bool = false,
        sort: BoardSortOrder = .tree, cascadeOnly: Bool = false, message: String? = nil
    ) {
        self.selected = selected
        self.offset = offset
        self.focus = focus
        self.detailOpen = detailOpen
        self.detailOffset = detailOffset
        self.showsHelp = showsHelp
        self.filter = filter
        self.isEditingFilter = isEditingFilter
        self.sort = sort
        self.cascadeOnly = cascadeOnly
        self.message = message
    }
}
