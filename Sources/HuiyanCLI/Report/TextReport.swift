/// The progress report as terminal text: aligned tables (wide characters counted as two columns) with bars under
/// headers that say what they compare, every line within 80 columns (bars narrow, down to their header, to fit).
struct TextReport {
    let data: ReportData
    /// The widest line.
    static let width = 80
    /// The widest a bar is drawn.
    static let widestBar = 12

    func render() -> String {
        var out: [String] = []
        out.append("衡阳市文旅与电商进度报告 · \(data.year)年 · 截至 \(data.asOf)（全年已过 \(ReportFormat.percent(data.yearElapsed))）")
        out.append("")
        out.append("■ 规划目标进度")
        var progress = TextTable(headers: ["指标", "累计", "目标", "完成", "完成进度", "应完成"],
                                 alignments: [.left, .right, .right, .right, .left, .right])
        var outlook = TextTable(headers: ["指标", "剩余日均需", "当前日均", "按季节预测全年", "预测占目标"],
                                alignments: [.left, .right, .right, .right, .right])
        for t in data.targets {
            progress.add([t.label, ReportFormat.figure(Double(t.toDate), t.unit), ReportFormat.figure(Double(t.target), t.unit),
                          ReportFormat.percent(t.share), "", ReportFormat.percent(t.expectedShare)])
            outlook.add([t.label, t.neededPerDay > 0 ? ReportFormat.figure(t.neededPerDay, t.unit) : "—",
                         ReportFormat.figure(t.pacePerDay, t.unit), ReportFormat.figure(t.projection, t.unit),
                         ReportFormat.percent(t.projectedShare, digits: 0)])
        }
        Self.drawBars(in: &progress, [(column: 4, shares: data.targets.map(\.share))])
        out.append(progress.render())
        out.append(outlook.render())
        for note in [data.growthNote, data.enterpriseNote,
                     "应完成: 按季节规律至今应完成的比例; 剩余日均需: 余下每天需完成的量; 当前日均: 至今每天完成的量; "
                        + "按季节预测全年: 全年若按季节规律延续至今的节奏; 对比: 与表中最大者相比; 电子商务交易额仅含数据中的零售订单。"] {
            out.append(DisplayWidth.wrapped(note, to: Self.width, indent: 2))
        }

        out.append(section("景区接待与收入（前 12）", data.spots.prefix(12), countLabel: "接待人次", amountLabel: "旅游收入",
                           barLabel: "人次对比", detail: "等级·主题·区县", byCount: true))
        out.append(section("按景区等级", data.grades, countLabel: "接待人次", amountLabel: "旅游收入", barLabel: "人次对比", byCount: true))
        out.append(section("按主题", data.themes, countLabel: "接待人次", amountLabel: "旅游收入", barLabel: "人次对比", byCount: true))
        out.append(section("按旅游线路", data.routes, countLabel: "接待人次", amountLabel: "旅游收入", barLabel: "人次对比", byCount: true))
        out.append(section("按区县（景区所在）", data.counties, countLabel: "接待人次", amountLabel: "旅游收入", barLabel: "人次对比", byCount: true))
        out.append(section("雁城四宝 线上销售", data.treasures, countLabel: "订单", amountLabel: "销售额", barLabel: "销售对比"))
        out.append(treasureMatrix)
        out.append(section("网络零售 按产品（前 10）", data.products.prefix(10), countLabel: "订单", amountLabel: "销售额", barLabel: "销售对比"))
        out.append(section("网络零售 按产地区县", data.retailCounties, countLabel: "订单", amountLabel: "销售额", barLabel: "销售对比"))
        if !data.merchants.isEmpty {
            out.append(section("电商企业交易额（前 12；超过10亿元的标 ★）", data.merchants.prefix(12).map { row in
                var row = row
                if row.amount > data.enterpriseThresholdFen { row.name = "★ " + row.name }
                return row
            }, countLabel: "订单", amountLabel: "交易额", barLabel: "交易对比"))
        }
        out.append(monthly)
        return out.joined(separator: "\n")
    }

    /// Fills the bar columns of `table` (left empty until now): each as wide as the line's room allows, between
    /// its header's width and `widestBar`.
    static func drawBars(in table: inout TextTable, _ bars: [(column: Int, shares: [Double])]) {
        let room = max(0, width - table.width) / max(1, bars.count)
        for bar in bars {
            let cells = max(DisplayWidth.of(table.headers[bar.column]), min(widestBar, DisplayWidth.of(table.headers[bar.column]) + room))
            for (row, share) in bar.shares.enumerated() where row < table.rows.count {
                table.rows[row][bar.column] = ReportFormat.bar(share, width: cells)
            }
        }
    }

    private func section<Rows: Sequence>(_ title: String, _ rows: Rows, countLabel: String, amountLabel: String, barLabel: String,
                                         detail: String? = nil, byCount: Bool = false) -> String where Rows.Element == ReportRow {
        let rows = Array(rows)
        let largest = Double(rows.map { byCount ? $0.count : $0.amount }.max() ?? 0)
        var headers = ["名称"]
        if let detail { headers.append(detail) }
        headers += [countLabel, amountLabel, barLabel]
        var alignments: [TextTable.Alignment] = detail == nil ? [.left] : [.left, .left]
        alignments += [.right, .right, .left]
        var table = TextTable(headers: headers, alignments: alignments)
        for row in rows {
            var cells = [row.name]
            if detail != nil { cells.append(row.detail) }
            table.add(cells + [ReportFormat.count(Double(row.count)), ReportFormat.money(fen: Double(row.amount)), ""])
        }
        Self.drawBars(in: &table, [(column: headers.count - 1, shares: rows.map { row in
            largest > 0 ? Double(byCount ? row.count : row.amount) / largest : 0
        })])
        return "\n■ \(title)\n" + table.render()
    }

    /// 雁城四宝 sales as a platform × product table (seven platforms across would not fit), platforms by their
    /// total, the largest first.
    private var treasureMatrix: String {
        let (platforms, rows) = data.treasureTable
        var table = TextTable(headers: ["平台"] + rows.map(\.product), alignments: [.left] + rows.map { _ in .right })
        for (index, platform) in platforms.enumerated() {
            table.add([platform] + rows.map { ReportFormat.money(fen: Double($0.amounts[index])) })
        }
        return "\n■ 雁城四宝 按平台\n" + table.render()
    }

    private var monthly: String {
        let arrivals = Double(data.months.map(\.arrivals).max() ?? 0), retail = Double(data.months.map(\.retail).max() ?? 0)
        var table = TextTable(headers: ["月份", "接待人次", "人次对比", "旅游收入", "网络零售", "零售对比"],
                              alignments: [.left, .right, .left, .right, .right, .left])
        for m in data.months {
            table.add(["\(m.month)月", ReportFormat.count(Double(m.arrivals)), "", ReportFormat.money(fen: Double(m.revenue)),
                       ReportFormat.money(fen: Double(m.retail)), ""])
        }
        Self.drawBars(in: &table, [(column: 2, shares: data.months.map { arrivals > 0 ? Double($0.arrivals) / arrivals : 0 }),
                                   (column: 5, shares: data.months.map { retail > 0 ? Double($0.retail) / retail : 0 })])
        return "\n■ 月度趋势\n" + table.render()
    }
}
