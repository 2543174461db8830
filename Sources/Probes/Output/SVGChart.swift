import Foundation

/// A line chart over time as a self-contained SVG: axes with units, a legend, and vertical
/// markers for the moments a review cares about (onset, first page, recovery). Small on purpose:
/// what the post-incident report draws, and nothing else.
public struct SVGChart: Sendable {
    /// One line.
    public struct Series: Sendable {
        public var name: String
        /// A colour the eye tells apart, e.g. `#d62728`.
        public var color: String
        /// Points in time order; a `nil` value breaks the line (no data).
        public var points: [(time: Date, value: Double?)]
        /// Dashed, for a second line of the same service (p50 under p99).
        public var dashed: Bool

        public init(name: String, color: String, points: [(time: Date, value: Double?)], dashed: Bool = false) {
            self.name = name
            self.color = color
            self.points = points
            self.dashed = dashed
        }
    }

    /// A moment marked across the chart.
    public struct Marker: Sendable {
        public var time: Date
        public var label: String
        public var color: String

        public init(time: Date, label: String, color: String) {
            self.time = time
            self.label = label
            self.color = color
        }
    }

    public var title: String
    /// The y axis, with its unit: `latency (ms)`.
    public var yLabel: String
    public var series: [Series]
    public var markers: [Marker]
    /// The time span shown.
    public var start: Date
    public var end: Date
    /// Fixed y range (e.g. 0…100 %), or `nil` to fit the data from zero.
    public var yRange: ClosedRange<Double>?
    /// Times on the x axis are shown in this zone.
    public var timeZone: TimeZone
    public var width = 760
    public var height = 300

    public init(
        title: String, yLabel: String, series: [Series], markers: [Marker], start: Date, end: Date,
        yRange: ClosedRange<Double>? = nil, timeZone: TimeZone = .current
    ) {
        self.title = title
        self.yLabel = yLabel
        self.series = series
        self.markers = markers
        self.start = start
        self.end = end
        self.yRange = yRange
        self.timeZone = timeZone
    }

    private let left = 64.0
    private let right = 16.0
    private let top = 34.0
    private let bottom = 64.0

    /// The SVG document.
    public func svg() -> String {
        let plotWidth = Double(width) - left - right
        let plotHeight = Double(height) - top - bottom
        let span = max(1, end.timeIntervalSince(start))
        let values = series.flatMap { $0.points.compactMap(\.value) }
        let range = yRange ?? 0...Self.niceCeiling(values.max() ?? 1)
        let yMax = range.upperBound > range.lowerBound ? range.upperBound : range.lowerBound + 1
        func x(_ time: Date) -> Double { left + plotWidth * min(1, max(0, time.timeIntervalSince(start) / span)) }
        func y(_ value: Double) -> Double {
            top + plotHeight
                * (1 - (min(yMax, max(range.lowerBound, value)) - range.lowerBound) / (yMax - range.lowerBound))
        }
        var out: [String] = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
                + "viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\" font-size=\"11\">",
            "<rect width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>",
            "<text x=\"\(Self.f(left))\" y=\"18\" font-size=\"13\" font-weight=\"bold\">\(Self.escape(title))</text>",
        ]
        // Grid and y axis: five steps.
        for step in 0...4 {
            let value = range.lowerBound + (yMax - range.lowerBound) * Double(step) / 4
            let at = y(value)
            out.append(
                "<line x1=\"\(Self.f(left))\" y1=\"\(Self.f(at))\" x2=\"\(Self.f(left + plotWidth))\" "
                    + "y2=\"\(Self.f(at))\" stroke=\"#e0e0e0\"/>")
            out.append(
                "<text x=\"\(Self.f(left - 6))\" y=\"\(Self.f(at + 4))\" text-anchor=\"end\">"
                    + "\(Self.tick(value))</text>")
        }
        out.append(
            "<text transform=\"translate(14 \(Self.f(top + plotHeight / 2))) rotate(-90)\" "
                + "text-anchor=\"middle\">\(Self.escape(yLabel))</text>")
        // X axis: about six time ticks on round minutes.
        let stepMinutes = max(1, Int((span / 60 / 6).rounded(.up)))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var tick = Date(timeIntervalSince1970: (start.timeIntervalSince1970 / 60).rounded(.up) * 60)
        while tick <= end {
            let minute = calendar.component(.minute, from: tick)
            if minute % stepMinutes == 0 {
                let at = x(tick)
                out.append(
                    "<line x1=\"\(Self.f(at))\" y1=\"\(Self.f(top + plotHeight))\" x2=\"\(Self.f(at))\" "
                        + "y2=\"\(Self.f(top + plotHeight + 4))\" stroke=\"#333333\"/>")
                let c = calendar.dateComponents([.hour, .minute], from: tick)
                out.append(
                    "<text x=\"\(Self.f(at))\" y=\"\(Self.f(top + plotHeight + 16))\" text-anchor=\"middle\">"
                        + String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0) + "</text>")
            }
            tick = tick.addingTimeInterval(60)
        }
        out.append(
            "<line x1=\"\(Self.f(left))\" y1=\"\(Self.f(top + plotHeight))\" x2=\"\(Self.f(left + plotWidth))\" "
                + "y2=\"\(Self.f(top + plotHeight))\" stroke=\"#333333\"/>")
        out.append(
            "<line x1=\"\(Self.f(left))\" y1=\"\(Self.f(top))\" x2=\"\(Self.f(left))\" "
                + "y2=\"\(Self.f(top + plotHeight))\" stroke=\"#333333\"/>")
        out.append(
            "<text x=\"\(Self.f(left + plotWidth))\" y=\"\(Self.f(top + plotHeight + 30))\" text-anchor=\"end\">"
                + "time (\(Self.escape(Self.zoneName(timeZone, at: start))))</text>")
        // Markers under the lines.
        for marker in markers {
            let at = x(marker.time)
            out.append(
                "<line x1=\"\(Self.f(at))\" y1=\"\(Self.f(top))\" x2=\"\(Self.f(at))\" "
                    + "y2=\"\(Self.f(top + plotHeight))\" stroke=\"\(marker.color)\" stroke-dasharray=\"4 3\"/>")
        }
        // The lines: a path per unbroken run.
        for line in series {
            var runs: [[String]] = [[]]
            for point in line.points {
                guard let value = point.value else {
                    if !(runs.last?.isEmpty ?? true) { runs.append([]) }
                    continue
                }
                runs[runs.count - 1].append("\(Self.f(x(point.time))),\(Self.f(y(value)))")
            }
            for run in runs where !run.isEmpty {
                let shape =
                    run.count == 1
                    ? "<circle cx=\"\(run[0].split(separator: ",")[0])\" cy=\"\(run[0].split(separator: ",")[1])\" "
                        + "r=\"2\" fill=\"\(line.color)\"/>"
                    : "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.8\""
                        + (line.dashed ? " stroke-dasharray=\"5 3\"" : "")
                        + " points=\"\(run.joined(separator: " "))\"/>"
                out.append(shape)
            }
        }
        // Legend: series (unnamed ones, such as a p50 under its p99, are left out), then markers,
        // in rows along the bottom.
        var legendX = left
        var legendY = top + plotHeight + 46
        func place(_ width: Double) {
            if legendX + width > left + plotWidth, legendX > left {
                legendX = left
                legendY += 16
            }
        }
        for line in series where !line.name.isEmpty {
            let width = 28 + Double(line.name.count) * 6.2
            place(width)
            out.append(
                "<line x1=\"\(Self.f(legendX))\" y1=\"\(Self.f(legendY - 4))\" x2=\"\(Self.f(legendX + 16))\" "
                    + "y2=\"\(Self.f(legendY - 4))\" stroke=\"\(line.color)\" stroke-width=\"2\""
                    + (line.dashed ? " stroke-dasharray=\"5 3\"" : "") + "/>")
            out.append("<text x=\"\(Self.f(legendX + 20))\" y=\"\(Self.f(legendY))\">\(Self.escape(line.name))</text>")
            legendX += width
        }
        for marker in markers {
            let width = 14 + Double(marker.label.count) * 6.2
            place(width)
            out.append(
                "<line x1=\"\(Self.f(legendX))\" y1=\"\(Self.f(legendY - 10))\" x2=\"\(Self.f(legendX))\" "
                    + "y2=\"\(Self.f(legendY + 2))\" stroke=\"\(marker.color)\" stroke-dasharray=\"4 3\"/>")
            out.append(
                "<text x=\"\(Self.f(legendX + 5))\" y=\"\(Self.f(legendY))\">\(Self.escape(marker.label))</text>")
            legendX += width
        }
        // The legend may need more rows than the height planned for.
        let needed = Int(legendY + 12)
        if needed > height {
            out[0] = out[0].replacingOccurrences(of: "height=\"\(height)\"", with: "height=\"\(needed)\"")
                .replacingOccurrences(of: "0 0 \(width) \(height)", with: "0 0 \(width) \(needed)")
            out[1] = "<rect width=\"\(width)\" height=\"\(needed)\" fill=\"#ffffff\"/>"
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// 1, 2 or 5 times a power of ten at or above `value`.
    static func niceCeiling(_ value: Double) -> Double {
        guard value.isFinite, value > 0 else { return 1 }
        let power = pow(10, (log10(value)).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * power >= value { return factor * power }
        return 10 * power
    }

    static func tick(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func zoneName(_ zone: TimeZone, at date: Date) -> String {
        let offset = zone.secondsFromGMT(for: date)
        return String(format: "UTC%@%02d:%02d", offset < 0 ? "-" : "+", abs(offset) / 3600, (abs(offset) % 3600) / 60)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
