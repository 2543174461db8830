import Foundation
import Probes
import Testing

@testable import DemoEstate

/// The gift shop and the repository's gift-checkout transaction over it, on ephemeral ports.
@Suite("Gift shop journey")
struct GiftShopTests {
    /// The gift-checkout entry of the built-in config, pointed at the estate's gift-shop port.
    static func checkout(port: Int) throws -> ServiceConfig {
        let json = DemoEstateConfig.json.replacingOccurrences(of: "127.0.0.1:18097", with: "127.0.0.1:\(port)")
        let config = try ConfigLoader.load(data: Data(json.utf8), displayName: "probes.json", environment: [:])
        var service = try #require(config.service(named: "gift-checkout"))
        service.slo.latency.threshold = .seconds(30)
        service.probe?.timeout = .seconds(10)
        return service
    }

    @Test func theJourneyPassesThenFailsAtOrderMatchesPaymentWhenTheCardNetworkAnswersWrongly() async throws {
        let estate = try await Estate.start(EstateLayout.standard.withEphemeralPorts(), upstreamTimeout: .seconds(5))
        let runner = LiveProbeRunner()
        let service = try Self.checkout(port: try #require(estate.port(of: "gift-shop")))
        #expect(service.dependsOn.contains("card-network"), "the pay steps' upstream is a dependency")
        let healthy = await runner.run(service, startedAt: Date())
        await estate.set(EstateLayout.cardNetwork.answeringWrongly(), for: "card-network")
        let wrong = await runner.run(service, startedAt: Date())
        await runner.shutdown()
        await estate.stop()

        #expect(healthy.status == .up, "\(healthy)")
        #expect(
            healthy.steps.map(\.name) == [
                "log in", "put a gift in the cart", "pay", "order matches payment", "cancel the test order",
            ])
        #expect(healthy.steps.allSatisfy { $0.status == .up }, "\(healthy.steps)")

        #expect(wrong.status == .down)
        #expect(wrong.failedStep?.name == "order matches payment", "\(wrong.steps)")
        #expect(wrong.failedStep?.upstream == "card-network")
        #expect(
            wrong.error?.hasPrefix(#"step "order matches payment" failed: condition"#) == true, "\(wrong.error ?? "")")
        #expect(wrong.steps.last?.status == .up, "the test order is cancelled after the failure")
        #expect(JourneyEvidence.blamedUpstream(wrong) == "card-network")
    }

    @Test func withoutASessionTheShopRefuses() async throws {
        let shop = GiftShop()
        let refused = shop.cart(GiftShopRequest(body: #"{"token": "nobody"}"#))
        #expect(refused.status.code == 401)
        let garbage = shop.pay(GiftShopRequest(body: "not json"), approved: true, charged: true)
        #expect(garbage.status.code == 401)
        #expect(shop.cancel(GiftShopRequest(body: "{}")).status.code == 401)
    }
}
