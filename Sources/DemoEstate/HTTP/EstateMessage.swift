import NIOHTTP1
import Probes

/// A request as a simulated node sees it.
public struct EstateRequest: Sendable, Equatable {
    /// The method.
    public var method: HTTPMethod
    /// The path, without its query.
    public var path: String
    /// The body as text (capped).
    public var body: String

    /// Creates a request.
    public init(method: HTTPMethod, path: String, body: String = "") {
        self.method = method
        self.path = path
        self.body = body
    }
}

/// What a simulated node answers.
public struct EstateResponse: Sendable, Equatable {
    /// The status code.
    public var status: HTTPResponseStatus
    /// A JSON body.
    public var body: String
    /// Close the connection without answering (a path that is hard-down on a live port).
    public var dropsConnection: Bool

    /// A JSON answer.
    public init(_ status: HTTPResponseStatus, _ body: JSONBody) {
        self.status = status
        self.body = body.text
        self.dropsConnection = false
    }

    /// No answer: the connection is closed.
    public static let dropped = EstateResponse(dropping: ())

    private init(dropping: Void) {
        status = .serviceUnavailable
        body = ""
        dropsConnection = true
    }
}

/// A flat JSON object written in the order its fields were given (answers are tiny).
public struct JSONBody: Sendable, Equatable {
    /// A field value.
    public enum Value: Sendable, Equatable {
        case string(String)
        case bool(Bool)
        case int(Int)
        case object(JSONBody)
    }

    /// The fields, in order.
    public var fields: [(String, Value)] {
        get { storage }
        set { storage = newValue }
    }

    private var storage: [(String, Value)]

    /// An object with `fields`.
    public init(_ fields: [(String, Value)] = []) {
        storage = fields
    }

    /// Appends a field.
    public mutating func add(_ key: String, _ value: Value) {
        storage.append((key, value))
    }

    /// The JSON text.
    public var text: String {
        "{" + storage.map { JSONText.quote($0.0) + ":" + Self.text($0.1) }.joined(separator: ",") + "}"
    }

    private static func text(_ value: Value) -> String {
        switch value {
        case .string(let s): JSONText.quote(s)
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .object(let o): o.text
        }
    }

    /// Fields compare in order.
    public static func == (lhs: JSONBody, rhs: JSONBody) -> Bool {
        lhs.storage.count == rhs.storage.count
            && zip(lhs.storage, rhs.storage).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }
}
