import Foundation
import Probes

/// The demo estate's config, carried inside the binary so `incidentboard demo` works from any
/// directory. It is the repository's `probes.json` byte for byte (a test keeps the two equal);
/// `demo --config PATH` reads another file instead.
public enum DemoEstateConfig {
    /// What the demo calls its config in messages, where a file would be named by its path.
    public static let displayName = "the built-in demo estate"
    /// What a history written for the built-in config records as its config (where a file's
    /// history records the file's absolute path).
    public static let identity = "(built-in demo estate)"

    /// The built-in config, validated.
    /// - Throws: ``ConfigErrors`` only if the embedded text were broken (a test proves it is not).
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigErrors) -> ProbesConfig
    {
        try ConfigLoader.load(data: Data(json.utf8), displayName: displayName, environment: environment)
    }

    /// Whether `config` describes the demo estate: at least half of the built-in config's probed
    /// entries are there under their names, probing the same paths on loopback (on any port: the
    /// estate follows a port moved in the config). `check` uses it to point at
    /// `incidentboard demo` when nothing answers.
    public static func describesDemoEstate(_ config: ProbesConfig) -> Bool {
        guard let builtIn = try? load(environment: [:]) else { return false }
        let probed = Dictionary(
            config.services.compactMap { service in loopbackPath(of: service).map { (service.name, $0) } },
            uniquingKeysWith: { first, _ in first })
        let expected = builtIn.services.compactMap { service in loopbackPath(of: service).map { (service.name, $0) } }
        let matching = expected.filter { probed[$0.0] == $0.1 }.count
        return !expected.isEmpty && matching * 2 >= expected.count
    }

    /// The path an entry's http probe asks for on 127.0.0.1 or localhost; `nil` for anything else.
    private static func loopbackPath(of service: ServiceConfig) -> String? {
        guard case .http(let http)? = service.probe?.kind, ["127.0.0.1", "localhost"].contains(http.url.host ?? "")
        else { return nil }
        return http.url.path
    }

    /// The text of the repository's `probes.json`.
    public static let json = #"""
        {
          "$schema": "./probes.schema.json",
          "defaults": { "interval": "3s", "timeout": "1500ms" },
          "slo": {
            "objective": 99.9,
            "window": "28d",
            "latency": { "threshold": "500ms", "objective": 99.0 }
          },
          "services": [
            {
              "name": "point-portal",
              "title": "카드포인트 통합조회 포털 (point portal)",
              "group": "upstream",
              "probe": {
                "type": "http",
                "url": "http://127.0.0.1:18081/health",
                "conditions": ["[STATUS] == 200", "[BODY].status == UP"]
              }
            },
            {
              "name": "auth-vendor",
              "title": "본인인증 SMS·간편인증 (auth vendor)",
              "group": "upstream",
              "probe": {
                "type": "http",
                "url": "http://127.0.0.1:18082/sms/health",
                "conditions": ["[STATUS] == 200", "[BODY].status == UP"]
              }
            },
            {
              "name": "auth-cert",
              "title": "인증서 로그인 (auth vendor, certificate path)",
              "group": "upstream",
              "probe": {
                "type": "http",
                "url": "http://127.0.0.1:18082/cert/health",
                "conditions": ["[STATUS] == 200", "[BODY].status == UP"]
              }
            },
            {
              "name": "credit-bureau",
              "title": "신용평가 NICE (credit bureau)",
              "group": "upstream",
              "probe": {
                "type": "http",
                "url": "http://127.0.0.1:18083/health",
                "conditions": ["[STATUS] == 200", "[BODY].status == UP", "[RESPONSE_TIME] < 800"]
              }
            },
            {
              "name": "card-network",
              "title": "카드 결제망 (card network)",
              "group": "upstream",
              "probe": {
                "type": "http",
                "url": "http://127.0.0.1:18084/health",
                "conditions": ["[STATUS] == 200", "[BODY].status == UP"]
              }
            },
            {
              "name": "open-banking",
              "title": "오픈뱅킹 이체망 (open banking, no health endpoint)",
              "group": "upstream"
            },
            {
              "name": "loan-application",
              "title": "대출 신청",
              "group": "service",
              "dependsOn": ["credit-bureau", "auth-vendor"],
              "probe": {
                "type": "http",
                "url": "http://127.0.0.1:18090/loans/health",
                "conditions": ["[STATUS] == 200", "[BODY].status == UP"]
              },
              "slo": { "objective": 99.5 }
            },
            {
              "name": "card-issuance",
              "title": "카드 발급",
              "group": "service",
              "dependsOn": ["credit-bureau", "card-network", "auth-vendor"],
              "probe": {
                "type": "http",
                "url": "http://127.0.0.1:18091/cards/health",
                "conditions": ["[STATUS] == 200", "[BODY].status == UP"]
              }
            },
            {
              "name": "account-opening",
              "title": "비대면 계좌개설",
              "group": "service",
              "dependsOn": ["auth-vendor", "credit-bureau"],
              "probe": {
                "type": "http",
                "url": "http://127.0.0.1:18092/accounts/health",
                "conditions": ["[STATUS] == 200", "[BODY].status == UP"]
              }
            },
            {
              "name": "card-point-cashout",
              "title": "카드포인트 계좌입금",
              "group": "service",
              "dependsOn": ["point-portal", "auth-vendor", "open-banking"],
              "probe": {
                "type": "http",
                "url": "http://127.0.0.1:18093/cashout/health",
                "conditions": ["[STATUS] == 200", "[BODY].status == UP"]
              }
            },
            {
              "name": "deposit-event",
              "title": "특판 예금 이벤트",
              "group": "service",
              "dependsOn": ["auth-cert"],
              "probe": {
                "type": "http",
                "url": "http://127.0.0.1:18094/deposits/event/health",
                "interval": "2s",
                "timeout": "1s",
                "conditions": ["[STATUS] == 200", "[BODY].status == UP"]
              }
            },
            {
              "name": "transfers",
              "title": "이체 (인증서 로그인, 수취 확인 SMS)",
              "group": "service",
              "dependsOn": ["auth-cert", "auth-vendor", "open-banking"],
              "probe": {
                "type": "http",
                "url": "http://127.0.0.1:18095/transfers/health",
                "conditions": ["[STATUS] == 200", "[BODY].status == UP", "[BODY].message != pat(*수취 은행의 사유*)"]
              }
            },
            {
              "name": "gift-payment",
              "title": "선물하기 결제",
              "group": "service",
              "dependsOn": ["card-network"],
              "probe": {
                "type": "http",
                "method": "POST",
                "url": "http://127.0.0.1:18096/gift/synthetic-payment",
                "interval": "5s",
                "headers": { "Content-Type": "application/json" },
                "body": "{\"item\": \"coffee-voucher\", \"amount\": 4500, \"synthetic\": true}",
                "conditions": ["[STATUS] == 200", "[BODY].paid == true", "[BODY].charged == [BODY].paid"]
              }
            },
            {
              "name": "gift-checkout",
              "title": "선물하기 구매 여정 (gift checkout journey)",
              "group": "journey",
              "dependsOn": ["gift-payment"],
              "probe": {
                "type": "transaction",
                "interval": "3s",
                "timeout": "1500ms",
                "steps": [
                  {
                    "name": "log in",
                    "method": "POST",
                    "url": "http://127.0.0.1:18097/shop/login",
                    "body": "{\"user\": \"synthetic-shopper\"}",
                    "conditions": ["[STATUS] == 200"],
                    "store": { "token": "[BODY].token" }
                  },
                  {
                    "name": "put a gift in the cart",
                    "method": "POST",
                    "url": "http://127.0.0.1:18097/shop/cart",
                    "headers": { "Content-Type": "application/json" },
                    "body": "{\"token\": \"[CONTEXT].token\", \"item\": \"coffee-voucher\"}",
                    "conditions": ["[STATUS] == 200", "[BODY].amount == 4500"],
                    "store": { "cart": "[BODY].cart" },
                    "public": true
                  },
                  {
                    "name": "pay",
                    "method": "POST",
                    "url": "http://127.0.0.1:18097/shop/pay",
                    "headers": { "Content-Type": "application/json" },
                    "body": "{\"token\": \"[CONTEXT].token\", \"cart\": \"[CONTEXT].cart\"}",
                    "conditions": ["[STATUS] == 200", "has([BODY].order) == true"],
                    "store": { "order": "[BODY].order", "paid": "[BODY].paid" },
                    "public": ["paid"],
                    "upstream": "card-network"
                  },
                  {
                    "name": "order matches payment",
                    "method": "POST",
                    "url": "http://127.0.0.1:18097/shop/order",
                    "headers": { "Content-Type": "application/json" },
                    "body": "{\"token\": \"[CONTEXT].token\", \"order\": \"[CONTEXT].order\"}",
                    "conditions": ["[STATUS] == 200", "[BODY].paid == [CONTEXT].paid", "[BODY].charged == [BODY].paid"],
                    "upstream": "card-network"
                  }
                ],
                "cleanup": [
                  {
                    "name": "cancel the test order",
                    "method": "POST",
                    "url": "http://127.0.0.1:18097/shop/cancel",
                    "headers": { "Content-Type": "application/json" },
                    "body": "{\"token\": \"[CONTEXT].token\", \"order\": \"[CONTEXT].order\"}",
                    "conditions": ["[STATUS] == 200", "[BODY].cancelled == true"]
                  }
                ]
              },
              "slo": { "latency": { "threshold": "1s" } }
            }
          ]
        }
        """#
}
