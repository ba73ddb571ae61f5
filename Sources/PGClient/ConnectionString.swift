/// Helpers for showing connection strings to people without their secrets.
public enum ConnectionString {
    /// Replaces the password of a URL (`postgresql://user:secret@host/db`) or of a conninfo string
    /// (`password=secret`) with `***`, so it can appear in messages and logs.
    public static func redacted(_ conninfo: String) -> String {
        var text = conninfo
        if let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") {
            let userInfo = text[scheme.upperBound..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                text.replaceSubrange(text.index(after: colon)..<at, with: "***")
            }
        }
        // password=… in conninfo form and ?password=… / &password=… in URL query form.
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: "password=") {
            result += rest[..<range.upperBound]
            result += "***"
            rest = rest[range.upperBound...]
            let end = rest.firstIndex(where: { $0 == " " || $0 == "&" }) ?? rest.endIndex
            rest = rest[end...]
        }
        return result + rest
    }
}
