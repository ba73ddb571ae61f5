import Foundation
import Synchronization

/// Tokens whose signature, issuer and audience were checked, until they expire: a client sends the
/// same bearer token with every request, and checking it again (base64, JSON, HMAC or RSA) each
/// time costs more than the rest of a small request's work in the server. Keyed by the whole token
/// text, so only that exact token is let through; its expiry is still checked at every use. What
/// the token's user may do is not kept here: the database asks per request (tilskot.token_login),
/// so a disabled user is refused at once. At most `capacity` entries; when full it starts afresh.
final class VerifiedTokens: Sendable {
    private struct Entry { var identity: TokenIdentity; var expires: Date }
    private let entries = Mutex<[String: Entry]>([:])
    let capacity: Int

    init(capacity: Int = 10_000) { self.capacity = capacity }

    /// The identity of a token verified before and not expired at `now`.
    func identity(of token: String, now: Date = Date()) -> TokenIdentity? {
        entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard entry.expires > now else {
                entries[token] = nil
                return nil
            }
            return entry.identity
        }
    }

    func remember(_ token: String, _ identity: TokenIdentity, expires: Date) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = Entry(identity: identity, expires: expires)
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
