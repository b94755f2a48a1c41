import Foundation
import XCTest
import HuiyanStorage

/// Paths that must not be able to harm a database, through the real binary (issue 20): a rejects path (or a
/// report, a generated feed, a REPL `.output`) inside the database, over an existing file, through a symbolic
/// link or in a missing folder; a symbolic link planted at LOCK; a manifest naming a segment outside its table; file names that are not UTF-8; and what
/// a killed or failed ingest leaves of its rejects.
final class ReliabilityPathTests: XCTestCase {
    var directory: String!
    var huiyan: HuiyanProcess!
    var db: String { directory + "/db" }
    let badQuantities = HuiyanProcess.fixtures + "/malformed/tickets-bad-qty.csv"

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-paths-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        huiyan = HuiyanProcess(databasePath: db)
        XCTAssertEqual(try huiyan.run(["init"]).status, 0)
        XCTAssertEqual(try huiyan.run(["ingest", "visits", HuiyanProcess.fixtures + "/feeds/visits.csv"]).status, 0)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func count(_ table: String) throws -> String {
        let result = try huiyan.run(["query", "--format", "csv", "SELECT count(*) FROM \(table)"])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout
    }

    func files(in folder: String) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() }

    func testRejectsPathInsideTheDatabaseIsRefusedAndHarmsNothing() throws {
        let visits = try count("visits")
        let segment = files(in: db + "/tables/visits").first { $0.hasPrefix("seg-") }!
        for target in [db + "/DATABASE", db + "/tables/visits/MANIFEST", db + "/tables/visits/" + segment, db + "/new.csv"] {
            let before = FileManager.default.contents(atPath: target)
            let ingest = try huiyan.run(["ingest", "tickets", badQuantities, "--rejects", target, "--force"])
            XCTAssertEqual(ingest.status, 1, ingest.stdout)
            XCTAssertTrue(ingest.stderr.contains("lies inside the database"), ingest.stderr)
            let copy = try huiyan.run(["query", "COPY tickets FROM '\(badQuantities)' (REJECTS '\(target)', OVERWRITE)"])
            XCTAssertEqual(copy.status, 1, copy.stdout)
            XCTAssertTrue(copy.stderr.contains("lies inside the database"), copy.stderr)
            XCTAssertEqual(FileManager.default.contents(atPath: target), before, target)
        }
        XCTAssertEqual(try count("visits"), visits)
        XCTAssertEqual(try count("tickets"), "count(*)\n0\n", "nothing was ingested")
        XCTAssertEqual(try huiyan.run(["verify"]).status, 0)
    }

    func testRejectsFileIsNewUnlessForcedNeverThroughALinkNeverInAMissingFolder() throws {
        let rejects = directory + "/rejects.csv"
        try "mine\n".write(toFile: rejects, atomically: true, encoding: .utf8)
        let refused = try huiyan.run(["ingest", "tickets", badQuantities, "--rejects", rejects])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("exists already"), refused.stderr)
        XCTAssertEqual(try String(contentsOfFile: rejects, encoding: .utf8), "mine\n")
        XCTAssertEqual(try count("tickets"), "count(*)\n0\n")

        // A symbolic link at the path is replaced (with --force), never written through.
        let precious = directory + "/precious.txt"
        try "keep\n".write(toFile: precious, atomically: true, encoding: .utf8)
        let link = directory + "/link.csv"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: precious)
        XCTAssertEqual(try huiyan.run(["ingest", "tickets", badQuantities, "--rejects", link]).status, 1)
        let forced = try huiyan.run(["ingest", "tickets", badQuantities, "--rejects", link, "--force"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(try String(contentsOfFile: precious, encoding: .utf8), "keep\n")
        XCTAssertNil(try? FileManager.default.destinationOfSymbolicLink(atPath: link), "the link itself was replaced")
        XCTAssertTrue(try String(contentsOfFile: link, encoding: .utf8).hasPrefix("file,line,field,column,value,reason,record\n"))

        // COPY replaces only with OVERWRITE.
        let copy = try huiyan.run(["query", "COPY tickets FROM '\(badQuantities)' (FORCE, REJECTS '\(rejects)')"])
        XCTAssertEqual(copy.status, 1)
        XCTAssertTrue(copy.stderr.contains("OVERWRITE"), copy.stderr)
        let overwrite = try huiyan.run(["query", "COPY tickets FROM '\(badQuantities)' (FORCE, REJECTS '\(rejects)', OVERWRITE)"])
        XCTAssertEqual(overwrite.status, 0, overwrite.stderr)
        XCTAssertEqual(try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n").count, 4)

        // A missing folder is named, not created.
        let missing = directory + "/no/such/folder/rejects.csv"
        let nofolder = try huiyan.run(["ingest", "tickets", badQuantities, "--rejects", missing, "--force"])
        XCTAssertEqual(nofolder.status, 1)
        XCTAssertTrue(nofolder.stderr.contains("does not exist"), nofolder.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/no"))
        // Nothing temporary is left beside the files.
        XCTAssertEqual(files(in: directory).filter { $0.contains(".part") }, [])
    }

    func testExportsFollowTheSameRules() throws {
        let settings = FileManager.default.contents(atPath: db + "/DATABASE")
        let report = directory + "/report.html"
        XCTAssertEqual(try huiyan.run(["report", "--html", report]).status, 0)
        let again = try huiyan.run(["report", "--html", report])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("exists already"), again.stderr)
        XCTAssertEqual(try huiyan.run(["report", "--html", report, "--force"]).status, 0)
        let inside = try huiyan.run(["report", "--html", db + "/DATABASE", "--force"])
        XCTAssertEqual(inside.status, 1)
        XCTAssertTrue(inside.stderr.contains("lies inside the database"), inside.stderr)

        let feed = directory + "/feed.csv"
        XCTAssertEqual(try huiyan.run(["generate", "visits", "--rows", "10", "--out", feed]).status, 0)
        XCTAssertEqual(try huiyan.run(["generate", "visits", "--rows", "10", "--out", feed]).status, 1)
        XCTAssertEqual(try huiyan.run(["generate", "visits", "--rows", "10", "--out", feed, "--force"]).status, 0)
        let generated = try huiyan.run(["generate", "visits", "--rows", "10", "--out", db + "/tables/visits/MANIFEST", "--force"])
        XCTAssertEqual(generated.status, 1)
        XCTAssertTrue(generated.stderr.contains("lies inside the database"), generated.stderr)

        let link = directory + "/out-link.txt"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: report)
        let repl = try huiyan.run(["repl"], input: ".output \(db)/DATABASE\n.output \(link)\nSELECT 7 AS seven;\n"
                                  + ".output /dev/stdout\nSELECT 8 AS eight;\n")
        XCTAssertTrue(repl.stderr.contains("lies inside the database"), repl.stderr)
        XCTAssertTrue(repl.stderr.contains("symbolic link"), repl.stderr)
        XCTAssertTrue(repl.stdout.contains("7") && repl.stdout.contains("8"), "a device is still written: \(repl.stdout)")
        XCTAssertEqual(FileManager.default.contents(atPath: db + "/DATABASE"), settings)
        XCTAssertTrue(try String(contentsOfFile: report, encoding: .utf8).contains("<html"), "the link's target untouched")
        XCTAssertEqual(try huiyan.run(["verify"]).status, 0)
    }

    func testSymbolicLinkAtLockIsNotFollowed() throws {
        let precious = directory + "/precious.txt"
        try "keep this\n".write(toFile: precious, atomically: true, encoding: .utf8)
        try? FileManager.default.removeItem(atPath: db + "/LOCK")
        try FileManager.default.createSymbolicLink(atPath: db + "/LOCK", withDestinationPath: precious)
        let ingest = try huiyan.run(["ingest", "tickets", HuiyanProcess.fixtures + "/feeds/tickets.csv"])
        XCTAssertEqual(ingest.status, 1)
        XCTAssertTrue(ingest.stderr.contains("symbolic link"), ingest.stderr)
        XCTAssertEqual(try String(contentsOfFile: precious, encoding: .utf8), "keep this\n")

        // Links planted as the rejects folder and as a half-made table folder: the writer's clean-up of what a
        // killed command left never deletes what they point to.
        try FileManager.default.removeItem(atPath: db + "/LOCK")
        let elsewhere = directory + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let kept = ["notes.part", ".x.part-1-a", "seg-00000099.hyseg", "data.tmp", "MANIFEST"]
        for name in kept { try "mine\n".write(toFile: elsewhere + "/" + name, atomically: true, encoding: .utf8) }
        try? FileManager.default.removeItem(atPath: db + "/rejects")
        try FileManager.default.createSymbolicLink(atPath: db + "/rejects", withDestinationPath: elsewhere)
        try FileManager.default.createSymbolicLink(atPath: db + "/tables/gone.tmp", withDestinationPath: elsewhere)
        XCTAssertEqual(try huiyan.run(["ingest", "tickets", HuiyanProcess.fixtures + "/feeds/tickets.csv"]).status, 0)
        XCTAssertEqual(files(in: elsewhere), kept.sorted())
        XCTAssertFalse(FileManager.default.fileExists(atPath: db + "/tables/gone.tmp"), "the link itself is removed")
        // The same for a link planted as a dead process's spill folder, removed when the database is opened.
        try FileManager.default.createDirectory(atPath: db + "/tmp", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: db + "/tmp/4194300-1", withDestinationPath: elsewhere)
        XCTAssertEqual(try huiyan.run(["query", "SELECT count(*) FROM tickets"]).status, 0)
        XCTAssertEqual(files(in: elsewhere), kept.sorted())
    }

    func testManifestNamingASegmentOutsideItsTableIsDamage() throws {
        let table = db + "/tables/visits"
        var manifest = try ChecksummedJSON.read(Manifest.self, from: table + "/MANIFEST")
        let outside = directory + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: table + "/" + manifest.segments[0].file, toPath: outside + "/seg-00000001.hyseg")
        manifest.segments[0].file = "../../../outside/seg-00000001.hyseg"
        try ChecksummedJSON.write(manifest, to: table + "/MANIFEST")

        let query = try huiyan.run(["query", "SELECT count(*) FROM visits"])
        XCTAssertEqual(query.status, 4, query.stdout)
        XCTAssertTrue(query.stderr.contains("not a segment file name"), query.stderr)
        let verify = try huiyan.run(["verify"])
        XCTAssertEqual(verify.status, 4, verify.stdout)
        XCTAssertTrue((verify.stdout + verify.stderr).contains("../../../outside/seg-00000001.hyseg"), verify.stdout + verify.stderr)
        XCTAssertNotEqual(try huiyan.run(["compact"]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: outside + "/seg-00000001.hyseg"), "compact deleted nothing outside")
    }

    func testPathsThatAreNotUTF8AreRefusedNotReplaced() throws {
        // The file the repaired name would point to exists: it must not be ingested in place of the real one.
        try "ts,visitor_id,spot,route,origin,group_type,spend\n".write(toFile: directory + "/vis\u{FFFD}.csv", atomically: true, encoding: .utf8)
        let create = HuiyanProcess.shell(#"cp "$2/../vis"$(printf '\357\277\275')".csv" "$2/../vis"$(printf '\377')".csv""#, databasePath: db)
        XCTAssertEqual(create.status, 0, create.stderr)
        let visits = try count("visits")
        let ingest = HuiyanProcess.shell(#""$1" --db "$2" ingest visits "$2/../vis"$(printf '\377')".csv""#, databasePath: db)
        XCTAssertEqual(ingest.status, 1, ingest.stdout)
        XCTAssertTrue(ingest.stderr.contains(#""\#(directory!)/db/../vis\xFF.csv" is not valid UTF-8"#), ingest.stderr)
        XCTAssertEqual(try count("visits"), visits)
        XCTAssertFalse(try String(contentsOfFile: db + "/tables/visits/MANIFEST", encoding: .utf8).contains("vis\u{FFFD}"))

        let initialize = HuiyanProcess.shell(#""$1" init --db "$2/../db"$(printf '\377\376')"#, databasePath: db)
        XCTAssertEqual(initialize.status, 1)
        XCTAssertTrue(initialize.stderr.contains("is not valid UTF-8"), initialize.stderr)
        XCTAssertEqual(files(in: directory).filter { $0.hasPrefix("db") }, ["db"], "no other folder was created")
        let environment = HuiyanProcess.shell(#"HUIYAN_DB="$2/../db"$(printf '\377') "$1" tables"#, databasePath: db)
        XCTAssertEqual(environment.status, 1)
        XCTAssertTrue(environment.stderr.contains("$HUIYAN_DB"), environment.stderr)
    }

    func testKilledOrFailedIngestLeavesNoRejectsAndTheNextWriterCleansUp() throws {
        let rejects = directory + "/rejects.csv"
        // Killed just before its commit: nothing committed, so no rejects file; its temporary file is removed by
        // the next writer.
        let killed = try huiyan.run(["ingest", "tickets", badQuantities, "--rejects", rejects],
                                    environment: ["HUIYAN_CRASH_AT": "before-manifest"])
        XCTAssertTrue(killed.signaled)
        XCTAssertFalse(FileManager.default.fileExists(atPath: rejects))
        XCTAssertFalse(files(in: db + "/rejects").isEmpty, "the kill left its note")
        XCTAssertEqual(try huiyan.run(["ingest", "orders", HuiyanProcess.fixtures + "/feeds/orders.csv"]).status, 0)
        XCTAssertEqual(files(in: db + "/rejects"), [])
        XCTAssertEqual(files(in: directory).filter { $0.contains(".part") }, [])

        // A full disk while writing: the command fails and removes its parts and temporary files itself.
        for budget in [0, 600, 1_500] {
            let full = try huiyan.run(["ingest", "tickets", badQuantities, "--rejects", rejects, "--force"],
                                      environment: ["HUIYAN_FAIL_WRITE_AFTER_BYTES": String(budget)])
            XCTAssertEqual(full.status, 1, "budget \(budget): \(full.stdout)")
            XCTAssertTrue(full.stderr.contains("No space left on device"), full.stderr)
            XCTAssertEqual(files(in: db + "/rejects"), [], "budget \(budget)")
            XCTAssertEqual(files(in: directory).filter { $0.contains("rejects") }, [], "budget \(budget)")
        }
        XCTAssertEqual(try count("tickets"), "count(*)\n0\n")
    }
}
