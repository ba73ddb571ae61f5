import PGClient
import TilskotCore

// What the follow-up services share: the recipient's bank account, instalment specifications, and
// early refusals in the database's own words. The rules themselves are in SQL/schema/07–13;
// these only say so before any work is done, or read input the database never sees as typed.

/// A Norwegian bank account number (kontonummer): 11 digits, written "8601 11 17947" or
/// "8601.11.17947", with a MOD11 check digit (weights 5,4,3,2,7,6,5,4,3,2).
public struct BankAccountNumber: Sendable, Hashable, CustomStringConvertible {
    public let digits: String

    public init(_ text: String) throws(TilskotError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.filter { $0 != " " && $0 != "." }
        guard digits.count == 11, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .refused("bank account \"\(trimmed)\" is not an account number: it must have 11 digits, e.g. 8601 11 17947")
        }
        let values = digits.compactMap { $0.wholeNumberValue }
        let weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
        let remainder = zip(values.prefix(10), weights).map(*).reduce(0, +) % 11
        guard remainder != 1 else {
            throw .refused("bank account \(digits) is not valid: no check digit fits its first ten digits")
        }
        let check = remainder == 0 ? 0 : 11 - remainder
        guard values[10] == check else {
            throw .refused("bank account \(digits) is not valid: its check digit should be \(check)")
        }
        self.digits = digits
    }

    /// "8601 11 17947", as banks print it.
    public var description: String {
        let a = digits.prefix(4), b = digits.dropFirst(4).prefix(2), c = digits.suffix(5)
        return "\(a) \(b) \(c)"
    }
}

/// One instalment of a payment plan as written on the command line: a share of the grant or an
/// amount, and a due date — "50%:2021-03-01" or "1 700 000:2021-03-01".
public struct InstalmentSpec: Sendable, Equatable {
    public enum Share: Sendable, Equatable {
        /// Hundredths of a per cent: 50% is 5000, 33,33% is 3333.
        case percent(basisPoints: Int)
        case amount(Money)
    }

    public var share: Share
    public var due: CalendarDate

    public init(share: Share, due: CalendarDate) {
        self.share = share
        self.due = due
    }

    /// Reads "50%:2021-03-01,50%:2021-09-01". Amounts may have spaces and a decimal comma
    /// ("1 700 000,50:2021-03-01"), so instalments are split at a comma or semicolon that follows a
    /// date, not at every comma.
    public static func parseList(_ text: String) throws(TilskotError) -> [InstalmentSpec] {
        var items: [String] = []
        var current = ""
        for ch in text {
            if (ch == "," || ch == ";"), current.range(of: #"\d{4}-\d{2}-\d{2}\s*$"#, options: .regularExpression) != nil {
                items.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        items.append(current)
        var specs: [InstalmentSpec] = []
        for item in items {
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard let colon = trimmed.lastIndex(of: ":") else {
                throw .refused("instalment \"\(trimmed)\" has no due date; write SHARE:DATE, e.g. 50%:2021-03-01 or \"1 700 000:2021-03-01\"")
            }
            let shareText = trimmed[..<colon].trimmingCharacters(in: .whitespaces)
            let due: CalendarDate
            do {
                due = try CalendarDate(String(trimmed[trimmed.index(after: colon)...]), field: "instalment due date")
            } catch {
                throw .refused(error.message)
            }
            specs.append(InstalmentSpec(share: try share(shareText), due: due))
        }
        let percent = specs.compactMap { spec -> Int? in
            if case .percent(let bp) = spec.share { return bp }
            return nil
        }.reduce(0, +)
        if percent > 10_000 {
            throw .refused("the instalments add up to \(Self.percentText(percent)) of the grant; they can come to 100% at most")
        }
        return specs
    }

    static func share(_ text: String) throws(TilskotError) -> Share {
        if text.hasSuffix("%") {
            let number = text.dropLast().trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
            let parts = number.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), let whole = Int(parts[0]), whole >= 0,
                  parts.count == 1 || (parts[1].count <= 2 && Int(parts[1]) != nil) else {
                throw .refused("instalment share \"\(text)\" is not a percentage; write e.g. 50% or 33,33%")
            }
            let fraction = parts.count == 2 ? Int(parts[1].padding(toLength: 2, withPad: "0", startingAt: 0)) ?? 0 : 0
            let basisPoints = whole * 100 + fraction
            guard basisPoints > 0, basisPoints <= 10_000 else {
                throw .refused("instalment share \(text) must be more than 0% and at most 100%")
            }
            return .percent(basisPoints: basisPoints)
        }
        let money: Money
        do {
            money = try Money.parse(text, field: "instalment amount")
        } catch {
            throw .refused(error.message)
        }
        guard !money.isZero else { throw .refused("an instalment of 0 kr pays nothing; give an amount or a share above 0") }
        return .amount(money)
    }

    static func percentText(_ basisPoints: Int) -> String {
        basisPoints % 100 == 0 ? "\(basisPoints / 100)%" : "\(basisPoints / 100),\(String(format: "%02d", basisPoints % 100))%"
    }

    /// The amounts of `specs` for a grant of `grant`: a share is rounded down to whole øre, and when
    /// the shares come to exactly 100% the last one takes what rounding left, so the plan pays the
    /// grant to the øre.
    public static func amounts(_ specs: [InstalmentSpec], grant: Money) -> [Money] {
        var amounts = specs.map { spec -> Money in
            switch spec.share {
            case .amount(let money): return money
            case .percent(let bp): return Money(ore: grant.ore * Int64(bp) / 10_000)
            }
        }
        let shares = specs.enumerated().compactMap { index, spec -> (Int, Int)? in
            if case .percent(let bp) = spec.share { return (index, bp) }
            return nil
        }
        if shares.map(\.1).reduce(0, +) == 10_000, let last = shares.last {
            let sharedSum = shares.dropLast().map { amounts[$0.0].ore }.reduce(0, +)
            amounts[last.0] = Money(ore: grant.ore - sharedSum)
        }
        return amounts
    }
}

/// A span of days for `--within`: "30d", "4w" or "30".
public enum DaySpan {
    public static func parse(_ text: String) throws(TilskotError) -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        var number = trimmed
        var factor = 1
        if trimmed.hasSuffix("d") { number = String(trimmed.dropLast()) }
        else if trimmed.hasSuffix("w") { number = String(trimmed.dropLast()); factor = 7 }
        guard let value = Int(number), value >= 0, value <= 3660 else {
            throw .refused("\"\(text)\" is not a number of days; write e.g. 30d, 4w or 30")
        }
        return value * factor
    }
}

extension Session {
    /// Follow-up changes run as lifecycle changes do: one transaction, reasons on the audit events,
    /// the database's sentences passed on as they are.
    func followUpChange<T>(reason: String? = nil, _ body: () throws -> T) throws(TilskotError) -> T {
        try lifecycleChange(reason: reason, body)
    }

    func followUpRead<T>(_ body: () throws -> T) throws(TilskotError) -> T {
        try lifecycleRead(body)
    }
}

/// The application's current grant, or the database's sentence for why there is none to follow up.
func currentGrant(applicationID: Int64, step: String, _ connection: Connection) throws -> Money {
    guard let ore = try connection.queryValue(
        "SELECT tilskot.require_grant(a, $2) FROM tilskot.application a WHERE a.id = $1", [applicationID, step],
        as: Int64.self) else {
        throw TilskotError.refused("\(step) refused: there is no application with id \(applicationID)")
    }
    return Money(ore: ore)
}
