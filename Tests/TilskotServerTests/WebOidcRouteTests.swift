import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import Logging
import Testing
import TilskotServer
import TilskotStore
import TilskotTestSupport

/// Web log-in through the organisation's OpenID Connect provider (issue 20) — the parts that need no
/// browser and no provider: the start's redirect (PKCE S256 challenge of the verifier kept in the
/// log-in's cookie, state, nonce, the redirect URI), a callback whose state is not the log-in's
/// (refused, nothing set, nothing exchanged), the log-in page's button and the password form turned
/// off, and a session naming a provider identity (mapped by tilskot.token_login on every request;
/// another provider's is no session). The whole flow against a stand-in provider is the browser's
/// (Tests/web/flow_15_oidc.py).
@Suite("web: log in through the OpenID Connect provider")
struct WebOidcRouteTests: WebRouteSuite {
    static let issuer = "https://idp.example.no/realms/staff"
    static let clientID = "tilskot-web"
    /// The authorization endpoint already has a query: the start appends with "&".
    static let metadata = OidcMetadata(issuer: issuer, authorizationEndpoint: "https://idp.example.no/auth?ui=nn",
                                       tokenEndpoint: "https://idp.example.no/token", jwksURI: "https://idp.example.no/jwks")

    /// The users and password of WebRouteTests' scene, which these tests share.
    static let password = WebRouteTests.password

    /// The server with the provider of `metadata` configured; `passwordLogin` false turns the password form off.
    func providerApp(_ db: TestDatabase, passwordLogin: Bool = true) async throws -> some ApplicationProtocol {
        try await app(db, oidc: OidcSettings(issuer: Self.issuer, clientID: Self.clientID, displayName: "Testkommune ID",
                                             passwordLogin: passwordLogin, metadata: Self.metadata))
    }

    /// A JWT's payload as JSON (no verification: what the server put in its own cookie).
    func payload(_ jwt: String) throws -> [String: Any] {
        var part = String(jwt.split(separator: ".")[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while part.count % 4 != 0 { part += "=" }
        let data = try #require(Data(base64Encoded: part))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func query(_ location: String) throws -> [String: String] {
        let items = try #require(URLComponents(string: location)?.queryItems)
        return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
    }

    /// The claims of a web session's cookie, signed as the server signs them (WebSession.swift).
    struct SessionClaims: JWTPayload {
        var iss: IssuerClaim
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var iat: IssuedAtClaim
        var sid: String
        var max: Date
        var idp: String?
        var name: String?
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    func providerSession(idp: String, subject: String, name: String) async throws -> String {
        let keys = await JWTKeyCollection().add(hmac: HMACKey(from: WebHarness.key), digestAlgorithm: .sha256)
        let now = Date()
        let token = try await keys.sign(SessionClaims(iss: .init(value: TokenVerifier.localIssuer), sub: .init(value: subject),
                                                      exp: .init(value: now.addingTimeInterval(3600)), iat: .init(value: now),
                                                      sid: "sid-\(UUID().uuidString)", max: now.addingTimeInterval(3600), idp: idp, name: name))
        return "tilskot_session=\(token)"
    }

    @Test("start: 302 to the authorization endpoint with code, openid, state, nonce and the S256 challenge of the verifier kept in a Lax, HttpOnly cookie")
    func startRedirect() async throws {
        let db = try WebRouteTests().scene()
        defer { db.drop() }
        try await providerApp(db).test(.router) { client in
            try await client.execute(uri: "/web/oidc/start?next=/web/search", method: .get) { response in
                #expect(response.status == .found)
                let location = try #require(response.headers[.location])
                #expect(location.hasPrefix("https://idp.example.no/auth?ui=nn&"))
                let q = try query(location)
                #expect(q["ui"] == "nn")
                #expect(q["response_type"] == "code")
                #expect(q["client_id"] == Self.clientID)
                #expect(q["scope"] == "openid")
                #expect(q["redirect_uri"] == "http://localhost/web/oidc/callback")
                #expect(q["code_challenge_method"] == "S256")
                let challenge = try #require(q["code_challenge"])
                #expect(challenge.count == 43)
                let state = try #require(q["state"]), nonce = try #require(q["nonce"])
                #expect(state.count >= 32 && nonce.count >= 32 && state != nonce)
                // The log-in's cookie: HttpOnly, SameSite=Lax (the provider's redirect back is a
                // cross-site top-level GET), only for /web/oidc; no session yet.
                let setCookies = setCookies(response)
                #expect(setCookies["tilskot_session"] == nil)
                let cookie = try #require(setCookies["tilskot_oidc"])
                for flag in ["HttpOnly", "SameSite=Lax", "Path=/web/oidc", "Max-Age=600"] { #expect(cookie.contains(flag)) }
                #expect(!cookie.contains("Secure"))
                // The cookie keeps the same state and nonce and the verifier whose S256 is the challenge.
                let kept = try payload(cookieValue(cookie))
                #expect(kept["state"] as? String == state)
                #expect(kept["nonce"] as? String == nonce)
                #expect(kept["next"] as? String == "/web/search")
                let verifier = try #require(kept["verifier"] as? String)
                #expect(verifier.count == 43 && verifier != challenge)
                let s256 = Data(SHA256.hash(data: Data(verifier.utf8))).base64EncodedString()
                    .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
                #expect(s256 == challenge)
            }
            // Two starts: different state, nonce and challenge.
            let first = try await client.execute(uri: "/web/oidc/start", method: .get) { try query(try #require($0.headers[.location])) }
            let second = try await client.execute(uri: "/web/oidc/start", method: .get) { try query(try #require($0.headers[.location])) }
            #expect(first["state"] != second["state"] && first["nonce"] != second["nonce"] && first["code_challenge"] != second["code_challenge"])
            // Behind a TLS proxy: the redirect URI of the proxy's host over https, the cookie Secure.
            var proxied = HTTPFields()
            proxied[HTTPField.Name("X-Forwarded-Proto")!] = "https"
            proxied[HTTPField.Name("X-Forwarded-Host")!] = "tilskot.example.no"
            try await client.execute(uri: "/web/oidc/start", method: .get, headers: proxied) { response in
                let redirect = try query(try #require(response.headers[.location]))["redirect_uri"]
                #expect(redirect == "https://tilskot.example.no/web/oidc/callback")
                let cookie = try #require(setCookies(response)["tilskot_oidc"])
                #expect(cookie.contains("Secure"))
            }
        }
    }

    @Test("callback: a state that is not the log-in's, or no log-in cookie, is refused 400 with the sentence; no session is set")
    func callbackWrongState() async throws {
        let db = try WebRouteTests().scene()
        defer { db.drop() }
        try await providerApp(db).test(.router) { client in
            let cookie = try await client.execute(uri: "/web/oidc/start", method: .get) { response in
                cookieValue(try #require(setCookies(response)["tilskot_oidc"]))
            }
            let state = try payload(cookie)["state"] as? String
            var headers = HTTPFields()
            headers[.cookie] = "tilskot_oidc=\(cookie)"
            // The token endpoint (https://idp.example.no/token) is never reached: a request to it
            // would fail as 503 "does not answer", not 400.
            for uri in ["/web/oidc/callback?code=abc&state=forged-\(UUID().uuidString)", "/web/oidc/callback?code=abc",
                        "/web/oidc/callback?code=abc&state=\(state ?? "")x"] {
                try await client.execute(uri: uri, method: .get, headers: headers) { response in
                    #expect(response.status == .badRequest)
                    let set = setCookies(response)
                    #expect(set["tilskot_session"] == nil)
                    let cleared = try #require(set["tilskot_oidc"])
                    #expect(cleared.contains("Max-Age=0"))
                    let html = String(buffer: response.body)
                    #expect(html.contains("høyrer ikkje til ei innlogging som vart starta her"))
                    #expect(html.contains("id=\"oidc-error\""))
                }
            }
            // The right state without the log-in's cookie (another browser's log-in): refused too.
            try await client.execute(uri: "/web/oidc/callback?code=abc&state=\(state ?? "")", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(setCookies(response)["tilskot_session"] == nil)
            }
            // A forged log-in cookie (signed with another key) with its own state: refused.
            let otherKeys = await JWTKeyCollection().add(hmac: HMACKey(from: Array("another-key-another-key-another-key!".utf8)), digestAlgorithm: .sha256)
            struct Forged: JWTPayload {
                var iss: IssuerClaim, exp: ExpirationClaim, state: String, nonce: String, verifier: String, redirect: String
                func verify(using algorithm: some JWTAlgorithm) async throws {}
            }
            let forged = try await otherKeys.sign(Forged(iss: .init(value: "tilskot-oidc"), exp: .init(value: Date().addingTimeInterval(300)),
                                                         state: "s1", nonce: "n1", verifier: "v", redirect: "http://localhost/web/oidc/callback"))
            var forgedHeaders = HTTPFields()
            forgedHeaders[.cookie] = "tilskot_oidc=\(forged)"
            try await client.execute(uri: "/web/oidc/callback?code=abc&state=s1", method: .get, headers: forgedHeaders) { response in
                #expect(response.status == .badRequest)
                #expect(setCookies(response)["tilskot_session"] == nil)
            }
        }
    }

    @Test("the log-in page offers the provider beside the password form; with password log-in off, only the provider, and a right password is refused 403")
    func loginPage() async throws {
        let db = try WebRouteTests().scene()
        defer { db.drop() }
        try await providerApp(db).test(.router) { client in
            try await client.execute(uri: "/web/login?next=/web/search", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("href=\"/web/oidc/start?next=%2Fweb%2Fsearch\""))
                #expect(html.contains("Logg inn med Testkommune ID"))
                #expect(html.contains("<form class=\"login\""))
            }
        }
        try await providerApp(db, passwordLogin: false).test(.router) { client in
            let (html, status) = try await client.execute(uri: "/web/login", method: .get) { (String(buffer: $0.body), $0.status) }
            #expect(status == .ok)
            #expect(html.contains("Logg inn med Testkommune ID"))
            #expect(!html.contains("<form class=\"login\""))
            let response = try await logIn(client, user: WebRouteTests.caseworker, password: WebRouteTests.password)
            #expect(response.status == .forbidden)
            #expect(setCookies(response)["tilskot_session"] == nil)
        }
    }

    @Test("a session naming the provider's (issuer, subject) acts as the linked user; an unlinked subject, or another provider's session, is none")
    func providerSession() async throws {
        let db = try WebRouteTests().scene()
        defer { db.drop() }
        let admin = try db.connectAsAdmin()
        _ = try admin.execute("SELECT tilskot.user_link($1, $2, $3)", [WebRouteTests.caseworker, Self.issuer, "0f8c-kari"])
        _ = try admin.execute("SELECT tilskot.user_link($1, $2, $3)", [WebRouteTests.manager, "https://other-idp.example.no", "0f8c-mona"])
        try await providerApp(db).test(.router) { client in
            var headers = HTTPFields()
            headers[.cookie] = try await providerSession(idp: Self.issuer, subject: "0f8c-kari", name: WebRouteTests.caseworker)
            try await client.execute(uri: "/web/work", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains(WebRouteTests.caseworker))
                #expect(html.contains("JS-2021-0001"))     // kari's case: the database mapped the subject to her
                #expect(!html.contains("JS-2021-0002"))    // ola's
            }
            // The name in the cookie is only shown: the subject decides. A linked subject with
            // another user's name in the cookie still acts as kari.
            headers[.cookie] = try await providerSession(idp: Self.issuer, subject: "0f8c-kari", name: WebRouteTests.manager)
            try await client.execute(uri: "/web/work", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
                #expect(!String(buffer: response.body).contains("h-decide"))  // no manager's section
            }
            // An unlinked subject: the database names no user; log in again, the cookie cleared.
            headers[.cookie] = try await providerSession(idp: Self.issuer, subject: "9999-nobody", name: WebRouteTests.caseworker)
            try await client.execute(uri: "/web/work", method: .get, headers: headers) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.hasPrefix("/web/login") == true)
            }
            // Another provider's session (linked there!) is no session here.
            headers[.cookie] = try await providerSession(idp: "https://other-idp.example.no", subject: "0f8c-mona", name: WebRouteTests.manager)
            try await client.execute(uri: "/web/work", method: .get, headers: headers) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/web/login?next=/web/work")
            }
            // The local issuer in `idp` is no provider session either.
            headers[.cookie] = try await providerSession(idp: TokenVerifier.localIssuer, subject: WebRouteTests.caseworker, name: WebRouteTests.caseworker)
            try await client.execute(uri: "/web/work", method: .get, headers: headers) { response in
                #expect(response.status == .seeOther)
            }
        }
    }

    // MARK: - The callback against a provider on a real port

    /// The stand-in provider's token endpoint: answers the ID token the test sets, and keeps the
    /// form it was sent.
    actor ProviderState {
        var idToken = ""
        var forms: [[String: String]] = []
        func set(_ token: String) { idToken = token }
        func took(_ form: [String: String]) -> String { forms.append(form); return idToken }
    }

    struct IDClaims: JWTPayload {
        var iss: IssuerClaim, sub: SubjectClaim, aud: AudienceClaim, exp: ExpirationClaim, nonce: String?
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    @Test("callback: the code is exchanged with the verifier of the challenge; an ID token of another audience, issuer, nonce or key, or expired, is refused 401; an unlinked subject 403 with the sentence; a linked one gets the session")
    func callbackAgainstProvider() async throws {
        let db = try WebRouteTests().scene()
        defer { db.drop() }
        let key = ES256PrivateKey()
        let (x, y) = try #require(key.parameters)
        let jwks = #"{"keys":[{"kty":"EC","crv":"P-256","x":"\#(x)","y":"\#(y)","kid":"k1","alg":"ES256","use":"sig"}]}"#
        let signer = await JWTKeyCollection().add(ecdsa: key, kid: "k1")
        let stranger = await JWTKeyCollection().add(ecdsa: ES256PrivateKey(), kid: "k2")
        let state = ProviderState()
        let router = Router()
        router.get("/jwks") { _, _ in jwks }
        router.post("/token") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 65536)
            var form: [String: String] = [:]
            for pair in String(buffer: body).split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                if kv.count == 2 { form[kv[0]] = kv[1] }
            }
            let token = await state.took(form)
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: #"{"id_token":"\#(token)","token_type":"Bearer"}"#)))
        }
        let provider = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await provider.test(.live) { live in
            let issuer = "http://127.0.0.1:\(try #require(live.port))"
            let admin = try db.connectAsAdmin()
            _ = try admin.execute("SELECT tilskot.user_link($1, $2, $3)", [WebRouteTests.caseworker, issuer, "0f8c-kari"])
            let oidc = OidcSettings(issuer: issuer, clientID: Self.clientID, metadata: OidcMetadata(
                issuer: issuer, authorizationEndpoint: issuer + "/authorize", tokenEndpoint: issuer + "/token", jwksURI: issuer + "/jwks"))
            try await app(db, oidc: oidc, quiet: true).test(.router) { client in
                /// One log-in: start, the provider answers `token(nonce)`, the callback's response.
                func logIn(_ token: (String) async throws -> String) async throws -> (TestResponse, [String: String]) {
                    let (cookie, q) = try await client.execute(uri: "/web/oidc/start", method: .get) { r in
                        (cookieValue(try #require(setCookies(r)["tilskot_oidc"])),
                         try query(try #require(r.headers[.location])))
                    }
                    await state.set(try await token(try #require(q["nonce"])))
                    var headers = HTTPFields()
                    headers[.cookie] = "tilskot_oidc=\(cookie)"
                    let response = try await client.execute(uri: "/web/oidc/callback?code=the-code&state=\(try #require(q["state"]))",
                                                            method: .get, headers: headers) { $0 }
                    return (response, q)
                }
                func claims(iss: String = issuer, sub: String = "0f8c-kari", aud: String = Self.clientID,
                            exp: TimeInterval = 300, nonce: String?) -> IDClaims {
                    IDClaims(iss: .init(value: iss), sub: .init(value: sub), aud: .init(value: [aud]),
                             exp: .init(value: Date().addingTimeInterval(exp)), nonce: nonce)
                }
                let refusals: [(String, (String) async throws -> String)] = [
                    ("another audience", { try await signer.sign(claims(aud: "another-client", nonce: $0), kid: "k1") }),
                    ("another issuer", { try await signer.sign(claims(iss: "https://evil.example", nonce: $0), kid: "k1") }),
                    ("another nonce", { _ in try await signer.sign(claims(nonce: "not-this-log-in"), kid: "k1") }),
                    ("no nonce", { _ in try await signer.sign(claims(nonce: nil), kid: "k1") }),
                    ("expired", { try await signer.sign(claims(exp: -600, nonce: $0), kid: "k1") }),
                    ("another key", { try await stranger.sign(claims(nonce: $0), kid: "k2") }),
                ]
                for (what, token) in refusals {
                    let (response, _) = try await logIn(token)
                    #expect(response.status == .unauthorized, "\(what)")
                    #expect(setCookies(response)["tilskot_session"] == nil, "\(what)")
                    #expect(String(buffer: response.body).contains("ID-tokenet frå identitetstilbydaren held ikkje"), "\(what)")
                }
                // An unlinked subject: 403, the sentence names the subject, the issuer and the command.
                let (unlinked, _) = try await logIn { try await signer.sign(claims(sub: "9999-nobody", nonce: $0), kid: "k1") }
                #expect(unlinked.status == .forbidden)
                #expect(setCookies(unlinked)["tilskot_session"] == nil)
                let sentence = String(buffer: unlinked.body)
                #expect(sentence.contains("9999-nobody") && sentence.contains(issuer) && sentence.contains("tilskot user link"))
                // The linked subject: the session, and a page of this site that moves on to My work.
                let (response, q) = try await logIn { try await signer.sign(claims(nonce: $0), kid: "k1") }
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("Refresh")!] == "0; url=/web/work")
                let set = setCookies(response)
                let session = try #require(set["tilskot_session"])
                #expect(session.contains("SameSite=Strict") && session.contains("HttpOnly"))
                #expect(try #require(set["tilskot_oidc"]).contains("Max-Age=0"))
                // What the token endpoint was sent: the code, the redirect URI of the start, and the
                // verifier whose S256 is the start's challenge.
                let form = try #require(await state.forms.last)
                #expect(form["grant_type"] == "authorization_code" && form["code"] == "the-code")
                #expect(form["redirect_uri"] == q["redirect_uri"] && form["client_id"] == Self.clientID)
                let s256 = Data(SHA256.hash(data: Data(try #require(form["code_verifier"]).utf8))).base64EncodedString()
                    .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
                #expect(s256 == q["code_challenge"])
                var headers = HTTPFields()
                headers[.cookie] = "tilskot_session=" + cookieValue(session)
                try await client.execute(uri: "/web/work", method: .get, headers: headers) { r in
                    #expect(r.status == .ok)
                    #expect(String(buffer: r.body).contains("JS-2021-0001"))
                }
            }
        }
    }
}
