/// The equality-report section as Markdown, to paste into the report. Everything that comes from
/// data (scheme names, goals, reasons, county names) is escaped, so it cannot become markup.
extension EqualitySection {
    public func renderMarkdown() -> String {
        var out = "## \(Markdown.escape(title))\n\n\(Markdown.escape(introduction))\n"
        for scheme in schemes {
            out += "\n### \(Markdown.escape(scheme.name))\n\n"
            if !scheme.purpose.isEmpty { out += scheme.purpose.map(Markdown.escape).joined(separator: " ") + "\n\n" }
            out += Markdown.escape(scheme.figures) + "\n"
        }
        for table in tables where !table.rows.isEmpty {
            out += "\n" + Markdown.table(table)
        }
        out += "\n_\(Markdown.escape(basis))_\n"
        return out
    }
}

extension Markdown {
    static func table(_ table: EqualitySection.Table) -> String {
        var out = "**\(escape(table.caption))**\n\n"
        out += "| " + table.columns.map(escape).joined(separator: " | ") + " |\n"
        out += "|" + table.numeric.map { $0 ? " ---: |" : " --- |" }.joined() + "\n"
        for row in table.rows { out += "| " + row.map(escape).joined(separator: " | ") + " |\n" }
        if let note = table.note { out += "\n_\(escape(note))_\n" }
        return out
    }
}
