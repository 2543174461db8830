import Probes
import Synchronization
import Testing

@testable import DemoEstate

@Suite("Admission gate")
struct AdmissionGateTests {
    /// Yields until `condition` holds (other tasks need a moment to reach the gate); no clock involved.
    static func settle(_ condition: () -> Bool) async {
        for _ in 0..<10_000 where !condition() { await Task.yield() }
    }

    @Test func servesUpToCapacityThenQueuesThenTurnsAway() async throws {
        let gate = AdmissionGate(capacity: 1, queueLimit: 1)
        #expect(try await gate.enter() == .admitted)
        let waiting = Task { try await gate.enter() }
        await Self.settle { gate.load.queued == 1 }
        #expect(gate.load == .init(busy: 1, queued: 1))
        #expect(try await gate.enter() == .rejected)
        gate.leave()
        #expect(try await waiting.value == .admitted)
        #expect(gate.load == .init(busy: 1, queued: 0))
        gate.leave()
        #expect(gate.load == .init(busy: 0, queued: 0))
    }

    @Test func queueServesInArrivalOrder() async throws {
        let gate = AdmissionGate(capacity: 1, queueLimit: 3)
        #expect(try await gate.enter() == .admitted)
        let order = OrderBox()
        var tasks: [Task<Void, any Error>] = []
        for i in 0..<3 {
            tasks.append(
                Task {
                    _ = try await gate.enter()
                    order.append(i)
                })
            await Self.settle { gate.load.queued == i + 1 }
        }
        for _ in 0..<3 {
            gate.leave()
            await Self.settle { order.count == 3 - gate.load.queued }
        }
        for task in tasks { try await task.value }
        #expect(order.values == [0, 1, 2])
    }

    @Test func cancelledWaiterLeavesTheLine() async throws {
        let gate = AdmissionGate(capacity: 1, queueLimit: 1)
        #expect(try await gate.enter() == .admitted)
        let waiting = Task { try await gate.enter() }
        await Self.settle { gate.load.queued == 1 }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(gate.load == .init(busy: 1, queued: 0))
        // Its place is free again.
        let next = Task { try await gate.enter() }
        await Self.settle { gate.load.queued == 1 }
        gate.leave()
        #expect(try await next.value == .admitted)
    }

    @Test func growingAdmitsWaitersAndShrinkingTurnsAwayTheExcess() async throws {
        let gate = AdmissionGate(capacity: 1, queueLimit: 4)
        #expect(try await gate.enter() == .admitted)
        let waiters = (0..<4).map { _ in Task { try await gate.enter() } }
        await Self.settle { gate.load.queued == 4 }
        gate.resize(capacity: 2, queueLimit: 1)
        #expect(gate.load == .init(busy: 2, queued: 1))
        gate.leave()  // lets the one still in line in
        var outcomes: [AdmissionGate.Admission] = []
        for waiter in waiters { outcomes.append(try await waiter.value) }
        #expect(outcomes.filter { $0 == .admitted }.count == 2)
        #expect(outcomes.filter { $0 == .rejected }.count == 2)
        #expect(gate.load == .init(busy: 2, queued: 0))
    }

    @Test func shrinkingRetiresWorkersAboveTheNewCapacity() async throws {
        let gate = AdmissionGate(capacity: 2, queueLimit: 2)
        #expect(try await gate.enter() == .admitted)
        #expect(try await gate.enter() == .admitted)
        let waiting = Task { try await gate.enter() }
        await Self.settle { gate.load.queued == 1 }
        gate.resize(capacity: 1, queueLimit: 2)
        gate.leave()  // busy 2 > capacity 1: the worker retires, the waiter still waits
        #expect(gate.load == .init(busy: 1, queued: 1))
        gate.leave()
        #expect(try await waiting.value == .admitted)
    }
}

/// Values appended from several tasks.
final class OrderBox: Sendable {
    private let storage = Mutex<[Int]>([])
    func append(_ value: Int) { storage.withLock { $0.append(value) } }
    var values: [Int] { storage.withLock { $0 } }
    var count: Int { storage.withLock { $0.count } }
}
