import Foundation
import XCTest
import HuiyanIngest
import HuiyanStorage
import HuiyanTestSupport
@testable import HuiyanQuery

/// The kinds of the errors a statement raises, as a caller matches them: a locked database, a damaged segment
/// (file, column and block), a table or column not found, a memory limit passed, a cancelled statement; the
/// storage or ingest error kept whole behind the query error, its text the message.
final class ErrorKindTests: QueryTestCase {
    /// The error `sql` raises (failing the test when there is none).
    func failure(_ sql: String, engine: QueryEngine? = nil, context: QueryContext = QueryContext(),
                 file: StaticString = #filePath, line: UInt = #line) -> QueryError? {
        do {
            _ = try (engine ?? self.engine).execute(sql, context: context)
            XCTFail("no error for \(sql)", file: file, line: line)
        } catch let error as QueryError {
            return error
        } catch {
            XCTFail("not a QueryError: \(error)", file: file, line: line)
        }
        return nil
    }

    func testADatabaseWrittenByAnotherWriterIsLocked() throws {
        let holder = try engine.database.writer(command: "nightly import of visits")
        defer { holder.close() }
        let error = try XCTUnwrap(failure("CREATE TABLE weather (day DATE, rain DOUBLE)"))
        XCTAssertEqual(error.kind, .locked)
        guard case .storage(.locked(let path, let holding))? = error.underlying else { return XCTFail("\(error.underlying as Any)") }
        XCTAssertEqual(path, engine.database.path)
        XCTAssertTrue(holding.contains("nightly import of visits"), holding)
        XCTAssertEqual(error.message, StorageError.locked(path: path, holder: holding).description)
        XCTAssertTrue(error.message.contains("is being written by another process"), error.message)

        let copy = try XCTUnwrap(failure("COPY visits FROM '\(Self.fixtures)/feeds/visits.csv' (FORCE)"))
        XCTAssertEqual(copy.kind, .locked)
    }

    func testAFlippedByteInABlockIsDamageNamingFileColumnAndBlock() throws {
        let segment = try engine.database.snapshot(of: "orders").segments[0]
        try SegmentDamage.flip(segment, column: "amount", byte: 2, mask: 0x10)

        // A fresh database: the values are read from the file, not from a mapping made before the flip.
        let reopened = QueryEngine(database: try Database.open(at: engine.database.path))
        // (The filter reads the values; a sum of whole blocks would come from the footer, which is intact.)
        let error = try XCTUnwrap(failure("SELECT count(*) FROM orders WHERE amount * 3 = 7", engine: reopened))
        XCTAssertEqual(error.kind, .damaged)
        guard case .storage(.corrupt(let path, let detail, let column, let block))? = error.underlying else {
            return XCTFail("\(error.underlying as Any)")
        }
        XCTAssertEqual(path, segment.path)
        XCTAssertEqual(column, "amount")
        XCTAssertEqual(block, 0)
        XCTAssertEqual(detail, "checksum mismatch in column \"amount\", block 0")
        XCTAssertEqual(error.message, "damaged file \(segment.path): checksum mismatch in column \"amount\", block 0")
    }

    func testUnknownNamesAreNotFound() throws {
        let table = try XCTUnwrap(failure("SELECT * FROM vists"))
        XCTAssertEqual(table.kind, .notFound)
        XCTAssertTrue(table.message.hasPrefix("table \"vists\" does not exist — did you mean \"visits\"?"), table.message)
        XCTAssertEqual(failure("SELECT spto FROM visits")?.kind, .notFound)
        XCTAssertEqual(failure("DROP TABLE weather")?.kind, .notFound)
        XCTAssertEqual(failure("DROP VIEW weather")?.kind, .notFound)
        XCTAssertEqual(failure("SELECT * FROM read_csvv('x.csv')")?.kind, .notFound)
        XCTAssertEqual(failure("DESCRIBE weather")?.kind, .notFound)

        let missing = directory + "/missing.csv"
        let copy = try XCTUnwrap(failure("COPY visits FROM '\(missing)'"))
        XCTAssertEqual(copy.kind, .notFound)
        XCTAssertEqual(copy.underlying, .ingest(.fileNotFound(path: missing)))
        XCTAssertEqual(copy.message, "\(missing): no such file")
        for sql in ["SELECT * FROM read_csv('\(missing)')", "SELECT * FROM '\(directory!)/missing.parquet'",
                    "SELECT * FROM read_ndjson('\(directory!)/none-*.ndjson')"] {
            let read = try XCTUnwrap(failure(sql))
            XCTAssertEqual(read.kind, .notFound, read.message)
            XCTAssertTrue(read.message.contains("missing") || read.message.contains("no file matches"), read.message)
        }
    }

    func testANameTakenAlreadyExists() throws {
        let error = try XCTUnwrap(failure("CREATE TABLE visits (a BIGINT)"))
        XCTAssertEqual(error.kind, .alreadyExists)
        XCTAssertEqual(error.underlying, .storage(.tableExists("visits")))
        XCTAssertEqual(error.message, "table \"visits\" already exists")
        let again = try XCTUnwrap(failure("COPY visits FROM '\(Self.fixtures)/feeds/visits.csv'"))
        XCTAssertEqual(again.kind, .alreadyExists)
        guard case .ingest(.alreadyIngested)? = again.underlying else { return XCTFail("\(again.underlying as Any)") }
        _ = try engine.execute("CREATE VIEW busy AS SELECT spot FROM visits")
        for sql in ["CREATE VIEW busy AS SELECT route FROM visits", "CREATE VIEW visits AS SELECT 1"] {
            let view = try XCTUnwrap(failure(sql))
            XCTAssertEqual(view.kind, .alreadyExists, view.message)
        }
        let database = directory! + "/db"
        XCTAssertThrowsError(try Database.create(at: database, tables: [])) { error in
            XCTAssertEqual(error as? StorageError, .databaseExists(database))
            XCTAssertEqual((error as? StorageError)?.kind, .alreadyExists)
        }
    }

    func testBadInputIsInvalidInputWithItsPlace() throws {
        let syntax = try XCTUnwrap(failure("SELECT * FORM visits"))
        XCTAssertEqual(syntax.kind, .invalidInput)
        XCTAssertNil(syntax.underlying)
        XCTAssertNotNil(syntax.range)
        let value = try XCTUnwrap(failure("SELECT CAST('abc' AS BIGINT)"))
        XCTAssertEqual(value.kind, .invalidInput)
        let header = try XCTUnwrap(failure("COPY visits FROM '\(Self.fixtures)/malformed/visits-missing-column.csv'"))
        XCTAssertEqual(header.kind, .invalidInput)
        guard case .ingest(.fileRejected(_, let line, _))? = header.underlying else { return XCTFail("\(header.underlying as Any)") }
        XCTAssertEqual(line, 1)
    }

    func testAResultOverTheMemoryLimitIsLimitExceeded() throws {
        let error = try XCTUnwrap(failure("SELECT * FROM generate_series(1, 100000)", context: QueryContext(memoryLimit: 1 << 16)))
        XCTAssertEqual(error.kind, .memoryLimitExceeded)
        XCTAssertTrue(error.message.contains("memory limit of 64.0 KiB"), error.message)
    }

    func testACancelledOrTimedOutStatementSaysWhich() throws {
        let cancelled = QueryContext()
        cancelled.cancel()
        XCTAssertEqual(failure("SELECT count(*) FROM visits", context: cancelled)?.kind, .cancelled)
        let late = QueryContext(timeout: 0.000_001)
        usleep(1000)
        XCTAssertEqual(failure("SELECT count(*) FROM visits", context: late)?.kind, .timedOut)
    }

    func testAnyErrorWrapsKeepingQueryErrorsAsTheyAre() {
        let range = SourceRange(3, 5)
        let own = QueryError("bad", kind: .notFound)
        XCTAssertEqual(QueryError(wrapping: own, at: range), QueryError("bad", at: range, kind: .notFound))
        let stored = QueryError(wrapping: StorageError.databaseNotFound("/x"))
        XCTAssertEqual(stored.kind, .notFound)
        XCTAssertEqual(stored.message, "no Huiyan database at /x (create one with `huiyan init`)")
        struct Other: Error, CustomStringConvertible { var description: String { "other" } }
        XCTAssertEqual(QueryError(wrapping: Other()), QueryError("other"))
    }
}
