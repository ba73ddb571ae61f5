import Foundation
import PGClient
import Testing
import TilskotTestSupport

@Suite("libpq layer against a real PostgreSQL")
struct ConnectionTests {
    @Test("bound parameters store hostile text verbatim")
    func parametersAreNeverSpliced() throws {
        try TestDatabase.with { db in
            // setup
            let conn = try db.connect()
            try conn.execute("CREATE TABLE public.x (id int PRIMARY KEY, note text)")
            let hostile = "'; DROP TABLE x; --"
            // MUT
            try conn.execute("INSERT INTO public.x VALUES ($1, $2)", [1, hostile])
            // validate
            let stored: String? = try conn.queryValue("SELECT note FROM public.x WHERE id = $1", [1])
            #expect(stored == hostile)
            #expect(try conn.queryValue("SELECT count(*) FROM public.x", as: Int.self) == 1)
        }
    }

    @Test("rows decode into Swift values, NULL into nil")
    func decoding() throws {
        try TestDatabase.with { db in
            let conn = try db.connect()
            let row = try #require(try conn.queryRow("""
                SELECT 'Bodø'::text AS s, 9223372036854775807::bigint AS big, true AS yes,
                       DATE '2021-03-01' AS d, TIMESTAMPTZ '2021-03-01 12:30:00.25+00' AS ts,
                       123.45::numeric AS n, NULL::text AS missing, 13530000000::bigint AS ore
                """))
            #expect(try row.string("s") == "Bodø")
            #expect(try row.int64("big") == Int64.max)
            #expect(try row.bool("yes"))
            let day = try row.decode("d", as: Date.self)
            #expect(day == Date(timeIntervalSince1970: 1_614_556_800))
            let ts = try row.decode("ts", as: Date.self)
            #expect(abs(ts.timeIntervalSince1970 - 1_614_601_800.25) < 0.001)
            #expect(try row.decode("n", as: Decimal.self) == Decimal(string: "123.45"))
            #expect(try row.decodeIfPresent("missing", as: String.self) == nil)
            #expect(try row.int64("ore") == 13_530_000_000)
            #expect(throws: PGError.self) { try row.string("missing") }
        }
    }

    @Test("parameters of every kind round-trip")
    func parameterKinds() throws {
        try TestDatabase.with { db in
            let conn = try db.connect()
            let when = Date(timeIntervalSince1970: 1_614_601_800)
            let row = try #require(try conn.queryRow(
                "SELECT $1::bigint AS i, $2::boolean AS b, $3::timestamptz AS t, $4::text AS n, $5::text[] AS a",
                [Int64(-42), false, when, Optional<String>.none, ["a\"b", "c,d"]]))
            #expect(try row.int64("i") == -42)
            #expect(try row.bool("b") == false)
            #expect(try row.decode("t", as: Date.self) == when)
            #expect(row["n"] == nil)
            #expect(row["a"] == "{\"a\\\"b\",\"c,d\"}")
        }
    }

    @Test("a thrown error inside a transaction leaves nothing behind")
    func transactionRollsBack() throws {
        struct Boom: Error {}
        try TestDatabase.with { db in
            let conn = try db.connect()
            try conn.execute("CREATE TABLE public.t (v int)")
            #expect(throws: Boom.self) {
                try conn.transaction {
                    try conn.execute("INSERT INTO public.t VALUES (1)")
                    throw Boom()
                }
            }
            #expect(try conn.queryValue("SELECT count(*) FROM public.t", as: Int.self) == 0)
            // and a successful one commits
            try conn.transaction { try conn.execute("INSERT INTO public.t VALUES (2)") }
            #expect(try conn.queryValue("SELECT count(*) FROM public.t", as: Int.self) == 1)
        }
    }

    @Test("a transaction opened with its first statement (one pipeline): its rows, its settings kept to the transaction, its error rolled back")
    func openingStatement() throws {
        struct Boom: Error {}
        try TestDatabase.with { db in
            let conn = try db.connect()
            try conn.execute("CREATE TABLE public.t (v int)")
            // The opening statement's rows reach the body, inside the same transaction as the body.
            let seen = try conn.transaction(opening: "SELECT set_config('application_name', $1, true) AS name, txid_current() AS tx",
                                            ["opened"]) { rows -> (String?, String?, String?) in
                try conn.execute("INSERT INTO public.t VALUES (1)")
                return (rows.first?["name"], rows.first?["tx"],
                        try conn.queryValue("SELECT txid_current()::text || current_setting('application_name')"))
            }
            #expect(seen.0 == "opened")
            #expect(seen.2 == (seen.1 ?? "") + "opened")
            // Committed, and the setting ended with the transaction; the connection is out of pipeline mode.
            #expect(try conn.queryValue("SELECT count(*) FROM public.t", as: Int.self) == 1)
            #expect(try conn.queryValue("SELECT current_setting('application_name')", as: String.self) != "opened")
            // An opening statement that fails throws its error and leaves no transaction open.
            #expect(throws: PGError.self) {
                try conn.transaction(opening: "SELECT 1 / $1::int", ["0"]) { _ in try conn.execute("INSERT INTO public.t VALUES (2)") }
            }
            #expect(!conn.isInTransaction)
            #expect(try conn.queryValue("SELECT count(*) FROM public.t", as: Int.self) == 1)
            // A body that throws rolls back what it and the opening statement did.
            #expect(throws: Boom.self) {
                try conn.transaction(opening: "INSERT INTO public.t VALUES (3)", []) { _ in
                    try conn.execute("INSERT INTO public.t VALUES (4)")
                    throw Boom()
                }
            }
            #expect(try conn.query("SELECT v FROM public.t ORDER BY v").map { try $0.int("v") } == [1])
        }
    }

    @Test("a statement sent with COMMIT (one pipeline): committed with the transaction; its error, or COMMIT's, rolls everything back")
    func closingStatement() throws {
        try TestDatabase.with { db in
            let conn = try db.connect()
            try conn.execute("CREATE TABLE public.t (v int)")
            // A deferred rule that fails at COMMIT when a 99 is in the table.
            try conn.execute("""
                CREATE FUNCTION public.no_99() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM public.t WHERE v = 99) THEN RAISE EXCEPTION 'no 99 at commit'; END IF;
                    RETURN NULL;
                END $$
                """)
            try conn.execute("""
                CREATE CONSTRAINT TRIGGER no_99 AFTER INSERT ON public.t DEFERRABLE INITIALLY DEFERRED
                    FOR EACH ROW EXECUTE FUNCTION public.no_99();
                """)
            try conn.transaction(opening: "INSERT INTO public.t VALUES (1)", []) { _ in
                try conn.execute("INSERT INTO public.t VALUES (2)")
                conn.sendWithCommit("INSERT INTO public.t VALUES ($1::int)", [3])
            }
            #expect(!conn.isInTransaction)
            #expect(try conn.query("SELECT v FROM public.t ORDER BY v").map { try $0.int("v") } == [1, 2, 3])
            // The closing statement fails: nothing of the transaction stays, and the connection is usable.
            #expect(throws: PGError.self) {
                try conn.transaction(opening: "INSERT INTO public.t VALUES (4)", []) { _ in
                    conn.sendWithCommit("SELECT 1 / $1::int", [0])
                }
            }
            #expect(try conn.query("SELECT v FROM public.t ORDER BY v").map { try $0.int("v") } == [1, 2, 3])
            // COMMIT fails (the deferred rule, after the closing statement ran): nothing stays either.
            let error = #expect(throws: PGError.self) {
                try conn.transaction(opening: "INSERT INTO public.t VALUES (5)", []) { _ in
                    conn.sendWithCommit("INSERT INTO public.t VALUES ($1::int)", [99])
                }
            }
            #expect(error?.message.contains("no 99 at commit") == true)
            #expect(try conn.query("SELECT v FROM public.t ORDER BY v").map { try $0.int("v") } == [1, 2, 3])
            // A transaction after them without a closing statement commits as before.
            try conn.transaction(opening: "INSERT INTO public.t VALUES (6)", []) { _ in }
            #expect(try conn.query("SELECT v FROM public.t ORDER BY v").map { try $0.int("v") } == [1, 2, 3, 6])
        }
    }

    @Test("a pipeline: the statements' rows in order; each statement takes its snapshot when it begins, so a read after a lock wait sees what the other transaction committed; an error skips what follows, undoes what went before and is thrown")
    func pipelineOfStatements() throws {
        try TestDatabase.with { db in
            let conn = try db.connect()
            try conn.execute("CREATE TABLE public.t (id int PRIMARY KEY, v int)")
            try conn.execute("INSERT INTO public.t VALUES (1, 1)")
            let answers = try conn.pipeline([("SELECT $1::int + 1 AS a", [1]), ("SELECT v FROM public.t WHERE id = $1", [1]),
                                             ("SELECT 'x' AS c WHERE false", [])])
            #expect(answers.count == 3)
            #expect(answers[0].first?["a"] == "2" && answers[1].first?["v"] == "1" && answers[2].isEmpty)

            // Another session holds the row and commits v = 2 while the pipeline's first statement
            // waits for it: the second statement, begun after the wait, reads 2.
            let other = try db.connect()
            try other.execute("BEGIN")
            try other.execute("UPDATE public.t SET v = 2 WHERE id = 1")
            // Handed to one other thread, which alone uses it from then on.
            struct Handed: @unchecked Sendable { let connection: Connection }
            let handed = Handed(connection: other)
            DispatchQueue(label: "other").asyncAfter(deadline: .now() + 0.3) { _ = try? handed.connection.execute("COMMIT") }
            let seen = try conn.transaction {
                try conn.pipeline([("SELECT id FROM public.t WHERE id = 1 FOR UPDATE", []), ("SELECT v FROM public.t WHERE id = 1", [])])
            }
            #expect(seen[1].first?["v"] == "2")

            // A failing statement: its error is thrown, the statement after it is not run, the one
            // before it is undone (outside a transaction, a pipeline is one implicit transaction),
            // and the connection is out of pipeline mode and usable.
            let error = #expect(throws: PGError.self) {
                try conn.pipeline([("INSERT INTO public.t VALUES (2, 2)", []), ("SELECT 1 / $1::int", [0]),
                                   ("INSERT INTO public.t VALUES (3, 3)", [])])
            }
            #expect(error?.sqlState == "22012")
            #expect(try conn.query("SELECT id FROM public.t ORDER BY id").map { try $0.int("id") } == [1])
        }
    }

    @Test("a nested transaction is a savepoint: the inner failure undoes only the inner work")
    func nestedSavepoint() throws {
        struct Boom: Error {}
        try TestDatabase.with { db in
            let conn = try db.connect()
            try conn.execute("CREATE TABLE public.t (v int)")
            try conn.transaction {
                try conn.execute("INSERT INTO public.t VALUES (1)")
                _ = try? conn.transaction {
                    try conn.execute("INSERT INTO public.t VALUES (2)")
                    throw Boom()
                }
            }
            #expect(try conn.query("SELECT v FROM public.t").map { try $0.int("v") } == [1])
        }
    }

    @Test("a unique violation surfaces with its SQLSTATE class and constraint name")
    func uniqueViolation() throws {
        try TestDatabase.with { db in
            let conn = try db.connect()
            try conn.execute("CREATE TABLE public.u (k text CONSTRAINT u_k_unique UNIQUE)")
            try conn.execute("INSERT INTO public.u VALUES ($1)", ["a"])
            let error = try #require(throws: PGError.self) {
                try conn.execute("INSERT INTO public.u VALUES ($1)", ["a"])
            }
            #expect(error.sqlState == "23505")
            #expect(error.kind == .integrityConstraintViolation(.unique))
            #expect(error.constraint == "u_k_unique")
            #expect(error.detail?.contains("(k)=(a)") == true)
            #expect(!error.isRetryable)
        }
    }

    @Test("COPY FROM STDIN streams rows, escaping tabs, newlines, backslashes and NULL")
    func copyIn() throws {
        try TestDatabase.with { db in
            let conn = try db.connect()
            try conn.execute("CREATE TABLE public.c (id int, note text)")
            let stored = try conn.copy("COPY public.c (id, note) FROM STDIN") { writer in
                for i in 1...10_000 { try writer.write(row: [String(i), i == 7 ? nil : "row \(i)\twith\ttabs\nand \\ backslash"]) }
            }
            #expect(stored == 10_000)
            #expect(try conn.queryValue("SELECT count(*) FROM public.c", as: Int.self) == 10_000)
            #expect(try conn.queryValue("SELECT note FROM public.c WHERE id = 2") == "row 2\twith\ttabs\nand \\ backslash")
            #expect(try conn.queryValue("SELECT count(*) FROM public.c WHERE note IS NULL", as: Int.self) == 1)
        }
    }

    @Test("a bad row aborts the COPY and stores nothing")
    func copyFailureStoresNothing() throws {
        try TestDatabase.with { db in
            let conn = try db.connect()
            try conn.execute("CREATE TABLE public.c (id int)")
            #expect(throws: PGError.self) {
                try conn.copy("COPY public.c (id) FROM STDIN") { writer in
                    try writer.write(row: ["1"])
                    try writer.write(row: ["not a number"])
                }
            }
            #expect(try conn.queryValue("SELECT count(*) FROM public.c", as: Int.self) == 0)
        }
    }

    @Test("an unreachable server is a client error, not a crash")
    func unreachable() throws {
        let error = try #require(throws: PGError.self) {
            _ = try Connection("postgresql://nobody@%2Fnonexistent%2Fsocket:1/none")
        }
        #expect(error.isConnectionLoss)
        #expect(error.message.contains("/nonexistent/socket"))
    }

    @Test("passwords are redacted from connection strings shown to people (libpq reads the string and names the secrets)")
    func redaction() {
        #expect(ConnectionString.redacted("postgresql://alice:s3cret@db.example/tilskot") == "user=alice password=*** dbname=tilskot host=db.example")
        #expect(ConnectionString.redacted("host=db password=s3cret dbname=x") == "password=*** dbname=x host=db")
        #expect(ConnectionString.redacted("postgresql://db/x?user=a&password=s3cret&sslmode=require") == "user=a password=*** dbname=x host=db sslmode=require")
        // Forms a hand parser has to know: percent-encoded, quoted with escapes, sslpassword,
        // spaces around "=", and a "password" that is a value, not a key.
        for conninfo in ["postgresql://alice:s3%63ret@db/x", "host=db password = 's3c\\'ret x' dbname=x",
                         "host=db sslpassword=s3cret", "postgresql://db/x?sslpassword=s3cret&password=s3cret"] {
            let shown = ConnectionString.redacted(conninfo)
            #expect(!shown.contains("s3c") && shown.contains("***"), "\(conninfo) → \(shown)")
        }
        #expect(ConnectionString.redacted("host=db application_name=password dbname=x") == "dbname=x host=db application_name=password")
        #expect(ConnectionString.redacted("host='a b' dbname=x") == "dbname=x host='a b'")
        // What libpq cannot parse is not shown at all; its message keeps keywords, not the input.
        #expect(ConnectionString.redacted("postgresql://u:s3cret@[::1/x") == "a connection string libpq cannot parse")
        #expect(ConnectionString.scrubbed(#"invalid percent-encoded token: "s3%zzret""#, conninfo: "postgresql://u:s3%zzret@h/x")
                == #"invalid percent-encoded token: "…""#)
        #expect(ConnectionString.scrubbed(#"missing "=" after "dbname" in connection info string"#, conninfo: "password = s3cret dbname")
                == #"missing "=" after "dbname" in connection info string"#)
        #expect(ConnectionString.scrubbed(#"missing "=" after "s3cret" in connection info string"#, conninfo: "host=h s3cret")
                == #"missing "=" after "…" in connection info string"#)
        // A string libpq read: the password as libpq decoded it is what a later message could hold.
        #expect(ConnectionString.scrubbed(#"FATAL: password "s3cret" for user "u""#, conninfo: "postgresql://u:s3%63ret@h/x")
                == #"FATAL: password "***" for user "u""#)
    }
}
