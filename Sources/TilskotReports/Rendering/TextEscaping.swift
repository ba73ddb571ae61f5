/// Escaping of text from data (names, titles, reasons) for the Markdown and HTML that reports,
/// tables and letters write, so that nothing a user typed can become markup. The one Markdown and
/// the one HTML escaper of tilskot: DataTable's Markdown, the equality report, its SVG charts, the
/// letters and the web pages' templates (WebFiles' content type) all call these.
///
/// Both work on Unicode scalars, not Characters: a Character can be `"` or `<` followed by a
/// combining mark (`"\u{301}`), or CR LF together, and would then slip past a Character match
/// while a browser or Markdown reader still sees the `"`, `<` or line break.
enum Markdown {
    /// Backslash-escapes what Markdown (CommonMark and GitHub's tables) would read as markup; line
    /// breaks become spaces so a value cannot start a heading or a list.
    static func escape(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "|", "#", "{", "}", "!", "~":
                out.append("\\")
                out.append(scalar)
            case "\n", "\r":
                out.append(" ")
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }
}

public enum HTML {
    /// The five characters HTML reads as markup, as entities (text and attribute values alike).
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
