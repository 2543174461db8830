import Foundation

/// A parsed condition of the Gatus condition language, e.g. `[STATUS] == 200`,
/// `[BODY].status == UP`, `len([BODY].items) > 0`, `[RESPONSE_TIME] < 800`.
///
/// Parsed once at load time with ``init(parsing:severity:)``; evaluated per result with
/// ``evaluate(_:)``.
public struct Condition: Sendable {
    /// The condition as written in the config.
    public let source: String
    /// `critical` conditions make a probe `down` when they fail; `warning` ones make it `degraded`.
    public let severity: ConditionSeverity
    let expression: ConditionExpression
    /// Set only on the internal condition a transaction step passes to the HTTP checker: it
    /// records what the checker observed and always passes.
    let capture: ConditionCapture?

    /// Parses a condition.
    /// - Throws: ``ConditionSyntaxError`` with a message that says what is wrong and where.
    public init(parsing source: String, severity: ConditionSeverity = .critical) throws(ConditionSyntaxError) {
        self.source = source
        self.severity = severity
        self.expression = try ConditionExpression.parse(source)
        self.capture = nil
    }

    /// A condition that always passes and hands what the probe observed to `capture`.
    init(capturingInto capture: ConditionCapture) {
        self.source = "[CONNECTED] == true"
        self.severity = .warning
        // A literal comparison that cannot fail to parse; never evaluated.
        self.expression = ConditionExpression(
            left: .value(ConditionPlaceholderReference(placeholder: .connected)), comparator: .equal,
            right: .operand(.literal(ConditionLiteral(text: "true", quoted: false))))
        self.capture = capture
    }

    /// Whether the condition needs the response body (so checkers may skip reading it).
    public var usesBody: Bool { capture?.wantsBody ?? expression.usesBody }
    /// Whether the condition needs the TLS certificate expiry.
    public var usesCertificate: Bool { capture?.wantsCertificate ?? expression.usesCertificate }
    /// The stored values the condition reads through `[CONTEXT].name`.
    public var contextNames: [String] { expression.contextNames }

    /// Evaluates the condition against one probe's observations.
    public func evaluate(_ context: ConditionContext) -> ConditionOutcome {
        if let capture {
            capture.record(context)
            return ConditionOutcome(passed: true)
        }
        return expression.evaluate(context, source: source)
    }
}

/// How much a failed condition matters.
public enum ConditionSeverity: String, Sendable, Equatable {
    case critical
    case warning
}

/// What a probe observed, as the placeholders of the condition language see it.
public struct ConditionContext: Sendable {
    /// `[STATUS]`: the HTTP status, or `nil` when there was no HTTP answer.
    public var status: Int?
    /// `[RESPONSE_TIME]` in milliseconds.
    public var responseTimeMs: Double
    /// `[BODY]`: the raw body bytes (possibly empty).
    public var body: [UInt8]
    /// `[CONNECTED]`.
    public var connected: Bool
    /// `[CERTIFICATE_EXPIRATION]`: time until the peer certificate expires; `nil` when unknown
    /// (plain HTTP, or the handshake failed).
    public var certificateExpiration: Duration?
    /// `[CONTEXT].name`: values stored by earlier steps of a transaction.
    public var variables: [String: String] = [:]

    public init(
        status: Int? = nil, responseTimeMs: Double = 0, body: [UInt8] = [], connected: Bool = false,
        certificateExpiration: Duration? = nil
    ) {
        self.status = status
        self.responseTimeMs = responseTimeMs
        self.body = body
        self.connected = connected
        self.certificateExpiration = certificateExpiration
    }
}

/// The result of evaluating one condition.
public struct ConditionOutcome: Sendable, Equatable {
    public var passed: Bool
    /// For a failure, a short text such as `condition [BODY].status == UP failed: got DOWN`.
    public var message: String?

    public init(passed: Bool, message: String? = nil) {
        self.passed = passed
        self.message = message
    }
}

/// A condition that cannot be parsed.
public struct ConditionSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. `unknown placeholder [STAUTS] (did you mean [STATUS]?)`.
    public var message: String

    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What the HTTP checker observed for one transaction step, handed over by a capturing
/// ``Condition``. Written once on the checker's event loop, read after the check returned.
final class ConditionCapture: @unchecked Sendable {
    let wantsBody: Bool
    let wantsCertificate: Bool
    private let lock = NSLock()
    private var context: ConditionContext?

    init(wantsBody: Bool, wantsCertificate: Bool) {
        self.wantsBody = wantsBody
        self.wantsCertificate = wantsCertificate
    }

    func record(_ observed: ConditionContext) {
        lock.lock()
        context = observed
        lock.unlock()
    }

    var observed: ConditionContext? {
        lock.lock()
        defer { lock.unlock() }
        return context
    }
}
