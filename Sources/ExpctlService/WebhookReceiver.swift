public import Foundation
import Crypto

/// Push notifications from GitHub and GitLab, checked before they wake the loop: the sender
/// proves it knows the shared secret, a delivery seen before is ignored, a push to another
/// branch is ignored. Knows nothing of HTTP: headers come through a lookup, the body as bytes.
public final class WebhookReceiver: Sendable {
    /// What a delivery asks for.
    public enum Outcome: Sendable, Equatable {
        /// A push to the tracked branch: wake the loop. The commit the branch moved to, if given.
        case wake(commit: String?)
        /// Authentic, but nothing to do (another branch, another event, a replay): answered 200.
        case ignored(String)
        /// Not authentic or malformed: answered with `status`, and never wakes anything.
        case refused(status: Int, String)
    }

    private let secret: [UInt8]
    /// `refs/heads/BRANCH`; nil: every push wakes the loop (the tracked ref is the remote's
    /// default branch, which a push payload does not name).
    private let trackedRef: String?
    private let deliveries: DeliveryLog

    /// - Parameters:
    ///   - secret: the shared secret (`EXPCTL_WEBHOOK_SECRET`): GitHub's HMAC key, GitLab's token.
    ///   - trackedBranch: the branch the service reconciles (`main` or `refs/heads/main`).
    public init(secret: String, trackedBranch: String?, rememberedDeliveries: Int = 10_000) {
        self.secret = Array(secret.utf8)
        self.trackedRef = trackedBranch.map { $0.hasPrefix("refs/") ? $0 : "refs/heads/\($0)" }
        self.deliveries = DeliveryLog(capacity: rememberedDeliveries)
    }

    /// A GitHub delivery: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`,
    /// `X-GitHub-Event`, `X-GitHub-Delivery`.
    public func receiveGitHub(header: (String) -> String?, body: [UInt8]) -> Outcome {
        guard let signature = header("X-Hub-Signature-256") else {
            return .refused(status: 401, "no X-Hub-Signature-256 header")
        }
        guard signature.hasPrefix("sha256="), let mac = Self.bytes(hex: signature.dropFirst("sha256=".count)) else {
            return .refused(status: 401, "X-Hub-Signature-256 is not sha256=<64 hex digits>")
        }
        let key = SymmetricKey(data: secret)
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: key) else {
            return .refused(status: 401, "the signature does not match the body and the shared secret")
        }
        let event = header("X-GitHub-Event") ?? ""
        return accept(event: event, isPush: event == "push", delivery: header("X-GitHub-Delivery"), body: body)
    }

    /// A GitLab delivery: `X-Gitlab-Token: <the secret>`, `X-Gitlab-Event: Push Hook`, and
    /// `X-Gitlab-Event-UUID` (or `X-Gitlab-Webhook-UUID`) naming the delivery.
    public func receiveGitLab(header: (String) -> String?, body: [UInt8]) -> Outcome {
        guard let token = header("X-Gitlab-Token") else { return .refused(status: 401, "no X-Gitlab-Token header") }
        guard Self.constantTimeEqual(Array(token.utf8), secret) else {
            return .refused(status: 401, "X-Gitlab-Token does not match the shared secret")
        }
        let event = header("X-Gitlab-Event") ?? ""
        let delivery = header("X-Gitlab-Event-UUID") ?? header("X-Gitlab-Webhook-UUID")
        return accept(event: event, isPush: event == "Push Hook", delivery: delivery, body: body)
    }

    /// The part both share once the sender is authentic.
    private func accept(event: String, isPush: Bool, delivery: String?, body: [UInt8]) -> Outcome {
        if let delivery, !deliveries.insert(delivery) { return .ignored("delivery \(delivery) was seen before") }
        guard isPush else { return .ignored("event \(event.isEmpty ? "(none)" : event) does not move a branch") }
        guard let payload = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let ref = payload["ref"] as? String
        else {
            return .refused(status: 400, "a push payload must be a JSON object with a ref")
        }
        if let trackedRef, ref != trackedRef { return .ignored("a push to \(ref), not \(trackedRef)") }
        let after = payload["after"] as? String
        return .wake(commit: after.flatMap { $0.count == 40 ? $0 : nil })
    }

    static func bytes<Text: StringProtocol>(hex: Text) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Equal bytes, in a time that depends on the lengths only, not on where they differ.
    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
