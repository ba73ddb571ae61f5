import Foundation
import TilskotCore

/// The applicants of the sample data.
///
/// Municipalities are real: 2021 kommunenummer and names, and the municipality's organisation number
/// from Enhetsregisteret (reference/municipalities.csv, 2024 rows, which keep each
/// renumbered municipality's organisation). The first 41 are the Jobbsjansen 2021 applicants of
/// Scripts/demo.d/20-jobbsjansen-2021, in its order and with its amounts, so the demo and the sample
/// tell the same story. Voluntary organisations, businesses and resource centres carry
/// ILLUSTRATIVE organisation numbers (1000…, valid under MOD11 but never issued: real ones begin
/// with 8 or 9); the three resource centres are named in the seed, their numbers are not theirs.
enum SampleOrganisations {
    struct Spec {
        var orgnr: String
        var name: String
        var kind: ApplicantKind
        /// Kommunenummer in the 2020–2023 division.
        var municipality: String
        var memberBased = false
        var externalBoard = false
    }

    /// A Jobbsjansen municipality and the amount it applied for, and was granted, in 2021 (kroner;
    /// illustrative, not IMDi's figures: they sum to 134,9 mill. kr within the frame of 135,3).
    struct Municipality2021 {
        var code: String
        var name: String
        var orgnr: String
        var amount2021: Int64
    }

    /// code;name;organisation number;amount 2021 in kroner — the list of the demo part.
    static let jobbsjansen2021: [Municipality2021] = """
        0301;Oslo;958935420;12000000
        4601;Bergen;964338531;6500000
        5001;Trondheim;942110464;5500000
        1103;Stavanger;964965226;5000000
        3005;Drammen;921234554;4800000
        3004;Fredrikstad;940039541;4200000
        1108;Sandnes;964965137;4000000
        3024;Bærum;935478715;3900000
        5401;Tromsø;940101808;3800000
        4204;Kristiansand;820852982;3700000
        3029;Lørenskog;842566142;3350000
        3030;Lillestrøm;820710592;3300000
        3003;Sarpsborg;938801363;3250000
        3025;Asker;920125298;3200000
        3803;Tønsberg;921383681;3150000
        3804;Sandefjord;916882807;3100000
        3806;Porsgrunn;939991034;3050000
        3805;Larvik;918082956;3000000
        3807;Skien;938759839;2950000
        3801;Horten;964951284;2900000
        3001;Halden;959159092;2850000
        3002;Moss;920817521;2800000
        1106;Haugesund;944073787;2750000
        1149;Karmøy;940791901;2750000
        1804;Bodø;972418013;2700000
        1806;Narvik;959469059;2650000
        1833;Rana;872418032;2600000
        3403;Hamar;970540008;2550000
        3405;Lillehammer;945578564;2500000
        3407;Gjøvik;940155223;2450000
        3411;Ringsaker;864950582;2400000
        4203;Arendal;940493021;2350000
        4202;Grimstad;864964702;2300000
        1505;Kristiansund;991891919;2250000
        1506;Molde;921221967;2200000
        5006;Steinkjer;840029212;2150000
        5035;Stjørdal;939958851;2100000
        4621;Voss;960510542;2050000
        3033;Ullensaker;933649768;2000000
        5402;Harstad;972417971;1950000
        5403;Alta;944588132;1900000
        """.split(separator: "\n").map { line in
            let f = line.trimmingCharacters(in: .whitespaces).split(separator: ";").map(String.init)
            return Municipality2021(code: f[0], name: f[1], orgnr: f[2], amount2021: Int64(f[3])!)
        }

    /// Municipalities that apply to Jobbsjansen only in 2022, with the amount applied for (kroner).
    static let jobbsjansenNew2022: [Municipality2021] = [
        .init(code: "3401", name: "Kongsvinger", orgnr: "944117784", amount2021: 1_800_000),
        .init(code: "4627", name: "Askøy", orgnr: "964338442", amount2021: 1_750_000),
        .init(code: "1813", name: "Brønnøy", orgnr: "964983291", amount2021: 1_200_000),
        .init(code: "1577", name: "Volda", orgnr: "939760946", amount2021: 1_500_000),
    ]

    static func municipality(_ m: Municipality2021) -> Spec {
        Spec(orgnr: m.orgnr, name: "\(m.name) kommune", kind: .municipality, municipality: m.code)
    }

    /// Voluntary organisations (illustrative names and numbers), spread over counties, among them
    /// Viken, Vestfold og Telemark and Troms og Finnmark, so the 2024 division matters in reports.
    static let voluntary: [Spec] = [
        .init(orgnr: "100000105", name: "Kvinnenettverket i Drammen", kind: .voluntary, municipality: "3005", memberBased: true),
        .init(orgnr: "100000172", name: "Leksehjelp for alle Bergen", kind: .voluntary, municipality: "4601", memberBased: true),
        .init(orgnr: "100000245", name: "Internasjonal kafé Tromsø", kind: .voluntary, municipality: "5401", memberBased: true),
        .init(orgnr: "100000318", name: "Språkvenner Skien", kind: .voluntary, municipality: "3807", memberBased: true),
        .init(orgnr: "100000385", name: "Fotball for alle Fredrikstad", kind: .voluntary, municipality: "3004", memberBased: true),
        .init(orgnr: "100000458", name: "Nabolagsmødre Oslo", kind: .voluntary, municipality: "0301", memberBased: true),
        .init(orgnr: "100000520", name: "Mangfaldshuset Stavanger", kind: .voluntary, municipality: "1103", externalBoard: true),
        .init(orgnr: "100000598", name: "Sy og snakk Trondheim", kind: .voluntary, municipality: "5001", memberBased: true),
        .init(orgnr: "100000660", name: "Frivillig integreringslag Alta", kind: .voluntary, municipality: "5403", memberBased: true),
        .init(orgnr: "100000733", name: "Familiekafeen Kristiansand", kind: .voluntary, municipality: "4204", memberBased: true),
        .init(orgnr: "100000806", name: "Ungdom i lag Lillestrøm", kind: .voluntary, municipality: "3030", memberBased: true),
        .init(orgnr: "100000873", name: "Turvenner Bodø", kind: .voluntary, municipality: "1804", memberBased: true),
        .init(orgnr: "100000946", name: "Kulturbrua Hamar", kind: .voluntary, municipality: "3403", externalBoard: true),
        .init(orgnr: "100001012", name: "Møteplassen Molde", kind: .voluntary, municipality: "1506", memberBased: true),
    ]

    /// Businesses (illustrative names and numbers).
    static let businesses: [Spec] = [
        .init(orgnr: "100001152", name: "Nordlys Reinhald AS", kind: .business, municipality: "5401"),
        .init(orgnr: "100001225", name: "Bryggekanten Hotelldrift AS", kind: .business, municipality: "4601"),
        .init(orgnr: "100001292", name: "Omsorgsgruppa Vest AS", kind: .business, municipality: "1103"),
        .init(orgnr: "100001365", name: "Nidaros Teknikk AS", kind: .business, municipality: "5001"),
        .init(orgnr: "100001438", name: "Sørlandet Logistikk AS", kind: .business, municipality: "4204"),
        .init(orgnr: "100001500", name: "Mjøsmat AS", kind: .business, municipality: "3407"),
        .init(orgnr: "100001578", name: "Eksempel Data AS", kind: .business, municipality: "0301"),
        .init(orgnr: "100001640", name: "Romsdal Verft AS", kind: .business, municipality: "1506"),
    ]

    /// National resource centres named in the seed; the Storting decides their grants. Whether each is
    /// member-based or has an external board is illustrative.
    static let resourceCentres: [Spec] = [
        .init(orgnr: "100001713", name: "Antirasistisk senter", kind: .voluntary, municipality: "0301", memberBased: true),
        .init(orgnr: "100001780", name: "Organisasjonen Mot Offentlig Diskriminering (OMOD)", kind: .voluntary, municipality: "0301", externalBoard: true),
        .init(orgnr: "100001853", name: "LIM – Likestilling, integrering, mangfold", kind: .voluntary, municipality: "0301", externalBoard: true),
    ]

    static var all: [Spec] {
        (jobbsjansen2021 + jobbsjansenNew2022).map(municipality) + voluntary + businesses + resourceCentres
    }
}
