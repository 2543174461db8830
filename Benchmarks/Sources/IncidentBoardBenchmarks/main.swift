import Dashboard

import Foundation
import Probes

// Run with: cd Benchmarks && swift run -c release incidentboard-bench [filter]
let filter = CommandLine.arguments.dropFirst().first
func wanted(_ name: String) -> Bool { filter.map { name.localizedCaseInsensitiveContains($0) } ?? true }

print("IncidentBoard micro-benchmarks (release build; best of several runs)")
if wanted("slo") { SLOBenchmarks.run() }
if wanted("cascade") { CascadeBenchmarks.run() }
if wanted("monitor") { MonitorBenchmarks.run() }
if wanted("dashboard") { DashboardBenchmarks.run() }
