import Foundation
import Probes

extension EstateLayout {
    /// This layout on the ports a probes.json probes, so the estate follows a port moved there
    /// (for instance away from one already in use); with notes on what will not line up.
    /// - Returns: the layout, and one line per entry whose probe the estate will not answer.
    public func adopting(_ config: ProbesConfig) -> (layout: EstateLayout, notes: [String]) {
        var layout = self
        var notes: [String] = []
        let nodes = Set(nodeNames)
        for service in config.services {
            guard let probe = service.probe else { continue }
            if case .transaction(let transaction) = probe.kind {
                notes += adoptTransaction(transaction, of: service.name, into: &layout)
                continue
            }
            guard nodes.contains(service.name) else {
                notes.append("\(service.name) is not part of the demo estate; its probe will fail")
                continue
            }
            guard case .http(let http) = probe.kind, let port = http.url.port,
                ["127.0.0.1", "localhost"].contains(http.url.host ?? "")
            else {
                notes.append("\(service.name) is not probed over http://127.0.0.1:<port>; the estate cannot answer it")
                continue
            }
            guard let index = layout.servers.firstIndex(where: { $0.routes.contains { $0.node == service.name } })
            else { continue }
            let server = layout.servers[index]
            if server.port != port, server.port != self.servers[index].port {
                notes.append("\(service.name) probes port \(port) but \(server.name) already moved to \(server.port)")
            } else {
                layout.servers[index].port = port
            }
            let paths = server.routes.filter { $0.node == service.name }.map(\.path)
            if !paths.contains(http.url.path) {
                notes.append(
                    "\(service.name) probes \(http.url.path); the estate serves it at "
                        + paths.joined(separator: ", "))
            }
        }
        return (layout, notes)
    }

    /// A transaction walks through routes of any node: each step's server follows the port its URL names.
    private func adoptTransaction(
        _ transaction: TransactionProbe, of service: String, into layout: inout EstateLayout
    ) -> [String] {
        var notes: [String] = []
        for step in transaction.steps + transaction.cleanup {
            let sample = ContextTemplate.fill(step.url) { _ in "x" } ?? step.url
            guard let url = URL(string: sample), let port = url.port,
                ["127.0.0.1", "localhost"].contains(url.host ?? "")
            else {
                notes.append(
                    "\(service) step \"\(step.name)\" is not sent to http://127.0.0.1:<port>; "
                        + "the estate cannot answer it")
                continue
            }
            guard let index = layout.servers.firstIndex(where: { $0.routes.contains { $0.path == url.path } }) else {
                notes.append("\(service) step \"\(step.name)\" calls \(url.path), which the estate does not serve")
                continue
            }
            if layout.servers[index].port != port, layout.servers[index].port != servers[index].port {
                notes.append(
                    "\(service) step \"\(step.name)\" calls port \(port) but \(layout.servers[index].name) "
                        + "already moved to \(layout.servers[index].port)")
            } else {
                layout.servers[index].port = port
            }
        }
        return notes
    }
}
