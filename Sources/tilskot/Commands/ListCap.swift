import TilskotCore
import TilskotStore

/// A list without `--limit` shows at most `defaultLimit` rows and says so when there were more. At
/// a national platform's size "everything" is a million applications or ten million audit events,
/// all held in memory before the first line prints; a person reading a list wants its start and a
/// hint to narrow it, and a script that wants more says how many with `--limit`.
struct ListCap {
    static let defaultLimit = 1_000
    /// The help of a list's `--limit`.
    static let help = "At most this many (default: the first \(groupedDigits(defaultLimit)), with a note when there are more)."

    /// `--limit` as given.
    let given: Int?

    init(given: Int?) throws(TilskotError) {
        if let given, given < 1 {
            throw .refused("--limit \(given) is not a number of rows; give --limit N with N of 1 or more")
        }
        self.given = given
    }

    /// What to ask the database for: the given limit, else one more than the default, to know
    /// whether the default cut anything off.
    var fetchLimit: Int { given ?? Self.defaultLimit + 1 }

    /// The rows to show; with the default limit and more rows than it, the first ones and one
    /// sentence on stderr (stdout stays data only).
    func shown<Row>(_ rows: [Row], _ what: String, narrowWith: String) -> [Row] {
        guard given == nil, rows.count > Self.defaultLimit else { return rows }
        Terminal.writeError("showing the first \(groupedDigits(Self.defaultLimit)) \(what), and there are more; narrow the list with \(narrowWith), or give --limit N to see up to N")
        return Array(rows.prefix(Self.defaultLimit))
    }
}
