import TilskotCore

/// The four grant schemes of IMDi's 2021 equality report (the seed; domain.md), with goals and target
/// groups in Nynorsk as the report writes them. Jobbsjansen's texts are the ones
/// Scripts/demo.d/20-jobbsjansen-2021 uses, so the scheme reads the same whichever creates it.
enum SampleSchemes {
    struct Spec {
        var code: String
        var name: String
        var goal: String
        var targetGroup: String
        var applicantKinds: [ApplicantKind]
        var prefix: String
    }

    static let jobbsjansen = Spec(
        code: "JS", name: "Jobbsjansen",
        goal: "Auka sysselsetjing blant heimeverande innvandrarkvinner som står langt frå arbeidsmarknaden, gjennom individuelt tilpassa kvalifisering",
        targetGroup: "Heimeverande innvandrarkvinner mellom 18 og 55 år",
        applicantKinds: [.municipality], prefix: "JS")

    static let diversityAtWork = Spec(
        code: "MANGFALD", name: "Tilskot for auka etnisk mangfald i arbeidslivet",
        goal: "Auka rekruttering og betre bruk av kompetansen til arbeidstakarar med innvandrarbakgrunn",
        targetGroup: "Verksemder i offentleg og privat sektor",
        applicantKinds: [.business], prefix: "MF")

    static let voluntaryWork = Spec(
        code: "FRIVILLIG", name: "Integreringsarbeid i regi av frivillige organisasjonar",
        goal: "Auka arbeids- og samfunnsdeltaking blant innvandrarar og barna deira; det første av tre delmål er fellesskap, tillit og tilhøyrsel i lokalsamfunn og å motverke utanforskap, medrekna arbeid mot rasisme og diskriminering",
        targetGroup: "Frivillige organisasjonar, også store organisasjonar med intensjonsavtale",
        applicantKinds: [.voluntary], prefix: "FO")

    static let resourceCentres = Spec(
        code: "RESSURS", name: "Nasjonale ressursmiljø på integreringsfeltet",
        goal: "Betre kunnskap om integrering i befolkninga, auka tillit og tilhøyrsel til det norske samfunnet blant innvandrarar og barna deira, og auka deltaking og representasjon på ulike samfunnsarenaer",
        targetGroup: "Nasjonale organisasjonar som Stortinget vedtek støtte til; ein organisasjon som ikkje er medlemsbasert, skal ha eit eksternt styre der personar med innvandrarbakgrunn er representerte",
        applicantKinds: [.voluntary, .other], prefix: "NR")

    static let all = [jobbsjansen, diversityAtWork, voluntaryWork, resourceCentres]
}
