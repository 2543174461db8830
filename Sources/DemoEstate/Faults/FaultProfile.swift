/// How one simulated node of the demo estate behaves: the load it can take and the faults it
/// shows. Scenarios change profiles over time; everything downstream follows by itself.
public struct FaultProfile: Sendable, Equatable {
    /// Requests served at once. Above it requests queue.
    public var capacity: Int
    /// Requests that may wait for a free worker; past it a request is answered 503 at once.
    public var queueLimit: Int
    /// How long an admitted request takes before the node answers.
    public var latency: Latency
    /// Share of admitted requests answered `500` (0…1).
    public var errorRate: Double
    /// Connection refused: the node's listener is closed (see ``Estate``).
    public var hardDown: Bool
    /// Business answers say the wrong thing with `200 OK` (incident 5); health stays `UP`.
    public var wrongAnswer: Bool
    /// Simulated customers competing for the same workers, each in a closed loop (request,
    /// wait for the answer, request again); see ``SimulatedNode`` for the load model.
    public var crowd: Int

    /// Creates a profile; by default healthy, without a crowd.
    public init(
        capacity: Int, queueLimit: Int, latency: Latency, errorRate: Double = 0, hardDown: Bool = false,
        wrongAnswer: Bool = false, crowd: Int = 0
    ) {
        self.capacity = max(0, capacity)
        self.queueLimit = max(0, queueLimit)
        self.latency = latency
        self.errorRate = min(max(errorRate, 0), 1)
        self.hardDown = hardDown
        self.wrongAnswer = wrongAnswer
        self.crowd = max(0, crowd)
    }

    /// This profile with a different latency.
    public func with(latency: Latency) -> FaultProfile {
        var copy = self
        copy.latency = latency
        return copy
    }

    /// This profile with `crowd` simulated customers.
    public func with(crowd: Int) -> FaultProfile {
        var copy = self
        copy.crowd = max(0, crowd)
        return copy
    }

    /// This profile with the listener closed.
    public func down() -> FaultProfile {
        var copy = self
        copy.hardDown = true
        return copy
    }

    /// This profile answering business calls wrongly.
    public func answeringWrongly() -> FaultProfile {
        var copy = self
        copy.wrongAnswer = true
        return copy
    }

    /// This profile failing a share of admitted requests.
    public func with(errorRate: Double) -> FaultProfile {
        var copy = self
        copy.errorRate = min(max(errorRate, 0), 1)
        return copy
    }
}

/// A latency distribution: uniform between `base − jitter` and `base + jitter` (never below
/// zero), so `base` is the median.
public struct Latency: Sendable, Equatable, CustomStringConvertible {
    /// The median.
    public var base: Duration
    /// The largest deviation from the median.
    public var jitter: Duration

    /// Creates a distribution around `base`.
    public init(base: Duration, jitter: Duration = .zero) {
        self.base = max(base, .zero)
        self.jitter = max(jitter, .zero)
    }

    /// `base` ± `jitter` in milliseconds.
    public static func milliseconds(_ base: Int, jitter: Int = 0) -> Latency {
        Latency(base: .milliseconds(base), jitter: .milliseconds(jitter))
    }

    /// The delay for a uniform draw `unit` in [0, 1).
    public func sample(_ unit: Double) -> Duration {
        let offset = jitter * (2 * min(max(unit, 0), 1) - 1)
        return max(base + offset, .zero)
    }

    /// E.g. `p50 1.2 s` or `p50 60 ms`.
    public var description: String {
        let ms = Double(base.components.seconds) * 1000 + Double(base.components.attoseconds) / 1e15
        return ms >= 1000 ? "p50 \(Self.trimmed(ms / 1000)) s" : "p50 \(Self.trimmed(ms)) ms"
    }

    private static func trimmed(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
