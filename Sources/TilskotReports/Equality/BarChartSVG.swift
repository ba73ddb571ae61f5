/// A horizontal bar chart as inline SVG: no script, no external font or image, so the HTML page
/// stays one self-contained file. Labels sit above their bars, so long scheme names get the full
/// width and the chart stays readable when a phone scales it down. Text from data is escaped.
enum BarChartSVG {
    static let width = 480.0
    static let colours = ["#b9cde0", "#1f5f8b"]
    static let labelHeight = 18.0
    static let barHeight = 14.0
    static let barGap = 3.0
    static let itemGap = 12.0
    /// Room right of the longest bar for its value label.
    static let valueRoom = 118.0

    static func render(_ chart: EqualitySection.Chart, id: String) -> String {
        let maxValue = max(chart.items.flatMap(\.values).max() ?? 0, 1)
        let series = max(chart.seriesNames.count, 1)
        let legendHeight = series > 1 ? 26.0 : 0
        let itemHeight = labelHeight + Double(series) * (barHeight + barGap) + itemGap
        let height = legendHeight + Double(chart.items.count) * itemHeight + 4
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
        for item in chart.items {
            svg += "<text x=\"0\" y=\"\(format(y + 13))\" fill=\"#1b1b1b\" font-weight=\"600\">\(HTML.escape(item.label))</text>\n"
            y += labelHeight
            for (index, value) in item.values.enumerated() {
                let length = max(Double(max(value, 0)) * scale, value > 0 ? 1 : 0)
                let colour = colours[(series > 1 ? index : 1) % colours.count]
                svg += "<rect x=\"0\" y=\"\(format(y))\" width=\"\(format(length))\" height=\"\(format(barHeight))\" fill=\"\(colour)\"/>"
                let label = index < item.valueLabels.count ? item.valueLabels[index] : ""
                svg += "<text x=\"\(format(length + 5))\" y=\"\(format(y + 11.5))\" fill=\"#1b1b1b\" font-size=\"12\">\(HTML.escape(label))</text>\n"
                y += barHeight + barGap
            }
            y += itemGap
        }
        return svg + "</svg>"
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
