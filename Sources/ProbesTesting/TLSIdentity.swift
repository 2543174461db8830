import Foundation
import NIOSSL

/// A certificate and private key (PEM) for a TLS ``LoopbackHTTPServer``.
public struct TLSIdentity: Sendable {
    /// The certificate (chain), PEM encoded.
    public var certificatePEM: [UInt8]
    /// The private key, PEM encoded.
    public var privateKeyPEM: [UInt8]

    /// An identity from PEM bytes.
    public init(certificatePEM: [UInt8], privateKeyPEM: [UInt8]) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }

    /// Where the `openssl` command line tool is, when it is installed.
    public static var openSSLPath: String? {
        ["/usr/bin/openssl", "/usr/local/bin/openssl", "/opt/homebrew/bin/openssl"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A fresh self-signed certificate for `localhost` and 127.0.0.1, valid from now for
    /// `validDays` days, made with the `openssl` tool (no Swift package here generates one).
    /// - Throws: ``LoopbackServerError/tlsIdentity(_:)`` when `openssl` is missing or fails.
    public static func selfSigned(commonName: String = "localhost", validDays: Int = 30) async throws -> TLSIdentity {
        try await withScratchDirectory { directory in
            let key = directory.appendingPathComponent("key.pem")
            let certificate = directory.appendingPathComponent("cert.pem")
            try await runOpenSSL([
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.path, "-out", certificate.path, "-days", String(validDays),
                "-subj", "/CN=\(commonName)", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ])
            return try TLSIdentity(certificateURL: certificate, keyURL: key)
        }
    }

    /// A fresh certificate authority (self-signed, `CA:TRUE`), to issue server certificates
    /// with ``issue(dnsName:ipAddress:validDays:)`` and to be trusted by a client as a CA file.
    public static func certificateAuthority(commonName: String = "IncidentBoard test CA") async throws -> TLSIdentity {
        try await withScratchDirectory { directory in
            let key = directory.appendingPathComponent("key.pem")
            let certificate = directory.appendingPathComponent("cert.pem")
            try await runOpenSSL([
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.path, "-out", certificate.path, "-days", "30", "-subj", "/CN=\(commonName)",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
            return try TLSIdentity(certificateURL: certificate, keyURL: key)
        }
    }

    /// A server certificate issued by this identity (a ``certificateAuthority(commonName:)``)
    /// for `dnsName` and, when given, `ipAddress`. Valid from now for `validDays` days; a
    /// negative count makes a certificate that has already expired.
    public func issue(dnsName: String = "localhost", ipAddress: String? = "127.0.0.1", validDays: Int = 30)
        async throws -> TLSIdentity
    {
        try await Self.withScratchDirectory { directory in
            let authorityKey = directory.appendingPathComponent("ca-key.pem")
            let authorityCertificate = directory.appendingPathComponent("ca-cert.pem")
            try Data(privateKeyPEM).write(to: authorityKey)
            try Data(certificatePEM).write(to: authorityCertificate)
            let key = directory.appendingPathComponent("key.pem")
            let request = directory.appendingPathComponent("request.pem")
            let certificate = directory.appendingPathComponent("cert.pem")
            let extensions = directory.appendingPathComponent("extensions.cnf")
            let names = ["DNS:\(dnsName)"] + (ipAddress.map { ["IP:\($0)"] } ?? [])
            try Data(
                """
                subjectAltName=\(names.joined(separator: ","))
                basicConstraints=CA:FALSE
                extendedKeyUsage=serverAuth

                """.utf8
            ).write(to: extensions)
            try await Self.runOpenSSL([
                "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.path, "-out", request.path, "-subj", "/CN=\(dnsName)",
            ])
            try await Self.runOpenSSL([
                "x509", "-req", "-in", request.path, "-CA", authorityCertificate.path, "-CAkey", authorityKey.path,
                "-set_serial", String(UInt32.random(in: 1...UInt32.max)), "-days", String(validDays),
                "-extfile", extensions.path, "-out", certificate.path,
            ])
            return try TLSIdentity(certificateURL: certificate, keyURL: key)
        }
    }

    /// Writes the certificate (PEM) to a fresh temporary file, e.g. as a client's CA file;
    /// the caller removes it.
    public func writeCertificate() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("probes-ca-\(UUID().uuidString).pem")
        try Data(certificatePEM).write(to: url)
        return url
    }

    private init(certificateURL: URL, keyURL: URL) throws {
        self.init(
            certificatePEM: Array(try Data(contentsOf: certificateURL)),
            privateKeyPEM: Array(try Data(contentsOf: keyURL)))
    }

    private static func withScratchDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("probes-tls-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory)
    }

    private static func runOpenSSL(_ arguments: [String]) async throws {
        guard let openssl = openSSLPath else { throw LoopbackServerError.tlsIdentity("openssl not found") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        // Waits without blocking a thread of the (small) cooperative pool.
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else {
            throw LoopbackServerError.tlsIdentity("openssl \(arguments.first ?? "") exited with \(status)")
        }
    }

    /// The moment the certificate stops being valid.
    public func notValidAfter() throws -> Date {
        let certificate = try NIOSSLCertificate(bytes: certificatePEM, format: .pem)
        return Date(timeIntervalSince1970: TimeInterval(certificate.notValidAfter))
    }

    func makeServerContext() throws -> NIOSSLContext {
        let certificates = try NIOSSLCertificate.fromPEMBytes(certificatePEM)
        let key = try NIOSSLPrivateKey(bytes: privateKeyPEM, format: .pem)
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(key))
        return try NIOSSLContext(configuration: configuration)
    }
}
