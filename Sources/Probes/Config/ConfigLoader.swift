import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads and validates `probes.json`.
///
/// Every problem is reported at once, each with its JSON path; messages quote the file's own
/// text, never a value substituted from the environment.
public enum ConfigLoader {
    /// Files larger than this are refused rather than read into memory.
    public static let maxFileBytes = 16 << 20

    /// Loads the config at `path`; error lines name the file as `path` is written.
    /// - Throws: ``ConfigErrors`` listing every problem (one issue when the file cannot be read).
    public static func load(
        contentsOf path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigErrors) -> ProbesConfig {
        let data: Data
        switch readFile(path) {
        case .success(let bytes): data = bytes
        case .failure(let message): throw ConfigErrors(file: path, issues: [ConfigIssue(path: "", message: message)])
        }
        return try load(data: data, displayName: path, environment: environment)
    }

    /// Loads a config from memory; `displayName` is the subject of the error lines.
    /// - Throws: ``ConfigErrors`` listing every problem.
    public static func load(data: Data, displayName: String, environment: [String: String]) throws(ConfigErrors)
        -> ProbesConfig
    {
        let document: ConfigJSONDocument
        do {
            document = try ConfigJSONParser.parse(data)
        } catch {
            throw ConfigErrors(file: displayName, issues: [ConfigIssue(path: "", message: error.description)])
        }
        var validator = ConfigValidator(environment: environment)
        guard let config = validator.validate(document) else {
            throw ConfigErrors(file: displayName, issues: validator.issues)
        }
        return config
    }

    /// The names of the environment variables `text` refers to with `${NAME}`, read as the loader
    /// reads them (`$${` is a literal, not a reference).
    public static func referencedVariables(in text: String) -> Set<String> {
        Set(ConfigSubstitution.references(in: text))
    }

    private enum ReadOutcome {
        case success(Data)
        case failure(String)
    }

    /// Reads a whole file with POSIX calls, so that failures carry the system's own words
    /// ("No such file or directory", "Is a directory", "Permission denied").
    private static func readFile(_ path: String) -> ReadOutcome {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return .failure("cannot read: " + String(cString: strerror(errno))) }
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure("cannot read: " + String(cString: strerror(errno)))
            }
            if count == 0 { return .success(data) }
            data.append(contentsOf: buffer[0..<count])
            if data.count > maxFileBytes {
                return .failure("cannot read: the file is larger than \(maxFileBytes >> 20) MiB")
            }
        }
    }
}
