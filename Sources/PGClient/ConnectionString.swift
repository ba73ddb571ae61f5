import CLibPQ
import Foundation

/// Connection strings shown to people without their secrets. libpq reads the string
/// (`PQconninfoParse`, the parser `PQconnectdb` itself uses) and says which options are secret
/// (`dispchar` "*": `password`, `sslpassword`), so what counts as the password — in a URL's user
/// info or query, percent-encoded, quoted, backslash-escaped — is decided by libpq, not by a
/// second parser here.
public enum ConnectionString {
    /// The options as libpq reads them, in libpq's order: `(keyword, value, secret)`; nil when
    /// libpq cannot parse the string.
    static func options(_ conninfo: String) -> [(keyword: String, value: String, secret: Bool)]? {
        var error: UnsafeMutablePointer<CChar>?
        guard let parsed = PQconninfoParse(conninfo, &error) else {
            if let error { PQfreemem(error) }
            return nil
        }
        defer { PQconninfoFree(parsed) }
        var options: [(keyword: String, value: String, secret: Bool)] = []
        var option = parsed
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                let secret = option.pointee.dispchar.map { String(cString: $0) == "*" } ?? false
                options.append((String(cString: keyword), String(cString: value), secret))
            }
            option += 1
        }
        return options
    }

    /// A connection string libpq could not read: `sentence` says so in one sentence, with libpq's
    /// reason and nothing of a password in the string (`scrubbed`).
    public struct Invalid: Error, Sendable, Equatable {
        public let sentence: String
    }

    /// The options as libpq reads them (`PQconninfoParse`, the parser `PQconnectdb` uses): the URI
    /// form (`postgresql://user@host:port/db?k=v`, percent-decoded) and the keyword/value form
    /// (quoted values, backslash escapes) alike, as `(keyword, value)` in libpq's order; only the
    /// options the string gives (no defaults, no environment).
    public static func parse(_ conninfo: String) throws(Invalid) -> [(keyword: String, value: String)] {
        var error: UnsafeMutablePointer<CChar>?
        guard let parsed = PQconninfoParse(conninfo, &error) else {
            var reason = "libpq cannot read it"
            if let error {
                reason = String(cString: error).trimmingCharacters(in: .whitespacesAndNewlines)
                PQfreemem(error)
            }
            let scrubbedReason = scrubbed(reason, conninfo: conninfo)
            throw Invalid(sentence: "The connection string cannot be read (\(scrubbedReason)); write it as postgresql://user@host:port/database or as host=… dbname=… pairs.")
        }
        defer { PQconninfoFree(parsed) }
        var options: [(keyword: String, value: String)] = []
        var option = parsed
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { options.append((String(cString: keyword), String(cString: value))) }
            option += 1
        }
        return options
    }

    /// Options written as libpq's keyword/value string (`host=db dbname='a b'`), in the order given;
    /// `parse` reads it back to the same options.
    public static func keywordString(_ options: [(keyword: String, value: String)]) -> String {
        options.map { "\($0.keyword)=\(quoted($0.value))" }.joined(separator: " ")
    }

    /// The keywords libpq knows (`host`, `dbname`, `sslmode`, …): names, never secrets.
    static let keywords: Set<String> = {
        guard let defaults = PQconndefaults() else { return [] }
        defer { PQconninfoFree(defaults) }
        var names: Set<String> = []
        var option = defaults
        while let keyword = option.pointee.keyword {
            names.insert(String(cString: keyword))
            option += 1
        }
        return names
    }()

    /// The connection string as libpq reads it, written out as `keyword=value` pairs with every
    /// secret as `***`: `postgresql://alice:s3cret@db.example/tilskot` → `user=alice password=***
    /// dbname=tilskot host=db.example`. A string libpq cannot parse is not shown at all (its
    /// password could be anywhere in it).
    public static func redacted(_ conninfo: String) -> String {
        guard let options = options(conninfo) else { return "a connection string libpq cannot parse" }
        guard !options.isEmpty else { return "libpq's defaults" }
        return options.map { "\($0.keyword)=\($0.secret ? "***" : quoted($0.value))" }.joined(separator: " ")
    }

    /// `message` from libpq without any password in `conninfo`. When libpq read the string, each
    /// secret value it read is replaced by `***`. When it could not, its message echoes the part
    /// it stumbled on in double quotes (`invalid percent-encoded token: "s3cr%zzet"`, or the whole
    /// URI when a bracket is missing): every quoted part becomes "…" unless it is a libpq keyword
    /// or the syntax libpq was looking for (`missing "=" after "dbname"`, `matching "]"`).
    public static func scrubbed(_ message: String, conninfo: String) -> String {
        if let options = options(conninfo) {
            var text = message
            for secret in options.filter(\.secret).map(\.value).sorted(by: { $0.count > $1.count }) where !secret.isEmpty {
                text = text.replacingOccurrences(of: secret, with: "***")
            }
            return text
        }
        let parts = message.split(separator: "\"", omittingEmptySubsequences: false)
        return parts.enumerated().map { index, part in
            index % 2 == 1 && !keywords.contains(String(part)) && !["=", "]", "'"].contains(part) ? "…" : String(part)
        }.joined(separator: "\"")
    }

    /// A conninfo value as libpq's keyword/value syntax writes it: bare when it is plain, else in
    /// single quotes with `\` and `'` escaped.
    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && !value.contains { $0 == " " || $0 == "'" || $0 == "\\" || $0.isNewline || $0 == "\t" }
        if plain { return value }
        return "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}
