import Foundation
import TilskotStore

/// Logging in to the web pages through the organisation's OpenID Connect provider (authorization
/// code flow with PKCE, docs/web.md): `tilskot serve --oidc-issuer … --oidc-client-id …`.
public struct OidcSettings: Sendable {
    /// The provider's issuer exactly as its ID tokens write `iss` (its discovery document is read
    /// from ISSUER/.well-known/openid-configuration).
    public var issuer: String
    public var clientID: String
    /// A confidential client's secret (sent with HTTP Basic to the token endpoint); nil for a
    /// public client, which PKCE alone protects.
    public var clientSecret: String?
    /// Where the provider sends the browser back; nil: http(s)://HOST/web/oidc/callback of the
    /// request that began the log-in (Host, or the proxy's X-Forwarded-Host and -Proto).
    public var redirectURI: String?
    /// The provider's name on the log-in page's button ("Log in with NAME").
    public var displayName: String
    /// Whether the password form is shown (and taken) beside the provider's button.
    public var passwordLogin: Bool
    /// The provider's metadata given instead of read by discovery (tests, or a provider without a
    /// discovery document).
    public var metadata: OidcMetadata?

    public init(issuer: String, clientID: String, clientSecret: String? = nil, redirectURI: String? = nil,
                displayName: String? = nil, passwordLogin: Bool = true, metadata: OidcMetadata? = nil) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
        self.displayName = displayName ?? URLComponents(string: issuer)?.host ?? issuer
        self.passwordLogin = passwordLogin
        self.metadata = metadata
    }

    /// The issuer as `--oidc-issuer` takes it: an https URL (http only on this machine, for tests:
    /// localhost, 127.0.0.1, ::1), without a query or fragment.
    public static func parseIssuer(_ text: String) throws(TilskotError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let url = URLComponents(string: trimmed), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
              url.query == nil, url.fragment == nil else {
            throw .usage("--oidc-issuer \"\(text)\" is not an issuer URL: give the provider's iss, e.g. https://login.example.no/realms/staff")
        }
        let local = ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased())
        guard scheme == "https" || (scheme == "http" && local) else {
            throw .usage("--oidc-issuer \"\(text)\" is not https: the provider must be reached over TLS (http only for localhost, in tests)")
        }
        return trimmed
    }

    /// The redirect URI as `--oidc-redirect-uri` takes it: an absolute http(s) URL.
    public static func parseRedirectURI(_ text: String) throws(TilskotError) -> String {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              url.host?.isEmpty == false, url.fragment == nil else {
            throw .usage("--oidc-redirect-uri \"\(text)\" is not an absolute URL: give e.g. https://tilskot.example.no/web/oidc/callback")
        }
        return text
    }
}

/// What the log-in needs of the provider's discovery document (OpenID Connect Discovery 1.0).
public struct OidcMetadata: Sendable, Codable, Equatable {
    public var issuer: String
    public var authorizationEndpoint: String
    public var tokenEndpoint: String
    public var jwksURI: String
    public var tokenEndpointAuthMethods: [String]?
    public var codeChallengeMethods: [String]?

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case jwksURI = "jwks_uri"
        case tokenEndpointAuthMethods = "token_endpoint_auth_methods_supported"
        case codeChallengeMethods = "code_challenge_methods_supported"
    }

    public init(issuer: String, authorizationEndpoint: String, tokenEndpoint: String, jwksURI: String,
                tokenEndpointAuthMethods: [String]? = nil, codeChallengeMethods: [String]? = nil) {
        self.issuer = issuer
        self.authorizationEndpoint = authorizationEndpoint
        self.tokenEndpoint = tokenEndpoint
        self.jwksURI = jwksURI
        self.tokenEndpointAuthMethods = tokenEndpointAuthMethods
        self.codeChallengeMethods = codeChallengeMethods
    }
}
