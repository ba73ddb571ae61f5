import TilskotCore
import TilskotStore

/// What every letter about an application says of its case: who writes and how to reach them, the
/// two references, the scheme year and the regulations it is run under, the party, the application's
/// title and the caseworker to contact. Every letter kind carries one and frames its own sections
/// with it the same way.
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
    /// The scheme's regulations in force on the letter's decision date (fvl. § 25 first paragraph).
    public var regulation: LetterRegulation?
    /// The caseworker the party may contact (the assigned caseworker, else the assessor).
    public var contact: LetterPerson?
    /// The language the organisation's letters are written in by default.
    public var preferredLanguage: LetterLanguage?

    public init(issuer: LetterIssuer = .imdi, reference: String, externalReference: String?, schemeName: String,
                year: Int, organisationName: String, organisationNumber: String, title: String,
                regulation: LetterRegulation? = nil, contact: LetterPerson? = nil, preferredLanguage: LetterLanguage? = nil) {
        self.issuer = issuer
        self.reference = reference
        self.externalReference = externalReference
        self.schemeName = schemeName
        self.year = year
        self.organisationName = organisationName
        self.organisationNumber = organisationNumber
        self.title = title
        self.regulation = regulation
        self.contact = contact
        self.preferredLanguage = preferredLanguage
    }

    /// "Jobbsjansen 2021": the scheme year as the letters' titles and text name it.
    var schemeYear: String { "\(schemeName) \(year)" }

    /// The title in the quotation marks of `language`.
    func quotedTitle(_ language: LetterLanguage) -> String {
        language == .en ? "“\(title)”" : "«\(title)»"
    }

    /// The sentence of the reasons that names the rules (fvl. § 25 first paragraph): the scheme's
    /// regulations by title and date, and the state's rules on grants.
    func rulesSentence(_ language: LetterLanguage, madeUnder: Bool = true) -> String {
        let financial = switch language {
        case .nn, .nb: "Reglement for økonomistyring i staten og Bestemmelser om økonomistyring i staten, kapittel 6"
        case .en: "the Regulations and Provisions on Financial Management in Central Government, chapter 6"
        }
        let scheme: String
        if let regulation {
            scheme = regulation.citation(language)
        } else {
            scheme = switch language {
            case .nn: "regelverket for tilskotsordninga \(schemeName)"
            case .nb: "regelverket for tilskuddsordningen \(schemeName)"
            case .en: "the rules of the grant scheme \(schemeName)"
            }
        }
        switch language {
        case .nn: return "Vedtaket er gjort etter \(scheme) og reglane om tilskot i \(financial)."
        case .nb: return "Vedtaket er truffet etter \(scheme) og reglene om tilskudd i \(financial)."
        case .en: return "The decision is made under \(scheme) and the rules on grants in \(financial)."
        }
    }

    /// How the party reaches the issuer: postal address, e-mail and the digital channel.
    func howToReach(_ language: LetterLanguage) -> String {
        let name = issuer.name(language)
        var parts: [String] = []
        switch language {
        case .nn:
            if let postal = issuer.postalAddress { parts.append("per post til \(name), \(postal)") }
            if let email = issuer.email { parts.append("på e-post til \(email)") }
            if let digital = issuer.digitalChannel { parts.append("digitalt via \(digital)") }
            return parts.isEmpty ? "til \(name)" : LetterCase.list(parts, and: "eller")
        case .nb:
            if let postal = issuer.postalAddress { parts.append("per post til \(name), \(postal)") }
            if let email = issuer.email { parts.append("på e-post til \(email)") }
            if let digital = issuer.digitalChannel { parts.append("digitalt via \(digital)") }
            return parts.isEmpty ? "til \(name)" : LetterCase.list(parts, and: "eller")
        case .en:
            if let postal = issuer.postalAddress { parts.append("by post to \(name), \(postal)") }
            if let email = issuer.email { parts.append("by e-mail to \(email)") }
            if let digital = issuer.digitalChannel { parts.append("digitally via \(digital)") }
            return parts.isEmpty ? "to \(name)" : LetterCase.list(parts, and: "or")
        }
    }

    /// "a, b eller c".
    static func list(_ parts: [String], and word: String) -> String {
        guard parts.count > 1 else { return parts.first ?? "" }
        return parts.dropLast().joined(separator: ", ") + " \(word) " + parts[parts.count - 1]
    }

    /// What follows a letter's own sections: the right to appeal in its form, and access.
    enum Rights: Equatable {
        /// An individual decision of the first instance: three weeks, where and how (fvl. §§ 28–32).
        case appeal
        /// A decision of the appeal body: final (fvl. § 28 third paragraph).
        case final
        /// The directorate upheld its decision and sent the appeal on (fvl. § 33 fourth paragraph).
        case forwarded
        /// Not a decision (an advance notice): no appeal section.
        case none
    }

    /// The whole letter around its own `sections`: sender with address, recipient, our and your
    /// reference and the date; after the sections the contact, the right to appeal (fvl. § 27 third
    /// paragraph) and to see the case documents (§ 18); then the closing and the signature: the
    /// full name and title of the person who decided, and the issuer.
    func document(_ language: LetterLanguage, title: String, sections: [LetterDocument.Section],
                  date: CalendarDate, signedBy: LetterPerson, rights: Rights,
                  appealWhat: AppealRights.Subject = .decision) -> LetterDocument {
        var after: [LetterDocument.Section] = [AppealRights.contactSection(language, case: self)]
        switch rights {
        case .appeal: after.append(AppealRights.section(language, case: self, subject: appealWhat))
        case .final: after.append(AppealRights.finalSection(language))
        case .forwarded: after.append(AppealRights.forwardedSection(language, case: self))
        case .none: break
        }
        after.append(AppealRights.accessSection(language))
        let (closing, note) = AppealRights.closing(language)
        var references = [(label: language == .en ? "Our reference" : "Vår referanse", value: reference)]
        if let externalReference {
            let label = switch language { case .nn: "Dykkar referanse"; case .nb: "Deres referanse"; case .en: "Your reference" }
            references.append((label: label, value: externalReference))
        }
        references.append((label: language == .en ? "Date" : "Dato", value: language.longDate(date)))
        let organisationNumberLabel = language == .en ? "Organisation number" : "Organisasjonsnummer"
        var sender = [issuer.name(language).capitalisedFirst]
        if let postal = issuer.postalAddress { sender.append(postal) }
        if let email = issuer.email { sender.append((language == .en ? "E-mail: " : "E-post: ") + email) }
        if let website = issuer.website { sender.append(website) }
        var signature = [signedBy.name]
        if let title = signedBy.title { signature.append(title) }
        signature += [issuer.name(language).capitalisedFirst, "", note]
        return LetterDocument(
            language: language,
            sender: sender,
            recipient: [organisationName, "\(organisationNumberLabel) \(organisationNumber)"],
            references: references,
            title: title,
            sections: sections + after,
            closing: closing,
            signature: signature)
    }
}
