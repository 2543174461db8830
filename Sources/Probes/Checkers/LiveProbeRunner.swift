import Foundation
import NIOCore
import NIOPosix

/// The real ``ProbeRunner``: HTTP over one-shot NIO channels, TCP connects and command plugins.
///
/// After the checker, an `up` result slower than the service's latency threshold becomes
/// `degraded`, and every error text passes through the config's ``Redactor`` so that a secret in
/// a URL or header never reaches the board, a log or an alert.
///
/// - Important: Call ``shutdown()`` before releasing the runner.
public final class LiveProbeRunner: ProbeRunner {
    private let http: HTTPChecker
    private let tcp: TCPChecker
    private let redactor: Redactor

    /// - Parameters:
    ///   - redactor: masks secrets in error texts.
    ///   - httpOptions: connection reuse and the like for the HTTP checker.
    ///   - eventLoopGroup: the NIO event loops; the process-wide singleton by default.
    public init(
        redactor: Redactor = Redactor(), httpOptions: HTTPChecker.Options = HTTPChecker.Options(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.redactor = redactor
        http = HTTPChecker(options: httpOptions, eventLoopGroup: eventLoopGroup)
        tcp = TCPChecker(eventLoopGroup: eventLoopGroup)
    }

    /// Which of the process's NIO event loops run the probes.
    public enum Loops: Sendable {
        /// One loop for every probe: a long-running agent (`watch`, the dashboard). Its probes come
        /// a few at a time, and on one loop they cost fewer thread wake-ups and fewer, fuller
        /// `epoll` rounds than spread over all: about 15 % less CPU a probe (docs/PERFORMANCE.md).
        /// One loop serves several thousand plain HTTP probes a second.
        case one
        /// Every loop of the process: a one-shot `check`, whose probes all start at once and
        /// finish sooner spread over the cores.
        case all

        /// The event loop group the probes run on.
        var group: any EventLoopGroup {
            switch self {
            case .one: MultiThreadedEventLoopGroup.singleton.next()
            case .all: MultiThreadedEventLoopGroup.singleton
            }
        }
    }

    /// A runner for the services of `configuration`, masking its secrets.
    ///
    /// The HTTP connect timeout is capped at the longest probe timeout: a connect attempt that
    /// outlives its probe is of no use (each probe also bounds its connect by the time it has left).
    ///
    /// A CA file named by `INCIDENTBOARD_CA_FILE` in `environment` is trusted besides the
    /// system's roots, unless `httpOptions` names one already.
    public convenience init(
        configuration: ProbesConfig, httpOptions: HTTPChecker.Options = HTTPChecker.Options(),
        environment: [String: String] = ProcessInfo.processInfo.environment, loops: Loops = .all
    ) {
        var options = httpOptions.applying(environment: environment)
        if let longest = configuration.services.compactMap(\.probe?.timeout).max() {
            options.connectTimeout = min(options.connectTimeout, max(longest, .milliseconds(1)))
        }
        self.init(redactor: configuration.redactor, httpOptions: options, eventLoopGroup: loops.group)
    }

    /// Closes the HTTP checker's kept connections; call once no probe runs any more.
    public func shutdown() async {
        await http.shutdown()
    }

    /// Probes `service` once. A service without a probe is `unknown` ("no probe").
    public func run(_ service: ServiceConfig, startedAt: Date) async -> ProbeResult {
        guard let probe = service.probe else {
            return ProbeResult(
                service: service.name, startedAt: startedAt, status: .unknown, latency: .zero,
                error: "no probe")
        }
        var result: ProbeResult
        switch probe.kind {
        case .http(let http):
            result = await self.http.check(
                http, conditions: probe.conditions, timeout: probe.timeout,
                service: service.name, startedAt: startedAt)
        case .tcp(let tcp):
            result = await self.tcp.check(
                tcp, conditions: probe.conditions, timeout: probe.timeout,
                service: service.name, startedAt: startedAt)
        case .command(let command):
            result = await runCommand(command, service: service.name, timeout: probe.timeout, startedAt: startedAt)
        case .transaction(let transaction):
            result = await TransactionChecker(http: http).check(
                transaction, timeout: probe.timeout, service: service.name, startedAt: startedAt)
        }
        let threshold = service.slo.latency.threshold
        if result.status == .up, LatencySLO.isSlow(result.latency, threshold: threshold) {
            result.status = .degraded
            result.error =
                "slow: \(Self.wholeMilliseconds(result.latency)) ms over "
                + "\(Self.wholeMilliseconds(threshold)) ms threshold"
        }
        result.error = result.error.map(redactor.redact)
        for i in result.steps.indices { result.steps[i].error = result.steps[i].error.map(redactor.redact) }
        return result
    }

    /// The command checker keeps its own timeout; this backstop keeps the runner's promise even
    /// if a plugin outlives it, with a margin so that the checker's own verdict normally wins.
    private func runCommand(
        _ command: CommandProbe, service: String, timeout: Duration, startedAt: Date
    ) async -> ProbeResult {
        let clock = ContinuousClock()
        let start = clock.now
        return await ProbeDeadline.race(until: start + timeout + Self.commandMargin) {
            await CommandChecker.check(command, service: service, timeout: timeout, startedAt: startedAt)
        } onTimeout: {
            let failure = ProbeFailure.timeout(timeout)
            return ProbeResult(
                service: service, startedAt: startedAt, status: .down, latency: clock.now - start,
                error: failure.message, failure: failure.kind)
        }
    }

    private static let commandMargin = Duration.milliseconds(250)

    private static func wholeMilliseconds(_ duration: Duration) -> Int {
        Int(duration.milliseconds.rounded())
    }
}
