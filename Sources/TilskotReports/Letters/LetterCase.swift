import TilskotCore
import TilskotStore

/// What every letter about an application says of its case: who writes, the two references, the
/// scheme year, the party and the application's title. The decision letter and the claw-back letter
/// each carry one, and frame their own sections with it the same way.
public struct LetterCase: Sendable, Equatable {
    public var issuer: LetterIssuer
    /// Our reference: the application's.
    public var reference: String
    /// The applicant's own reference, when it gave one.
    public var externalReference: String?
    public var schemeName: String
    /// The budget year of the application's round.
    public var year: Int
    public var organisationName: String
    public var organisationNumber: String
    /// The application's title.
    public var title: String

    public init(issuer: LetterIssuer = .imdi, reference: String, externalReference: String?, schemeName: String,
                year: Int, organisationName: String, organisationNumber: String, title: String) {
        self.issuer = issuer
        self.reference = reference
        self.externalReference = externalReference
        self.schemeName = schemeName
        self.year = year
        self.organisationName = organisationName
        self.organisationNumber = organisationNumber
        self.title = title
    }

    /// The case as the database shows it; the round's year, else `orYear` (a round key always has one).
    init(_ detail: ApplicationDetail, issuer: LetterIssuer, orYear: Int) {
        let a = detail.summary
        self.init(issuer: issuer, reference: a.reference, externalReference: a.externalRef, schemeName: detail.schemeName,
                  year: Int(a.round.split(separator: "/").last ?? "") ?? orYear,
                  organisationName: a.organisationName, organisationNumber: a.organisationNumber, title: a.title)
    }

    /// "Jobbsjansen 2021": the scheme year as the letters' titles and text name it.
    var schemeYear: String { "\(schemeName) \(year)" }

    /// The title in the quotation marks of `language`.
    func quotedTitle(_ language: LetterLanguage) -> String {
        language == .en ? "“\(title)”" : "«\(title)»"
    }

    /// The whole letter around a decision's own `sections`: sender, recipient, our and your
    /// reference and the date; after the sections the right to appeal (fvl. § 27 third paragraph;
    /// `forwarded` when an upheld decision sends the appeal on to the appeal body) and to see the
    /// case documents (§ 18); then the closing and the signature of the person who decided.
    func document(_ language: LetterLanguage, title: String, sections: [LetterDocument.Section],
                  decisionDate: CalendarDate, decidedBy: String, forwarded: Bool) -> LetterDocument {
        let rights = [AppealRights.section(language, issuer: issuer, reference: reference, forwarded: forwarded),
                      AppealRights.accessSection(language)]
        let (closing, note) = AppealRights.closing(language)
        var references = [(label: language == .en ? "Our reference" : "Vår referanse", value: reference)]
        if let externalReference {
            let label = switch language { case .nn: "Dykkar referanse"; case .nb: "Deres referanse"; case .en: "Your reference" }
            references.append((label: label, value: externalReference))
        }
        references.append((label: language == .en ? "Date" : "Dato", value: language.longDate(decisionDate)))
        let organisationNumberLabel = language == .en ? "Organisation number" : "Organisasjonsnummer"
        return LetterDocument(
            language: language,
            sender: [issuer.name(language).capitalisedFirst],
            recipient: [organisationName, "\(organisationNumberLabel) \(organisationNumber)"],
            references: references,
            title: title,
            sections: sections + rights,
            closing: closing,
            signature: [decidedBy, issuer.name(language).capitalisedFirst, "", note])
    }
}
