import Foundation
import Probes

/// Why a delivery option cannot be used, or why a destination did not take an alert.
public struct DeliveryProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Where alerts are delivered: an Alertmanager (`--alertmanager URL`) or a generic webhook
/// (`--webhook URL`), with the headers a webhook is sent with.
public struct DeliveryTarget: Sendable {
    public enum Kind: String, Sendable {
        case alertmanager, webhook
    }

    /// One header of every webhook request; its value is a secret, never shown.
    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public let kind: Kind
    /// For Alertmanager its base URL (the API is under `/api/v2`); for a webhook the URL posted to.
    /// Credentials (`user:password@`) are taken out into ``authorization``.
    public let url: URL
    /// `Basic …` when the URL carried `user:password@`.
    let authorization: String?
    public let headers: [Header]

    /// Parses `--alertmanager URL`: an http(s) base URL, without a query; a URL ending in
    /// `/api/v2/alerts` or `/api/v2` is taken as the Alertmanager it belongs to.
    public static func alertmanager(parsing text: String) throws(DeliveryProblem) -> DeliveryTarget {
        var (url, authorization) = try parse(text, option: "--alertmanager", allowQuery: false)
        for suffix in ["/api/v2/alerts", "/api/v2"] where url.path.hasSuffix(suffix) {
            var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
            components?.path.removeLast(suffix.count)
            if let shorter = components?.url { url = shorter }
            break
        }
        return DeliveryTarget(kind: .alertmanager, url: url, authorization: authorization, headers: [])
    }

    /// Parses `--webhook URL` (a query is kept: some receivers take their token there).
    public static func webhook(parsing text: String, headers: [Header]) throws(DeliveryProblem) -> DeliveryTarget {
        let (url, authorization) = try parse(text, option: "--webhook", allowQuery: true)
        return DeliveryTarget(kind: .webhook, url: url, authorization: authorization, headers: headers)
    }

    /// Parses `--webhook-header NAME=VALUE`, `${VAR}` in VALUE taken from `environment`.
    /// - Throws: a problem naming the header and the variable, never the value.
    public static func header(parsing text: String, environment: [String: String]) throws(DeliveryProblem)
        -> Header
    {
        guard let equals = text.firstIndex(of: "=") else {
            throw DeliveryProblem("--webhook-header: expected NAME=VALUE, e.g. 'Authorization=Bearer ${TOKEN}'")
        }
        let name = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
        let token = CharacterSet(
            charactersIn: "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        guard !name.isEmpty, name.unicodeScalars.allSatisfy(token.contains) else {
            throw DeliveryProblem("--webhook-header: \"\(name)\" is not a valid header name")
        }
        var value = ""
        var rest = text[text.index(after: equals)...]
        while let start = rest.range(of: "${") {
            value += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw DeliveryProblem("--webhook-header \(name): unclosed ${ in its value")
            }
            let variable = String(rest[start.upperBound..<end])
            guard let found = environment[variable] else {
                throw DeliveryProblem("--webhook-header \(name): environment variable \(variable) is not set")
            }
            value += found
            rest = rest[rest.index(after: end)...]
        }
        value += rest
        guard !value.isEmpty else { throw DeliveryProblem("--webhook-header \(name): the value is empty") }
        guard !value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
            throw DeliveryProblem("--webhook-header \(name): the value contains a line break")
        }
        return Header(name: name, value: value)
    }

    /// `alertmanager http://127.0.0.1:9093`: how messages name it (no credentials, no query).
    public var display: String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        let hadQuery = components?.query != nil
        components?.query = nil
        return kind.rawValue + " " + (components?.url?.absoluteString ?? url.host ?? "?") + (hadQuery ? "?…" : "")
    }

    /// The outbox's name of this destination.
    public var destination: String { kind.rawValue + " " + url.absoluteString }

    /// The secrets this target sends, for the redactor.
    public var secrets: [String] {
        headers.map(\.value) + (authorization.map { [$0] } ?? [])
            + (URLComponents(url: url, resolvingAgainstBaseURL: false)?.query.map { [$0] } ?? [])
    }

    private static func parse(_ text: String, option: String, allowQuery: Bool) throws(DeliveryProblem)
        -> (URL, String?)
    {
        let shown = PrometheusSource.Endpoint.masked(text)
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https"
        else {
            throw DeliveryProblem("\(option) \"\(shown)\" is not an http(s) URL")
        }
        guard let host = components.host, !host.isEmpty else {
            throw DeliveryProblem("\(option) \"\(shown)\" has no host")
        }
        guard allowQuery || components.query == nil, components.fragment == nil else {
            throw DeliveryProblem("\(option) \"\(shown)\": give the base URL, without a query")
        }
        var bare = components
        bare.scheme = scheme
        bare.user = nil
        bare.password = nil
        // An Alertmanager's base URL loses its trailing slash; a webhook's URL is posted to as given.
        if !allowQuery { while bare.path.hasSuffix("/") { bare.path.removeLast() } }
        guard let url = bare.url else { throw DeliveryProblem("\(option) \"\(shown)\" is not a usable URL") }
        let authorization = components.user.map {
            "Basic " + Data(($0 + ":" + (components.password ?? "")).utf8).base64EncodedString()
        }
        return (url, authorization)
    }
}
