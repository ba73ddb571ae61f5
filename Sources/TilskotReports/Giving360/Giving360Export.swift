import TilskotCore
import TilskotStore

/// 360Giving Data Standard 1.4.3: a grant package as JSON, or the standard's flattened CSV.
///
/// Organisation ids are `NO-BRC-<organisation number>` (Brønnøysundregistrene, org-id.guide);
/// grant ids are the funder's 360Giving prefix and the application reference. Amounts are kroner
/// (NOK) as numbers. `amountDisbursed` appears when payments have been made.
public struct Giving360Export: Sendable {
    public struct Funder: Sendable, Equatable {
        public var orgnr: String
        public var name: String
        /// The 360Giving identifier prefix; grant ids are "<prefix>-<reference>".
        public var idPrefix: String

        public init(orgnr: String, name: String, idPrefix: String) {
            self.orgnr = orgnr
            self.name = name
            self.idPrefix = idPrefix
        }

        /// IMDi, Integrerings- og mangfaldsdirektoratet (organisation number 987 879 696). The prefix
        /// is a placeholder until 360Giving registers one for the directorate.
        public static let imdi = Funder(orgnr: "987879696", name: "Integrerings- og mangfaldsdirektoratet (IMDi)",
                                        idPrefix: "360G-imdi")
    }

    public enum Format: Sendable {
        /// The grant package: {"version": "1.4", "grants": [...]}.
        case json
        /// The standard's flattened CSV, one grant per line.
        case csv
    }

    public var funder: Funder

    public init(funder: Funder = .imdi) {
        self.funder = funder
    }

    /// Kroner as a JSON number: "4800000", or "4800000.50" when there are øre.
    static func number(_ ore: Int64) -> String {
        let money = Money(ore: ore)
        return ore % 100 == 0 ? String(ore / 100) : money.decimalKroner
    }

    func description(_ g: Giving360Query.Grant) -> String {
        "\(g.title). Tilskot frå \(g.schemeName) \(g.year) til \(g.organisation)."
    }

    func grant(_ g: Giving360Query.Grant) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("id", .string("\(funder.idPrefix)-\(g.reference)")),
            ("title", .string(g.title)),
            ("description", .string(description(g))),
            ("currency", .string("NOK")),
            ("amountAppliedFor", .number(Self.number(g.appliedOre))),
            ("amountAwarded", .number(Self.number(g.grantedOre))),
        ]
        if let paid = g.paidOre, paid > 0 { pairs.append(("amountDisbursed", .number(Self.number(paid)))) }
        pairs += [
            ("awardDate", .string(g.awardDate)),
            ("recipientOrganization", .array([.object([
                ("id", .string("NO-BRC-\(g.orgnr)")), ("name", .string(g.organisation)),
            ] + (g.municipalityName.map { [("addressLocality", JSONValue.string($0)), ("addressCountry", .string("Norway"))] } ?? []))])),
            ("fundingOrganization", .array([.object([("id", .string("NO-BRC-\(funder.orgnr)")), ("name", .string(funder.name))])])),
            ("grantProgramme", .array([.object([("code", .string(g.scheme)), ("title", .string("\(g.schemeName) \(g.year)"))]
                                               + (g.schemeGoal.map { [("description", JSONValue.string($0))] } ?? []))])),
        ]
        if let code = g.municipality, let name = g.municipalityName {
            var location: [(String, JSONValue)] = [("id", .string("NO-KOMMUNE-\(code)")), ("name", .string(name)),
                                                   ("countryCode", .string("NO")), ("geoCode", .string(code)),
                                                   ("geoCodeType", .string("kommunenummer (SSB 131)"))]
            if let county = g.countyName { location.append(("description", .string("\(name) kommune, \(county)"))) }
            pairs.append(("beneficiaryLocation", .array([.object(location)])))
        }
        pairs.append(("dateModified", .string(g.modified)))
        return .object(pairs)
    }

    static let csvColumns = [
        "Identifier", "Title", "Description", "Currency", "Amount Applied For", "Amount Awarded",
        "Amount Disbursed", "Award Date", "Recipient Org:Identifier", "Recipient Org:Name",
        "Recipient Org:City", "Funding Org:Identifier", "Funding Org:Name", "Grant Programme:Code",
        "Grant Programme:Title", "Beneficiary Location:Name", "Beneficiary Location:Geographic Code",
        "Beneficiary Location:Geographic Code Type", "Beneficiary Location:Country Code", "Last Modified",
    ]

    func csvRow(_ g: Giving360Query.Grant) -> [DataTable.Cell] {
        let disbursed: DataTable.Cell = (g.paidOre ?? 0) > 0 ? .text(Self.number(g.paidOre!)) : .null
        return [.text("\(funder.idPrefix)-\(g.reference)"), .text(g.title), .text(description(g)), "NOK",
                .text(Self.number(g.appliedOre)), .text(Self.number(g.grantedOre)), disbursed, .text(g.awardDate),
                .text("NO-BRC-\(g.orgnr)"), .text(g.organisation), g.municipalityName.map(DataTable.Cell.text) ?? .null,
                .text("NO-BRC-\(funder.orgnr)"), .text(funder.name), .text(g.scheme), .text("\(g.schemeName) \(g.year)"),
                g.municipalityName.map(DataTable.Cell.text) ?? .null, g.municipality.map(DataTable.Cell.text) ?? .null,
                g.municipality == nil ? .null : "kommunenummer (SSB 131)", g.municipality == nil ? .null : "NO",
                .text(g.modified)]
    }

    /// The text of a package, in pieces: what comes before the first grant, each grant (with the
    /// separator before it), and what closes the package. Together they are exactly what
    /// `JSONValue.render` makes of the whole package, so streaming changes no byte of the file.
    func opening(_ format: Format) -> String {
        format == .json ? "{\n  \"version\": \"1.4\",\n  \"grants\": [\n" : DataTable.csvHeader(Self.csvColumns)
    }

    func item(_ g: Giving360Query.Grant, first: Bool, _ format: Format) -> String {
        format == .json ? (first ? "" : ",\n") + "    " + grant(g).render(indent: 4) : DataTable.csvLine(csvRow(g))
    }

    func closing(_ format: Format) -> String {
        format == .json ? "\n  ]\n}\n" : ""
    }

    /// Grants held in memory as one package (tests, and anything that has the grants already).
    public func render(_ grants: [Giving360Query.Grant], _ format: Format) -> String {
        guard !grants.isEmpty else {
            return format == .json ? JSONValue.object([("version", .string("1.4")), ("grants", .array([]))]).render() + "\n" : opening(.csv)
        }
        return opening(format) + grants.enumerated().map { item($1, first: $0 == 0, format) }.joined() + closing(format)
    }

    /// Streams the year's grants into `sink` as one package, a batch at a time (memory stays flat
    /// whatever the year holds); returns how many grants it wrote. Writes nothing at all when the
    /// year has no grants, so the caller can refuse without leaving half a file behind.
    public func write(year: Int, session: Session, _ format: Format, batchSize: Int = 2_000,
                      to sink: (String) throws(TilskotError) -> Void) throws(TilskotError) -> Int {
        var written = 0
        try Giving360Query.stream(year: year, session: session, batchSize: batchSize) { batch in
            var text = written == 0 ? opening(format) : ""
            for g in batch {
                text += item(g, first: written == 0, format)
                written += 1
            }
            try sink(text)
        }
        if written > 0 { try sink(closing(format)) }
        return written
    }
}
