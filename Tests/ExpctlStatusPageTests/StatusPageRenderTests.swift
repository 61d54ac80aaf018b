import Foundation
import Testing

@testable import ExpctlStatusPage

@Suite("The status page's HTML")
struct StatusPageRenderTests {
    static let hostile = #"<script>alert("x")</script> & 'quotes'"#

    static func model() -> StatusModel {
        let day = Date(timeIntervalSince1970: 1_796_256_000)
        return StatusModel(
            generated: day, source: "repo main configs",
            passes: [.init(started: day, seconds: 0.25, outcome: "waiting", commit: "3f2a9c1e", summary: hostile)],
            pending: [
                .init(id: "update variant.exp/\(hostile)", state: "waiting", evidence: ["online gate: \(hostile)"]),
                .init(id: "create policy_version.p@2", state: "blocked", evidence: ["job failed"]),
            ],
            gates: [.init(kind: "online", subject: "exp/\(hostile)", verdict: "waiting", headline: hostile)],
            experiments: [
                .init(
                    name: "exp", status: "running",
                    variants: [
                        .init(
                            name: hostile, allocation: 0.1, retired: false, model: "m/2",
                            metrics: ["plan_acceptance_rate": [.init(time: day, value: 0.6)]],
                            intervals: ["plan_acceptance_rate": [.init(time: day, estimate: 0.1, lower: -0.1, upper: 0.3)]])
                    ])
            ],
            models: [.init(model: "m", version: "2", stage: "candidate", link: "http://mlflow/#/models/m/versions/2", runLink: nil)])
    }

    @Test func everyTextFromOutsideIsEscaped() {
        let html = StatusPage.render(Self.model())
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;"))
        #expect(!html.contains("<script"), "no script at all, ours or theirs")
    }

    @Test func waitingAndBlockedActionsCarryTheirEvidenceAndTheChartsAreDrawn() {
        let html = StatusPage.render(Self.model())
        #expect(html.contains(#"data-state="waiting""#) && html.contains(#"data-state="blocked""#))
        #expect(html.contains(#"<ul class="evidence"><li>online gate: &lt;script&gt;"#))
        #expect(html.contains(#"class="band""#))
        // One bar per look, the band's width at that look.
        let looks = Self.model().experiments.flatMap(\.variants).flatMap(\.intervals.values).map(\.count).reduce(0, +)
        #expect(html.components(separatedBy: #"class="look""#).count - 1 == looks)
        #expect(html.contains(#"<a href="http://mlflow/#/models/m/versions/2">version</a>"#))
        #expect(html.contains("1 action</div>"))
        // The same model renders the same page.
        #expect(StatusPage.render(Self.model()) == html)
    }

    @Test func anEmptyModelSaysSo() {
        let html = StatusPage.render(StatusModel(generated: Date(timeIntervalSince1970: 0), source: "r"))
        #expect(html.contains("No pass has run yet."))
        #expect(html.contains("Nothing waits"))
    }
}
