/// The equality-report section as one self-contained HTML page: inline CSS, inline SVG charts, no
/// scripts and nothing fetched from elsewhere. It prints on A4 (page margins, figures and table rows
/// kept whole) and reads on a phone (fluid width, tables scroll sideways, charts scale). Everything
/// from data is HTML-escaped.
extension EqualitySection {
    public func renderHTML() -> String {
        var body = "<h1>\(HTML.escape(title)) \(year)</h1>\n<p class=\"intro\">\(HTML.escape(introduction))</p>\n"
        for scheme in schemes {
            body += "<section class=\"scheme\">\n<h2>\(HTML.escape(scheme.name))</h2>\n"
            if !scheme.purpose.isEmpty {
                body += "<p class=\"purpose\">" + scheme.purpose.map(HTML.escape).joined(separator: "<br>") + "</p>\n"
            }
            body += "<p>\(HTML.escape(scheme.figures))</p>\n</section>\n"
        }
        body += "<section class=\"figures\">\n<h2>\(HTML.escape(figuresHeading))</h2>\n"
        for (index, chart) in charts.enumerated() where !chart.items.isEmpty {
            body += "<figure class=\"chart\">\n\(BarChartSVG.render(chart, id: "chart\(index + 1)"))\n"
            body += "<figcaption>\(HTML.escape(chart.title))</figcaption>\n</figure>\n"
        }
        for table in tables where !table.rows.isEmpty {
            body += HTML.table(table)
        }
        body += "</section>\n<footer class=\"basis\"><p>\(HTML.escape(basis))</p></footer>\n"
        return """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title)) \(year)</title>
            <style>
            \(HTML.css)
            </style>
            </head>
            <body>
            <main>
            \(body)</main>
            </body>
            </html>

            """
    }

    var figuresHeading: String {
        switch language {
        case .nn: "Tal og figurar"
        case .nb: "Tall og figurer"
        case .en: "Figures"
        }
    }
}

extension HTML {
    static func table(_ table: EqualitySection.Table) -> String {
        func cell(_ tag: String, _ text: String, _ numeric: Bool, label: String? = nil) -> String {
            // data-label carries the column name for the phone layout, where each row becomes a card.
            "<\(tag)\(numeric ? " class=\"num\"" : "")\(label.map { " data-label=\"\(escape($0))\"" } ?? "")>\(escape(text))</\(tag)>"
        }
        // The wrapper scrolls a table wider than the page: focusable, so the keyboard can scroll it
        // (WCAG 2.1.1), and named by the table's caption for a screen reader.
        var out = "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"\(escape(table.caption))\"><table>\n<caption>\(escape(table.caption))</caption>\n<thead><tr>"
        out += zip(table.columns, table.numeric).map { cell("th", $0, $1) }.joined() + "</tr></thead>\n<tbody>\n"
        for row in table.rows {
            out += "<tr>" + row.indices.map { cell("td", row[$0], table.numeric[$0], label: table.columns[$0]) }.joined() + "</tr>\n"
        }
        out += "</tbody>\n</table>"
        if let note = table.note { out += "\n<p class=\"table-note\">\(escape(note))</p>" }
        return out + "</div>\n"
    }

    static let css = """
        @page { size: A4; margin: 18mm 16mm 20mm; }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
        body { margin: 0; background: #fff; color: #1b1b1b; line-height: 1.5;
               font-family: "Noto Sans", "Source Sans 3", "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
        main { max-width: 44rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
        h1 { font-size: 1.8rem; line-height: 1.2; margin: 0 0 .75rem; }
        h2 { font-size: 1.3rem; line-height: 1.25; margin: 1.75rem 0 .5rem; padding-bottom: .2rem; border-bottom: 1px solid #c8d1da; }
        p { margin: .5rem 0; overflow-wrap: break-word; hyphens: auto; }
        .intro { font-size: 1.05rem; }
        .purpose { color: #36414c; }
        figure { margin: 1.25rem 0 1.75rem; }
        figure svg { display: block; width: 100%; height: auto; max-width: 32rem; }
        figcaption { margin-top: .35rem; font-size: .9rem; color: #36414c; }
        .table-wrap { overflow-x: auto; margin: 1rem 0 1.5rem; }
        table { border-collapse: collapse; width: 100%; font-size: .92rem; font-variant-numeric: tabular-nums; }
        caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: .35rem; }
        th, td { padding: .35rem .5rem; border-bottom: 1px solid #d6dde4; text-align: left; vertical-align: top; }
        thead th { border-bottom: 2px solid #1f5f8b; }
        .num { text-align: right; white-space: nowrap; }
        .table-note { font-size: .85rem; color: #36414c; margin: .35rem 0 0; }
        .basis { margin-top: 2rem; padding-top: .5rem; border-top: 1px solid #c8d1da; font-size: .85rem; color: #36414c; }
        @media (max-width: 30rem) {
          main { padding: 1rem .75rem 2rem; }
          h1 { font-size: 1.5rem; }
          /* Each table row becomes a small card: the column name on the left, the value on the right. */
          table, caption, tbody, tr, td { display: block; width: 100%; }
          thead { display: none; }
          tr { border-bottom: 2px solid #c8d1da; padding: .25rem 0; }
          td { display: flex; justify-content: space-between; gap: 1rem; border: 0; padding: .15rem 0; text-align: right; }
          td::before { content: attr(data-label); font-weight: 600; text-align: left; }
          td:first-child { font-weight: 600; text-align: left; }
          td:first-child::before { content: none; }
        }
        @media print {
          body { font-size: 10.5pt; }
          main { max-width: none; padding: 0; }
          h2 { break-after: avoid; page-break-after: avoid; }
          figure, tr, .scheme p { break-inside: avoid; page-break-inside: avoid; }
          .table-wrap { overflow: visible; }
          thead { display: table-header-group; }
        }
        """
}
