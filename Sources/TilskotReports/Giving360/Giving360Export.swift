import TilskotCore

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

    public var grants: [Giving360Query.Grant]
    public var funder: Funder

    public init(grants: [Giving360Query.Grant], funder: Funder = .imdi) {
        self.grants = grants
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

    /// The package: {"grants": [...]} with the schema version.
    public func renderJSON() -> String {
        JSONValue.object([("version", .string("1.4")), ("grants", .array(grants.map(grant)))]).render() + "\n"
    }

    /// The flattened CSV with 360Giving's column titles, one grant per line.
    public func table() -> DataTable {
        DataTable(
            columns: ["Identifier", "Title", "Description", "Currency", "Amount Applied For", "Amount Awarded",
                      "Amount Disbursed", "Award Date", "Recipient Org:Identifier", "Recipient Org:Name",
                      "Recipient Org:City", "Funding Org:Identifier", "Funding Org:Name", "Grant Programme:Code",
                      "Grant Programme:Title", "Beneficiary Location:Name", "Beneficiary Location:Geographic Code",
                      "Beneficiary Location:Geographic Code Type", "Beneficiary Location:Country Code", "Last Modified"],
            rows: grants.map { g in
                let disbursed: DataTable.Cell = (g.paidOre ?? 0) > 0 ? .text(Self.number(g.paidOre!)) : .null
                return [.text("\(funder.idPrefix)-\(g.reference)"), .text(g.title), .text(description(g)), "NOK",
                        .text(Self.number(g.appliedOre)), .text(Self.number(g.grantedOre)), disbursed, .text(g.awardDate),
                        .text("NO-BRC-\(g.orgnr)"), .text(g.organisation), g.municipalityName.map(DataTable.Cell.text) ?? .null,
                        .text("NO-BRC-\(funder.orgnr)"), .text(funder.name), .text(g.scheme), .text("\(g.schemeName) \(g.year)"),
                        g.municipalityName.map(DataTable.Cell.text) ?? .null, g.municipality.map(DataTable.Cell.text) ?? .null,
                        g.municipality == nil ? .null : "kommunenummer (SSB 131)", g.municipality == nil ? .null : "NO",
                        .text(g.modified)]
            })
    }
}
