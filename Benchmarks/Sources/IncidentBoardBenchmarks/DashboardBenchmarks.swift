import Dashboard
import Foundation

enum DashboardBenchmarks {
    static func run() {
        do {
            for (size, perFrame) in try DashboardBenchmark.renderAndDiff(services: 1000, frames: 200) {
                report("dashboard: render + diff, 1,000 services, \(size.width)x\(size.height)",
                       String(format: "%.2f ms/frame", perFrame.ms), goal: "< 2 ms")
            }
        } catch {
            print("dashboard benchmark: \(error)")
        }
    }
}
