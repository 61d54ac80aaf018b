import Crypto
import Foundation
import Testing

@testable import ExpctlService

@Suite("Webhook deliveries")
struct WebhookReceiverTests {
    static let secret = "a-webhook-secret-of-some-length"

    static func push(ref: String = "refs/heads/main", after: String = String(repeating: "ab", count: 20)) -> [UInt8] {
        Array(#"{"ref":"\#(ref)","after":"\#(after)","repository":{"full_name":"team/experiments"}}"#.utf8)
    }

    static func signature(_ body: [UInt8], secret: String = secret) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    static func headers(_ fields: [String: String]) -> (String) -> String? {
        let lowered = Dictionary(uniqueKeysWithValues: fields.map { ($0.key.lowercased(), $0.value) })
        return { lowered[$0.lowercased()] }
    }

    @Test func aSignedPushToTheTrackedBranchWakesTheLoop() {
        let receiver = WebhookReceiver(secret: Self.secret, trackedBranch: "main")
        let body = Self.push()
        let outcome = receiver.receiveGitHub(
            header: Self.headers([
                "X-Hub-Signature-256": Self.signature(body), "X-GitHub-Event": "push", "X-GitHub-Delivery": "d-1",
            ]), body: body)
        #expect(outcome == .wake(commit: String(repeating: "ab", count: 20)))
    }

    @Test func aBadSignatureIsRefused() {
        let receiver = WebhookReceiver(secret: Self.secret, trackedBranch: "main")
        let body = Self.push()
        for signature in [Self.signature(body, secret: "another-secret-entirely"), "sha256=zz", "sha1=abc"] {
            let outcome = receiver.receiveGitHub(
                header: Self.headers(["X-Hub-Signature-256": signature, "X-GitHub-Event": "push"]), body: body)
            guard case .refused(401, _) = outcome else {
                Issue.record("\(signature): \(outcome)")
                continue
            }
        }
        // A body changed after signing is refused too.
        let tampered = Self.push(ref: "refs/heads/other")
        let outcome = receiver.receiveGitHub(
            header: Self.headers(["X-Hub-Signature-256": Self.signature(body), "X-GitHub-Event": "push"]), body: tampered)
        #expect(outcome == .refused(status: 401, "the signature does not match the body and the shared secret"))
        #expect(receiver.receiveGitHub(header: Self.headers([:]), body: body) == .refused(status: 401, "no X-Hub-Signature-256 header"))
    }

    @Test func aDeliverySeenBeforeIsIgnored() {
        let receiver = WebhookReceiver(secret: Self.secret, trackedBranch: "main")
        let body = Self.push()
        let headers = Self.headers([
            "X-Hub-Signature-256": Self.signature(body), "X-GitHub-Event": "push", "X-GitHub-Delivery": "d-7",
        ])
        #expect(receiver.receiveGitHub(header: headers, body: body) == .wake(commit: String(repeating: "ab", count: 20)))
        #expect(receiver.receiveGitHub(header: headers, body: body) == .ignored("delivery d-7 was seen before"))
    }

    @Test func aPushToAnotherBranchOrAnotherEventIsIgnored() {
        let receiver = WebhookReceiver(secret: Self.secret, trackedBranch: "refs/heads/main")
        let other = Self.push(ref: "refs/heads/feature")
        #expect(
            receiver.receiveGitHub(
                header: Self.headers(["X-Hub-Signature-256": Self.signature(other), "X-GitHub-Event": "push"]), body: other)
                == .ignored("a push to refs/heads/feature, not refs/heads/main"))
        let ping = Array(#"{"zen":"Keep it logically awesome."}"#.utf8)
        #expect(
            receiver.receiveGitHub(
                header: Self.headers(["X-Hub-Signature-256": Self.signature(ping), "X-GitHub-Event": "ping"]), body: ping)
                == .ignored("event ping does not move a branch"))
    }

    @Test func gitLabSendsItsTokenInAHeader() {
        let receiver = WebhookReceiver(secret: Self.secret, trackedBranch: "main")
        let body = Self.push()
        let good = Self.headers([
            "X-Gitlab-Token": Self.secret, "X-Gitlab-Event": "Push Hook", "X-Gitlab-Event-UUID": "g-1",
        ])
        #expect(receiver.receiveGitLab(header: good, body: body) == .wake(commit: String(repeating: "ab", count: 20)))
        #expect(receiver.receiveGitLab(header: good, body: body) == .ignored("delivery g-1 was seen before"))
        let bad = Self.headers(["X-Gitlab-Token": Self.secret + "x", "X-Gitlab-Event": "Push Hook"])
        #expect(receiver.receiveGitLab(header: bad, body: body) == .refused(status: 401, "X-Gitlab-Token does not match the shared secret"))
    }

    @Test func theDeliveryLogForgetsTheOldestFirst() {
        let log = DeliveryLog(capacity: 2)
        #expect(log.insert("a") && log.insert("b"))
        #expect(!log.insert("a"))
        #expect(log.insert("c"))  // forgets a
        #expect(log.insert("a"))  // forgets b
        #expect(!log.insert("c"))
    }
}
