/// Escaping of text from data (names, titles, reasons) for the Markdown and HTML that reports and
/// letters write, so that nothing a user typed can become markup. One place for both renderers.
enum Markdown {
    /// Backslash-escapes what Markdown (CommonMark and GitHub's tables) would read as markup; line
    /// breaks become spaces so a value cannot start a heading or a list.
    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "|", "#", "{", "}", "!", "~":
                out.append("\\")
                out.append(ch)
            case "\n", "\r":
                out.append(" ")
            default:
                out.append(ch)
            }
        }
        return out
    }
}

enum HTML {
    /// The five characters HTML reads as markup, as entities (text and attribute values alike).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
