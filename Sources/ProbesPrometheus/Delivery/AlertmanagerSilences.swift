import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Probes

/// Copies IncidentBoard's silences to Alertmanager, so the whole team sees them there:
/// `POST /api/v2/silences` with a matcher on the `service` label our alerts carry, and
/// `DELETE /api/v2/silence/{id}` when one is expired early.
public enum AlertmanagerSilences {
    /// The body of `POST /api/v2/silences` for a silence.
    public static func body(of silence: Silence) -> Data {
        var matcher = JSONText()
        matcher.add("name", "service")
        matcher.add("value", silence.service)
        matcher.add("isRegex", false)
        matcher.add("isEqual", true)
        var o = JSONText()
        o.add("matchers", raw: "[" + matcher.text + "]")
        o.add("startsAt", CheckReport.timestamp(silence.createdAt))
        o.add("endsAt", CheckReport.timestamp(silence.endsAt))
        o.add("createdBy", silence.createdBy)
        o.add("comment", "\(silence.reason) (incidentboard \(silence.id))")
        return Data(o.text.utf8)
    }

    /// Creates the silence in Alertmanager; returns the id Alertmanager gave it.
    public static func create(_ silence: Silence, at target: DeliveryTarget, timeout: Duration = .seconds(5))
        async
        throws(DeliveryProblem) -> String
    {
        let (status, answer) = try await exchange(
            target, path: "/api/v2/silences", method: .POST,
            body: body(of: silence), timeout: timeout)
        guard (200..<300).contains(status) else {
            throw DeliveryProblem("Alertmanager answered HTTP \(status) to the silence: \(snippet(answer))")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any],
            let id = object["silenceID"] as? String, !id.isEmpty
        else {
            throw DeliveryProblem("Alertmanager's answer to the silence has no silenceID: \(snippet(answer))")
        }
        return id
    }

    /// Expires a silence in Alertmanager (one already gone counts as done).
    public static func expire(id: String, at target: DeliveryTarget, timeout: Duration = .seconds(5))
        async
        throws(DeliveryProblem)
    {
        guard let escaped = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) else {
            throw DeliveryProblem("silence id \"\(id)\" cannot be put in a URL")
        }
        let (status, answer) = try await exchange(
            target, path: "/api/v2/silence/" + escaped, method: .DELETE,
            body: nil, timeout: timeout)
        guard (200..<300).contains(status) || status == 404 else {
            throw DeliveryProblem("Alertmanager answered HTTP \(status) to expiring silence \(id): \(snippet(answer))")
        }
    }

    private static func snippet(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(empty body)" : text
    }

    private static func exchange(
        _ target: DeliveryTarget, path: String, method: HTTPMethod, body: Data?,
        timeout: Duration
    ) async throws(DeliveryProblem) -> (Int, [UInt8]) {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: TimeAmount(timeout)), decompression: .disabled)
        configuration.httpVersion = .http1Only
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        var request = HTTPClientRequest(url: target.url.absoluteString + path)
        request.method = method
        request.headers.add(name: "User-Agent", value: "IncidentBoard")
        request.headers.add(name: "Accept", value: "application/json")
        if let authorization = target.authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let result: Result<(Int, [UInt8]), DeliveryProblem>
        do {
            let response = try await client.execute(request, deadline: NIODeadline.now() + TimeAmount(timeout))
            var collected = try await response.body.collect(upTo: 64 << 10)
            let bytes = collected.readBytes(length: collected.readableBytes) ?? []
            result = .success((Int(response.status.code), bytes))
        } catch {
            result = .failure(
                DeliveryProblem(
                    "Alertmanager at \(target.display): "
                        + AlertDelivery.unreachable(error, timeout: timeout)))
        }
        try? await client.shutdown()
        return try result.get()
    }
}
