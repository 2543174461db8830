
import Foundation

enum DashboardBenchmarks {
    static func run() {
        print("dashboard: render + diff benchmark is wired once the board views land")
    }
}
