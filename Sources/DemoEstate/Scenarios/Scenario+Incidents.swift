/// The five incidents of docs/INCIDENTS.md as scenarios, and the tour through them.
extension Scenario {
    /// The default plan's name.
    public static let tourName = "tour"
    /// The tour's line for `demo --list`.
    public static let tourSummary = "all five incidents in turn, each with its recovery, looping (default)"

    /// The incident scenarios, in the order the tour plays them.
    public static let incidents: [Scenario] = [
        pointPortalFlashCrowd, depositEventBurst, creditBureauCascade, authVendorMigration, silentWrongCharge,
    ]

    private typealias Layout = EstateLayout

    /// Incident 1: the card-point portal on launch day. Latency climbs as the line grows, then
    /// customers are turned away, on and off; the cash-out service behind it suffers.
    public static let pointPortalFlashCrowd = Scenario(
        name: "point-portal-flash-crowd",
        summary: "incident 1: launch-day crowd on the point portal; slow, then 503s on and off",
        root: "point-portal",
        steps: [
            Step(at: .zero, "portal open, ordinary traffic"),
            Step(
                at: .seconds(12), "11:00 launch: 20 customers per 4 workers, the line grows (p50 0.4 s)",
                faults: ["point-portal": Layout.pointPortal.with(crowd: 20)]),
            Step(
                at: .seconds(16), "28 customers: the line is nearly full (p50 0.6 s)",
                faults: ["point-portal": Layout.pointPortal.with(crowd: 28)]),
            Step(
                at: .seconds(26), "the crowd overflows the line: customers get 503",
                faults: ["point-portal": Layout.pointPortal.with(crowd: 80)]),
            Step(
                at: .seconds(60), "flaky: about half get through, in one browser and not another",
                faults: ["point-portal": Layout.pointPortal.with(crowd: 32)]),
            Step(
                at: .seconds(68), "another wave: 503 again",
                faults: ["point-portal": Layout.pointPortal.with(crowd: 80)]),
            Step(
                at: .seconds(86), "flaky again",
                faults: ["point-portal": Layout.pointPortal.with(crowd: 32)]),
            Step(at: .seconds(92), "the crowd thins out; the portal recovers"),
        ],
        length: .seconds(125))

    /// Incident 2: the special-rate deposit event sells out in a second and the servers stall for
    /// a minute, long enough for the fast-burn page (2 % of the budget in an hour) to fire.
    public static let depositEventBurst = Scenario(
        name: "deposit-event-burst",
        summary: "incident 2: the deposit event opens; a burst of customers stalls the service",
        root: "deposit-event",
        steps: [
            Step(at: .zero, "deposit event announced, ordinary traffic"),
            Step(
                at: .seconds(10), "10:00 the event opens: everyone taps at once; the deposit service stalls",
                faults: ["deposit-event": Layout.depositEvent.with(crowd: 300)]),
            Step(
                at: .seconds(70), "sold out (100억원 cap); the crowd thins",
                faults: ["deposit-event": Layout.depositEvent.with(crowd: 16)]),
            Step(at: .seconds(78), "traffic back to ordinary"),
        ],
        length: .seconds(110))

    /// Incident 3: the credit bureau slows, then stops; loans, cards and accounts fail behind it.
    public static let creditBureauCascade = Scenario(
        name: "credit-bureau-cascade",
        summary: "incident 3: credit bureau slows, then stops; loans and cards fail behind it",
        root: "credit-bureau",
        steps: [
            Step(at: .zero, "launch morning, all healthy"),
            Step(
                at: .seconds(10), "07:00 sign-ups surge: credit bureau slowing (\(slowing.latency))",
                faults: ["credit-bureau": slowing]),
            Step(
                at: .seconds(20), "credit bureau slowing (\(crawling.latency)): calls to it time out",
                faults: ["credit-bureau": crawling]),
            Step(
                at: .seconds(45), "credit bureau stops answering (connection refused)",
                faults: ["credit-bureau": Layout.creditBureau.down()]),
            Step(at: .seconds(75), "credit bureau back"),
        ],
        length: .seconds(110))

    private static let slowing = Layout.creditBureau.with(latency: .milliseconds(700, jitter: 80))
    private static let crawling = Layout.creditBureau.with(latency: .milliseconds(1200, jitter: 250))

    /// Incident 4: after the cut-over everyone re-registers by SMS; the SMS path collapses while
    /// certificate login keeps working.
    public static let authVendorMigration = Scenario(
        name: "auth-vendor-migration",
        summary: "incident 4: auth vendor's SMS path collapses; certificate login still works",
        root: "auth-vendor",
        steps: [
            Step(at: .zero, "cut-over finished, branches re-open"),
            Step(
                at: .seconds(10), "re-registrations pile up: SMS verification slowing (\(smsSlowing.latency))",
                faults: ["auth-vendor": smsSlowing]),
            Step(
                at: .seconds(18), "every customer re-registers by SMS at once: the SMS path is overwhelmed",
                faults: ["auth-vendor": smsSlowing.with(crowd: 200)]),
            Step(at: .seconds(70), "the re-registration wave passes; SMS verification works again"),
        ],
        length: .seconds(100))

    private static let smsSlowing = Layout.authSMS.with(latency: .milliseconds(700, jitter: 80))

    /// Incident 5: the card network answers 200 OK, charged, but nothing was paid. Its health
    /// stays green; the gift-checkout transaction fails at "order matches payment", a step that
    /// exercises the card network, so the board names the card network, with gift-payment and the
    /// transaction as its victims.
    public static let silentWrongCharge = Scenario(
        name: "silent-wrong-charge",
        summary: "incident 5: card network says 200 OK, charged but not paid; only the customer's journey tells",
        root: "card-network",
        steps: [
            Step(at: .zero, "gift shop selling"),
            Step(
                at: .seconds(10), "the card network charges for vouchers it never approved (200 OK)",
                faults: ["card-network": Layout.cardNetwork.answeringWrongly()]),
            Step(at: .seconds(70), "the cash-receipt fix is deployed; charges match payments again"),
        ],
        length: .seconds(100))
}
