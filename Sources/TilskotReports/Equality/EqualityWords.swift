import TilskotCore

/// The words of the equality-report section in Nynorsk, Bokmål and English. Sentences follow the seed
/// (IMDi's likestillingsutgreiing 2021): "I statsbudsjettet for 2021 vart det sett av 110,3 mill.
/// kroner til Jobbsjansen. Tilskotsramma vart seinare auka med 25 mill. kroner gjennom
/// integreringspakke II, slik at den totale tilskotsramma vart 135,3 mill. kroner i 2021. IMDi fekk
/// 41 søknader, og alle vart innvilga."
struct EqualityWords {
    let language: ReportLanguage
    let funder: String
    let year: Int

    var title: String {
        switch language {
        case .nn: "Tilskotsordningar"
        case .nb: "Tilskuddsordninger"
        case .en: "Grant schemes"
        }
    }

    func introduction(schemes: Int) -> String {
        switch language {
        case .nn:
            return "\(funder) forvaltar ei rekkje tilskotsordningar som har som formål å fremje likestilling og/eller motverke diskriminering. Her gjer vi kort greie for \(schemes == 1 ? "ordninga" : "ordningane") og tala for \(year)."
        case .nb:
            return "\(funder) forvalter en rekke tilskuddsordninger som har som formål å fremme likestilling og/eller motvirke diskriminering. Her gjør vi kort rede for \(schemes == 1 ? "ordningen" : "ordningene") og tallene for \(year)."
        case .en:
            return "\(funder) administers a number of grant schemes that aim to promote equality and/or counter discrimination. This section summarises \(schemes == 1 ? "the scheme" : "the schemes") and their figures for \(year)."
        }
    }

    func purpose(goal: String?, targetGroup: String?) -> [String] {
        let labels: (String, String) = switch language {
        case .nn: ("Føremål", "Målgruppe")
        case .nb: ("Formål", "Målgruppe")
        case .en: ("Purpose", "Target group")
        }
        return [goal.map { "\(labels.0): \(sentence($0))" }, targetGroup.map { "\(labels.1): \(sentence($0))" }]
            .compactMap { $0 }
    }

    /// Trimmed, with one full stop at the end.
    func sentence(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.hasSuffix(".") || trimmed.hasSuffix("!") || trimmed.hasSuffix("?") ? trimmed : trimmed + "."
    }

    func figures(_ s: EqualityQuery.SchemeFigures) -> String {
        let amount = { (ore: Int64) in language.amount(Money(ore: ore)) }
        var sentences: [String] = []
        // The frame: the budget's amount, then each budget change with its reason and its net after
        // corrections; a correction is no change of the budget and is not narrated (a typo corrected
        // to nothing leaves no trace in the text, the round's history shows it).
        let changes = (s.budgetChanges ?? s.adjustments).filter { $0.amountOre != 0 }
        if changes.isEmpty {
            sentences.append(budget(amount(s.frameOre), s.name))
        } else {
            sentences.append(budget(amount(s.initialFrameOre), s.name))
            let changes = changes.map { a in adjustment(a.amountOre, amount(abs(a.amountOre)), a.reason) }
            sentences.append(framePhrase(changes, total: amount(s.frameOre)))
        }
        sentences.append(outcomes(s))
        if s.granted + s.partiallyGranted > 0, s.frameOre > 0, !(s.granted == s.applications && s.grantedOre == s.frameOre) {
            sentences.append(total(amount(s.grantedOre), language.percent(Double(s.grantedOre) * 100 / Double(s.frameOre))))
        }
        return sentences.joined(separator: " ")
    }

    func budget(_ amount: String, _ name: String) -> String {
        switch language {
        case .nn: "I statsbudsjettet for \(year) vart det sett av \(amount) til \(name)."
        case .nb: "I statsbudsjettet for \(year) ble det satt av \(amount) til \(name)."
        case .en: "The state budget for \(year) set aside \(amount) for \(name)."
        }
    }

    func adjustment(_ ore: Int64, _ amount: String, _ reason: String) -> String {
        switch language {
        case .nn: "\(ore < 0 ? "redusert" : "auka") med \(amount) gjennom \(reason)"
        case .nb: "\(ore < 0 ? "redusert" : "økt") med \(amount) gjennom \(reason)"
        case .en: "\(ore < 0 ? "reduced" : "increased") by \(amount) through \(reason)"
        }
    }

    func framePhrase(_ changes: [String], total: String) -> String {
        switch language {
        case .nn: "Tilskotsramma vart seinare \(language.list(changes)), slik at den totale tilskotsramma vart \(total) i \(year)."
        case .nb: "Tilskuddsrammen ble senere \(language.list(changes)), slik at den samlede tilskuddsrammen ble \(total) i \(year)."
        case .en: "The grant frame was later \(language.list(changes)), bringing the total frame to \(total) in \(year)."
        }
    }

    func outcomes(_ s: EqualityQuery.SchemeFigures) -> String {
        let n = s.applications
        let c = language.count
        switch language {
        case .nn:
            if n == 0 { return "\(funder) fekk ingen søknader i \(year)." }
            let received = "\(funder) fekk \(c(n)) \(n == 1 ? "søknad" : "søknader")"
            if s.granted == n { return n == 1 ? "\(received), og han vart innvilga." : "\(received), og alle vart innvilga." }
            let parts = [
                s.granted > 0 ? "\(c(s.granted)) vart innvilga" : nil,
                s.partiallyGranted > 0 ? "\(c(s.partiallyGranted)) vart delvis innvilga" : nil,
                s.rejected > 0 ? "\(c(s.rejected)) fekk avslag" : nil,
                s.dismissed > 0 ? "\(c(s.dismissed)) vart \(s.dismissed == 1 ? "avvist" : "avviste")" : nil,
                s.withdrawn > 0 ? "\(c(s.withdrawn)) vart \(s.withdrawn == 1 ? "trekt" : "trekte")" : nil,
                s.pending > 0 ? "\(c(s.pending)) er ikkje \(s.pending == 1 ? "avgjord" : "avgjorde") enno" : nil,
            ].compactMap { $0 }
            return "\(received): \(language.list(parts))."
        case .nb:
            if n == 0 { return "\(funder) fikk ingen søknader i \(year)." }
            let received = "\(funder) fikk \(c(n)) \(n == 1 ? "søknad" : "søknader")"
            if s.granted == n { return n == 1 ? "\(received), og den ble innvilget." : "\(received), og alle ble innvilget." }
            let parts = [
                s.granted > 0 ? "\(c(s.granted)) ble innvilget" : nil,
                s.partiallyGranted > 0 ? "\(c(s.partiallyGranted)) ble delvis innvilget" : nil,
                s.rejected > 0 ? "\(c(s.rejected)) fikk avslag" : nil,
                s.dismissed > 0 ? "\(c(s.dismissed)) ble avvist" : nil,
                s.withdrawn > 0 ? "\(c(s.withdrawn)) ble trukket" : nil,
                s.pending > 0 ? "\(c(s.pending)) er ikke avgjort ennå" : nil,
            ].compactMap { $0 }
            return "\(received): \(language.list(parts))."
        case .en:
            if n == 0 { return "\(funder) received no applications in \(year)." }
            let received = "\(funder) received \(c(n)) \(n == 1 ? "application" : "applications")"
            if s.granted == n { return n == 1 ? "\(received), and it was granted." : "\(received), and all were granted." }
            let verb = { (k: Int) in k == 1 ? "was" : "were" }
            let parts = [
                s.granted > 0 ? "\(c(s.granted)) \(verb(s.granted)) granted" : nil,
                s.partiallyGranted > 0 ? "\(c(s.partiallyGranted)) \(verb(s.partiallyGranted)) partly granted" : nil,
                s.rejected > 0 ? "\(c(s.rejected)) \(verb(s.rejected)) rejected" : nil,
                s.dismissed > 0 ? "\(c(s.dismissed)) \(verb(s.dismissed)) dismissed" : nil,
                s.withdrawn > 0 ? "\(c(s.withdrawn)) \(verb(s.withdrawn)) withdrawn" : nil,
                s.pending > 0 ? "\(c(s.pending)) \(s.pending == 1 ? "is" : "are") not yet decided" : nil,
            ].compactMap { $0 }
            return "\(received): \(language.list(parts))."
        }
    }

    func total(_ amount: String, _ percent: String) -> String {
        switch language {
        case .nn: "Til saman vart \(amount) innvilga, \(percent) av tilskotsramma."
        case .nb: "Til sammen ble \(amount) innvilget, \(percent) av tilskuddsrammen."
        case .en: "In total \(amount) was granted, \(percent) of the frame."
        }
    }

    var schemeTableCaption: String {
        switch language {
        case .nn: "Tilskotsordningar \(year): ramme, søknader og innvilga tilskot"
        case .nb: "Tilskuddsordninger \(year): ramme, søknader og innvilgede tilskudd"
        case .en: "Grant schemes \(year): frame, applications and grants"
        }
    }

    var schemeTableColumns: [String] {
        switch language {
        case .nn: ["Ordning", "Tilskotsramme", "Søknader", "Innvilga", "Innvilga beløp", "Del av ramma"]
        case .nb: ["Ordning", "Tilskuddsramme", "Søknader", "Innvilget", "Innvilget beløp", "Andel av rammen"]
        case .en: ["Scheme", "Frame", "Applications", "Granted", "Amount granted", "Share of frame"]
        }
    }

    func countyTableCaption(_ division: CountyDivision) -> String {
        switch language {
        case .nn: "Søknader og innvilga tilskot per fylke \(year) (fylkesinndelinga \(language.division(division)))"
        case .nb: "Søknader og innvilgede tilskudd per fylke \(year) (fylkesinndelingen \(language.division(division)))"
        case .en: "Applications and grants by county, \(year) (county division \(language.division(division)))"
        }
    }

    var countyTableColumns: [String] {
        switch language {
        case .nn: ["Fylke", "Søknader", "Innvilga", "Innvilga beløp"]
        case .nb: ["Fylke", "Søknader", "Innvilget", "Innvilget beløp"]
        case .en: ["County", "Applications", "Granted", "Amount granted"]
        }
    }

    func countyLabel(_ c: EqualityQuery.CountyFigures) -> String {
        guard let code = c.code, let name = c.name else {
            switch language {
            case .nn: return "Ukjend kommune"
            case .nb: return "Ukjent kommune"
            case .en: return "Municipality unknown"
            }
        }
        return "\(code) \(name)"
    }

    var frameChartTitle: String {
        switch language {
        case .nn: "Tilskotsramme og innvilga beløp per ordning, \(year)"
        case .nb: "Tilskuddsramme og innvilget beløp per ordning, \(year)"
        case .en: "Frame and amount granted by scheme, \(year)"
        }
    }

    var frameChartDescription: String {
        switch language {
        case .nn: "Liggjande stolpar: for kvar ordning tilskotsramma og kor mykje som vart innvilga."
        case .nb: "Liggende søyler: for hver ordning tilskuddsrammen og hvor mye som ble innvilget."
        case .en: "Horizontal bars: for each scheme its frame and the amount granted."
        }
    }

    var frameChartSeries: [String] {
        switch language {
        case .nn: ["Tilskotsramme", "Innvilga"]
        case .nb: ["Tilskuddsramme", "Innvilget"]
        case .en: ["Frame", "Granted"]
        }
    }

    func countyChartTitle(_ division: CountyDivision) -> String {
        switch language {
        case .nn: "Innvilga beløp per fylke, \(year) (fylkesinndelinga \(language.division(division)))"
        case .nb: "Innvilget beløp per fylke, \(year) (fylkesinndelingen \(language.division(division)))"
        case .en: "Amount granted by county, \(year) (county division \(language.division(division)))"
        }
    }

    var countyChartDescription: String {
        switch language {
        case .nn: "Liggjande stolpar, størst først: innvilga beløp til søkjarar i kvart fylke, alle ordningar."
        case .nb: "Liggende søyler, størst først: innvilget beløp til søkere i hvert fylke, alle ordninger."
        case .en: "Horizontal bars, largest first: amount granted to applicants in each county, all schemes."
        }
    }

    func basis(_ b: ReportBasis) -> String {
        let rounds = b.rounds.joined(separator: ", ")
        let last = b.lastChange.map { language.timestamp($0) }
        let division = language.division(b.division ?? .division2020)
        switch language {
        case .nn:
            return "Grunnlag: data per \(language.timestamp(b.readAt))\(last.map { " (siste endring \($0))" } ?? ""); rundane \(rounds.isEmpty ? "–" : rounds); fylkesinndelinga \(division). Ein søknad tel med det vedtaket som gjeld no."
        case .nb:
            return "Grunnlag: data per \(language.timestamp(b.readAt))\(last.map { " (siste endring \($0))" } ?? ""); rundene \(rounds.isEmpty ? "–" : rounds); fylkesinndelingen \(division). En søknad telles med vedtaket som gjelder nå."
        case .en:
            return "Basis: data as of \(language.timestamp(b.readAt))\(last.map { " (last change \($0))" } ?? ""); rounds \(rounds.isEmpty ? "–" : rounds); county division \(division). Each application counts under the decision now in force."
        }
    }
}
