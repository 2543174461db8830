import Foundation
import Probes
import Testing

@testable import DemoEstate

/// The estate over real loopback HTTP, on ports the system picks so a running demo is never hit.
@Suite("Demo estate over loopback")
struct EstateLoopbackTests {
    let client = UpstreamCaller()

    func get(_ estate: Estate, _ server: String, _ path: String, timeout: Duration = .seconds(5)) async throws
        -> UpstreamCaller.Outcome
    {
        let url = try #require(estate.url(server: server, path: path))
        return await client.call(url, timeout: timeout)
    }

    func post(_ estate: Estate, _ server: String, _ path: String, body: String = "{}") async throws
        -> UpstreamCaller.Outcome
    {
        let url = try #require(estate.url(server: server, path: path))
        return await client.call(url, method: .POST, body: body, timeout: .seconds(5))
    }

    static func json(_ outcome: UpstreamCaller.Outcome) -> [String: Any] {
        guard case .answered(_, let body) = outcome,
            let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        else { return [:] }
        return object
    }

    static func status(_ outcome: UpstreamCaller.Outcome) -> Int? {
        if case .answered(let status, _) = outcome { return status }
        return nil
    }

    /// Runs `body` against a fresh estate on ephemeral ports and stops it afterwards.
    func withEstate(upstreamTimeout: Duration = .seconds(5), _ body: (Estate) async throws -> Void) async throws {
        let estate = try await Estate.start(
            EstateLayout.standard.withEphemeralPorts(), upstreamTimeout: upstreamTimeout)
        do {
            try await body(estate)
        } catch {
            await estate.stop()
            await client.shutdown()
            throw error
        }
        await estate.stop()
        await client.shutdown()
    }

    @Test func healthyEstateAnswersUpEverywhere() async throws {
        try await withEstate { estate in
            for server in estate.layout.servers {
                // The gift shop wants a session first; its journey is tested on its own.
                for route in server.routes where server.name != "gift-shop" {
                    let outcome =
                        route.method == .POST
                        ? try await post(estate, server.name, route.path)
                        : try await get(estate, server.name, route.path)
                    #expect(outcome.isSuccess, "\(server.name) \(route.path): \(outcome)")
                }
            }
            let loans = Self.json(try await get(estate, "loan-application", "/loans/health"))
            #expect(loans["status"] as? String == "UP")
            #expect(loans["upstreams"] as? [String: String] == ["credit-bureau": "UP", "auth-vendor": "UP"])
            let gift = Self.json(try await post(estate, "gift-payment", "/gift/synthetic-payment"))
            #expect(gift["paid"] as? Bool == true)
            #expect(gift["charged"] as? Bool == true)
        }
    }

    @Test func capacityQueuesThenTurnsAway() async throws {
        try await withEstate { estate in
            let tight = FaultProfile(capacity: 1, queueLimit: 1, latency: .milliseconds(300))
            await estate.set(tight, for: "credit-bureau")
            let finished = OrderBox()
            let clock = ContinuousClock()
            let start = clock.now
            let results = try await withThrowingTaskGroup(of: (Int, UpstreamCaller.Outcome, Duration).self) { group in
                for i in 0..<3 {
                    group.addTask {
                        // Staggered so the arrival order is certain: worker, line, turned away.
                        try await Task.sleep(for: .milliseconds(60 * i))
                        let outcome = try await get(estate, "credit-bureau", "/health")
                        finished.append(i)
                        return (i, outcome, start.duration(to: clock.now))
                    }
                }
                var out: [(Int, UpstreamCaller.Outcome, Duration)] = []
                for try await result in group { out.append(result) }
                return out.sorted { $0.0 < $1.0 }
            }
            // On a loaded machine the arrival order is not certain, so judge the outcome, not who
            // came first: one in the worker, one in line, one turned away at once.
            let served = results.filter { Self.status($0.1) == 200 }
            let turnedAway = results.filter { Self.status($0.1) == 503 }
            #expect(served.count == 2)
            #expect(turnedAway.count == 1)
            if let rejected = turnedAway.first {
                #expect(Self.json(rejected.1)["status"] as? String == "DOWN")
                #expect(finished.values.first == rejected.0)
            }
            // Two services of 300 ms, one after the other.
            #expect((served.map(\.2).max() ?? .zero) >= .milliseconds(600))
        }
    }

    @Test func hardDownRefusesConnectionsAndComesBackOnTheSamePort() async throws {
        try await withEstate { estate in
            let port = estate.port(of: "credit-bureau")
            await estate.set(EstateLayout.creditBureau.down(), for: "credit-bureau")
            #expect(try await get(estate, "credit-bureau", "/health") == .failed("connection refused"))
            let loans = try await get(estate, "loan-application", "/loans/health")
            #expect(Self.status(loans) == 503)
            #expect((Self.json(loans)["detail"] as? String)?.contains("credit-bureau: connection refused") == true)
            await estate.apply([:])
            #expect(estate.port(of: "credit-bureau") == port)
            #expect(try await get(estate, "credit-bureau", "/health").isSuccess)
            #expect(try await get(estate, "loan-application", "/loans/health").isSuccess)
        }
    }

    @Test func slowUpstreamMakesTheServiceTimeOutByItself() async throws {
        try await withEstate(upstreamTimeout: .milliseconds(300)) { estate in
            await estate.set(EstateLayout.creditBureau.with(latency: .milliseconds(1500)), for: "credit-bureau")
            let clock = ContinuousClock()
            let start = clock.now
            let loans = try await get(estate, "loan-application", "/loans/health")
            let took = start.duration(to: clock.now)
            #expect(Self.status(loans) == 503)
            #expect(Self.json(loans)["status"] as? String == "DOWN")
            #expect((Self.json(loans)["detail"] as? String)?.contains("credit-bureau: timeout after 300 ms") == true)
            // The service gave up on its own timeout instead of waiting out the slow upstream.
            #expect(took < .milliseconds(1500))
            // Card issuance shares the upstream and fails with it; the gift shop does not need it.
            #expect(Self.status(try await get(estate, "card-issuance", "/cards/health")) == 503)
            #expect(try await post(estate, "gift-payment", "/gift/synthetic-payment").isSuccess)
        }
    }

    @Test func wrongAnswerKeeps200WithTheWrongBody() async throws {
        try await withEstate { estate in
            await estate.apply(["card-network": EstateLayout.cardNetwork.answeringWrongly()])
            let authorize = try await post(estate, "card-network", "/authorize")
            #expect(Self.status(authorize) == 200)
            #expect(Self.json(authorize)["approved"] as? Bool == false)
            #expect(Self.json(authorize)["charged"] as? Bool == true)
            let gift = try await post(estate, "gift-payment", "/gift/synthetic-payment")
            #expect(Self.status(gift) == 200)
            #expect(Self.json(gift)["paid"] as? Bool == false)
            #expect(Self.json(gift)["charged"] as? Bool == true)
            // The network's own health says nothing is wrong.
            #expect(Self.json(try await get(estate, "card-network", "/health"))["status"] as? String == "UP")
        }
    }

    @Test func smsPathDownLeavesCertificateServicesUp() async throws {
        try await withEstate { estate in
            let step = try #require(Scenario.authVendorMigration.steps.last { !$0.faults.isEmpty })
            await estate.apply(step.faults)
            #expect(Self.status(try await get(estate, "auth-vendor", "/sms/health")) == 503)
            #expect(try await get(estate, "auth-vendor", "/cert/health").isSuccess)
            #expect(try await get(estate, "deposit-event", "/deposits/event/health").isSuccess)
            #expect(Self.status(try await get(estate, "loan-application", "/loans/health")) == 503)
            let transfers = try await get(estate, "transfers", "/transfers/health")
            #expect(Self.status(transfers) == 200)
            #expect(Self.json(transfers)["status"] as? String == "UP")
            #expect((Self.json(transfers)["message"] as? String)?.contains("수취 은행의 사유로 이체할 수 없다") == true)
        }
    }

    @Test func unknownPathAndWrongMethodAreAnsweredNotCrashed() async throws {
        try await withEstate { estate in
            let unknown = try await get(estate, "credit-bureau", "/nope")
            let wrongMethod = try await get(estate, "gift-payment", "/gift/synthetic-payment")
            #expect(Self.status(unknown) == 404)
            #expect(Self.status(wrongMethod) == 405)
        }
    }

    @Test func portInUseNamesThePortAndTheServer() async throws {
        try await withEstate { running in
            let taken = try #require(running.port(of: "credit-bureau"))
            let layout = EstateLayout.standard.withEphemeralPorts().with(port: taken, for: "credit-bureau")
            do throws(EstateError) {
                let second = try await Estate.start(layout)
                await second.stop()
                Issue.record("a second estate started on a port in use")
            } catch {
                #expect(error == .portInUse(port: taken, server: "credit-bureau"))
                #expect(error.description.hasPrefix("port \(taken) is in use (credit-bureau); stop whatever uses it"))
            }
            // The first estate is untouched.
            #expect(try await get(running, "credit-bureau", "/health").isSuccess)
        }
    }
}
