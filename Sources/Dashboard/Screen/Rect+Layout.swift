/// How much of a split a part takes.
public enum Constraint: Sendable, Hashable {
    /// Exactly this many cells (fewer if the area runs out).
    case fixed(Int)
    /// This share (0–100) of the whole area, rounded down.
    case percent(Int)
    /// A share of what the fixed and percent parts leave, by weight.
    case fill(Int)

    /// A fill part of weight 1.
    public static let fill = Constraint.fill(1)
}

extension Rect {
    /// Splits the rectangle top to bottom into one part per constraint, with `spacing` rows between parts.
    public func split(rows constraints: [Constraint], spacing: Int = 0) -> [Rect] {
        let sizes = Rect.distribute(height, among: constraints, spacing: spacing)
        var parts: [Rect] = []
        var top = y
        for size in sizes {
            parts.append(Rect(x: x, y: top, width: width, height: size))
            top += size + max(0, spacing)
        }
        return parts
    }

    /// Splits the rectangle left to right into one part per constraint, with `spacing` columns between.
    public func split(columns constraints: [Constraint], spacing: Int = 0) -> [Rect] {
        let sizes = Rect.distribute(width, among: constraints, spacing: spacing)
        var parts: [Rect] = []
        var left = x
        for size in sizes {
            parts.append(Rect(x: left, y: y, width: size, height: height))
            left += size + max(0, spacing)
        }
        return parts
    }

    /// Sizes along one axis: fixed and percent parts first, in order, each clamped to what is left;
    /// fill parts share the rest by weight, the remainder going to the earliest ones.
    static func distribute(_ total: Int, among constraints: [Constraint], spacing: Int) -> [Int] {
        guard !constraints.isEmpty else { return [] }
        let gaps = max(0, spacing) * (constraints.count - 1)
        var remaining = max(0, total - gaps)
        let available = remaining
        var sizes = [Int](repeating: 0, count: constraints.count)
        for (index, constraint) in constraints.enumerated() {
            let wanted: Int
            switch constraint {
            case .fixed(let cells): wanted = max(0, cells)
            case .percent(let share): wanted = available * min(100, max(0, share)) / 100
            case .fill: continue
            }
            sizes[index] = min(wanted, remaining)
            remaining -= sizes[index]
        }
        let weights = constraints.map { constraint -> Int in
            if case .fill(let weight) = constraint { return max(0, weight) }
            return 0
        }
        let totalWeight = weights.reduce(0, +)
        guard totalWeight > 0 else { return sizes }
        var handedOut = 0
        for index in sizes.indices where weights[index] > 0 {
            sizes[index] = remaining * weights[index] / totalWeight
            handedOut += sizes[index]
        }
        var leftover = remaining - handedOut
        for index in sizes.indices where weights[index] > 0 && leftover > 0 {
            sizes[index] += 1
            leftover -= 1
        }
        return sizes
    }
}
