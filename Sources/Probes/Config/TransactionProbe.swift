import Foundation

/// `type: transaction`: a customer's journey as ordered HTTP steps. Values a step stores
/// (`store`) are read by later steps as `[CONTEXT].name` in their URL, headers, body and
/// conditions; `cleanup` steps always run after the steps, even after a failure or a timeout.
/// The probe's `timeout` bounds the steps together; each step may have a shorter one.
public struct TransactionProbe: Sendable {
    public var steps: [TransactionStep]
    public var cleanup: [TransactionStep]

    public init(steps: [TransactionStep], cleanup: [TransactionStep] = []) {
        self.steps = steps
        self.cleanup = cleanup
    }

    /// The upstreams the steps and cleanup steps name, in order, each once.
    public var upstreams: [String] {
        var seen: Set<String> = []
        return (steps + cleanup).compactMap(\.upstream).filter { seen.insert($0).inserted }
    }
}

/// One HTTP request of a transaction. URL, header values and body are templates that may hold
/// `[CONTEXT].name` references, filled in when the step runs.
public struct TransactionStep: Sendable {
    public var name: String
    public var method: String
    public var url: String
    public var headers: [HTTPHeader]
    public var body: String?
    /// Judge the answer; empty means 2xx is up. `[CONTEXT].name` may be used.
    public var conditions: [Condition]
    /// At most this long for this step (never past the transaction's own timeout).
    public var timeout: Duration?
    /// Values kept for later steps, in order.
    public var store: [TransactionStore]
    /// Whether the values this step stores may be shown; by default they are secrets.
    public var isPublic: Bool
    /// Stored names that may be shown although the step is not `public` (`"public": ["paid"]`).
    public var publicNames: [String] = []
    /// The dependency this step exercises: when the step fails, the cascade analysis sees it in trouble.
    public var upstream: String?
    public var maxBodyBytes: Int

    public init(
        name: String, method: String = "GET", url: String, headers: [HTTPHeader] = [], body: String? = nil,
        conditions: [Condition] = [], timeout: Duration? = nil, store: [TransactionStore] = [],
        isPublic: Bool = false, upstream: String? = nil, maxBodyBytes: Int = HTTPProbe.defaultMaxBodyBytes
    ) {
        self.name = name
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.conditions = conditions
        self.timeout = timeout
        self.store = store
        self.isPublic = isPublic
        self.upstream = upstream
        self.maxBodyBytes = maxBodyBytes
    }

    /// Whether the stored value `name` may be shown.
    public func isPublic(_ name: String) -> Bool { isPublic || publicNames.contains(name) }

    /// Every name the step reads through `[CONTEXT].name`, in its URL, headers, body or conditions.
    public var contextNames: [String] {
        var names = ContextTemplate.names(in: url)
        for header in headers { names += ContextTemplate.names(in: header.value) }
        if let body { names += ContextTemplate.names(in: body) }
        for condition in conditions { names += condition.contextNames }
        return names
    }
}

/// One `store` entry: a name and where its value comes from in the step's answer.
public struct TransactionStore: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// `[STATUS]`.
        case status
        /// `[BODY]` or `[BODY].a.b[0]`: the value at a JSON path (text as is, other JSON compact).
        case body([ConditionPathSegment])
    }

    public var name: String
    public var source: Source
    /// As written (`[BODY].token`), for messages.
    public var written: String

    public init(name: String, source: Source, written: String) {
        self.name = name
        self.source = source
        self.written = written
    }
}

/// `[CONTEXT].name` references in a step's URL, header values and body.
public enum ContextTemplate {
    static let marker = "[CONTEXT]."

    /// Stored names: letters, digits and `_`, starting with a letter or `_`.
    public static func isName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy(isNameScalar)
    }

    static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
    }

    /// The names referenced in `text`, in order (an empty name for a marker without one).
    public static func names(in text: String) -> [String] {
        var names: [String] = []
        _ = fill(text) { name in
            names.append(name)
            return ""
        }
        return names
    }

    /// `text` with every `[CONTEXT].name` replaced by `value(name)`; `nil` when `value` returns `nil`.
    public static func fill(_ text: String, _ value: (String) -> String?) -> String? {
        guard text.contains(marker) else { return text }
        var out = ""
        var rest = Substring(text)
        while let range = rest.range(of: marker) {
            out += rest[..<range.lowerBound]
            let after = rest[range.upperBound...]
            let name = String(after.unicodeScalars.prefix(while: isNameScalar))
            guard let filled = value(name) else { return nil }
            out += filled
            rest = after.dropFirst(name.count)
        }
        out += rest
        return out
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Percent-encodes a stored value for a URL: everything but RFC 3986's unreserved characters.
    static func urlEncoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}
