import TilskotCore

/// The applications of the sample and what happens to each: registered and assessed by a caseworker,
/// decided by a manager, some appealed, withdrawn, dismissed or still pending. All amounts are
/// illustrative except the Jobbsjansen 2021 total and count (41 applications, all granted).
enum SampleApplications {
    indirect enum Fate {
        case granted(on: String)
        case partial(kroner: Int64, on: String, reasons: String)
        case rejected(on: String, reasons: String)
        /// Avvisning: not considered on its merits; needs no assessment.
        case dismissed(on: String, reasons: String)
        case withdrawn(reason: String)
        /// Not decided yet: only registered, or also assessed.
        case pending(assessed: Bool)
        /// Decided first as `first`, appealed (klage) on `received`, then decided again as `then`
        /// (omgjering), or `then` is one of the appeal's own steps below.
        case appealed(first: Fate, received: String, grounds: String, then: Fate)
        /// The directorate keeps its decision and sends the appeal on `forwarded`; the appeal body
        /// upholds it on `upheld` (fvl. §§ 33–34). Only as the `then` of an appeal.
        case forwardedAndUpheld(forwarded: String, upheld: String, reasons: String)
        /// The appeal is dismissed (avvist, fvl. § 33 second paragraph; ground: late, no_standing,
        /// withdrawn, other) and the decision stays. Only as the `then` of an appeal.
        case appealDismissed(ground: String, on: String, reasons: String)
    }

    struct Spec {
        var round: String
        var orgnr: String
        var title: String
        /// Kroner applied for.
        var amount: Int64
        var received: String
        var externalRef: String
        var caseworker: String
        var fate: Fate
        var conditions: String?
    }

    static let conditionsJobbsjansen2021 = "Rapport om bruk av midlane innan 1. mars 2022; revidert rekneskap for tilskot på 400 000 kr eller meir"
    static let limitedFrame = "Søknaden fyller krava, men ramma rekk ikkje til heile beløpet; tilskotet er sett ned i samsvar med tal deltakarar"
    static let weakPlan = "Prosjektplanen viser ikkje korleis deltakarane skal kome i arbeid eller utdanning, som er hovudkriteriet i regelverket"

    static var all: [Spec] {
        jobbsjansen2020 + jobbsjansen2021 + jobbsjansen2022 + voluntary + diversity + resourceCentres
    }

    /// Amounts of other years follow the 2021 ones: 80 % in 2020 and 105 % in 2022, to 50 000 kr.
    static func scaled(_ kroner: Int64, percent: Int64) -> Int64 {
        (kroner * percent / 100 + 25_000) / 50_000 * 50_000
    }

    static func day(_ year: Int, _ month: Int, _ index: Int, modulo: Int = 26) -> String {
        let d = index % modulo + 1
        return "\(year)-\(month < 10 ? "0" : "")\(month)-\(d < 10 ? "0" : "")\(d)"
    }

    /// 2021 exactly as the demo part registers it: received 2 February onwards, decided 15 April,
    /// external reference JS2021-<kommunenummer>, all granted in full.
    static var jobbsjansen2021: [Spec] {
        SampleOrganisations.jobbsjansen2021.enumerated().map { i, m in
            Spec(round: "JS/2021", orgnr: m.orgnr, title: "Jobbsjansen i \(m.name)", amount: m.amount2021,
                 received: day(2021, 2, i + 1), externalRef: "JS2021-\(m.code)", caseworker: "kari",
                 fate: .granted(on: "2021-04-15"), conditions: conditionsJobbsjansen2021)
        }
    }

    /// 2020: the first 33 municipalities; one partial grant and one rejection.
    static var jobbsjansen2020: [Spec] {
        SampleOrganisations.jobbsjansen2021.prefix(33).enumerated().map { i, m in
            let fate: Fate
            switch m.code {
            case "4203": fate = .partial(kroner: 1_500_000, on: "2020-04-20", reasons: limitedFrame)
            case "4202": fate = .rejected(on: "2020-04-20", reasons: weakPlan)
            default: fate = .granted(on: "2020-04-20")
            }
            return Spec(round: "JS/2020", orgnr: m.orgnr, title: "Jobbsjansen i \(m.name)",
                        amount: scaled(m.amount2021, percent: 80), received: day(2020, 2, i),
                        externalRef: "JS2020-\(m.code)", caseworker: i % 3 == 0 ? "ola" : "kari", fate: fate)
        }
    }

    /// 2022: the 41 and four new municipalities; partial grants, two rejections that are appealed
    /// (one changed, one upheld), a dismissal and a withdrawal, within a frame lowered by 5 mill. kr.
    static var jobbsjansen2022: [Spec] {
        let on = "2022-04-20"
        let old = SampleOrganisations.jobbsjansen2021.map { ($0, scaled($0.amount2021, percent: 105)) }
        let new = SampleOrganisations.jobbsjansenNew2022.map { ($0, $0.amount2021) }
        return (old + new).enumerated().map { i, pair in
            let (m, amount) = pair
            let fate: Fate
            switch m.code {
            case "0301": fate = .partial(kroner: 11_000_000, on: on, reasons: limitedFrame)
            case "4601": fate = .partial(kroner: 6_000_000, on: on, reasons: limitedFrame)
            case "5402": fate = .partial(kroner: 1_500_000, on: on, reasons: limitedFrame)
            case "4627":
                fate = .appealed(first: .rejected(on: on, reasons: weakPlan), received: "2022-05-03",
                                 grounds: "Kommunen har sendt ein revidert prosjektplan med avtalar om arbeidspraksis",
                                 then: .partial(kroner: 1_000_000, on: "2022-05-24", reasons: "Klaga er teken delvis til følgje: den reviderte planen fyller krava for eit mindre prosjekt"))
            case "3401":
                fate = .appealed(first: .rejected(on: on, reasons: weakPlan), received: "2022-05-06",
                                 grounds: "Kommunen meiner planen er god nok",
                                 then: .forwardedAndUpheld(forwarded: "2022-05-20", upheld: "2022-06-01",
                                                           reasons: "Klaga gir ikkje nye opplysningar; departementet stadfestar vedtaket"))
            case "1813": fate = .dismissed(on: "2022-03-15", reasons: "Søknaden manglar budsjett og prosjektplan, og kommunen har ikkje svart på purring")
            case "1577": fate = .withdrawn(reason: "Kommunen trekte søknaden: prosjektet vert ikkje gjennomført i 2022")
            default: fate = .granted(on: on)
            }
            return Spec(round: "JS/2022", orgnr: m.orgnr, title: "Jobbsjansen i \(m.name)", amount: amount,
                        received: day(2022, 2, i), externalRef: "JS2022-\(m.code)",
                        caseworker: i % 2 == 0 ? "kari" : "ola", fate: fate)
        }
    }

    /// Voluntary organisations, 2020–2022 (caseworker ola).
    static var voluntary: [Spec] {
        let orgs = SampleOrganisations.voluntary
        func spec(_ year: Int, _ i: Int, _ kroner: Int64, _ fate: Fate) -> Spec {
            Spec(round: "FRIVILLIG/\(year)", orgnr: orgs[i].orgnr, title: "Møteplassar og fellesskap \(year): \(orgs[i].name)",
                 amount: kroner, received: day(year, 1, i + 10), externalRef: "FO\(year)-\(i + 1)",
                 caseworker: "ola", fate: fate)
        }
        let reject = "Tiltaket er ikkje retta mot innvandrarar og barna deira, som regelverket krev"
        return [
            spec(2020, 0, 1_200_000, .granted(on: "2020-04-02")),
            spec(2020, 1, 900_000, .granted(on: "2020-04-02")),
            spec(2020, 2, 1_500_000, .granted(on: "2020-04-06")),
            spec(2020, 3, 650_000, .granted(on: "2020-04-06")),
            spec(2020, 4, 2_000_000, .partial(kroner: 1_200_000, on: "2020-04-14", reasons: limitedFrame)),
            spec(2020, 5, 1_800_000, .granted(on: "2020-04-14")),
            spec(2020, 6, 700_000, .rejected(on: "2020-04-20", reasons: reject)),
            spec(2020, 7, 450_000, .granted(on: "2020-04-20")),
            spec(2020, 8, 1_100_000, .granted(on: "2020-04-27")),
            spec(2020, 9, 800_000, .granted(on: "2020-04-27")),

            spec(2021, 0, 1_400_000, .granted(on: "2021-03-25")),
            spec(2021, 1, 1_000_000, .granted(on: "2021-03-25")),
            spec(2021, 2, 1_700_000, .granted(on: "2021-03-30")),
            spec(2021, 3, 750_000, .granted(on: "2021-03-30")),
            spec(2021, 4, 2_200_000, .partial(kroner: 1_500_000, on: "2021-04-08", reasons: limitedFrame)),
            spec(2021, 5, 2_000_000, .granted(on: "2021-04-08")),
            spec(2021, 6, 900_000, .appealed(first: .rejected(on: "2021-04-12", reasons: reject), received: "2021-04-26",
                                             grounds: "Organisasjonen meiner tiltaket når innvandrarar",
                                             then: .appealDismissed(ground: "withdrawn", on: "2021-05-18",
                                                                    reasons: "Organisasjonen trekte klaga i e-post 2021-05-14; vedtaket står ved lag"))),
            spec(2021, 7, 500_000, .granted(on: "2021-04-12")),
            spec(2021, 8, 1_300_000, .granted(on: "2021-04-19")),
            spec(2021, 9, 950_000, .granted(on: "2021-04-19")),
            spec(2021, 10, 1_600_000, .partial(kroner: 1_000_000, on: "2021-04-26", reasons: limitedFrame)),
            spec(2021, 11, 600_000, .rejected(on: "2021-04-26", reasons: reject)),
            spec(2021, 12, 1_100_000, .granted(on: "2021-05-03")),
            spec(2021, 13, 400_000, .withdrawn(reason: "Organisasjonen har fått midlar frå kommunen til same tiltak")),

            spec(2022, 0, 1_500_000, .granted(on: "2022-03-28")),
            spec(2022, 1, 1_100_000, .granted(on: "2022-03-28")),
            spec(2022, 2, 1_800_000, .granted(on: "2022-04-04")),
            spec(2022, 3, 800_000, .granted(on: "2022-04-04")),
            spec(2022, 4, 2_300_000, .partial(kroner: 1_600_000, on: "2022-04-11", reasons: limitedFrame)),
            spec(2022, 5, 2_100_000, .granted(on: "2022-04-11")),
            spec(2022, 6, 950_000, .rejected(on: "2022-04-19", reasons: reject)),
            spec(2022, 7, 550_000, .granted(on: "2022-04-19")),
            spec(2022, 8, 1_400_000, .dismissed(on: "2022-03-01", reasons: "Søknaden er ikkje underskriven av nokon som kan forplikte organisasjonen")),
            spec(2022, 9, 1_000_000, .granted(on: "2022-04-25")),
            spec(2022, 10, 1_700_000, .pending(assessed: true)),
            spec(2022, 11, 700_000, .pending(assessed: false)),
        ]
    }

    /// Businesses, 2021–2022 (caseworker ola).
    static var diversity: [Spec] {
        let orgs = SampleOrganisations.businesses
        func spec(_ year: Int, _ i: Int, _ kroner: Int64, _ fate: Fate) -> Spec {
            Spec(round: "MANGFALD/\(year)", orgnr: orgs[i].orgnr, title: "Rekruttering og mangfald \(year): \(orgs[i].name)",
                 amount: kroner, received: day(year, 2, i + 5), externalRef: "MF\(year)-\(i + 1)",
                 caseworker: "ola", fate: fate)
        }
        let reject = "Tiltaket gjeld ordinær opplæring av tilsette og ikkje rekruttering av personar med innvandrarbakgrunn"
        return [
            spec(2021, 0, 1_200_000, .granted(on: "2021-05-10")),
            spec(2021, 1, 950_000, .granted(on: "2021-05-10")),
            spec(2021, 2, 1_500_000, .granted(on: "2021-05-17")),
            spec(2021, 3, 800_000, .granted(on: "2021-05-17")),
            spec(2021, 4, 1_400_000, .partial(kroner: 1_000_000, on: "2021-05-25", reasons: limitedFrame)),
            spec(2021, 5, 600_000, .granted(on: "2021-05-25")),
            spec(2021, 6, 1_100_000, .rejected(on: "2021-06-01", reasons: reject)),
            spec(2021, 7, 900_000, .dismissed(on: "2021-04-20", reasons: "Verksemda er ikkje registrert i Einingsregisteret med verksemd i Noreg")),

            spec(2022, 0, 1_300_000, .granted(on: "2022-05-09")),
            spec(2022, 1, 1_000_000, .granted(on: "2022-05-09")),
            spec(2022, 2, 1_600_000, .partial(kroner: 1_200_000, on: "2022-05-16", reasons: limitedFrame)),
            spec(2022, 3, 850_000, .granted(on: "2022-05-16")),
            spec(2022, 4, 1_250_000, .granted(on: "2022-05-23")),
            spec(2022, 5, 700_000, .rejected(on: "2022-05-23", reasons: reject)),
        ]
    }

    /// The national resource centres: the Storting decides, so every application is granted (kari).
    static var resourceCentres: [Spec] {
        let orgs = SampleOrganisations.resourceCentres
        let amounts: [Int: [Int64]] = [2020: [4_950_000, 3_400_000, 2_750_000],
                                       2021: [5_200_000, 3_600_000, 2_900_000],
                                       2022: [5_350_000, 3_700_000, 3_050_000]]
        return [2020, 2021, 2022].flatMap { year in
            orgs.indices.map { i in
                Spec(round: "RESSURS/\(year)", orgnr: orgs[i].orgnr, title: "Drift av nasjonalt ressursmiljø \(year)",
                     amount: amounts[year]![i], received: day(year, 1, i + 10), externalRef: "NR\(year)-\(i + 1)",
                     caseworker: "kari", fate: .granted(on: "\(year)-02-\(15 + i)"))
            }
        }
    }
}
