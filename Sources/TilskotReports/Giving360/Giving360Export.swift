import Foundation
import TilskotCore
import TilskotStore

/// 360Giving Data Standard 1.4.3: a grant package as JSON, or the standard's flattened CSV.
///
/// Organisation ids are `NO-BRC-<organisation number>` (Brønnøysundregistrene, org-id.guide);
/// grant ids are the funder's 360Giving prefix and the application reference. Amounts are kroner
/// (NOK) as exact numbers. Written through `JSONOutput` (keys sorted, as in every JSON tilskot writes). `amountDisbursed` appears when payments have been made.
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

    /// Kroner as text for the CSV: "4800000", or "4800000.50" when there are øre.
    static func number(_ ore: Int64) -> String {
        let money = Money(ore: ore)
        return ore % 100 == 0 ? String(ore / 100) : money.decimalKroner
    }

    /// Kroner as an exact JSON number (4800000, 4800000.5): øre / 100 as a Decimal, never a Double.
    static func kroner(_ ore: Int64) -> Decimal { Decimal(ore) / 100 }

    func description(_ g: Giving360Query.Grant) -> String {
        "\(g.title). Tilskot frå \(g.schemeName) \(g.year) til \(g.organisation)."
    }

    /// A grant package of the standard: `{"grants": [...], "version": "1.4"}`.
    struct Package: Encodable {
        var grants: [Grant]
        var version = "1.4"
    }

    /// One grant with the standard's field names. An optional that is nil is left out, as the
    /// standard wants for a field that does not apply (no `amountDisbursed` before a payment).
    struct Grant: Encodable {
        struct Organisation: Encodable {
            var id: String
            var name: String
            var addressLocality: String?
            var addressCountry: String?
        }

        struct Programme: Encodable {
            var code: String
            var title: String
            var description: String?
        }

        struct Location: Encodable {
            var id: String
            var name: String
            var countryCode: String
            var geoCode: String
            var geoCodeType: String
            var description: String?
        }

        var id: String
        var title: String
        var description: String
        var currency = "NOK"
        var amountAppliedFor: Decimal
        var amountAwarded: Decimal
        var amountDisbursed: Decimal?
        var awardDate: String
        var recipientOrganization: [Organisation]
        var fundingOrganization: [Organisation]
        var grantProgramme: [Programme]
        var beneficiaryLocation: [Location]?
        var dateModified: String
    }

    func grant(_ g: Giving360Query.Grant) -> Grant {
        var location: [Grant.Location]?
        if let code = g.municipality, let name = g.municipalityName {
            location = [Grant.Location(id: "NO-KOMMUNE-\(code)", name: name, countryCode: "NO", geoCode: code,
                                       geoCodeType: "kommunenummer (SSB 131)",
                                       description: g.countyName.map { "\(name) kommune, \($0)" })]
        }
        return Grant(
            id: "\(funder.idPrefix)-\(g.reference)", title: g.title, description: description(g),
            amountAppliedFor: Self.kroner(g.appliedOre), amountAwarded: Self.kroner(g.grantedOre),
            amountDisbursed: g.paidOre.flatMap { $0 > 0 ? Self.kroner($0) : nil }, awardDate: g.awardDate,
            recipientOrganization: [Grant.Organisation(id: "NO-BRC-\(g.orgnr)", name: g.organisation,
                                                       addressLocality: g.municipalityName,
                                                       addressCountry: g.municipalityName == nil ? nil : "Norway")],
            fundingOrganization: [Grant.Organisation(id: "NO-BRC-\(funder.orgnr)", name: funder.name)],
            grantProgramme: [Grant.Programme(code: g.scheme, title: "\(g.schemeName) \(g.year)", description: g.schemeGoal)],
            beneficiaryLocation: location, dateModified: g.modified)
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

    /// The text of a package, in pieces: what comes before the first grant, each batch of grants
    /// (with the separator before it), and what closes the package. Together they are exactly what
    /// `JSONOutput` makes of the whole `Package`, so streaming changes no byte of the file
    /// (Giving360Tests proves it for every batch size).
    static let jsonOpening = "{\n  \"grants\" : [\n"
    static let jsonClosing = "\n  ],\n  \"version\" : \"1.4\"\n}"

    func opening(_ format: Format) -> String {
        format == .json ? Self.jsonOpening : DataTable.csvHeader(Self.csvColumns)
    }

    /// A batch of grants. In JSON: the batch encoded as a package of its own, less that package's
    /// opening and closing, which leaves the grants at their depth in the whole package (keys
    /// sorted, so "grants" comes before "version"); one encoder per batch, no re-indenting.
    func items(_ grants: some Collection<Giving360Query.Grant>, first: Bool, _ format: Format) -> String {
        guard !grants.isEmpty else { return "" }
        guard format == .json else { return CSVText.records(grants.map { CSVText.fields(csvRow($0)) }) }
        let package = JSONOutput.text(Package(grants: grants.map(grant)))
        precondition(package.hasPrefix(Self.jsonOpening) && package.hasSuffix(Self.jsonClosing),
                     "JSONOutput's package no longer opens and closes as Giving360Export streams it")
        let inner = package.dropFirst(Self.jsonOpening.count).dropLast(Self.jsonClosing.count)
        return (first ? "" : ",\n") + inner
    }

    func closing(_ format: Format) -> String {
        format == .json ? Self.jsonClosing + "\n" : ""
    }

    /// Grants held in memory as one package (tests, and anything that has the grants already).
    public func render(_ grants: [Giving360Query.Grant], _ format: Format) -> String {
        switch format {
        case .json: return JSONOutput.text(Package(grants: grants.map(grant))) + "\n"
        case .csv: return opening(.csv) + items(grants, first: true, .csv)
        }
    }

    /// Streams the year's grants into `sink` as one package, a batch at a time (memory stays flat
    /// whatever the year holds); returns how many grants it wrote. Writes nothing at all when the
    /// year has no grants, so the caller can refuse without leaving half a file behind.
    public func write(year: Int, session: Session, _ format: Format, batchSize: Int = 2_000,
                      to sink: (String) throws(TilskotError) -> Void) throws(TilskotError) -> Int {
        var written = 0
        try Giving360Query.stream(year: year, session: session, batchSize: batchSize) { batch in
            guard !batch.isEmpty else { return }
            try sink((written == 0 ? opening(format) : "") + items(batch, first: written == 0, format))
            written += batch.count
        }
        if written > 0 { try sink(closing(format)) }
        return written
    }
}
