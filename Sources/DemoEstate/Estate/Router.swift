import Foundation
import NIOHTTP1

/// Turns a request on one of the estate's servers into an answer: finds the route, passes the
/// request through its node's gate and faults, then answers for the node, calling upstreams
/// where the node is a service.
final class Router: Sendable {
    private let routes: [String: [EstateLayout.Route]]
    private let nodes: [String: SimulatedNode]
    private let ports: PortBook
    private let caller: UpstreamCaller
    private let timeout: Duration
    /// The gift shop's sessions, carts and orders.
    let shop = GiftShop()

    /// The message of incident 4: inbound transfers refused "for reasons of the receiving bank".
    static let refusedTransferMessage = "수취 은행의 사유로 이체할 수 없다"

    init(
        layout: EstateLayout, nodes: [String: SimulatedNode], ports: PortBook, caller: UpstreamCaller,
        timeout: Duration
    ) {
        var routes: [String: [EstateLayout.Route]] = [:]
        for server in layout.servers { routes[server.name, default: []] += server.routes }
        self.routes = routes
        self.nodes = nodes
        self.ports = ports
        self.caller = caller
        self.timeout = timeout
    }

    func respond(server: String, request: EstateRequest) async -> EstateResponse {
        let candidates = (routes[server] ?? []).filter { $0.path == request.path }
        guard !candidates.isEmpty else {
            return EstateResponse(.notFound, JSONBody([("error", .string("no such path: \(request.path)"))]))
        }
        guard let route = candidates.first(where: { $0.method == request.method }) else {
            return EstateResponse(.methodNotAllowed, JSONBody([("error", .string("method not allowed"))]))
        }
        guard let node = nodes[route.node] else {
            return EstateResponse(.internalServerError, JSONBody([("error", .string("no node \(route.node)"))]))
        }
        // A hard-down path on a port that stays open (the other path still serves) cuts the connection.
        if node.profile.hardDown { return .dropped }
        let (admission, answer) = await node.serve { profile in
            await self.answer(route.answer, profile: profile, node: route.node, body: request.body)
        }
        switch admission {
        case .served:
            return answer ?? .dropped
        case .overloaded:
            let load = node.gate.load
            return EstateResponse(
                .serviceUnavailable,
                JSONBody([
                    ("status", .string("DOWN")),
                    ("detail", .string("overloaded: \(load.busy) busy, \(load.queued) waiting; request turned away")),
                ]))
        case .failed:
            return EstateResponse(
                .internalServerError,
                JSONBody([
                    ("status", .string("DOWN")), ("detail", .string("internal error")),
                ]))
        case .cancelled:
            return .dropped
        }
    }

    private func answer(_ answer: EstateLayout.Answer, profile: FaultProfile, node: String, body: String) async
        -> EstateResponse
    {
        switch answer {
        case .health:
            return EstateResponse(.ok, JSONBody([("status", .string("UP"))]))
        case .work(let name):
            return EstateResponse(.ok, JSONBody([("ok", .bool(true)), ("work", .string(name))]))
        case .authorize:
            // Incident 5: the network says 200 OK and "charged", yet nothing was approved.
            if profile.wrongAnswer {
                return EstateResponse(
                    .ok,
                    JSONBody([
                        ("approved", .bool(false)), ("charged", .bool(true)), ("cashReceipt", .string("issued")),
                    ]))
            }
            return EstateResponse(.ok, JSONBody([("approved", .bool(true)), ("charged", .bool(true))]))
        case .serviceHealth(let calls):
            return await serviceHealth(calls)
        case .transfersHealth(let certificate, let receiver):
            return await transfersHealth(certificate: certificate, receiver: receiver)
        case .giftPayment(let call):
            return await giftPayment(call)
        case .giftShop(let action, let call):
            return await giftShop(action, call: call, body: body)
        }
    }

    /// Calls every upstream at once; the first failures make the service DOWN.
    private func serviceHealth(_ calls: [EstateLayout.UpstreamCall]) async -> EstateResponse {
        let outcomes = await callAll(calls)
        var upstreams = JSONBody()
        var problems: [String] = []
        for (call, outcome) in zip(calls, outcomes) {
            upstreams.add(call.node, .string(outcome.verdict))
            if !outcome.isSuccess { problems.append("\(call.node): \(outcome.verdict)") }
        }
        if problems.isEmpty {
            return EstateResponse(.ok, JSONBody([("status", .string("UP")), ("upstreams", .object(upstreams))]))
        }
        return EstateResponse(
            .serviceUnavailable,
            JSONBody([
                ("status", .string("DOWN")), ("detail", .string(problems.joined(separator: "; "))),
                ("upstreams", .object(upstreams)),
            ]))
    }

    /// The service answers while certificate login works; inbound transfers need the receiver
    /// confirmed over the auth vendor's SMS path, and without it are refused with a message,
    /// still 200 OK (incident 4: only the body tells).
    private func transfersHealth(
        certificate: EstateLayout.UpstreamCall, receiver: EstateLayout.UpstreamCall
    ) async -> EstateResponse {
        let outcomes = await callAll([certificate, receiver])
        let upstreams = JSONBody([
            (certificate.node, .string(outcomes[0].verdict)),
            (receiver.node, .string(outcomes[1].verdict)),
        ])
        guard outcomes[0].isSuccess else {
            return EstateResponse(
                .serviceUnavailable,
                JSONBody([
                    ("status", .string("DOWN")), ("detail", .string("\(certificate.node): \(outcomes[0].verdict)")),
                    ("upstreams", .object(upstreams)),
                ]))
        }
        guard outcomes[1].isSuccess else {
            return EstateResponse(
                .ok,
                JSONBody([
                    ("status", .string("UP")), ("inbound", .string("refused")),
                    ("message", .string(Self.refusedTransferMessage)), ("upstreams", .object(upstreams)),
                ]))
        }
        return EstateResponse(
            .ok,
            JSONBody([
                ("status", .string("UP")), ("inbound", .string("accepted")), ("message", .string("이체 가능")),
                ("upstreams", .object(upstreams)),
            ]))
    }

    /// A synthetic gift purchase: paid when the network approved, charged as the network says.
    private func giftPayment(_ call: EstateLayout.UpstreamCall) async -> EstateResponse {
        let outcome = await callAll([call])[0]
        guard case .answered(let status, let body) = outcome, (200..<300).contains(status) else {
            return EstateResponse(
                .badGateway,
                JSONBody([
                    ("paid", .bool(false)), ("charged", .bool(false)),
                    ("error", .string("\(call.node): \(outcome.verdict)")),
                ]))
        }
        struct Authorization: Decodable {
            var approved: Bool?
            var charged: Bool?
        }
        let authorization = try? JSONDecoder().decode(Authorization.self, from: Data(body.utf8))
        return EstateResponse(
            .ok,
            JSONBody([
                ("item", .string("coffee-voucher")), ("paid", .bool(authorization?.approved ?? false)),
                ("charged", .bool(authorization?.charged ?? false)),
            ]))
    }

    /// One call of the gift shop's API; paying asks the card network first.
    private func giftShop(_ action: GiftShopAction, call: EstateLayout.UpstreamCall?, body: String) async
        -> EstateResponse
    {
        let request = GiftShopRequest(body: body)
        switch action {
        case .login: return shop.login()
        case .cart: return shop.cart(request)
        case .order: return shop.order(request)
        case .cancel: return shop.cancel(request)
        case .pay:
            guard let call else { return shop.pay(request, approved: true, charged: true) }
            let outcome = await callAll([call])[0]
            guard case .answered(let status, let answer) = outcome, (200..<300).contains(status) else {
                return EstateResponse(.badGateway, JSONBody([("error", .string("\(call.node): \(outcome.verdict)"))]))
            }
            struct Authorization: Decodable {
                var approved: Bool?
                var charged: Bool?
            }
            let authorization = try? JSONDecoder().decode(Authorization.self, from: Data(answer.utf8))
            return shop.pay(
                request, approved: authorization?.approved ?? false,
                charged: authorization?.charged ?? false)
        }
    }

    private func callAll(_ calls: [EstateLayout.UpstreamCall]) async -> [UpstreamCaller.Outcome] {
        await withTaskGroup(of: (Int, UpstreamCaller.Outcome).self) { group in
            for (i, call) in calls.enumerated() {
                group.addTask {
                    guard let port = self.ports.port(of: call.server) else {
                        return (i, .failed("\(call.server) is not running"))
                    }
                    let url = "http://127.0.0.1:\(port)\(call.path)"
                    return (i, await self.caller.call(url, method: call.method, body: call.body, timeout: self.timeout))
                }
            }
            var outcomes = [UpstreamCaller.Outcome](repeating: .failed("not called"), count: calls.count)
            for await (i, outcome) in group { outcomes[i] = outcome }
            return outcomes
        }
    }
}
