/// Helpers for showing connection strings to people without their secrets.
public enum ConnectionString {
    /// Replaces the password of a URL (`postgresql://user:secret@host/db`, `?password=secret`) or of
    /// a conninfo string (`password=secret`, `password='a secret'`, `password=a\ secret`) with `***`,
    /// so it can appear in messages and logs.
    public static func redacted(_ conninfo: String) -> String {
        var text = conninfo
        if let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") {
            let userInfo = text[scheme.upperBound..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                text.replaceSubrange(text.index(after: colon)..<at, with: "***")
            }
        }
        var result = ""
        var rest = Substring(text)
        while let value = passwordValue(in: rest) {
            result += rest[..<value.lowerBound]
            result += "***"
            rest = rest[value.upperBound...]
        }
        return result + rest
    }

    /// `message` without any password written in `conninfo`, as written or as libpq decodes it.
    /// libpq echoes parts of a connection string it cannot parse (`invalid percent-encoded token:
    /// "s3cr%zzet"`, or the whole URI when a bracket is missing), so its messages need this too.
    public static func scrubbed(_ message: String, conninfo: String) -> String {
        var text = message
        for secret in passwords(in: conninfo).sorted(by: { $0.count > $1.count }) where !secret.isEmpty {
            text = text.replacingOccurrences(of: secret, with: "***")
        }
        return text
    }

    /// Every form of every password in `conninfo`: the text as written and its decoded value.
    static func passwords(in conninfo: String) -> [String] {
        var found: [String] = []
        if let scheme = conninfo.range(of: "://"), let at = conninfo[scheme.upperBound...].firstIndex(of: "@"),
           let colon = conninfo[scheme.upperBound..<at].firstIndex(of: ":") {
            found.append(String(conninfo[conninfo.index(after: colon)..<at]))
        }
        var rest = Substring(conninfo)
        while let value = passwordValue(in: rest) {
            found.append(String(rest[value]))
            rest = rest[value.upperBound...]
        }
        var decoded: [String] = []
        for raw in found {
            if let percent = raw.removingPercentEncodingLeniently(), percent != raw { decoded.append(percent) }
            let unquoted = unquotedConninfoValue(raw)
            if unquoted != raw { decoded.append(unquoted) }
        }
        return found + decoded
    }

    /// The range of the value after the next `password=` (conninfo key or URL query parameter):
    /// a quoted conninfo value up to its closing quote, else up to an unescaped space or `&`.
    static func passwordValue(in text: Substring) -> Range<Substring.Index>? {
        guard let key = text.range(of: "password") else { return nil }
        var i = key.upperBound
        while i < text.endIndex, text[i] == " " { i = text.index(after: i) }
        guard i < text.endIndex, text[i] == "=" else {
            return passwordValue(in: text[key.upperBound...])
        }
        i = text.index(after: i)
        while i < text.endIndex, text[i] == " " { i = text.index(after: i) }
        let start = i
        if i < text.endIndex, text[i] == "'" {
            i = text.index(after: i)
            while i < text.endIndex, text[i] != "'" {
                if text[i] == "\\" { i = text.index(after: i); if i == text.endIndex { break } }
                i = text.index(after: i)
            }
            if i < text.endIndex { i = text.index(after: i) }
            return start..<i
        }
        while i < text.endIndex, text[i] != " ", text[i] != "&", text[i] != "#" {
            if text[i] == "\\" { i = text.index(after: i); if i == text.endIndex { break } }
            i = text.index(after: i)
        }
        return start..<i
    }

    /// A conninfo value as libpq reads it: quotes removed, backslash escapes resolved.
    static func unquotedConninfoValue(_ raw: String) -> String {
        var body = Substring(raw)
        if body.hasPrefix("'") { body = body.dropFirst(); if body.hasSuffix("'") { body = body.dropLast() } }
        var result = ""
        var escaped = false
        for character in body {
            if escaped { result.append(character); escaped = false } else if character == "\\" { escaped = true } else { result.append(character) }
        }
        return result
    }
}

extension String {
    /// Percent-decoding that leaves an invalid `%zz` as it is, as a person reading it would.
    func removingPercentEncodingLeniently() -> String? {
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let byte = utf8.first {
            utf8 = utf8.dropFirst()
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
