import Foundation
import ProbesTesting
import Testing

/// The Prometheus text format read back into samples, as a scraper would (tests only).
struct ParsedExposition {
    /// One sample: its name and labels.
    struct Key: Hashable, CustomStringConvertible {
        var name: String
        var labels: [String: String]
        var description: String {
            name + "{"
                + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }
                .joined(separator: ",") + "}"
        }
    }

    var samples: [Key: Double] = [:]
    var types: [String: String] = [:]
    var helps: [String: String] = [:]
    /// Lines that are neither comments nor samples, and samples seen twice.
    var problems: [String] = []

    init(_ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                guard parts.count == 2 else {
                    problems.append(String(line))
                    continue
                }
                types[String(parts[0])] = String(parts[1])
                continue
            }
            if line.hasPrefix("# HELP ") {
                let rest = line.dropFirst(7)
                if let space = rest.firstIndex(of: " ") {
                    helps[String(rest[..<space])] = String(rest[rest.index(after: space)...])
                }
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let (key, value) = Self.sample(line) else {
                problems.append("unparsable: \(line)")
                continue
            }
            if samples[key] != nil { problems.append("duplicate: \(key)") }
            samples[key] = value
        }
    }

    static func sample(_ line: Substring) -> (Key, Double)? {
        var labels: [String: String] = [:]
        let name: Substring
        var rest: Substring
        if let brace = line.firstIndex(of: "{") {
            name = line[..<brace]
            rest = line[line.index(after: brace)...]
            while !rest.hasPrefix("}") {
                guard let eq = rest.firstIndex(of: "=") else { return nil }
                let label = String(rest[..<eq])
                rest = rest[rest.index(after: eq)...]
                guard rest.hasPrefix("\"") else { return nil }
                rest = rest.dropFirst()
                var value = ""
                while let c = rest.first, c != "\"" {
                    if c == "\\" {
                        rest = rest.dropFirst()
                        guard let escaped = rest.first else { return nil }
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(c)
                    }
                    rest = rest.dropFirst()
                }
                guard rest.hasPrefix("\"") else { return nil }
                rest = rest.dropFirst()
                labels[label] = value
                if rest.hasPrefix(",") { rest = rest.dropFirst() }
            }
            rest = rest.dropFirst()
        } else {
            guard let space = line.firstIndex(of: " ") else { return nil }
            name = line[..<space]
            rest = line[space...]
        }
        let text = rest.trimmingCharacters(in: .whitespaces)
        let value: Double? =
            switch text {
            case "+Inf": .infinity
            case "-Inf": -.infinity
            case "NaN": .nan
            default: Double(text)
            }
        guard let value, !name.isEmpty else { return nil }
        return (Key(name: String(name), labels: labels), value)
    }

    /// The value of one series, or `nil` when absent.
    func value(_ name: String, _ labels: [String: String]) -> Double? {
        samples[Key(name: name, labels: labels)]
    }

    /// Every series of a family.
    func series(_ name: String) -> [Key: Double] { samples.filter { $0.key.name == name } }
}

/// A deliberately plain HTTP client over a blocking socket, so tests can send anything at all
/// (garbage included) and see exactly what comes back. Runs on a thread, never on the pool.
enum RawHTTP {
    struct Response {
        var raw: Data
        var statusLine: String
        var status: Int?
        var headers: [String: String]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Sends `request` to 127.0.0.1:`port` and reads until the server closes (10 s at most).
    /// With `endingInput`, the client then closes its sending side, as a client that gave up would.
    static func exchange(port: Int, _ request: [UInt8], endingInput: Bool = false) async -> Data {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: blockingExchange(port: port, request, endingInput: endingInput))
            }
        }
    }

    /// A request with `Connection: close`, parsed.
    static func get(port: Int, _ path: String, method: String = "GET", version: String = "HTTP/1.1") async
        -> Response?
    {
        let request = "\(method) \(path) \(version)\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        return parse(await exchange(port: port, Array(request.utf8)))
    }

    static func blockingExchange(port: Int, _ request: [UInt8], endingInput: Bool = false) -> Data {
        let connected = LoopbackSocket.connect(port: port) { fd in
            var timeout = timeval(tv_sec: 30, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        guard let fd = connected else { return Data() }
        defer { close(fd) }
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }
            sent += n
        }
        if endingInput { shutdown(fd, Int32(SHUT_WR)) }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            received.append(contentsOf: buffer[0..<n])
        }
        return received
    }

    static func parse(_ raw: Data) -> Response? {
        guard let end = raw.range(of: Data("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: raw[raw.startIndex..<end.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[line[..<colon].lowercased()] = value
        }
        var body = Data(raw[end.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) ?? Data() }
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        return Response(raw: raw, statusLine: statusLine, status: status, headers: headers, body: body)
    }

    static func dechunk(_ data: Data) -> Data? {
        var out = Data()
        var rest = data[...]
        while true {
            guard let lineEnd = rest.range(of: Data("\r\n".utf8)) else { return nil }
            let sizeText = String(decoding: rest[rest.startIndex..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16) else { return nil }
            rest = rest[lineEnd.upperBound...]
            if size == 0 { return out }
            guard rest.count >= size + 2 else { return nil }
            out.append(rest[rest.startIndex..<(rest.startIndex + size)])
            rest = rest[(rest.startIndex + size + 2)...]
        }
    }
}
