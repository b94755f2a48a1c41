import XCTest
@testable import HuiyanQuery

/// Equi-joins of the sample feeds (13 visits) with small dimension tables.
final class JoinTests: QueryTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        // 廻雁峰, 蔡伦故里, 船山故里 and 夏明翰故居 (4 visits) are missing; 雨母山 has no visits.
        try load("CREATE TABLE spot_grade (spot VARCHAR NOT NULL, grade VARCHAR, weight BIGINT)", table: "spot_grade", csv: """
            spot,grade,weight
            南岳衡山,5A,1000
            石鼓书院,4A,140
            东洲岛,4A,90
            罗荣桓故居,4A,60
            雨母山,3A,20

            """)
        // Two tags for 南岳衡山: its visits appear twice.
        try load("CREATE TABLE spot_tag (spot VARCHAR, tag VARCHAR)", table: "spot_tag", csv: """
            spot,tag
            南岳衡山,山岳
            南岳衡山,祈福
            东洲岛,湿地
            ,无名

            """)
    }

    func testInnerJoinKeepsMatchedRows() {
        XCTAssertEqual(rows("SELECT g.grade, count(*), sum(v.spend) FROM visits v JOIN spot_grade g ON v.spot = g.spot GROUP BY 1 ORDER BY 1"),
                       [["4A", "5", "197.00"], ["5A", "4", "1386.35"]])
        XCTAssertEqual(value("SELECT count(*) FROM visits v INNER JOIN spot_grade g ON g.spot = v.spot"), "9", "either side of =")
        XCTAssertEqual(value("SELECT count(*) FROM spot_grade g JOIN visits v ON g.spot = v.spot"), "9", "small table written first")
        XCTAssertEqual(value("SELECT count(*) FROM visits v JOIN spot_grade g ON v.spot = g.spot WHERE g.grade = '4A' AND v.spend > 0"), "3")
        XCTAssertEqual(value("SELECT count(*) FROM visits v JOIN spot_grade g ON v.spot = g.spot AND v.spend > g.weight / 10"), "7",
                       "a condition across both tables filters matches")
    }

    func testLeftJoinGivesNullsToUnmatchedRows() {
        XCTAssertEqual(rows("SELECT g.grade, count(*) FROM visits v LEFT JOIN spot_grade g ON v.spot = g.spot GROUP BY 1 ORDER BY 1 NULLS FIRST"),
                       [["NULL", "4"], ["4A", "5"], ["5A", "4"]])
        XCTAssertEqual(rows("SELECT g.spot, count(v.visitor_id) FROM spot_grade g LEFT JOIN visits v ON v.spot = g.spot GROUP BY 1 ORDER BY 1"),
                       [["东洲岛", "2"], ["南岳衡山", "4"], ["石鼓书院", "2"], ["罗荣桓故居", "1"], ["雨母山", "0"]],
                       "every row of the left table, the one without visits too")
        XCTAssertEqual(rows("SELECT v.origin, g.grade FROM visits v LEFT JOIN spot_grade g ON v.spot = g.spot AND v.origin = '广东' WHERE v.spot = '南岳衡山' ORDER BY 1, 2"),
                       [["广东", "5A"], ["湖南", "NULL"], ["湖南", "NULL"], ["香港", "NULL"]],
                       "ON conditions on the left table decide which rows match")
        XCTAssertEqual(value("SELECT count(*) FROM visits v LEFT JOIN spot_grade g ON v.spot = g.spot AND g.grade = '5A' WHERE g.spot IS NULL"), "9",
                       "WHERE runs after a left join's NULLs")
    }

    func testRepeatedKeysRepeatRows() {
        XCTAssertEqual(value("SELECT count(*) FROM visits v JOIN spot_tag t ON v.spot = t.spot"), "10")
        XCTAssertEqual(value("SELECT count(*) FROM visits v LEFT JOIN spot_tag t ON v.spot = t.spot"), "17")
        XCTAssertEqual(rows("SELECT t.tag, count(*) FROM visits v JOIN spot_tag t ON v.spot = t.spot GROUP BY 1 ORDER BY 1"),
                       [["山岳", "4"], ["湿地", "2"], ["祈福", "4"]])
        XCTAssertEqual(value("SELECT count(*) FROM spot_tag a JOIN spot_tag b ON a.spot = b.spot"), "5", "NULL keys never match")
    }

    func testChainsAndSeveralKeys() throws {
        try load("CREATE TABLE spot_origin (spot VARCHAR, origin VARCHAR, note VARCHAR)", table: "spot_origin", csv: """
            spot,origin,note
            南岳衡山,广东,far
            南岳衡山,湖南,near

            """)
        XCTAssertEqual(rows("SELECT o.note, count(*) FROM visits v JOIN spot_origin o ON v.spot = o.spot AND v.origin = o.origin GROUP BY 1 ORDER BY 1"),
                       [["far", "1"], ["near", "2"]])
        XCTAssertEqual(rows("SELECT g.grade, t.tag, count(*) FROM visits v JOIN spot_grade g ON v.spot = g.spot LEFT JOIN spot_tag t ON t.spot = g.spot GROUP BY 1, 2 ORDER BY 1, 2 NULLS FIRST"),
                       [["4A", "NULL", "3"], ["4A", "湿地", "2"], ["5A", "山岳", "4"], ["5A", "祈福", "4"]])
        XCTAssertEqual(value("SELECT count(*) FROM visits v JOIN spot_grade g ON v.spend = g.weight"), "0", "numeric keys (money against BIGINT)")
        XCTAssertEqual(value("SELECT count(*) FROM visits v JOIN spot_grade g ON v.spend * 0 + 1000 = g.weight"), "11", "keys may be expressions (NULL spends never match)")
    }

    func testAggregatesBelowTheJoinMatchTheJoinRowByRow() {
        // count, sum, avg, min and max of the scanned table by the joined table's columns are aggregated per join key
        // first, then joined; FILTER (WHERE true) keeps the same question on the row-by-row join. Repeated
        // and NULL keys in the joined table, unmatched and NULL keys in the scanned one, WHERE on either
        // side, no GROUP BY (with and without matches), the join key as a group key, HAVING and LIMIT.
        let aggregates = ["count(*)", "sum(v.spend)", "avg(v.spend)", "count(v.spend)", "count(v.origin)", "min(v.spend)", "max(v.origin)",
                          "max(v.ts)"]
        let shapes = [
            "SELECT g.grade, %@ FROM visits v JOIN spot_grade g ON v.spot = g.spot GROUP BY 1 ORDER BY 1",
            "SELECT g.grade, %@ FROM visits v LEFT JOIN spot_grade g ON v.spot = g.spot GROUP BY 1 ORDER BY 1 NULLS FIRST",
            "SELECT t.tag, %@ FROM visits v JOIN spot_tag t ON v.spot = t.spot GROUP BY 1 ORDER BY 1",
            "SELECT t.tag, %@ FROM visits v LEFT JOIN spot_tag t ON t.spot = v.spot GROUP BY 1 ORDER BY 1 NULLS FIRST",
            "SELECT %@ FROM visits v JOIN spot_grade g ON v.spot = g.spot WHERE g.grade = '5A'",
            "SELECT %@ FROM visits v JOIN spot_grade g ON v.spot = g.spot WHERE g.grade = '1A'",
            "SELECT g.grade, %@ FROM visits v JOIN spot_grade g ON v.spot = g.spot WHERE v.spend > 50 AND g.weight < 500 GROUP BY 1 ORDER BY 1",
            "SELECT v.spot, g.grade, %@ FROM visits v JOIN spot_grade g ON v.spot = g.spot GROUP BY 1, 2 ORDER BY 1, 2",
            "SELECT g.grade || '级' AS level, %@ FROM visits v JOIN spot_grade g ON v.spot = g.spot GROUP BY 1 HAVING count(*) > 4 ORDER BY 2 DESC LIMIT 1",
        ]
        for shape in shapes {
            let below = String(format: shape, aggregates.joined(separator: ", "))
            let rowByRow = String(format: shape, aggregates.map { "\($0) FILTER (WHERE true)" }.joined(separator: ", "))
            let answer = rows(below)
            XCTAssertFalse(answer.isEmpty, below)
            XCTAssertEqual(answer, rows(rowByRow), below)
        }
        XCTAssertEqual(rows("SELECT count(*), sum(v.spend) FROM visits v JOIN spot_grade g ON v.spot = g.spot WHERE g.grade = '1A'"), [["0", "NULL"]])
    }

    func testStarAndExplain() {
        XCTAssertEqual(rows("SELECT * FROM spot_grade g JOIN spot_tag t ON g.spot = t.spot ORDER BY t.tag"),
                       [["南岳衡山", "5A", "1000", "南岳衡山", "山岳"], ["东洲岛", "4A", "90", "东洲岛", "湿地"], ["南岳衡山", "5A", "1000", "南岳衡山", "祈福"]])
        XCTAssertEqual(rows("SELECT t.* FROM spot_grade g JOIN spot_tag t ON g.spot = t.spot WHERE g.grade = '4A'"), [["东洲岛", "湿地"]])
        let plan = rows("EXPLAIN SELECT g.grade, count(*) FROM visits v JOIN spot_grade g ON v.spot = g.spot WHERE g.grade = '5A' AND v.spend > 0 GROUP BY 1")
            .map { $0[0] }.joined(separator: "\n")
        XCTAssertTrue(plan.contains("HASH JOIN INNER spot_grade ON v.spot = g.spot"), plan)
        XCTAssertTrue(plan.contains("build filter: (g.grade = '5A')"), "a WHERE term on the joined table filters its rows before hashing\n\(plan)")
        XCTAssertTrue(plan.contains("  filter: (v.spend > 0.00)"), "a WHERE term on the scanned table filters before the join\n\(plan)")
        XCTAssertTrue(plan.contains("PARTIAL AGGREGATE below the join, groups [v.spot] aggregates [count(*)]"), plan)
        let rowByRow = rows("EXPLAIN SELECT g.grade, count(*) FILTER (WHERE true) FROM visits v JOIN spot_grade g ON v.spot = g.spot GROUP BY 1")
        XCTAssertFalse(rowByRow.map { $0[0] }.joined(separator: "\n").contains("PARTIAL AGGREGATE"), "FILTER: joined row by row")
    }

    func testCommaListsAndCrossJoins() {
        let sql = "SELECT count(*) FROM visits v, spot_grade g WHERE v.spot = g.spot"
        let plan = rows("EXPLAIN " + sql).map { $0[0] }.joined(separator: "\n")
        XCTAssertTrue(plan.contains("HASH JOIN INNER ON v.spot = g.spot"), "the WHERE equality is the key\n\(plan)")
        XCTAssertEqual(value(sql), value("SELECT count(*) FROM visits v JOIN spot_grade g ON v.spot = g.spot"))
        let cross = rows("EXPLAIN SELECT count(*) FROM visits v CROSS JOIN spot_grade g").map { $0[0] }.joined(separator: "\n")
        XCTAssertTrue(cross.contains("NESTED LOOP JOIN INNER"), cross)
        XCTAssertEqual(value("SELECT count(*) FROM visits v CROSS JOIN spot_grade g"),
                       String(Int(value("SELECT count(*) FROM visits"))! * Int(value("SELECT count(*) FROM spot_grade"))!))
    }

    func testJoinErrorsPointAtTheQuery() {
        var e = error("SELECT spot FROM visits v JOIN spot_grade g ON v.spot = g.spot")
        XCTAssertTrue(e.message.contains("ambiguous"), e.message)
        XCTAssertEqual(e.at, "spot")
        e = error("SELECT count(*) FROM visits v JOIN spot_grade g ON v.spend > 0 AND v.spot = 'x'")
        XCTAssertTrue(e.message.contains("needs an equality"), e.message)
        XCTAssertEqual(e.at, "v.spend > 0 AND v.spot = 'x'")
        e = error("SELECT count(*) FROM visits v LEFT JOIN spot_grade g ON v.spot = g.spot AND v.spend > g.weight")
        XCTAssertTrue(e.message.contains("LEFT JOIN"), e.message)
        e = error("SELECT count(*) FROM visits JOIN visits ON visits.spot = visits.spot")
        XCTAssertTrue(e.message.contains("appears twice"), e.message)
        e = error("SELECT x.spot FROM visits v JOIN spot_grade g ON v.spot = g.spot")
        XCTAssertEqual(e.message, "table \"x\" is not in the FROM clause")
        e = error("SELECT count(*) FROM visits v JOIN spot_grade g ON v.spot = g.weight")
        XCTAssertTrue(e.message.contains("cannot compare"), e.message)
        e = error("SELECT count(*) FROM visits v JOIN spot_grade g ON v.spot = g.spto")
        XCTAssertEqual(e.message, "column \"spto\" does not exist — did you mean \"spot\"?")
        e = error("SELECT g.grade, v.spot FROM visits v JOIN spot_grade g ON v.spot = g.spot GROUP BY 1")
        XCTAssertTrue(e.message.contains("v.spot"), e.message)
    }
}
