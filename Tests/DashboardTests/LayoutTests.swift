import Testing

@testable import Dashboard

@Suite("Rect and layout")
struct LayoutTests {
    let area = Rect(x: 0, y: 0, width: 80, height: 24)

    @Test("rows: fixed first, fill takes the rest")
    func rows() {
        let parts = area.split(rows: [.fixed(1), .fill, .fixed(1)])
        #expect(parts.map(\.height) == [1, 22, 1])
        #expect(parts.map(\.y) == [0, 1, 23])
    }

    @Test("columns: percent of the whole, fills share by weight, remainder to the first fills")
    func columns() {
        let parts = area.split(columns: [.percent(25), .fill(1), .fill(2)])
        #expect(parts.map(\.width) == [20, 20, 40])
        let uneven = Rect(x: 5, y: 0, width: 10, height: 1).split(columns: [.fill, .fill, .fill])
        #expect(uneven.map(\.width) == [4, 3, 3])
        #expect(uneven.map(\.x) == [5, 9, 12])
    }

    @Test("spacing sits between parts and is taken off before sizing")
    func spacing() {
        let parts = Rect(x: 0, y: 0, width: 11, height: 1).split(columns: [.fill, .fill], spacing: 1)
        #expect(parts.map(\.width) == [5, 5])
        #expect(parts.map(\.x) == [0, 6])
    }

    @Test("when fixed parts overflow, later parts shrink to zero")
    func overflow() {
        let parts = Rect(x: 0, y: 0, width: 10, height: 5).split(rows: [.fixed(3), .fixed(4), .fill])
        #expect(parts.map(\.height) == [3, 2, 0])
        #expect(Rect(x: 0, y: 0, width: 10, height: 5).split(rows: []).isEmpty)
    }

    @Test("inset, centred, intersection and row never go negative")
    func helpers() {
        #expect(area.inset(by: 1) == Rect(x: 1, y: 1, width: 78, height: 22))
        #expect(Rect(x: 0, y: 0, width: 1, height: 1).inset(by: 2).isEmpty)
        #expect(area.centered(width: 20, height: 4) == Rect(x: 30, y: 10, width: 20, height: 4))
        #expect(Rect(x: 0, y: 0, width: 10, height: 3).centered(width: 40, height: 9).width == 10)
        #expect(Rect(x: 0, y: 0, width: 5, height: 5).intersection(Rect(x: 6, y: 0, width: 2, height: 2)).isEmpty)
        #expect(area.row(3) == Rect(x: 0, y: 3, width: 80, height: 1))
        #expect(area.row(24).isEmpty)
        #expect(Rect(x: 0, y: 0, width: -4, height: 2).width == 0)
    }
}
