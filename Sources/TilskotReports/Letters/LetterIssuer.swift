import TilskotCore
import TilskotStore

/// Who sends a letter, how to reach it, and who hears appeals against it (klageinstans, fvl.
/// § 28). Built from tilskot.issuer (the installation's setting) and the scheme's appeal body on the
/// decision date (tilskot.scheme_appeal_body). The names are per language because the names of
/// state bodies are.
public struct LetterIssuer: Sendable, Equatable {
    public var names: [LetterLanguage: String]
    public var appealBodies: [LetterLanguage: String]
    public var postalAddress: String?
    public var email: String?
    public var website: String?
    public var phone: String?
    /// The digital channel for appeals, as the letter names it.
    public var digitalChannel: String?
    /// The account repayments are paid to (11 digits).
    public var repaymentAccount: String?
    public var organisationNumber: String?

    public init(names: [LetterLanguage: String], appealBodies: [LetterLanguage: String], postalAddress: String? = nil,
                email: String? = nil, website: String? = nil, phone: String? = nil, digitalChannel: String? = nil,
                repaymentAccount: String? = nil, organisationNumber: String? = nil) {
        self.names = names
        self.appealBodies = appealBodies
        self.postalAddress = postalAddress
        self.email = email
        self.website = website
        self.phone = phone
        self.digitalChannel = digitalChannel
        self.repaymentAccount = repaymentAccount
        self.organisationNumber = organisationNumber
    }

    /// One name in every language.
    public init(name: String, appealBody: String) {
        self.init(names: Dictionary(uniqueKeysWithValues: LetterLanguage.allCases.map { ($0, name) }),
                  appealBodies: Dictionary(uniqueKeysWithValues: LetterLanguage.allCases.map { ($0, appealBody) }))
    }

    /// The issuer as the database has it, with the appeal body of the decision date.
    public init(_ settings: IssuerSettings, appealBody: SchemeAppealBody?) {
        self.init(names: [.nn: settings.nameNN, .nb: settings.nameNB, .en: settings.nameEN],
                  appealBodies: appealBody.map { [.nn: $0.nameNN, .nb: $0.nameNB, .en: $0.nameEN] } ?? [:],
                  postalAddress: settings.postalAddress, email: settings.email, website: settings.website,
                  phone: settings.phone, digitalChannel: settings.digitalChannel,
                  repaymentAccount: settings.repaymentAccount, organisationNumber: settings.organisationNumber)
    }

    /// IMDi with its public contact details and the ministry it answers to since 1 January 2022
    /// (Arbeids- og inkluderingsdepartementet); for unit tests of the text. The repayment account
    /// is a valid example, not IMDi's: an installation sets its own with `tilskot issuer set`.
    public static let imdi = LetterIssuer(
        names: [.nn: "Integrerings- og mangfaldsdirektoratet (IMDi)",
                .nb: "Integrerings- og mangfoldsdirektoratet (IMDi)",
                .en: "the Directorate of Integration and Diversity (IMDi)"],
        appealBodies: [.nn: "Arbeids- og inkluderingsdepartementet",
                       .nb: "Arbeids- og inkluderingsdepartementet",
                       .en: "the Ministry of Labour and Social Inclusion"],
        postalAddress: "Postboks 8059 Dep, 0031 Oslo", email: "post@imdi.no", website: "www.imdi.no",
        phone: "24 16 88 00", digitalChannel: "eDialog på www.imdi.no", repaymentAccount: "76940500008",
        organisationNumber: "987879696")

    public func name(_ language: LetterLanguage) -> String { names[language] ?? names[.nn] ?? "" }
    public func appealBody(_ language: LetterLanguage) -> String { appealBodies[language] ?? appealBodies[.nn] ?? "" }
}

/// A person a letter names: the one who signs (name and title) or the one to contact (name,
/// e-mail, telephone), from tilskot.staff.
public struct LetterPerson: Sendable, Equatable {
    public var name: String
    public var title: String?
    public var email: String?
    public var phone: String?

    public init(name: String, title: String? = nil, email: String? = nil, phone: String? = nil) {
        self.name = name
        self.title = title
        self.email = email
        self.phone = phone
    }

    public init(_ staff: StaffDetails) {
        self.init(name: staff.fullName, title: staff.title, email: staff.email, phone: staff.phone)
    }
}

/// The regulations a decision is made under, as the letter cites them (fvl. § 25 first paragraph).
public struct LetterRegulation: Sendable, Equatable {
    public var title: String
    public var adopted: CalendarDate
    public var url: String?

    public init(title: String, adopted: CalendarDate, url: String?) {
        self.title = title
        self.adopted = adopted
        self.url = url
    }

    /// "Forskrift om … (fastsett 1. mars 2019, https://…)" in `language`.
    func citation(_ language: LetterLanguage) -> String {
        let adoptedWord = switch language { case .nn: "fastsett"; case .nb: "fastsatt"; case .en: "adopted" }
        let link = url.map { ", \($0)" } ?? ""
        return "\(title) (\(adoptedWord) \(language.longDate(adopted))\(link))"
    }
}
