import Foundation

/// The status page at `/`: server-rendered HTML with inline SVG and CSS, no script. It
/// refreshes itself every 15 s. Every text from outside is escaped (`HTML.escape`); elements
/// carry ids and `data-` attributes so that a test, or a person's browser tools, find them.
public enum StatusPage {
    public static func render(_ model: StatusModel) -> String {
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="15">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>expctl — \(HTML.escape(model.source))</title><style>\(style)</style></head><body>
            <header><h1>expctl</h1><span class="source">\(HTML.escape(model.source))</span>
            \(model.leader.map { "<span class=\"leader\">leader: \(HTML.escape($0))</span>" } ?? "")
            <span class="muted">\(HTML.time(model.generated))</span></header><main>
            """
        html += summary(model)
        html += section("pending", "Waiting and blocked", pending(model.pending))
        html += section("gates", "Gates judged by the last plan", gates(model.gates))
        html += section("experiments", "Experiments", model.experiments.map(experiment).joined())
        html += section("jobs", "Jobs", jobs(model.jobs))
        html += section("models", "Model versions", models(model.models))
        html += section("passes", "Last passes", passes(model.passes))
        html += "</main></body></html>\n"
        return html
    }

    private static func section(_ id: String, _ title: String, _ body: String) -> String {
        "<section id=\"\(id)\"><h2>\(HTML.escape(title))</h2>\(body)</section>"
    }

    private static func badge(_ state: String) -> String {
        "<span class=\"badge \(HTML.escape(state))\">\(HTML.escape(state))</span>"
    }

    private static func summary(_ model: StatusModel) -> String {
        let last = model.passes.first
        var cards = [
            card("Last pass", last.map { badge($0.outcome) + " " + HTML.escape($0.summary) } ?? "none yet"),
            card(
                "Last applied",
                model.lastApplied.map { "<code>\(HTML.escape(String($0.commit.prefix(7))))</code> at \(HTML.time($0.at))" }
                    ?? "nothing yet"),
            card("Waiting", actions(model.pending.filter { $0.state == "waiting" }.count)),
            card("Blocked", actions(model.pending.filter { $0.state == "blocked" }.count)),
        ]
        if let running = model.passRunningSince { cards.append(card("Pass under way", "since \(HTML.time(running))")) }
        return "<section id=\"summary\" class=\"cards\">\(cards.joined())</section>"
    }

    private static func actions(_ count: Int) -> String { count == 1 ? "1 action" : "\(count) actions" }

    private static func card(_ title: String, _ body: String) -> String {
        "<div class=\"card\"><div class=\"card-title\">\(HTML.escape(title))</div><div>\(body)</div></div>"
    }

    private static func pending(_ actions: [StatusModel.PendingAction]) -> String {
        guard !actions.isEmpty else { return "<p class=\"muted\">Nothing waits: the last plan had everything ready.</p>" }
        let rows = actions.map { action in
            "<tr class=\"action\" data-address=\"\(HTML.escape(action.id))\" data-state=\"\(HTML.escape(action.state))\">"
                + "<td><code>\(HTML.escape(action.id))</code></td><td>\(badge(action.state))</td><td><ul class=\"evidence\">"
                + action.evidence.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul></td></tr>"
        }
        return table(["action", "state", "evidence"], rows)
    }

    private static func gates(_ gates: [StatusModel.Gate]) -> String {
        guard !gates.isEmpty else { return "<p class=\"muted\">No gate was judged.</p>" }
        return table(
            ["gate", "subject", "verdict", "evidence"],
            gates.map { gate in
                "<tr class=\"gate\" data-subject=\"\(HTML.escape(gate.subject))\"><td>\(HTML.escape(gate.kind))</td>"
                    + "<td><code>\(HTML.escape(gate.subject))</code></td><td>\(badge(gate.verdict))</td>"
                    + "<td>\(HTML.escape(gate.headline))</td></tr>"
            })
    }

    private static func experiment(_ experiment: StatusModel.Experiment) -> String {
        var html =
            "<article class=\"experiment\" data-experiment=\"\(HTML.escape(experiment.name))\"><h3>"
            + "\(HTML.escape(experiment.name)) \(badge(experiment.status))</h3>"
        html += table(
            ["variant", "allocation", "model version"],
            experiment.variants.map { variant in
                "<tr data-variant=\"\(HTML.escape(variant.name))\"><td>\(HTML.escape(variant.name))"
                    + (variant.retired ? " \(badge("retired"))" : "") + "</td>"
                    + "<td>\(String(format: "%.1f%%", variant.allocation * 100))</td>"
                    + "<td>\(HTML.escape(variant.model ?? "—"))</td></tr>"
            })
        let metrics = Set(experiment.variants.flatMap(\.metrics.keys)).sorted()
        html += "<div class=\"charts\">"
        for metric in metrics {
            let series = experiment.variants.map { ($0.name, $0.metrics[metric] ?? []) }
            html +=
                "<figure><figcaption>\(HTML.escape(metric)) by day</figcaption>"
                + SVGCharts.lines(series, label: "\(experiment.name) \(metric)", percent: metric.hasSuffix("_rate"))
                + "</figure>"
        }
        for variant in experiment.variants {
            for (metric, points) in variant.intervals.sorted(by: { $0.key < $1.key }) {
                html +=
                    "<figure class=\"interval\"><figcaption>\(HTML.escape(variant.name)) against the baseline:"
                    + " \(HTML.escape(metric)), always-valid interval of the relative effect</figcaption>"
                    + SVGCharts.interval(points, label: "\(experiment.name)/\(variant.name) \(metric)") + "</figure>"
            }
        }
        return html + "</div></article>"
    }

    private static func jobs(_ jobs: [StatusModel.Job]) -> String {
        guard !jobs.isEmpty else { return "<p class=\"muted\">No job in the ledger.</p>" }
        return table(
            ["job", "state", "attempts", "detail"],
            jobs.map { job in
                "<tr class=\"job\"><td>\(HTML.escape(job.kind)) <code>\(HTML.escape(job.name))</code></td>"
                    + "<td>\(badge(job.state))</td><td>\(job.attempts)</td><td>\(HTML.escape(job.detail))</td></tr>"
            })
    }

    private static func models(_ models: [StatusModel.ModelVersion]) -> String {
        guard !models.isEmpty else { return "<p class=\"muted\">No model version was read from MLflow.</p>" }
        return table(
            ["model version", "stage", "MLflow"],
            models.map { version in
                let name = HTML.escape("\(version.model)/\(version.version)")
                let links = [
                    version.link.map { "<a href=\"\(HTML.escape($0))\">version</a>" },
                    version.runLink.map { "<a href=\"\(HTML.escape($0))\">run</a>" },
                ].compactMap { $0 }.joined(separator: " · ")
                return "<tr><td><code>\(name)</code></td><td>\(badge(version.stage))</td><td>\(links)</td></tr>"
            })
    }

    private static func passes(_ passes: [StatusModel.Pass]) -> String {
        guard !passes.isEmpty else { return "<p class=\"muted\">No pass has run yet.</p>" }
        return table(
            ["started", "outcome", "commit", "took", "summary"],
            passes.map { pass in
                "<tr class=\"pass\"><td>\(HTML.time(pass.started))</td><td>\(badge(pass.outcome))</td>"
                    + "<td><code>\(HTML.escape(pass.commit.map { String($0.prefix(7)) } ?? "—"))</code></td>"
                    + "<td>\(String(format: "%.2f s", pass.seconds))</td><td>\(HTML.escape(pass.summary))</td></tr>"
            })
    }

    private static func table(_ headers: [String], _ rows: [String]) -> String {
        "<table><thead><tr>" + headers.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
            + rows.joined() + "</tbody></table>"
    }

    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f3f4f6;color:#111827}
        header{display:flex;gap:16px;align-items:baseline;padding:14px 28px;background:#111827;color:#f9fafb}
        header h1{font-size:20px;margin:0}header .source,header .leader{font-family:ui-monospace,monospace}
        main{padding:18px 28px;max-width:1200px}section{background:#fff;border-radius:8px;padding:14px 18px;
        margin-bottom:16px;box-shadow:0 1px 2px rgba(0,0,0,.06)}h2{font-size:16px;margin:0 0 10px}
        h3{font-size:15px;margin:6px 0}.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));
        gap:12px;background:none;box-shadow:none;padding:0}.card{background:#fff;border-radius:8px;padding:12px 14px;
        box-shadow:0 1px 2px rgba(0,0,0,.06)}.card-title{font-size:12px;color:#6b7280;text-transform:uppercase;
        letter-spacing:.04em}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;
        border-bottom:1px solid #e5e7eb;vertical-align:top}th{font-size:12px;color:#6b7280}
        code{font-family:ui-monospace,monospace;font-size:12.5px}ul.evidence{margin:0;padding-left:18px}
        .badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;background:#e5e7eb}
        .badge.converged,.badge.pass,.badge.succeeded,.badge.production,.badge.running{background:#d1fae5;color:#065f46}
        .badge.applied,.badge.candidate{background:#dbeafe;color:#1e40af}
        .badge.waiting,.badge.pending,.badge.inconclusive{background:#fef3c7;color:#92400e}
        .badge.blocked,.badge.stalled,.badge.fail,.badge.failed,.badge.transient{background:#fee2e2;color:#991b1b}
        .charts{display:flex;flex-wrap:wrap;gap:14px}figure{margin:8px 0}figcaption{font-size:12px;color:#374151;
        margin-bottom:4px}.muted{color:#6b7280}a{color:#1d4ed8}
        """
}
