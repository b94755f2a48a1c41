import Foundation
import XCTest
@testable import HuiyanTourism

/// The shipped catalogs, and the errors a user's edited copy gets when it is malformed.
final class CatalogTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-catalog-\(UUID().uuidString.prefix(8))"
        try FileManager.default.copyItem(atPath: Catalog.bundledDirectory, toPath: directory)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Rewrites one file of the temporary copy.
    func edit(_ file: String, _ change: (inout [String]) -> Void) throws {
        let path = directory + "/" + file
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        change(&lines)
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    func loadError() -> CatalogError? {
        do {
            _ = try Catalog.load(from: directory)
            XCTFail("the malformed catalog was accepted")
            return nil
        } catch let error as CatalogError {
            return error
        } catch {
            XCTFail("unexpected error \(error)")
            return nil
        }
    }

    func testShippedCatalogsLoad() throws {
        let catalog = try Catalog.bundled()
        XCTAssertEqual(catalog.counties.count, 12)
        XCTAssertEqual(Set(catalog.counties.map(\.name)), ["南岳区", "衡山县", "衡东县", "衡阳县", "衡南县", "祁东县", "常宁市", "耒阳市",
                                                           "雁峰区", "石鼓区", "珠晖区", "蒸湘区"])
        let spots = Set(catalog.spots.map(\.name))
        for name in ["南岳衡山", "石鼓书院", "廻雁峰", "东洲岛", "蔡伦故里", "衡阳奇石文化博物馆", "双水湾", "花果山", "船山故里", "岣嵝峰",
                     "雨母山", "蔡伦竹海", "印山", "岐山", "天堂山", "金甲岭", "香樟苑", "百万花海", "湘南学联", "北支街", "原建湘柴油机厂",
                     "洣水", "库宗桥", "罗荣桓故居", "夏明翰故居", "衡阳保卫战纪念地"] {
            XCTAssertTrue(spots.contains(name), name)
        }
        XCTAssertEqual(catalog.spots.max { $0.weight < $1.weight }?.name, "南岳衡山")
        XCTAssertEqual(catalog.spot(named: "南岳衡山")?.grade, "5A")
        XCTAssertEqual(Set(catalog.routes.map(\.name)), ["大南岳衡山旅游经济圈", "湘江旅游经济带", "红色旅游经典线",
                                                         "石鼓书院–廻雁峰–东洲岛城市线", "蔡伦造纸文化线", "乡村旅游后备箱线"])
        XCTAssertTrue(catalog.routes(containing: "罗荣桓故居").contains { $0.name == "红色旅游经典线" })
        let products = Set(catalog.products.map(\.name))
        for name in ["南岳云雾茶", "西渡湖之酒", "衡南鸽来香", "南岳雁鹅菌", "祁东黄花菜", "黄贡椒", "油茶", "湘黄鸡", "粉皮", "衡东土菜"] {
            XCTAssertTrue(products.contains(name), name)
        }
        XCTAssertEqual(Set(catalog.products.filter { $0.category == "雁城四宝" }.map(\.name)), ["南岳云雾茶", "西渡湖之酒", "衡南鸽来香", "南岳雁鹅菌"])
        XCTAssertTrue(catalog.products.contains { $0.category == "文创" })
        XCTAssertTrue(catalog.products.allSatisfy { !$0.merchants.isEmpty })
        XCTAssertEqual(catalog.platforms.map(\.name), ["淘宝", "京东", "拼多多", "抖音直播", "快手直播", "微信小程序", "跨境电商"])
        for live in ["抖音直播", "快手直播"] {
            let platform = try XCTUnwrap(catalog.platforms.first { $0.name == live })
            XCTAssertGreaterThan(platform.shareEnd, platform.shareStart, "live streaming grows")
        }
        let topOrigins = catalog.origins.sorted { $0.visitorWeight > $1.visitorWeight }.prefix(2).map(\.name)
        XCTAssertEqual(topOrigins, ["湖南", "广东"])
        XCTAssertEqual(catalog.ticketTypes.map(\.name), ["全价票", "优惠票", "免票", "联票"])
        XCTAssertEqual(catalog.ticketTypes.first { $0.name == "免票" }?.factorBasisPoints, 0)
        XCTAssertEqual(catalog.channels.map(\.name), ["景区窗口", "OTA", "小程序", "旅行社"])
        XCTAssertEqual(catalog.target("visitor_arrivals")?.value, 80_000_000)
        XCTAssertEqual(catalog.target("tourism_revenue")?.value, 70_000_000_000)
        XCTAssertEqual(catalog.target("tourism_revenue_growth")?.value, 0.18)
        XCTAssertEqual(catalog.target("ecommerce_volume")?.value, 200_000_000_000)
        XCTAssertEqual(catalog.target("online_retail")?.value, 40_000_000_000)
        XCTAssertEqual(catalog.target("enterprises_over_1b")?.value, 10)
        XCTAssertEqual(catalog.target("visitor_arrivals")?.year, 2025)
    }

    func testAnEditedCopyWithCommentsQuotesAndReorderedColumnsLoads() throws {
        try edit("spots.csv") { lines in
            lines.insert("# a spot added by the user: \"衡阳市博物馆\", new", at: 1)
            lines.append("\"衡阳市博物馆, 新馆\",蒸湘区,none,博物馆,9,0,9,17,40")
        }
        try edit("routes.csv") { lines in lines.append("石鼓书院–廻雁峰–东洲岛城市线,\"衡阳市博物馆, 新馆\"") }
        try edit("channels.csv") { lines in lines = ["weight,channel,max_qty,min_qty", "1,景区窗口,3,1", "", "2,OTA,4,1"] }
        let catalog = try Catalog.load(from: directory)
        XCTAssertEqual(catalog.spots.last?.name, "衡阳市博物馆, 新馆")
        XCTAssertTrue(catalog.routes(containing: "衡阳市博物馆, 新馆").contains { $0.name == "石鼓书院–廻雁峰–东洲岛城市线" })
        XCTAssertEqual(catalog.channels.map(\.name), ["景区窗口", "OTA"])
        XCTAssertEqual(catalog.channels.last?.maxQty, 4)
    }

    func testABadNumberNamesFileLineAndColumn() throws {
        try edit("spots.csv") { lines in
            var fields = lines[4].components(separatedBy: ",")
            fields[4] = "很多"
            lines[4] = fields.joined(separator: ",")
        }
        let error = try XCTUnwrap(loadError())
        XCTAssertTrue(error.file.hasSuffix("spots.csv"), error.file)
        XCTAssertEqual(error.line, 5)
        XCTAssertEqual(error.column, "weight")
        XCTAssertTrue(error.description.contains("spots.csv:5: column \"weight\": value \"很多\" is not a number"), error.description)
    }

    func testMoneyWithThreeDecimalsIsRefused() throws {
        try edit("products.csv") { lines in lines[2] = lines[2].replacingOccurrences(of: "158.00", with: "158.005") }
        let error = try XCTUnwrap(loadError())
        XCTAssertTrue(error.description.contains("products.csv:3: column \"price\""), error.description)
    }

    func testAMissingColumnNamesTheHeaderLine() throws {
        try edit("ticket_types.csv") { lines in lines[0] = "ticket_type,factor,weigth" }
        let error = try XCTUnwrap(loadError())
        XCTAssertTrue(error.description.contains("ticket_types.csv:1: the header lacks column \"weight\""), error.description)
        try edit("ticket_types.csv") { lines in lines.insert("# prices, \"factors\" and weights", at: 0) }
        XCTAssertTrue(loadError()?.description.contains("ticket_types.csv:2: the header lacks column \"weight\"") == true)
    }

    func testAShortRowNamesItsLine() throws {
        try edit("counties.csv") { lines in lines[3] = "珠晖区,市辖区" }
        let error = try XCTUnwrap(loadError())
        XCTAssertTrue(error.description.contains("counties.csv:4: too few fields: expected 3, found 2"), error.description)
    }

    func testLineNumbersCountCommentAndBlankLines() throws {
        try edit("origins.csv") { lines in
            lines.insert("# comment", at: 1)
            lines.insert("", at: 2)
            lines[5] = "江西,省份,-3,30"
        }
        let error = try XCTUnwrap(loadError())
        XCTAssertEqual(error.line, 6)
        XCTAssertTrue(error.description.contains("origins.csv:6: column \"visitor_weight\": value \"-3\" is negative"), error.description)
    }

    func testAnUnknownSpotInARouteIsRefused() throws {
        try edit("routes.csv") { lines in lines.insert("红色旅游经典线,毛泽东故居", at: 3) }
        let error = try XCTUnwrap(loadError())
        XCTAssertTrue(error.description.contains("routes.csv:4: column \"spot\": \"毛泽东故居\" is not in spots.csv"), error.description)
    }

    func testAnUnknownCountyAndADuplicateAreRefused() throws {
        try edit("spots.csv") { lines in lines[2] = lines[2].replacingOccurrences(of: "石鼓区", with: "长沙市") }
        XCTAssertTrue(loadError()?.description.contains("spots.csv:3: column \"county\": \"长沙市\" is not in counties.csv") == true)
        try FileManager.default.removeItem(atPath: directory)
        try FileManager.default.copyItem(atPath: Catalog.bundledDirectory, toPath: directory)
        try edit("platforms.csv") { lines in lines.insert("淘宝,0.1,0.1", at: 2) }
        XCTAssertTrue(loadError()?.description.contains("platforms.csv:3: column \"platform\": \"淘宝\" is listed twice") == true)
    }

    func testAnUnterminatedQuoteAndClosingBeforeOpeningAreRefused() throws {
        try edit("channels.csv") { lines in lines[2] = "\"OTA,35,1,5" }
        XCTAssertTrue(loadError()?.description.contains("channels.csv:3: unterminated quote in field 1") == true)
        try edit("channels.csv") { lines in lines[2] = "OTA,35,1,5"; lines[3] = "小程序,25,5,4" }
        XCTAssertTrue(loadError()?.description.contains("channels.csv:4: column \"max_qty\"") == true)
        try edit("channels.csv") { lines in lines[3] = "小程序,25,1,4" }
        try edit("spots.csv") { lines in lines[1] = lines[1].replacingOccurrences(of: ",6,18,", with: ",18,6,") }
        XCTAssertTrue(loadError()?.description.contains("spots.csv:2: column \"close_hour\"") == true)
    }

    func testAMissingFileOrFolderIsNamed() throws {
        try FileManager.default.removeItem(atPath: directory + "/targets.csv")
        let error = try XCTUnwrap(loadError())
        XCTAssertTrue(error.file.hasSuffix("targets.csv"))
        XCTAssertThrowsError(try Catalog.load(from: directory + "/nowhere")) { error in
            XCTAssertTrue("\(error)".contains("not a catalog folder"), "\(error)")
        }
    }

    func testAllZeroWeightsAreRefused() throws {
        try edit("ticket_types.csv") { lines in
            lines = ["ticket_type,factor,weight", "全价票,1,0", "免票,0,0"]
        }
        XCTAssertTrue(loadError()?.description.contains("ticket_types.csv: column \"weight\": needs at least one row with a positive value") == true)
    }
}
