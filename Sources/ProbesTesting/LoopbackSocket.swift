import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Plain blocking client sockets to 127.0.0.1, for tests that must hold connections, send part of a
/// request or never read: what a hostile client does, which no HTTP client library will.
public enum LoopbackSocket {
    /// A socket connected to `127.0.0.1:port`, or `nil` when the connection failed; close it with
    /// `close(_:)`.
    /// - Parameter configure: runs on the socket before it connects (options such as `SO_RCVBUF`
    ///   must be set then to count).
    public static func connect(port: Int, configure: (Int32) -> Void = { _ in }) -> Int32? {
        #if os(Linux)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return nil }
        configure(fd)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }
}
