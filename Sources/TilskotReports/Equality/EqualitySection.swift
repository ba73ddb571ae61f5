import TilskotCore

/// The "Tilskotsordningar" section of the directorate's equality report, generated from the figures:
/// an introduction, a paragraph per scheme in running text the way the report writes it, a table per
/// scheme and per county, two charts, and the basis. Renderers (Markdown, HTML) only lay it out.
public struct EqualitySection: Sendable, Equatable {
    public struct SchemeText: Sendable, Equatable {
        public var name: String
        /// "Føremål: …", "Målgruppe: …" — the scheme record's own words.
        public var purpose: [String]
        /// The figures in running text.
        public var figures: String
    }

    public struct Table: Sendable, Equatable {
        public var caption: String
        public var columns: [String]
        /// Which columns are numbers (right-aligned).
        public var numeric: [Bool]
        public var rows: [[String]]
        /// A line under the table (the gender table's source and suppression marks).
        public var note: String? = nil
    }

    /// A horizontal bar chart; each item has one or two bars (series).
    public struct Chart: Sendable, Equatable {
        public struct Item: Sendable, Equatable {
            public var label: String
            public var values: [Int64]
            public var valueLabels: [String]
        }
        public var title: String
        public var description: String
        public var seriesNames: [String]
        public var items: [Item]
    }

    public var language: ReportLanguage
    public var year: Int
    public var title: String
    public var introduction: String
    public var schemes: [SchemeText]
    public var tables: [Table]
    public var charts: [Chart]
    public var basis: String
}

extension EqualitySection {
    /// Builds the section from the year's figures in `language`. `funder` names the directorate in the
    /// text ("IMDi").
    public init(_ figures: EqualityQuery.Figures, language: ReportLanguage, funder: String = "IMDi") {
        let words = EqualityWords(language: language, funder: funder, year: figures.year)
        self.language = language
        self.year = figures.year
        self.title = words.title
        self.introduction = words.introduction(schemes: figures.schemes.count)
        self.schemes = figures.schemes.map { s in
            SchemeText(name: s.name, purpose: words.purpose(goal: s.goal, targetGroup: s.targetGroup),
                       figures: words.figures(s))
        }
        let money = { (ore: Int64) in language.shortAmount(Money(ore: ore)) }
        let schemeTable = Table(
            caption: words.schemeTableCaption,
            columns: words.schemeTableColumns,
            numeric: [false, true, true, true, true, true],
            rows: figures.schemes.map { s in
                [s.name, money(s.frameOre), language.count(s.applications), language.count(s.granted + s.partiallyGranted),
                 money(s.grantedOre), s.frameOre == 0 ? "" : language.shortPercent(Double(s.grantedOre) * 100 / Double(s.frameOre))]
            })
        let counties = figures.counties.filter { $0.applications > 0 }
        let countyTable = Table(
            caption: words.countyTableCaption(figures.basis.division ?? .division2020),
            columns: words.countyTableColumns,
            numeric: [false, true, true, true],
            rows: counties.map { c in
                [words.countyLabel(c), language.count(c.applications), language.count(c.grants), money(c.grantedOre)]
            })
        self.tables = [schemeTable, countyTable]
        self.charts = [
            Chart(title: words.frameChartTitle, description: words.frameChartDescription,
                  seriesNames: words.frameChartSeries,
                  items: figures.schemes.map { s in
                      .init(label: s.name, values: [s.frameOre, s.grantedOre], valueLabels: [money(s.frameOre), money(s.grantedOre)])
                  }),
            Chart(title: words.countyChartTitle(figures.basis.division ?? .division2020),
                  description: words.countyChartDescription, seriesNames: [words.frameChartSeries[1]],
                  items: counties.sorted { ($0.grantedOre, $1.code ?? "") > ($1.grantedOre, $0.code ?? "") }.map { c in
                      .init(label: words.countyLabel(c), values: [c.grantedOre], valueLabels: [money(c.grantedOre)])
                  }),
        ]
        self.basis = words.basis(figures.basis)
    }
}
