#!/usr/bin/env python3
"""A small local stand-in for the organisation's OpenID Connect provider, for the browser tests of
the web log-in (Scripts/test-web, Tests/web/flow_15_oidc.py). Python's standard library, and the
`cryptography` package for the RSA key when it is installed (else openssl makes and uses the key).

  GET  /.well-known/openid-configuration   discovery (issuer http://HOST:PORT)
  GET  /jwks                               the RS256 public key
  GET  /authorize                          the authorization endpoint: checks client_id, redirect_uri
                                           (exactly the registered one), response_type=code, scope openid,
                                           a PKCE S256 challenge; a page asking for a user (a GET form),
                                           or at once for a login_hint (the user's subject)
  POST /token                              the code for an ID token: checks the code (once, unexpired),
                                           client (HTTP Basic with the secret when one is set),
                                           redirect_uri, and code_verifier against the challenge
  GET  /_log                               what /token refused and granted (for the tests)

The subject of the ID token is the user typed (or login_hint) as it is.

Usage: oidc_provider.py --port PORT [--host localhost] --client-id ID [--client-secret S (default: $TILSKOT_OIDC_CLIENT_SECRET)]
                        --redirect-uri URI
"""

import argparse
import base64
import hashlib
import html
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def int_bytes(n):
    return n.to_bytes((n.bit_length() + 7) // 8, "big")


class Key:
    """An RSA key: its JWK and RS256 signatures (cryptography, else openssl)."""

    def __init__(self):
        self.kid = "stand-in-" + secrets.token_hex(4)
        try:
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric import padding, rsa
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            numbers = key.public_key().public_numbers()
            self.n, self.e = numbers.n, numbers.e
            self._sign = lambda data: key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        except ImportError:
            folder = tempfile.mkdtemp(prefix="oidc-provider-")
            path = os.path.join(folder, "key.pem")
            subprocess.run(["openssl", "genrsa", "-out", path, "2048"], check=True, capture_output=True)
            modulus = subprocess.run(["openssl", "rsa", "-in", path, "-noout", "-modulus"], check=True,
                                     capture_output=True, text=True).stdout.strip().split("=", 1)[1]
            self.n, self.e = int(modulus, 16), 65537
            self._sign = lambda data: subprocess.run(["openssl", "dgst", "-sha256", "-sign", path], input=data,
                                                     check=True, capture_output=True).stdout

    def jwk(self):
        return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                "n": b64url(int_bytes(self.n)), "e": b64url(int_bytes(self.e))}

    def sign(self, claims):
        header = b64url(json.dumps({"alg": "RS256", "typ": "JWT", "kid": self.kid}).encode())
        payload = b64url(json.dumps(claims).encode())
        signing_input = f"{header}.{payload}".encode("ascii")
        return f"{header}.{payload}.{b64url(self._sign(signing_input))}"


class Provider:
    def __init__(self, issuer, client_id, client_secret, redirect_uri):
        self.issuer = issuer
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.key = Key()
        self.codes = {}          # code -> {subject, nonce, challenge, redirect_uri, client_id, expires}
        self.log = []            # {"outcome": "granted" | "refused", "why": ...}
        self.lock = threading.Lock()

    def discovery(self):
        return {"issuer": self.issuer,
                "authorization_endpoint": self.issuer + "/authorize",
                "token_endpoint": self.issuer + "/token",
                "jwks_uri": self.issuer + "/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "none"],
                "code_challenge_methods_supported": ["S256"],
                "grant_types_supported": ["authorization_code"]}

    def authorization_problem(self, q):
        """Why an authorization request is refused outright (shown, never redirected: the redirect
        URI itself may be wrong), or None."""
        if q.get("client_id") != self.client_id:
            return "unknown client_id"
        if q.get("redirect_uri") != self.redirect_uri:
            return f"redirect_uri {q.get('redirect_uri')!r} is not the registered {self.redirect_uri!r}"
        return None

    def redirect_error(self, q):
        """An error to send back to the client (RFC 6749 §4.1.2.1), or None."""
        if q.get("response_type") != "code":
            return "unsupported_response_type"
        if "openid" not in q.get("scope", "").split():
            return "invalid_scope"
        if q.get("code_challenge_method") != "S256" or len(q.get("code_challenge", "")) != 43:
            return "invalid_request"
        return None

    def issue_code(self, q, subject):
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = {"subject": subject, "nonce": q.get("nonce"), "challenge": q["code_challenge"],
                                "redirect_uri": q["redirect_uri"], "client_id": q["client_id"],
                                "expires": time.time() + 60}
        return code

    def token(self, form, authorization):
        """(status, body) of the token endpoint."""
        def refuse(error, why, status=400):
            with self.lock:
                self.log.append({"outcome": "refused", "error": error, "why": why})
            return status, {"error": error, "error_description": why}

        client_id = form.get("client_id")
        if self.client_secret is not None:
            if not authorization.startswith("Basic "):
                return refuse("invalid_client", "no client authentication", 401)
            try:
                user, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
            except Exception:
                return refuse("invalid_client", "unreadable Basic authorization", 401)
            user, secret = urllib.parse.unquote_plus(user), urllib.parse.unquote_plus(secret)
            if user != self.client_id or not secrets.compare_digest(secret, self.client_secret):
                return refuse("invalid_client", "wrong client or secret", 401)
            client_id = client_id or user
        if form.get("grant_type") != "authorization_code":
            return refuse("unsupported_grant_type", "only authorization_code")
        with self.lock:
            grant = self.codes.pop(form.get("code", ""), None)   # a code is used once
        if grant is None or grant["expires"] < time.time():
            return refuse("invalid_grant", "unknown, used or expired code")
        if client_id != grant["client_id"]:
            return refuse("invalid_grant", "the code was issued to another client")
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return refuse("invalid_grant", "redirect_uri differs from the authorization request's")
        verifier = form.get("code_verifier", "")
        if not (43 <= len(verifier) <= 128) or b64url(hashlib.sha256(verifier.encode()).digest()) != grant["challenge"]:
            return refuse("invalid_grant", "code_verifier does not match the code_challenge")
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": grant["subject"], "aud": self.client_id, "iat": now, "exp": now + 300,
                  "auth_time": now}
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        with self.lock:
            self.log.append({"outcome": "granted", "subject": grant["subject"]})
        return 200, {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "expires_in": 300,
                     "id_token": self.key.sign(claims)}


PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Stand-in identity provider: log in</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<main>
<h1>Stand-in identity provider</h1>
<p>Log in to {client} as:</p>
<form method="get" action="/authorize" class="idp-login">
{hidden}
<p><label for="idp-user">User (subject)</label> <input id="idp-user" name="user" type="text" required autocomplete="off"></p>
<p><button type="submit" name="decision" value="allow">Log in</button>
<button type="submit" name="decision" value="deny" formnovalidate>Refuse</button></p>
</form>
</main>
</body>
</html>
"""


def make_handler(provider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send(self, status, body, content_type="application/json", headers=()):
            data = body if isinstance(body, bytes) else (json.dumps(body) if content_type == "application/json" else body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type + ("; charset=utf-8" if "charset" not in content_type else ""))
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def redirect(self, base, params):
            separator = "&" if "?" in base else "?"
            self.send(302, b"", "text/plain", [("Location", base + separator + urllib.parse.urlencode(params))])

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            q = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
            if url.path == "/.well-known/openid-configuration":
                return self.send(200, provider.discovery())
            if url.path == "/jwks":
                return self.send(200, {"keys": [provider.key.jwk()]})
            if url.path == "/_log":
                with provider.lock:
                    return self.send(200, list(provider.log))
            if url.path != "/authorize":
                return self.send(404, {"error": "not_found"})
            problem = provider.authorization_problem(q)
            if problem:
                return self.send(400, f"<!doctype html><html lang=en><title>Refused</title><main><h1>Refused</h1><p>{html.escape(problem)}</p></main>",
                                 "text/html")
            back = {"state": q["state"]} if "state" in q else {}
            error = provider.redirect_error(q)
            if error:
                return self.redirect(q["redirect_uri"], {"error": error, **back})
            if q.get("decision") == "deny":
                return self.redirect(q["redirect_uri"], {"error": "access_denied", **back})
            subject = q.get("user") or q.get("login_hint")
            if subject:
                return self.redirect(q["redirect_uri"], {"code": provider.issue_code(q, subject), **back})
            hidden = "\n".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                               for k, v in q.items() if k not in ("user", "decision"))
            return self.send(200, PAGE.format(client=html.escape(provider.client_id), hidden=hidden), "text/html")

        def do_POST(self):
            url = urllib.parse.urlsplit(self.path)
            if url.path != "/token":
                return self.send(404, {"error": "not_found"})
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
            status, body = provider.token(form, self.headers.get("Authorization", ""))
            return self.send(status, body)

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="localhost", help="the host name in the issuer (it listens on 127.0.0.1)")
    parser.add_argument("--client-id", required=True)
    # The secret comes from the environment by default: kept out of `ps`, and a secret that starts
    # with "-" (token_urlsafe makes those) cannot be mistaken for an option.
    parser.add_argument("--client-secret", default=os.environ.get("TILSKOT_OIDC_CLIENT_SECRET"),
                        help="default: $TILSKOT_OIDC_CLIENT_SECRET")
    parser.add_argument("--redirect-uri", required=True)
    args = parser.parse_args()
    issuer = f"http://{args.host}:{args.port}"
    provider = Provider(issuer, args.client_id, args.client_secret, args.redirect_uri)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(provider))
    print(f"oidc_provider: {issuer} (client {args.client_id})", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
