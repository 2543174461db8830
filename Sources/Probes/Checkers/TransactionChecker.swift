import Foundation

/// Runs a ``TransactionProbe``: each step through the ``HTTPChecker``'s own entry point, values
/// stored from one answer filled into the next request, then the cleanup steps, whatever happened.
///
/// Timeouts: a step gets its own `timeout` but never more than what is left of the transaction's;
/// a step cut by the transaction's timeout says so. Cleanup steps run after that, each within its
/// own `timeout` (the transaction's when not given): a cancel must still be sent after a timeout.
///
/// Secrets: every stored value is masked (`***`) in every text this returns unless its step is
/// `public`; a step whose request would carry a value that is not stored yet is not sent.
struct TransactionChecker: Sendable {
    let http: HTTPChecker

    func check(_ transaction: TransactionProbe, timeout: Duration, service: String, startedAt: Date) async
        -> ProbeResult
    {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + timeout
        var run = TransactionRun()
        var steps: [StepResult] = []
        var firstFailure: StepResult?
        for step in transaction.steps {
            if firstFailure != nil {
                steps.append(
                    StepResult(
                        name: step.name, status: .skipped, latency: .zero,
                        error: "not run: an earlier step failed", upstream: step.upstream))
                continue
            }
            let left = deadline - clock.now
            guard left > .zero else {
                let failure = ProbeFailure.timeout(timeout)
                let result = StepResult(
                    name: step.name, status: .down, latency: .zero,
                    error: "transaction " + failure.message, failure: .timeout,
                    upstream: step.upstream)
                steps.append(result)
                firstFailure = result
                continue
            }
            let own = step.timeout.map { min($0, left) } ?? left
            var result = await runStep(step, timeout: own, service: service, run: &run, isCleanup: false)
            if result.failure == .timeout, step.timeout.map({ $0 > left }) ?? true {
                // Cut by what was left of the transaction's own timeout, not by the step's.
                result.error = "transaction timeout after \(Self.wholeMilliseconds(timeout)) ms"
            }
            steps.append(result)
            if result.status == .down { firstFailure = result }
        }
        let stepsLatency = clock.now - start
        var cleanupFailure: StepResult?
        for step in transaction.cleanup {
            let missing = step.contextNames.filter { run.values[$0] == nil }
            if let name = missing.first {
                steps.append(
                    StepResult(
                        name: step.name, status: .skipped, latency: .zero,
                        error: "not run: [CONTEXT].\(name) was not stored", upstream: step.upstream,
                        isCleanup: true))
                continue
            }
            let result = await runStep(
                step, timeout: step.timeout ?? timeout, service: service, run: &run,
                isCleanup: true)
            steps.append(result)
            if result.status == .down, cleanupFailure == nil { cleanupFailure = result }
        }
        return Self.outcome(
            steps: steps, firstFailure: firstFailure, cleanupFailure: cleanupFailure,
            latency: stepsLatency, service: service, startedAt: startedAt, redactor: run.redactor)
    }

    private static func outcome(
        steps: [StepResult], firstFailure: StepResult?, cleanupFailure: StepResult?, latency: Duration,
        service: String, startedAt: Date, redactor: Redactor
    ) -> ProbeResult {
        var status = ProbeStatus.up
        var error: String?
        var failure: FailureKind?
        var httpStatus = steps.last { $0.httpStatus != nil && !$0.isCleanup }?.httpStatus
        if let first = firstFailure {
            status = .down
            error = "step \"\(first.name)\" failed: \(first.error ?? "down")"
            failure = first.failure
            httpStatus = first.httpStatus
        } else if let slow = steps.first(where: { $0.status == .degraded && !$0.isCleanup }) {
            status = .degraded
            error = "step \"\(slow.name)\" degraded: \(slow.error ?? "degraded")"
        }
        if let cleanup = cleanupFailure {
            let text = "cleanup step \"\(cleanup.name)\" failed: \(cleanup.error ?? "down")"
            if let first = error {
                error = first + "; " + text
            } else {
                // The journey worked, but its test data may be left behind.
                status = .degraded
                error = text
            }
        }
        var result = ProbeResult(
            service: service, startedAt: startedAt, status: status, latency: latency,
            error: error.map(redactor.redact), failure: failure, httpStatus: httpStatus)
        result.steps = steps.map { step in
            var masked = step
            masked.error = step.error.map(redactor.redact)
            return masked
        }
        return result
    }

    /// The stored values of one run and the redactor that masks the secret ones.
    struct TransactionRun {
        var values: [String: String] = [:]
        var redactor = Redactor()
    }

    private func runStep(
        _ step: TransactionStep, timeout: Duration, service: String, run: inout TransactionRun, isCleanup: Bool
    ) async -> StepResult {
        func failed(
            _ message: String, _ kind: FailureKind = .other, latency: Duration = .zero,
            httpStatus: Int? = nil
        ) -> StepResult {
            StepResult(
                name: step.name, status: .down, latency: latency, error: message, failure: kind,
                httpStatus: httpStatus, upstream: step.upstream, isCleanup: isCleanup)
        }
        let values = run.values
        var missing: String?
        func value(_ name: String) -> String? {
            guard let found = values[name] else {
                missing = missing ?? name
                return nil
            }
            return found
        }
        guard let urlText = ContextTemplate.fill(step.url, { value($0).map(ContextTemplate.urlEncoded) }) else {
            return failed("[CONTEXT].\(missing ?? "") is not stored")
        }
        guard let url = ConfigValidator.httpURL(urlText) else {
            return failed("the URL is not an http(s) URL once its [CONTEXT] values are filled in")
        }
        var headers: [HTTPHeader] = []
        for header in step.headers {
            guard let filled = ContextTemplate.fill(header.value, value) else {
                return failed("[CONTEXT].\(missing ?? "") is not stored")
            }
            guard !filled.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                return failed("header \(header.name) would contain a line break")
            }
            headers.append(HTTPHeader(name: header.name, value: filled))
        }
        var body: String?
        if let template = step.body {
            guard let filled = ContextTemplate.fill(template, value) else {
                return failed("[CONTEXT].\(missing ?? "") is not stored")
            }
            body = filled
        }
        let needsBody =
            step.conditions.contains(where: \.usesBody)
            || step.store.contains { if case .body = $0.source { true } else { false } }
        let capture = ConditionCapture(
            wantsBody: needsBody, wantsCertificate: step.conditions.contains(where: \.usesCertificate))
        let probe = HTTPProbe(
            url: url, method: step.method, headers: headers, body: body,
            maxBodyBytes: step.maxBodyBytes)
        let answer = await http.check(
            probe, conditions: [Condition(capturingInto: capture)], timeout: timeout,
            service: service, startedAt: Date())
        guard var context = capture.observed, answer.status != .down || answer.failure == .condition else {
            return failed(
                answer.error ?? "no answer", answer.failure ?? .other, latency: answer.latency,
                httpStatus: answer.httpStatus)
        }
        context.variables = values
        let verdict = Self.judge(step.conditions, context, redactor: run.redactor)
        if verdict.status == .down {
            return failed(verdict.message ?? "down", .condition, latency: answer.latency, httpStatus: context.status)
        }
        for rule in step.store {
            guard let stored = Self.extract(rule, from: context) else {
                return failed(
                    "cannot store \(rule.name): \(rule.written) not found", .condition,
                    latency: answer.latency, httpStatus: context.status)
            }
            run.values[rule.name] = stored
            if !step.isPublic(rule.name) { run.redactor.add(stored) }
        }
        return StepResult(
            name: step.name, status: verdict.status == .up ? .up : .degraded, latency: answer.latency,
            error: verdict.message, failure: verdict.status == .up ? nil : .condition,
            httpStatus: context.status, upstream: step.upstream, isCleanup: isCleanup)
    }

    /// The step's verdict: without conditions 2xx is up; otherwise as ``ConditionVerdict/judge(_:_:)``,
    /// with every failure message scrubbed of stored secrets. A condition message shortens long
    /// values (`got s3cr3t-83EF…`), which whole-value masking would miss, so a message that shows
    /// the start of a secret loses its observed values altogether.
    static func judge(_ conditions: [Condition], _ context: ConditionContext, redactor: Redactor) -> ConditionVerdict {
        guard !conditions.isEmpty else {
            let code = context.status ?? 0
            return (200..<300).contains(code)
                ? ConditionVerdict(status: .up, message: nil) : ConditionVerdict(status: .down, message: "HTTP \(code)")
        }
        var firstWarning: String?
        for condition in conditions {
            let outcome = condition.evaluate(context)
            guard !outcome.passed else { continue }
            let message = scrubbed(
                outcome.message ?? "condition \(condition.source) failed", condition: condition,
                redactor: redactor)
            switch condition.severity {
            case .critical: return ConditionVerdict(status: .down, message: message)
            case .warning: firstWarning = firstWarning ?? message
            }
        }
        if let firstWarning { return ConditionVerdict(status: .degraded, message: firstWarning) }
        return ConditionVerdict(status: .up, message: nil)
    }

    /// `message` with stored secrets masked; when even the start of one shows, its observed values are dropped.
    static func scrubbed(_ message: String, condition: Condition, redactor: Redactor) -> String {
        let masked = redactor.redact(message)
        let showsAPart = redactor.secrets.contains { secret in
            secret.count >= 4 && masked.contains(String(secret.prefix(4)))
        }
        return showsAPart ? "condition \(redactor.redact(condition.source)) failed: got *** (a stored value)" : masked
    }

    /// The value a `store` entry takes from an answer: JSON text as is, anything else as compact JSON.
    static func extract(_ rule: TransactionStore, from context: ConditionContext) -> String? {
        switch rule.source {
        case .status:
            return context.status.map(String.init)
        case .body(let path):
            guard !path.isEmpty else {
                return String(decoding: context.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard let json = ConditionJSON(context.body) else { return nil }
            guard case .at(let offset) = json.find(path), !json.isNull(at: offset) else { return nil }
            switch json.value(at: offset) {
            case .text(let text): return text
            case .jsonNumber(_, let literal): return literal
            case .bool(let flag): return flag ? "true" : "false"
            default: return json.compactText(at: offset)
            }
        }
    }

    private static func wholeMilliseconds(_ duration: Duration) -> Int { Int(duration.milliseconds.rounded()) }
}
