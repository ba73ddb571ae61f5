import PGClient

/// The body that sends the letters (tilskot.issuer, one row): its names in the letter languages,
/// how to reach it and where appeals and repayments go. An installation setting, written by an
/// administrator (`tilskot issuer set`); the database states who may and what a valid value is
/// (SQL/schema/17_letters.sql).
public struct IssuerSettings: Sendable, Equatable {
    public var nameNN: String
    public var nameNB: String
    public var nameEN: String
    public var organisationNumber: String?
    public var postalAddress: String
    public var email: String
    public var website: String
    public var phone: String?
    /// The digital channel for appeals and other mail, as the letter names it.
    public var digitalChannel: String
    /// The account repayments are paid to (11 digits).
    public var repaymentAccount: String?
    public var changedBy: String

    public init(nameNN: String, nameNB: String, nameEN: String, organisationNumber: String?, postalAddress: String,
                email: String, website: String, phone: String?, digitalChannel: String, repaymentAccount: String?,
                changedBy: String) {
        self.nameNN = nameNN
        self.nameNB = nameNB
        self.nameEN = nameEN
        self.organisationNumber = organisationNumber
        self.postalAddress = postalAddress
        self.email = email
        self.website = website
        self.phone = phone
        self.digitalChannel = digitalChannel
        self.repaymentAccount = repaymentAccount
        self.changedBy = changedBy
    }
}

public enum Issuer {
    /// What `issuer set` changes: nil leaves a value as it is (the first `set` must give every
    /// required one; the database says which is missing).
    public struct Change: Sendable {
        public var nameNN, nameNB, nameEN, organisationNumber, postalAddress, email, website, phone,
                   digitalChannel, repaymentAccount: String?

        public init(nameNN: String? = nil, nameNB: String? = nil, nameEN: String? = nil, organisationNumber: String? = nil,
                    postalAddress: String? = nil, email: String? = nil, website: String? = nil, phone: String? = nil,
                    digitalChannel: String? = nil, repaymentAccount: String? = nil) {
            self.nameNN = nameNN
            self.nameNB = nameNB
            self.nameEN = nameEN
            self.organisationNumber = organisationNumber
            self.postalAddress = postalAddress
            self.email = email
            self.website = website
            self.phone = phone
            self.digitalChannel = digitalChannel
            self.repaymentAccount = repaymentAccount
        }

        var values: [String?] {
            [nameNN, nameNB, nameEN, organisationNumber, postalAddress, email, website, phone, digitalChannel, repaymentAccount]
        }
    }

    static let columns = ["name_nn", "name_nb", "name_en", "orgnr", "postal_address", "email", "website", "phone",
                          "digital_channel", "repayment_account"]

    /// The sentence when no issuer is configured: letters are refused without one.
    public static let missing = "no issuer is configured, so a letter cannot say who sends it or where to appeal; an administrator sets it with `tilskot issuer set --name-nn … --name-nb … --name-en … --postal-address … --email … --website … --digital-channel …`"

    /// Sets the issuer (administrators): the first call inserts the row, later ones change the
    /// values given.
    public static func set(_ change: Change, session: Session) throws(TilskotError) -> IssuerSettings {
        let values: [any SQLParameter] = change.values.map { value -> String? in
            value.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        return try session.lifecycleChange {
            let c = session.connection
            try c.execute("SELECT tilskot.require_letter_role('issuer settings')")
            if try c.queryValue("SELECT 1 FROM tilskot.issuer FOR UPDATE", as: Int.self) != nil {
                let sets = columns.enumerated().map { "\($1) = coalesce($\($0 + 1), \($1))" }.joined(separator: ", ")
                try c.execute("UPDATE tilskot.issuer SET \(sets)", values)
            } else {
                let placeholders = columns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
                try c.execute("INSERT INTO tilskot.issuer (\(columns.joined(separator: ", "))) VALUES (\(placeholders))", values)
            }
            guard let settings = try find(c) else { throw TilskotError.refused(missing) }
            return settings
        }
    }

    /// The issuer, or nil when none is configured.
    public static func show(session: Session) throws(TilskotError) -> IssuerSettings? {
        try session.lifecycleRead { try find(session.connection) }
    }

    public static func find(_ c: Connection) throws -> IssuerSettings? {
        try c.queryRow("SELECT \(columns.joined(separator: ", ")), changed_by FROM tilskot.issuer").map { row in
            IssuerSettings(nameNN: try row.string("name_nn"), nameNB: try row.string("name_nb"), nameEN: try row.string("name_en"),
                           organisationNumber: row["orgnr"], postalAddress: try row.string("postal_address"),
                           email: try row.string("email"), website: try row.string("website"), phone: row["phone"],
                           digitalChannel: try row.string("digital_channel"), repaymentAccount: row["repayment_account"],
                           changedBy: try row.string("changed_by"))
        }
    }
}
