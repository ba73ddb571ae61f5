import ArgumentParser
import Foundation
import Logging
import TilskotLocalCluster
import TilskotServer
import TilskotStore

/// `tilskot serve [--listen 127.0.0.1:8080] [--pool 8] [--database-url URL]` — the HTTP API
/// (docs/api.md). It logs in as tilskot_authenticator: --database-url, else
/// TILSKOT_SERVER_DATABASE_URL, else the local database's socket URL with that user. Tokens: the
/// local HS256 key (TILSKOT_JWT_KEY_FILE, else $TILSKOT_HOME/server/jwt-hs256.key, made 0600 on
/// first use) and, in production, a JWKS file (TILSKOT_JWKS_FILE) with TILSKOT_JWT_ISSUER and
/// TILSKOT_JWT_AUDIENCE, and the claim naming the user (--token-subject-claim). Stops gracefully on SIGTERM and SIGINT.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API (OpenAPI document at /openapi.yaml) until SIGTERM or SIGINT.")

    @Option(help: ArgumentHelp("Address to listen on.", valueName: "host:port")) var listen = "127.0.0.1:8080"
    @Option(help: ArgumentHelp("Database connections in the pool.", valueName: "n")) var pool = 8
    @Option(name: .customLong("database-url"),
            help: ArgumentHelp("The authenticator's URL (else TILSKOT_SERVER_DATABASE_URL, else the local database as tilskot_authenticator).", valueName: "url"))
    var databaseURL: String?
    @Option(name: .customLong("token-subject-claim"),
            help: ArgumentHelp("The identity provider's claim that names the user (else TILSKOT_JWT_SUBJECT_CLAIM, else sub); a dotted path such as consumer.ID for Maskinporten, whose subject is the client's organisation number.", valueName: "claim"))
    var tokenSubjectClaim: String?
    @Flag(name: .customLong("behind-tls"),
          help: "The server is reached through a TLS proxy (deploy/nginx-tilskot.conf): web session cookies are Secure (else TILSKOT_BEHIND_TLS=1; a proxy's X-Forwarded-Proto: https does it per request).")
    var behindTLS = false
    // Web log-in through the organisation's OpenID Connect provider (docs/web.md); the client
    // secret only from the environment (TILSKOT_OIDC_CLIENT_SECRET_FILE or TILSKOT_OIDC_CLIENT_SECRET),
    // never the command line.
    @Option(name: .customLong("oidc-issuer"),
            help: ArgumentHelp("The OpenID Connect provider's issuer for web log-in (else TILSKOT_OIDC_ISSUER); https.", valueName: "url"))
    var oidcIssuer: String?
    @Option(name: .customLong("oidc-client-id"),
            help: ArgumentHelp("tilskot's client id at the provider (else TILSKOT_OIDC_CLIENT_ID).", valueName: "id"))
    var oidcClientID: String?
    @Option(name: .customLong("oidc-redirect-uri"),
            help: ArgumentHelp("The redirect URI registered at the provider (else TILSKOT_OIDC_REDIRECT_URI, else http(s)://HOST/web/oidc/callback).", valueName: "url"))
    var oidcRedirectURI: String?
    @Option(name: .customLong("oidc-name"),
            help: ArgumentHelp("The provider's name on the log-in page's button (else TILSKOT_OIDC_NAME, else the issuer's host).", valueName: "name"))
    var oidcName: String?
    @Flag(name: .customLong("no-password-login"),
          help: "With --oidc-issuer: the log-in page offers the provider only, and password log-in is refused (else TILSKOT_WEB_PASSWORD_LOGIN=off).")
    var noPasswordLogin = false

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let (host, port) = try ServerConfiguration.parseListen(listen)
        guard (1...200).contains(pool) else { throw TilskotError.usage("--pool \(pool) is outside 1–200") }
        let target: DatabaseTarget
        if let url = databaseURL ?? environment.setting("TILSKOT_SERVER_DATABASE_URL") {
            target = DatabaseTarget(conninfo: url, source: .explicit)
        } else {
            let local = LocalCluster(environment: environment).connectionURL()
            let url = local.replacingOccurrences(of: "postgresql://\(LocalCluster.superuser)@", with: "postgresql://tilskot_authenticator@")
            target = DatabaseTarget(conninfo: url, source: .localCluster)
        }
        let key = try TokenVerifier.localKey(at: TokenCommand.keyFile(environment))
        var jwks: String?
        if let path = environment.setting("TILSKOT_JWKS_FILE") {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw TilskotError.usage("TILSKOT_JWKS_FILE \(path) cannot be read")
            }
            // The audience is required: without it a token the provider issued for any other
            // service (another API the same organisation calls) would be taken as one for tilskot.
            guard environment.setting("TILSKOT_JWT_ISSUER") != nil, environment.setting("TILSKOT_JWT_AUDIENCE") != nil else {
                throw TilskotError.usage("TILSKOT_JWKS_FILE needs TILSKOT_JWT_ISSUER (the identity provider's iss) and TILSKOT_JWT_AUDIENCE")
            }
            jwks = text
        }
        let subjectClaim = try TokenVerifier.parseSubjectClaim(
            tokenSubjectClaim ?? environment.setting("TILSKOT_JWT_SUBJECT_CLAIM") ?? TokenVerifier.defaultSubjectClaim)
        let issuer = environment.setting("TILSKOT_JWT_ISSUER")
        let audience = environment.setting("TILSKOT_JWT_AUDIENCE")
        LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
        let logger = Logger(label: "tilskot.serve")
        let poolSize = pool
        let secureCookies = behindTLS || environment.isOn("TILSKOT_BEHIND_TLS")
        let provider = jwks
        let oidc = try oidcSettings(environment)
        try runBlocking {
            let tokens = try await TokenVerifier(localKey: key, jwks: provider, issuer: issuer, audience: audience,
                                             subjectClaim: subjectClaim)
            var configuration = ServerConfiguration(host: host, port: port, database: target, poolSize: poolSize,
                                                    tokens: tokens, logger: logger)
            configuration.behindTLS = secureCookies
            configuration.oidc = oidc
            let app = try buildApplication(configuration)
            try await app.runService()
        }
    }

    /// The web log-in's provider from the options and environment; nil when no issuer is given.
    func oidcSettings(_ environment: [String: String]) throws -> OidcSettings? {
        guard let issuerText = oidcIssuer ?? environment.setting("TILSKOT_OIDC_ISSUER") else {
            if oidcClientID != nil || noPasswordLogin {
                throw TilskotError.usage("--oidc-client-id and --no-password-login need --oidc-issuer (or TILSKOT_OIDC_ISSUER)")
            }
            return nil
        }
        let issuer = try OidcSettings.parseIssuer(issuerText)
        guard let clientID = oidcClientID ?? environment.setting("TILSKOT_OIDC_CLIENT_ID") else {
            throw TilskotError.usage("--oidc-issuer needs --oidc-client-id (or TILSKOT_OIDC_CLIENT_ID): tilskot's client id at the provider")
        }
        var secret = environment.setting("TILSKOT_OIDC_CLIENT_SECRET")
        if let path = environment.setting("TILSKOT_OIDC_CLIENT_SECRET_FILE") {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw TilskotError.usage("TILSKOT_OIDC_CLIENT_SECRET_FILE \(path) cannot be read")
            }
            secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let redirect = try (oidcRedirectURI ?? environment.setting("TILSKOT_OIDC_REDIRECT_URI")).map { try OidcSettings.parseRedirectURI($0) }
        let passwordOff = noPasswordLogin || environment.isOff("TILSKOT_WEB_PASSWORD_LOGIN")
        return OidcSettings(issuer: issuer, clientID: clientID, clientSecret: secret?.isEmpty == false ? secret : nil,
                            redirectURI: redirect, displayName: oidcName ?? environment.setting("TILSKOT_OIDC_NAME"), passwordLogin: !passwordOff)
    }
}

/// The server's settings from the environment: a variable set to the empty string counts as unset.
extension Dictionary where Key == String, Value == String {
    func setting(_ name: String) -> String? { self[name].flatMap { $0.isEmpty ? nil : $0 } }
    /// 1, true, yes or on.
    func isOn(_ name: String) -> Bool { ["1", "true", "yes", "on"].contains(setting(name)?.lowercased() ?? "") }
    /// 0, false, no or off.
    func isOff(_ name: String) -> Bool { ["0", "false", "no", "off"].contains(setting(name)?.lowercased() ?? "") }
}
