import Foundation

/// What a ``LoopbackHTTPServer`` does with a request to one path. Behaviours are scripts of
/// the ways real upstreams fail, so probes can be tested against each of them.
public enum ScriptedBehaviour: Sendable, Equatable {
    /// A well-formed response with `Content-Length`, after an optional delay.
    case respond(ScriptedResponse)
    /// Reads the request and never answers; the connection stays open until the client or
    /// ``LoopbackHTTPServer/stop()`` closes it.
    case neverAnswer
    /// A chunked response whose body never ends: `chunkSize` bytes per chunk, written as fast as
    /// the client reads them (the server respects back-pressure, so its memory stays flat).
    case endlessBody(status: Int, chunkSize: Int)
    /// A chunked response that sends `chunk` every `interval`, `count` times (forever when `nil`),
    /// then ends the body.
    case trickle(status: Int, chunk: [UInt8], interval: Duration, count: Int?)
    /// Reads the request, then aborts the connection with a TCP reset (`SO_LINGER` 0).
    case reset
    /// Answers with these bytes instead of HTTP, then closes the connection.
    case garbage([UInt8])
    /// A redirect to `location` (absolute, or a path on this server) with the given 3xx status.
    case redirect(to: String, status: Int)

    /// `200 OK` with a text body.
    public static func ok(_ body: String = "OK", headers: [String: String] = [:]) -> ScriptedBehaviour {
        .respond(ScriptedResponse(status: 200, headers: headers, body: Array(body.utf8)))
    }

    /// A response with this status and an optional text body.
    public static func status(_ code: Int, body: String = "", delay: Duration = .zero) -> ScriptedBehaviour {
        .respond(ScriptedResponse(status: code, body: Array(body.utf8), delay: delay))
    }

    /// `200 OK` with a JSON body.
    public static func json(_ text: String, status: Int = 200) -> ScriptedBehaviour {
        .respond(
            ScriptedResponse(
                status: status, headers: ["Content-Type": "application/json"],
                body: Array(text.utf8)))
    }

    /// A `302 Found` to `location`.
    public static func redirect(to location: String) -> ScriptedBehaviour { .redirect(to: location, status: 302) }
}

/// A well-formed HTTP response to script.
public struct ScriptedResponse: Sendable, Equatable {
    /// The status code.
    public var status: Int
    /// Extra headers; `Content-Length` is added unless given here.
    public var headers: [String: String]
    /// The body, sent with `Content-Length`.
    public var body: [UInt8]
    /// Time between reading the request and sending the response.
    public var delay: Duration

    /// A response; by default empty and at once.
    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = [], delay: Duration = .zero) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
    }
}

/// A request as the server received it.
public struct RecordedRequest: Sendable, Equatable {
    /// The method as sent, e.g. `POST`.
    public var method: String
    /// The request target as sent, including any query.
    public var uri: String
    /// The path of ``uri`` without the query.
    public var path: String
    /// Header names and values in the order received.
    public var headers: [(name: String, value: String)]
    /// The body (recorded up to 1 MiB).
    public var body: [UInt8]

    /// The first value of a header (case-insensitive name).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The body as UTF-8 text.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// Same method, target, headers (in order) and body.
    public static func == (lhs: RecordedRequest, rhs: RecordedRequest) -> Bool {
        lhs.method == rhs.method && lhs.uri == rhs.uri && lhs.body == rhs.body
            && lhs.headers.map(\.name) == rhs.headers.map(\.name)
            && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}
