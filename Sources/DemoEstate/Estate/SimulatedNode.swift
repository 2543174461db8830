import Synchronization

/// One simulated upstream or service: its current ``FaultProfile``, the ``AdmissionGate`` its
/// requests pass through, and the load of its simulated crowd.
///
/// The crowd is a load model, not a swarm of tasks: `crowd` customers in a closed loop keep
/// `min(crowd, capacity)` workers busy and the rest waiting in line. A request arriving sees
/// the crowd as it happens to be at that moment (±12.5 %, seeded), waits for its place in
/// line to come up (the line moves `capacity` places per median latency), and is turned away
/// when crowd and requests together fill workers and line. So a growing crowd makes answers
/// slow first and then fail, and a crowd near the limit fails some requests and not others,
/// the same way on every run and however busy the machine is.
public final class SimulatedNode: Sendable {
    /// What became of one request.
    public enum Admission: Sendable, Equatable {
        /// Served: the request held a worker for its latency; here is the profile it saw.
        case served(FaultProfile)
        /// Turned away: the waiting line was full.
        case overloaded
        /// Admitted but failed (the profile's error rate).
        case failed
        /// The request's task was cancelled (its connection went away).
        case cancelled
    }

    private struct State {
        var profile: FaultProfile
        var random: SeededRandom
    }

    /// What one arrival drew.
    private struct Draw {
        var profile: FaultProfile
        var turnedAway: Bool
        var wait: Duration
        var service: Duration
        var fails: Bool
    }

    /// The node's name, as in probes.json.
    public let name: String
    /// The workers and waiting line real requests contend for among themselves.
    public let gate: AdmissionGate
    private let state: Mutex<State>
    private let clock: any Clock<Duration>

    /// How far the crowd a request sees strays from the profile's, either way.
    static let crowdSwing = 0.125

    /// A node with `profile`.
    public init(name: String, profile: FaultProfile, seed: UInt64, clock: any Clock<Duration>) {
        self.name = name
        self.clock = clock
        gate = AdmissionGate(capacity: profile.capacity, queueLimit: profile.queueLimit)
        state = Mutex(State(profile: profile, random: SeededRandom(seed: seed, name: name)))
    }

    /// The current profile.
    public var profile: FaultProfile { state.withLock { $0.profile } }

    /// Switches to `profile`; the gate follows its limits.
    public func apply(_ profile: FaultProfile) {
        gate.resize(capacity: profile.capacity, queueLimit: profile.queueLimit)
        state.withLock { $0.profile = profile }
    }

    /// Passes one request through the crowd and the gate, holds a worker for the profile's
    /// latency and then runs `answer` while still holding it (a service's upstream calls happen
    /// on its worker).
    public func serve<Answer: Sendable>(
        _ answer: @Sendable (FaultProfile) async -> Answer
    ) async -> (Admission, Answer?) {
        let draw = self.draw()
        if draw.turnedAway { return (.overloaded, nil) }
        do {
            if draw.wait > .zero { try await clock.sleep(for: draw.wait) }
            guard try await gate.enter() == .admitted else { return (.overloaded, nil) }
        } catch {
            return (.cancelled, nil)
        }
        defer { gate.leave() }
        do {
            try await clock.sleep(for: draw.service)
        } catch {
            return (.cancelled, nil)
        }
        if draw.fails { return (.failed, nil) }
        return (.served(draw.profile), await answer(draw.profile))
    }

    private func draw() -> Draw {
        let load = gate.load
        return state.withLock { state in
            let profile = state.profile
            var crowd = profile.crowd
            if crowd > 0 {
                let swing = (state.random.unit() * 2 - 1) * Self.crowdSwing * Double(crowd)
                crowd = max(0, crowd + Int(swing.rounded()))
            }
            let ahead = crowd + load.busy + load.queued
            let turnedAway = profile.capacity == 0 || ahead >= profile.capacity + profile.queueLimit
            var wait = Duration.zero
            if !turnedAway, crowd > 0, ahead >= profile.capacity {
                // Places in line ahead of this request, moving `capacity` places per median latency.
                let place = ahead - profile.capacity + 1
                wait = profile.latency.base * (Double(place) / Double(profile.capacity))
            }
            return Draw(
                profile: profile, turnedAway: turnedAway, wait: wait,
                service: profile.latency.sample(state.random.unit()),
                fails: state.random.unit() < profile.errorRate)
        }
    }
}
