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
        guard let openssl = openSSLPath else { throw LoopbackServerError.tlsIdentity("openssl not found") }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("probes-tls-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyURL = directory.appendingPathComponent("key.pem")
        let certificateURL = directory.appendingPathComponent("cert.pem")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", keyURL.path, "-out", certificateURL.path, "-days", String(validDays),
            "-subj", "/CN=\(commonName)", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ]
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
            throw LoopbackServerError.tlsIdentity("openssl exited with \(status)")
        }
        return TLSIdentity(
            certificatePEM: Array(try Data(contentsOf: certificateURL)),
            privateKeyPEM: Array(try Data(contentsOf: keyURL)))
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
