import Foundation
import Probes

/// Where `--metrics-listen` asks the `/metrics` endpoint to listen: `HOST:PORT`, `:PORT` or `PORT`
/// (loopback when no host is given, so an agent never opens a port to the network by surprise),
/// or `[IPv6]:PORT`.
public struct MetricsListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host or address to bind, without brackets (`127.0.0.1`, `0.0.0.0`, `::1`, `localhost`).
    public var host: String
    /// The TCP port, 1–65535 (0 only when built in code, for "any free port").
    public var port: Int

    /// The host used when the flag gives none.
    public static let defaultHost = "127.0.0.1"

    /// An address as given in code (tests use port 0 for a free port).
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses a `--metrics-listen` value.
    /// - Throws: a ``MetricsListenAddressError`` whose description says what is wrong and what is expected.
    public init(parsing text: String) throws(MetricsListenAddressError) {
        let trimmed = text.trimmingWhitespace
        guard !trimmed.isEmpty else { throw .empty }
        let hostPart: Substring
        let portPart: Substring
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else { throw .malformed("no closing ]") }
            hostPart = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            let rest = trimmed[trimmed.index(after: close)...]
            guard rest.hasPrefix(":") else { throw .malformed("a port must follow ]:") }
            portPart = rest.dropFirst()
            guard !hostPart.isEmpty else { throw .malformed("empty address in brackets") }
        } else if let colon = trimmed.lastIndex(of: ":") {
            hostPart = trimmed[..<colon]
            portPart = trimmed[trimmed.index(after: colon)...]
            if hostPart.contains(":") {
                throw .malformed("an IPv6 address goes in brackets, e.g. [::1]:9464")
            }
        } else {
            hostPart = ""
            portPart = trimmed[...]
        }
        guard hostPart.allSatisfy(Self.isHostCharacter) else {
            throw .malformed("\"\(hostPart)\" is not a host name or address")
        }
        guard !portPart.isEmpty, portPart.count <= 5, portPart.allSatisfy(\.isASCIIDigit),
            let port = Int(portPart), (1...65535).contains(port)
        else { throw .badPort(String(portPart)) }
        host = hostPart.isEmpty ? Self.defaultHost : String(hostPart)
        self.port = port
    }

    /// `host:port`, with IPv6 addresses in brackets (as a user would type it back).
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func isHostCharacter(_ c: Character) -> Bool {
        c.isASCIIDigit || ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "." || c == "-" || c == ":"
            || c == "%" || c == "_"
    }
}

/// Why a `--metrics-listen` value was rejected.
public enum MetricsListenAddressError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No address at all.
    case empty
    /// Not in one of the accepted shapes; says why.
    case malformed(String)
    /// The port part is not a number from 1 to 65535.
    case badPort(String)

    /// What is wrong, for stderr after `incidentboard: --metrics-listen <value>: `.
    public var description: String {
        switch self {
        case .empty:
            "an address is needed: HOST:PORT, :PORT or PORT (e.g. 127.0.0.1:9464)"
        case .malformed(let why):
            "\(why); expected HOST:PORT, :PORT, PORT or [IPv6]:PORT"
        case .badPort(let port):
            "\"\(port)\" is not a port; a port is a number from 1 to 65535"
        }
    }
}

/// The `site` label every series carries (`--site`): which agent measured it. Label values may be
/// anything in Prometheus, but a site name shows up in dashboards, rule files and URLs, so it is
/// kept to a short, plain name.
public enum MetricsSite {
    /// Longest accepted name.
    public static let maximumLength = 63

    /// Why `name` is not a usable site name, or `nil` when it is.
    public static func problem(with name: String) -> String? {
        guard !name.isEmpty else { return "a site name cannot be empty" }
        guard name.count <= maximumLength else {
            return "\"\(name)\" is longer than \(maximumLength) characters"
        }
        guard let first = name.first, first.isASCIIDigit || first.isASCIILetter,
            name.allSatisfy({ $0.isASCIIDigit || $0.isASCIILetter || $0 == "." || $0 == "-" || $0 == "_" })
        else {
            return "\"\(name)\" is not a site name: use letters, digits, '.', '-' and '_', starting with a "
                + "letter or digit"
        }
        return nil
    }

    /// The default site: the host's short name (up to the first dot), made fit for a label;
    /// `localhost` when nothing usable is left.
    public static func defaultName(hostName: String) -> String {
        let short = hostName.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
        var name = String(short.map { $0.isASCIIDigit || $0.isASCIILetter || $0 == "-" || $0 == "_" ? $0 : "-" })
        while let first = name.first, !(first.isASCIIDigit || first.isASCIILetter) { name.removeFirst() }
        name = String(name.prefix(maximumLength))
        return name.isEmpty ? "localhost" : name
    }

    /// The default site of this machine: ``defaultName(hostName:)`` of its host name.
    public static func thisMachine() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return defaultName(hostName: "") }
        return defaultName(
            hostName: String(
                decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                as: UTF8.self))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
    fileprivate var isASCIILetter: Bool { isASCII && isLetter }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
