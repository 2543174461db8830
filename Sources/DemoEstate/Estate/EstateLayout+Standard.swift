extension EstateLayout {
    /// The estate of the repository's probes.json: four upstreams (the auth vendor with an SMS
    /// and a certificate path on one port) seven services over them, and the gift shop the gift-checkout
    /// transaction walks through.
    public static let standard = EstateLayout(
        servers: [
            Server(
                name: "point-portal", port: 18081,
                routes: [
                    Route("/health", node: "point-portal", answer: .health),
                    Route("/points/balance", node: "point-portal", answer: .work("points-balance")),
                ]),
            Server(
                name: "auth-vendor", port: 18082,
                routes: [
                    Route("/sms/health", node: "auth-vendor", answer: .health),
                    Route("/sms/verify", node: "auth-vendor", answer: .work("sms-verify")),
                    Route("/cert/health", node: "auth-cert", answer: .health),
                    Route("/cert/verify", node: "auth-cert", answer: .work("cert-verify")),
                ]),
            Server(
                name: "credit-bureau", port: 18083,
                routes: [
                    Route("/health", node: "credit-bureau", answer: .health),
                    Route("/credit/report", node: "credit-bureau", answer: .work("credit-report")),
                ]),
            Server(
                name: "card-network", port: 18084,
                routes: [
                    Route("/health", node: "card-network", answer: .health),
                    Route("/cards/register", node: "card-network", answer: .work("card-register")),
                    Route(.POST, "/authorize", node: "card-network", answer: .authorize),
                ]),
            Server(
                name: "loan-application", port: 18090,
                routes: [
                    Route(
                        "/loans/health", node: "loan-application",
                        answer: .serviceHealth([Calls.creditReport, Calls.smsVerify]))
                ]),
            Server(
                name: "card-issuance", port: 18091,
                routes: [
                    Route(
                        "/cards/health", node: "card-issuance",
                        answer: .serviceHealth([Calls.creditReport, Calls.cardRegister, Calls.smsVerify]))
                ]),
            Server(
                name: "account-opening", port: 18092,
                routes: [
                    Route(
                        "/accounts/health", node: "account-opening",
                        answer: .serviceHealth([Calls.smsVerify, Calls.creditReport]))
                ]),
            Server(
                name: "card-point-cashout", port: 18093,
                routes: [
                    Route(
                        "/cashout/health", node: "card-point-cashout",
                        answer: .serviceHealth([Calls.pointsBalance, Calls.smsVerify]))
                ]),
            Server(
                name: "deposit-event", port: 18094,
                routes: [
                    Route("/deposits/event/health", node: "deposit-event", answer: .serviceHealth([Calls.certVerify]))
                ]),
            Server(
                name: "transfers", port: 18095,
                routes: [
                    Route(
                        "/transfers/health", node: "transfers",
                        answer: .transfersHealth(certificate: Calls.certVerify, receiver: Calls.smsVerify))
                ]),
            Server(
                name: "gift-payment", port: 18096,
                routes: [
                    Route(.POST, "/gift/synthetic-payment", node: "gift-payment", answer: .giftPayment(Calls.authorize))
                ]),
            // The gift shop customers use; the gift-checkout transaction walks through it.
            Server(
                name: "gift-shop", port: 18097,
                routes: [
                    Route(.POST, "/shop/login", node: "gift-checkout", answer: .giftShop(.login, nil)),
                    Route(.POST, "/shop/cart", node: "gift-checkout", answer: .giftShop(.cart, nil)),
                    Route(.POST, "/shop/pay", node: "gift-checkout", answer: .giftShop(.pay, Calls.authorize)),
                    Route(.POST, "/shop/order", node: "gift-checkout", answer: .giftShop(.order, nil)),
                    Route(.POST, "/shop/cancel", node: "gift-checkout", answer: .giftShop(.cancel, nil)),
                ]),
        ],
        baseline: [
            "point-portal": pointPortal,
            "auth-vendor": authSMS,
            "auth-cert": authCertificate,
            "credit-bureau": creditBureau,
            "card-network": cardNetwork,
            "deposit-event": depositEvent,
        ])

    /// The point portal: few workers, a long line, ordinary traffic of two customers.
    public static let pointPortal = FaultProfile(
        capacity: 4, queueLimit: 28, latency: .milliseconds(80, jitter: 30), crowd: 2)
    /// The auth vendor's SMS path.
    public static let authSMS = FaultProfile(capacity: 4, queueLimit: 12, latency: .milliseconds(40, jitter: 20))
    /// The auth vendor's certificate path.
    public static let authCertificate = FaultProfile(
        capacity: 16, queueLimit: 32, latency: .milliseconds(20, jitter: 10))
    /// The credit bureau.
    public static let creditBureau = FaultProfile(capacity: 8, queueLimit: 32, latency: .milliseconds(60, jitter: 30))
    /// The card network.
    public static let cardNetwork = FaultProfile(capacity: 16, queueLimit: 32, latency: .milliseconds(30, jitter: 15))
    /// The deposit event: sized for an ordinary day, not for 1,000만 customers at once.
    public static let depositEvent = FaultProfile(
        capacity: 8, queueLimit: 32, latency: .milliseconds(20, jitter: 10), crowd: 1)
    /// Every other service.
    public static let serviceProfile = FaultProfile(capacity: 32, queueLimit: 64, latency: .milliseconds(5, jitter: 3))

    /// The upstream calls services make.
    enum Calls {
        static let creditReport = UpstreamCall(node: "credit-bureau", server: "credit-bureau", path: "/credit/report")
        static let smsVerify = UpstreamCall(node: "auth-vendor", server: "auth-vendor", path: "/sms/verify")
        static let certVerify = UpstreamCall(node: "auth-cert", server: "auth-vendor", path: "/cert/verify")
        static let pointsBalance = UpstreamCall(node: "point-portal", server: "point-portal", path: "/points/balance")
        static let cardRegister = UpstreamCall(node: "card-network", server: "card-network", path: "/cards/register")
        static let authorize = UpstreamCall(
            node: "card-network", server: "card-network", method: .POST, path: "/authorize",
            body: #"{"item":"coffee-voucher","amount":4500,"cashReceipt":false}"#)
    }
}
