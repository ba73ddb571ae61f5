/// A letter as structure: who sends it to whom, its reference lines, a title and sections of
/// paragraphs. Decision letters and claw-back letters build one of these; the renderers below turn
/// any of them into Markdown or a self-contained HTML page, so every letter looks the same.
public struct LetterDocument: Sendable, Equatable {
    public struct Section: Sendable, Equatable {
        public var heading: String
        public var paragraphs: [String]
        /// Items shown as a list after the paragraphs (e.g. conditions).
        public var items: [String]

        public init(heading: String, paragraphs: [String], items: [String] = []) {
            self.heading = heading
            self.paragraphs = paragraphs
            self.items = items
        }
    }

    public var language: LetterLanguage
    public var sender: [String]
    public var recipient: [String]
    /// Label and value pairs: our reference, your reference, date.
    public var references: [(label: String, value: String)]
    public var title: String
    public var sections: [Section]
    public var closing: String
    public var signature: [String]

    public init(language: LetterLanguage, sender: [String], recipient: [String],
                references: [(label: String, value: String)], title: String, sections: [Section],
                closing: String, signature: [String]) {
        self.language = language
        self.sender = sender
        self.recipient = recipient
        self.references = references
        self.title = title
        self.sections = sections
        self.closing = closing
        self.signature = signature
    }

    public static func == (lhs: LetterDocument, rhs: LetterDocument) -> Bool {
        lhs.language == rhs.language && lhs.sender == rhs.sender && lhs.recipient == rhs.recipient
            && lhs.references.map(\.label) == rhs.references.map(\.label)
            && lhs.references.map(\.value) == rhs.references.map(\.value)
            && lhs.title == rhs.title && lhs.sections == rhs.sections && lhs.closing == rhs.closing
            && lhs.signature == rhs.signature
    }
}

/// The renderings of a letter (`application letter --format`).
public enum LetterFormat: String, CaseIterable, Sendable {
    case markdown, html
}

extension LetterDocument {
    public func render(_ format: LetterFormat) -> String {
        switch format {
        case .markdown: return renderMarkdown()
        case .html: return renderHTML()
        }
    }

    public func renderMarkdown() -> String {
        // Text from the case (reasons, names) must not turn into Markdown markup.
        let escape = Markdown.escape
        var out = sender.map(escape).joined(separator: "  \n") + "\n\n"
        out += recipient.map(escape).joined(separator: "  \n") + "\n\n"
        out += references.map { "**\(escape($0.label)):** \(escape($0.value))" }.joined(separator: "  \n") + "\n\n"
        out += "# \(escape(title))\n"
        for section in sections {
            out += "\n## \(escape(section.heading))\n\n"
            out += section.paragraphs.map(escape).joined(separator: "\n\n") + "\n"
            if !section.items.isEmpty {
                out += "\n" + section.items.map { "- " + escape($0) }.joined(separator: "\n") + "\n"
            }
        }
        out += "\n\(escape(closing))\n\n" + signature.map(escape).joined(separator: "  \n") + "\n"
        return out
    }

    public func renderHTML() -> String {
        let e = HTML.escape
        func lines(_ items: [String]) -> String { items.map(e).joined(separator: "<br>") }
        var body = "<header><p class=\"sender\">\(lines(sender))</p><p class=\"recipient\">\(lines(recipient))</p>"
        body += "<dl>" + references.map { "<dt>\(e($0.label))</dt><dd>\(e($0.value))</dd>" }.joined() + "</dl></header>\n"
        body += "<h1>\(e(title))</h1>\n"
        for section in sections {
            body += "<section><h2>\(e(section.heading))</h2>"
            body += section.paragraphs.map { "<p>\(e($0))</p>" }.joined()
            if !section.items.isEmpty {
                body += "<ul>" + section.items.map { "<li>\(e($0))</li>" }.joined() + "</ul>"
            }
            body += "</section>\n"
        }
        body += "<footer><p>\(e(closing))</p><p>\(lines(signature))</p></footer>\n"
        return """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(title))</title>
            <style>
            body { font-family: Georgia, "Times New Roman", serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #111; }
            header { display: grid; gap: 0.5rem; margin-bottom: 2rem; }
            dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 1rem; margin: 0; }
            dt { font-weight: bold; } dd { margin: 0; }
            h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.5rem; }
            @media print { body { margin: 0; max-width: none; } @page { size: A4; margin: 2.5cm; } }
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }
}
