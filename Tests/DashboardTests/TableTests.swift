import Probes
import Testing

@testable import Dashboard

@Suite("Table")
struct TableTests {
    let columns = [
        TableColumn("A", minWidth: 10, maxWidth: nil, priority: 3),
        TableColumn("B", minWidth: 5, maxWidth: 8, priority: 2),
        TableColumn("C", minWidth: 6, maxWidth: 6, priority: 1),
        TableColumn("D", minWidth: 4, maxWidth: 10, priority: 0),
    ]

    @Test(
        "narrow areas drop the lowest-priority columns first; spare width is shared up to each maximum",
        arguments: [
            (40, [15, 8, 6, 8] as [Int?]),
            (60, [33, 8, 6, 10]),
            (28, [10, 5, 6, 4]),
            (25, [11, 6, 6, nil]),
            (16, [10, 5, nil, nil]),
            (8, [8, nil, nil, nil]),
            (0, [nil, nil, nil, nil]),
        ]
    )
    func columnWidths(width: Int, expected: [Int?]) {
        #expect(Table.columnWidths(columns, width: width, spacing: 1) == expected)
    }

    @Test("equal priorities drop the rightmost column first")
    func tieBreak() {
        let even = [
            TableColumn("x", minWidth: 4), TableColumn("y", minWidth: 4), TableColumn("z", minWidth: 4),
        ]
        #expect(Table.columnWidths(even, width: 9, spacing: 1) == [4, 4, nil])
    }

    @Test("without a column that can take it, spare width stays blank at the right")
    func allBounded() {
        let bounded = [TableColumn("x", minWidth: 2, maxWidth: 3), TableColumn("y", minWidth: 2, maxWidth: 4)]
        #expect(Table.columnWidths(bounded, width: 20, spacing: 1) == [3, 4])
    }

    @Test(
        "the scroll offset moves just enough to keep the selection visible",
        arguments: [
            (7 as Int?, 0, 3, 10, 5),
            (2, 5, 3, 10, 2),
            (4, 3, 3, 10, 3),
            (nil, 9, 3, 10, 7),
            (0, 0, 3, 10, 0),
            (99, 0, 3, 10, 7),
            (0, 4, 0, 10, 0),
            (0, 4, 3, 0, 0),
        ]
    )
    func scrollOffset(selected: Int?, offset: Int, visible: Int, count: Int, expected: Int) {
        let first = Table.scrollOffset(selected: selected, offset: offset, visibleRows: visible, rowCount: count)
        #expect(first == expected)
    }

    private var services: Table {
        Table(
            columns: [
                TableColumn("NAME", minWidth: 6, priority: 2),
                TableColumn("STATE", minWidth: 5, maxWidth: 5, priority: 1),
                TableColumn("P99", minWidth: 5, maxWidth: 6, priority: 0, alignment: .right),
            ],
            rows: [
                TableRow(["auth", "up", "12ms"]),
                TableRow(["credit-bureau", "down", "2000ms"]),
                TableRow(["신용평가", "up", "8ms"]),
            ],
            selected: 1,
            theme: .plain
        )
    }

    @Test("renders header, rows, ellipsis and a marked, reversed selection")
    func render() {
        var screen = Screen(width: 24, height: 4)
        services.render(in: screen.area, on: &screen)
        #expect(
            screen.lines == [
                "  NAME      STATE    P99",
                "  auth      up      12ms",
                "> credit-b~ down  2000ms",
                "  신용평가  up       8ms",
            ])
        for x in 0..<24 {
            #expect(screen[x: x, y: 2].style.attributes.contains(.reverse))
            #expect(!screen[x: x, y: 1].style.attributes.contains(.reverse))
        }
        #expect(screen[x: 2, y: 0].style.attributes.contains(.bold))
    }

    @Test("at 14 columns the latency column is dropped and names are cut")
    func renderNarrow() {
        var screen = Screen(width: 14, height: 4)
        services.render(in: screen.area, on: &screen)
        #expect(
            screen.lines == [
                "  NAME   STATE",
                "  auth   up   ",
                "> credi~ down ",
                "  신용~  up   ",
            ])
    }

    @Test("scrolls so the selected row is on screen")
    func scrolling() {
        let rows = (0..<10).map { TableRow([Line("row \($0)")]) }
        let table = Table(columns: [TableColumn("ROW", minWidth: 5)], rows: rows, selected: 7, theme: .plain)
        var screen = Screen(width: 9, height: 4)
        table.render(in: screen.area, on: &screen)
        #expect(screen.lines == ["  ROW    ", "  row 5  ", "  row 6  ", "> row 7  "])
    }

    @Test("an area of one row shows only the header; an empty area nothing")
    func tinyAreas() {
        var screen = Screen(width: 24, height: 1)
        services.render(in: screen.area, on: &screen)
        #expect(screen.lines == ["  NAME      STATE    P99"])
        var empty = Screen(width: 24, height: 2)
        services.render(in: Rect(x: 0, y: 0, width: 0, height: 2), on: &empty)
        #expect(empty == Screen(width: 24, height: 2))
    }

    @Test("a services table at 80 and 50 columns", arguments: [80, 50])
    func servicesGolden(width: Int) throws {
        let theme = Theme(glyphs: .unicode, usesColor: true)
        let tree: [(String, ProbeStatus, [Bool], String, String, Double?)] = [
            ("card-point-cashout", .down, [false], "1.2s", "ROOT ×2", 0.12),
            ("point-portal", .down, [false, true], "2.0s", "ROOT ×1", -0.05),
            ("loan-application", .degraded, [false], "830ms", "← credit-bureau", 0.61),
            ("신용평가 credit-bureau", .degraded, [false, true], "790ms", "", 0.33),
            ("account-opening", .up, [true], "41ms", "", 1.0),
            ("auth-vendor", .unknown, [true, true], "--", "", nil),
        ]
        let rows = tree.map { name, status, flags, p99, cause, budget in
            TableRow([
                Line([
                    Span(TreePosition(lastFlags: flags).prefix(theme.glyphs), style: theme.dimStyle),
                    theme.statusSpan(status), Span(" " + name),
                ]),
                Line(p99),
                Line(BudgetBar(remaining: budget, theme: theme).label),
                Line(cause),
            ])
        }
        let table = Table(
            columns: [
                TableColumn("SERVICE", minWidth: 16, priority: 9),
                TableColumn("P99", minWidth: 6, maxWidth: 6, priority: 5, alignment: .right),
                TableColumn("BUDGET", minWidth: 6, maxWidth: 6, priority: 3, alignment: .right),
                TableColumn("CAUSE", minWidth: 8, maxWidth: 20, priority: 1),
            ],
            rows: rows, selected: 2, theme: theme
        )
        var screen = Screen(width: width, height: 8)
        table.render(in: screen.area, on: &screen)
        try expectGolden(screen, "table-services-\(width)")
    }
}
