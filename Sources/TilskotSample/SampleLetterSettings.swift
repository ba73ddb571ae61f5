import PGClient
import TilskotCore
import TilskotStore

/// What the sample's letters need besides the cases: the issuer (IMDi's public details), the names
/// and titles of the sample's people, and each scheme's regulations and appeal bodies by date.
///
/// The appeal bodies follow IMDi's ministry: Kunnskapsdepartementet from the Solberg government's
/// enlargement on 17 January 2018 (the integration department moved there from the Ministry of
/// Justice), Arbeids- og inkluderingsdepartementet from 1 January 2022 (the Støre government gave
/// integration to the renamed labour ministry; regjeringen.no, the department's own pages, name
/// it responsible for IMDi and Jobbsjansen). So a 2021 decision names Kunnskapsdepartementet, a
/// 2022 one Arbeids- og inkluderingsdepartementet.
///
/// The regulations' titles and dates are the sample's, written as IMDi's grant rules are named;
/// an installation records its own (`tilskot scheme regulation add`). The repayment account is a
/// valid example number, not IMDi's: set the real one with `tilskot issuer set --repayment-account`.
enum SampleLetterSettings {
    static let issuer = Issuer.Change(
        nameNN: "Integrerings- og mangfaldsdirektoratet (IMDi)",
        nameNB: "Integrerings- og mangfoldsdirektoratet (IMDi)",
        nameEN: "the Directorate of Integration and Diversity (IMDi)",
        organisationNumber: "987879696",
        postalAddress: "Postboks 8059 Dep, 0031 Oslo",
        email: "post@imdi.no", website: "www.imdi.no", phone: "24 16 88 00",
        digitalChannel: "eDialog på www.imdi.no",
        repaymentAccount: "76940500008")

    /// The sample's people as letters name them.
    static let staff: [(login: String, name: String, title: String, email: String, phone: String)] = [
        ("kari", "Kari Nordmann", "seniorrådgivar", "kari.nordmann@imdi.no", "24 16 88 11"),
        ("ola", "Ola Nordmann", "rådgivar", "ola.nordmann@imdi.no", "24 16 88 12"),
        ("mona", "Mona Hansen", "avdelingsdirektør", "mona.hansen@imdi.no", "24 16 88 13"),
        ("ida", "Ida Berg", "seksjonssjef", "ida.berg@imdi.no", "24 16 88 14"),
    ]

    struct Body { var from: String; var nn: String; var nb: String; var en: String }

    static let appealBodies = [
        Body(from: "2018-01-17", nn: "Kunnskapsdepartementet", nb: "Kunnskapsdepartementet",
             en: "the Ministry of Education and Research"),
        Body(from: "2022-01-01", nn: "Arbeids- og inkluderingsdepartementet", nb: "Arbeids- og inkluderingsdepartementet",
             en: "the Ministry of Labour and Social Inclusion"),
    ]

    /// Each scheme's regulations: title, adopted, in force from.
    static let regulations: [String: (title: String, adopted: String, inForce: String)] = [
        "JS": ("Regelverk for tilskot til Jobbsjansen", "2019-12-16", "2020-01-01"),
        "MANGFALD": ("Regelverk for tilskot for auka etnisk mangfald i arbeidslivet", "2020-12-14", "2021-01-01"),
        "FRIVILLIG": ("Regelverk for tilskot til integreringsarbeid i regi av frivillige organisasjonar", "2019-12-16", "2020-01-01"),
        "RESSURS": ("Regelverk for tilskot til nasjonale ressursmiljø på integreringsfeltet", "2019-12-16", "2020-01-01"),
    ]

    /// Sets what is missing, inside the load's transaction: the issuer and staff as the sample's
    /// administrator, the schemes' settings as the manager.
    static func apply(_ session: Session, manager: String) throws {
        let c = session.connection
        try session.act(as: SampleLoader.administrator.user)
        if try Issuer.find(c) == nil {
            _ = try Issuer.set(issuer, session: session)
        }
        for person in staff where try c.queryRow("SELECT 1 FROM tilskot.staff WHERE login = $1", [person.login]) == nil {
            try Users.setDetails(person.login, fullName: person.name, title: person.title, email: person.email,
                                 phone: person.phone, session: session)
        }
        try session.act(as: manager)
        for spec in SampleSchemes.all {
            let code = try SchemeCode(spec.code)
            let (_, existing, bodies) = try Schemes.show(code, session: session)
            if existing.isEmpty, let r = regulations[spec.code] {
                _ = try Schemes.addRegulation(code, title: r.title, adopted: try CalendarDate(r.adopted),
                                              inForceFrom: try CalendarDate(r.inForce), url: nil, session: session)
            }
            if bodies.isEmpty {
                for body in appealBodies {
                    _ = try Schemes.addAppealBody(code, from: try CalendarDate(body.from), nn: body.nn, nb: body.nb, en: body.en,
                                                  session: session)
                }
            }
        }
    }
}
