import Foundation
import NIOHTTP1
import Synchronization

/// The demo's small gift-shop API, what a customer does rather than a health endpoint: log in,
/// put a voucher in the cart, pay over the card network, read the order back, cancel it. Bodies
/// carry the session token (the estate's requests have no headers). State is in memory, a few
/// hundred sessions and orders at most (the oldest are dropped).
final class GiftShop: Sendable {
    struct Order: Sendable {
        var paid: Bool
        var charged: Bool
        var cancelled = false
    }

    private struct State {
        var sessions: [String] = []
        var carts: [String: String] = [:]
        var orders: [String: Order] = [:]
        var orderIDs: [String] = []
        var counter = 0
        /// Orders cancelled so far (tests read it).
        var cancellations = 0
    }

    private let state = Mutex(State())
    static let kept = 256
    static let price = 4500

    /// Orders cancelled so far.
    var cancellations: Int { state.withLock { $0.cancellations } }

    /// A new session token: unguessable enough for a demo, never the same twice.
    func login() -> EstateResponse {
        let token = state.withLock { (state: inout State) -> String in
            state.counter += 1
            let token = "gs-" + UUID().uuidString.lowercased()
            state.sessions.append(token)
            if state.sessions.count > Self.kept { state.sessions.removeFirst() }
            return token
        }
        return EstateResponse(.ok, JSONBody([("token", .string(token))]))
    }

    func cart(_ request: GiftShopRequest) -> EstateResponse {
        guard let token = request.token, isSession(token) else { return Self.unauthorized }
        let cart = state.withLock { (state: inout State) -> String in
            state.counter += 1
            let cart = "cart-\(state.counter)"
            state.carts[cart] = token
            if state.carts.count > Self.kept, let oldest = state.carts.keys.sorted().first { state.carts[oldest] = nil }
            return cart
        }
        return EstateResponse(
            .ok,
            JSONBody([
                ("cart", .string(cart)), ("item", .string(request.item ?? "coffee-voucher")),
                ("amount", .int(Self.price)),
            ]))
    }

    /// Pays a cart with the card network's answer: paid when it approved, charged as it says.
    func pay(_ request: GiftShopRequest, approved: Bool, charged: Bool) -> EstateResponse {
        guard let token = request.token, isSession(token) else { return Self.unauthorized }
        guard let cart = request.cart, state.withLock({ $0.carts[cart] == token }) else {
            return EstateResponse(.notFound, JSONBody([("error", .string("no such cart"))]))
        }
        let id = state.withLock { (state: inout State) -> String in
            state.counter += 1
            let id = "order-\(UUID().uuidString.lowercased().prefix(12))"
            state.carts[cart] = nil
            state.orders[id] = Order(paid: approved, charged: charged)
            state.orderIDs.append(id)
            if state.orderIDs.count > Self.kept { state.orders[state.orderIDs.removeFirst()] = nil }
            return id
        }
        return EstateResponse(
            .ok,
            JSONBody([
                ("order", .string(id)), ("paid", .bool(approved)), ("amount", .int(Self.price)),
            ]))
    }

    func order(_ request: GiftShopRequest) -> EstateResponse {
        guard let token = request.token, isSession(token) else { return Self.unauthorized }
        guard let id = request.order, let order = state.withLock({ $0.orders[id] }) else {
            return EstateResponse(.notFound, JSONBody([("error", .string("no such order"))]))
        }
        return EstateResponse(
            .ok,
            JSONBody([
                ("order", .string(id)), ("paid", .bool(order.paid)), ("charged", .bool(order.charged)),
                ("cancelled", .bool(order.cancelled)),
            ]))
    }

    func cancel(_ request: GiftShopRequest) -> EstateResponse {
        guard let token = request.token, isSession(token) else { return Self.unauthorized }
        guard let id = request.order else {
            return EstateResponse(.notFound, JSONBody([("error", .string("no such order"))]))
        }
        let found = state.withLock { (state: inout State) -> Bool in
            guard state.orders[id] != nil else { return false }
            state.orders[id]?.cancelled = true
            state.cancellations += 1
            return true
        }
        guard found else { return EstateResponse(.notFound, JSONBody([("error", .string("no such order"))])) }
        return EstateResponse(.ok, JSONBody([("order", .string(id)), ("cancelled", .bool(true))]))
    }

    private func isSession(_ token: String) -> Bool { state.withLock { $0.sessions.contains(token) } }

    private static let unauthorized = EstateResponse(.unauthorized, JSONBody([("error", .string("log in first"))]))
}

/// The fields the gift shop reads from a request body; anything missing or malformed is `nil`.
struct GiftShopRequest: Decodable, Sendable {
    var token: String?
    var item: String?
    var cart: String?
    var order: String?

    init(body: String) {
        let decoded = try? JSONDecoder().decode(GiftShopRequest.self, from: Data(body.utf8))
        self = decoded ?? GiftShopRequest()
    }

    private init() {}
}

/// One call of the gift shop's API (``EstateLayout/Answer/giftShop(_:_:)``).
public enum GiftShopAction: Sendable, Equatable {
    case login, cart, pay, order, cancel
}
