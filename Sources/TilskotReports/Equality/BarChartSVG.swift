/// A horizontal bar chart as inline SVG: no script, no external font or image, so the HTML page
/// stays one self-contained file. Labels sit above their bars, so long scheme names get the full
/// width and the chart stays readable when a phone scales it down. Text from data is escaped.
enum BarChartSVG {
    /// Narrow enough that a phone (about 360 px of text width) shows the text at about 12 px; the page
    /// caps the chart at 32 rem so it does not grow large on A4.
    static let width = 400.0
    static let colours = ["#b9cde0", "#1f5f8b"]
    static let labelLine = 16.0
    static let labelHeight = 18.0
    /// Characters per label line before it wraps (13 px semi-bold in a 400 wide chart).
    static let labelCharacters = 44
    static let barHeight = 14.0
    static let barGap = 3.0
    static let itemGap = 12.0
    /// Room right of the longest bar for its value label.
    static let valueRoom = 104.0

    static func render(_ chart: EqualitySection.Chart, id: String) -> String {
        let maxValue = max(chart.items.flatMap(\.values).max() ?? 0, 1)
        let series = max(chart.seriesNames.count, 1)
        let legendHeight = series > 1 ? 26.0 : 0
        let labels = chart.items.map { wrap($0.label) }
        let gap = series > 1 ? itemGap : itemGap / 2
        let barsHeight = Double(series) * (barHeight + barGap) + gap
        let height = legendHeight + labels.map { labelHeight + Double($0.count - 1) * labelLine + barsHeight }.reduce(0, +) + 4
        let scale = (width - valueRoom) / Double(maxValue)
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height.rounded(.up)))" \
            role="img" aria-labelledby="\(id)-title \(id)-desc" font-family="inherit" font-size="13">
            <title id="\(id)-title">\(HTML.escape(chart.title))</title>
            <desc id="\(id)-desc">\(HTML.escape(chart.description))</desc>

            """
        if series > 1 {
            var x = 0.0
            for (index, name) in chart.seriesNames.enumerated() {
                svg += "<rect x=\"\(format(x))\" y=\"4\" width=\"12\" height=\"12\" fill=\"\(colours[index % colours.count])\"/>"
                svg += "<text x=\"\(format(x + 17))\" y=\"14.5\" fill=\"#1b1b1b\">\(HTML.escape(name))</text>\n"
                x += 17 + Double(name.count) * 7.5 + 20
            }
        }
        var y = legendHeight
        for (item, lines) in zip(chart.items, labels) {
            for (number, line) in lines.enumerated() {
                svg += "<text x=\"0\" y=\"\(format(y + 13 + Double(number) * labelLine))\" fill=\"#1b1b1b\" font-weight=\"600\">\(HTML.escape(line))</text>\n"
            }
            y += labelHeight + Double(lines.count - 1) * labelLine
            for (index, value) in item.values.enumerated() {
                let length = max(Double(max(value, 0)) * scale, value > 0 ? 1 : 0)
                let colour = colours[(series > 1 ? index : 1) % colours.count]
                svg += "<rect x=\"0\" y=\"\(format(y))\" width=\"\(format(length))\" height=\"\(format(barHeight))\" fill=\"\(colour)\"/>"
                let label = index < item.valueLabels.count ? item.valueLabels[index] : ""
                svg += "<text x=\"\(format(length + 5))\" y=\"\(format(y + 11.5))\" fill=\"#1b1b1b\" font-size=\"12\">\(HTML.escape(label))</text>\n"
                y += barHeight + barGap
            }
            y += gap
        }
        return svg + "</svg>"
    }

    /// Splits a label into lines of at most `labelCharacters`, at spaces (a longer word stands alone).
    static func wrap(_ label: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in label.split(separator: " ", omittingEmptySubsequences: true) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= labelCharacters {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        lines.append(current)
        return lines
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
