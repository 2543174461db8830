import Foundation
import Probes

extension DetailPane {
    /// The step table of a transaction's latest run: one row per step and cleanup step with its
    /// status, latency and error; the step that failed the journey is marked with the selection glyph (`▶`, `>` in ASCII).
    ///
    /// ```
    /// steps (latest run)
    ///    ● log in                    4ms
    ///  ▶ ✖ order matches payment    11ms  condition [BODY].charged == [BODY].paid failed: …
    ///    ● cancel the test order     3ms  cleanup
    /// ```
    func stepLines(_ result: ProbeResult, width: Int) -> [Line] {
        guard !result.steps.isEmpty else { return [] }
        let failed = result.failedStep?.name
        let nameWidth = min(28, result.steps.map(\.name.displayWidth).max() ?? 0)
        let marker = theme.glyphs.selection
        var lines = [Line("steps (latest run)", style: theme.headerStyle)]
        for step in result.steps {
            let isFailure = step.name == failed && !step.isCleanup
            var spans = [
                Span(
                    isFailure ? " \(marker) " : "   ", style: theme.resolve(Style(foreground: .red, attributes: .bold))),
                stepStatusSpan(step.status),
                Span(
                    " " + Self.pad(clip(step.name, nameWidth), nameWidth),
                    style: isFailure ? Style(attributes: .bold) : .plain),
                Span(Self.pad(step.status == .skipped ? "" : BoardFormat.latency(step.latency), 8, right: true)),
            ]
            var note: [String] = []
            if step.isCleanup { note.append("cleanup") }
            if let error = step.error { note.append(error) }
            if !note.isEmpty {
                let style: Style =
                    switch step.status {
                    case .down: theme.resolve(.fg(.red))
                    case .degraded: theme.resolve(.fg(.yellow))
                    case .up, .skipped: theme.dimStyle
                    }
                spans.append(Span("  " + note.joined(separator: ": "), style: style))
            }
            lines.append(Line(spans))
        }
        lines.append(Line(""))
        return lines
    }

    private func stepStatusSpan(_ status: StepResult.Status) -> Span {
        switch status {
        case .up: theme.statusSpan(.up)
        case .degraded: theme.statusSpan(.degraded)
        case .down: theme.statusSpan(.down)
        case .skipped: Span("-", style: theme.dimStyle)
        }
    }

    private func clip(_ text: String, _ width: Int) -> String {
        guard text.displayWidth > width, width > 1 else { return text }
        var out = ""
        for character in text {
            if (out + String(character)).displayWidth > width - 1 { break }
            out.append(character)
        }
        return out + theme.glyphs.ellipsis
    }
}
