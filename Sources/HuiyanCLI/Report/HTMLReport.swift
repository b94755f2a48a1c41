/// The progress report as one self-contained HTML page: inline CSS and SVG, system fonts only, nothing fetched.
struct HTMLReport {
    let data: ReportData

    func render() -> String {
        let e = SVGChart.escape
        var body = "<h1>衡阳市文旅与电商进度报告 · \(data.year)年</h1>"
        body += "<p class=\"sub\">截至 \(e(data.asOf))，全年已过 \(ReportFormat.percent(data.yearElapsed))。"
            + "数据来自 Huiyan 数据库（游客 visits、门票 tickets、网络订单 orders），目标来自《衡阳市“十四五”服务业发展规划》。</p>"

        body += "<h2>规划目标进度</h2><div class=\"gauges\">"
        for t in data.targets {
            body += "<figure>" + SVGChart.gauge(label: t.label, share: t.share,
                                              caption: "\(ReportFormat.figure(Double(t.toDate), t.unit)) / 目标 \(ReportFormat.figure(Double(t.target), t.unit))",
                                              expected: t.expectedShare) + "</figure>"
        }
        body += "</div>" + Self.gaugeLegend
        body += "<table><tr><th>指标</th><th>目标</th><th>累计</th><th>完成率</th><th>应完成</th><th>剩余日均需</th><th>当前日均</th><th>按季节预测全年</th><th>预测占目标</th></tr>"
        for t in data.targets {
            body += "<tr><td>\(e(t.label))</td><td class=\"n\">\(e(ReportFormat.figure(Double(t.target), t.unit)))</td>"
                + "<td class=\"n\">\(e(ReportFormat.figure(Double(t.toDate), t.unit)))</td><td class=\"n\">\(ReportFormat.percent(t.share))</td>"
                + "<td class=\"n\">\(ReportFormat.percent(t.expectedShare))</td>"
                + "<td class=\"n\">\(t.neededPerDay > 0 ? e(ReportFormat.figure(t.neededPerDay, t.unit)) : "—")</td>"
                + "<td class=\"n\">\(e(ReportFormat.figure(t.pacePerDay, t.unit)))</td>"
                + "<td class=\"n\">\(e(ReportFormat.figure(t.projection, t.unit)))</td>"
                + "<td class=\"n\">\(ReportFormat.percent(t.projectedShare, digits: 0))</td></tr>"
        }
        body += "</table>"
        body += "<p class=\"note\">\(e(data.growthNote))<br>\(e(data.enterpriseNote))<br>"
            + "按季节预测假定余下月份延续节假日与季节规律。电子商务交易额仅含数据中的零售订单。</p>"

        body += "<h2>月度趋势</h2><div class=\"row\">"
        body += "<figure><figcaption>游客接待量（人次）</figcaption>"
            + SVGChart.lines([SVGChart.Series(name: "接待人次", values: data.months.map { Double($0.arrivals) }, color: "#1565c0")],
                             format: { ReportFormat.axis(ReportFormat.count($0)) }) + "</figure>"
        body += "<figure><figcaption>旅游收入与网络零售（元）</figcaption>"
            + SVGChart.lines([SVGChart.Series(name: "旅游收入", values: data.months.map { Double($0.revenue) }, color: "#ef6c00"),
                              SVGChart.Series(name: "网络零售", values: data.months.map { Double($0.retail) }, color: "#6a1b9a")],
                             format: { ReportFormat.axis(ReportFormat.money(fen: $0)) }) + "</figure></div>"

        body += "<h2>景区与产品</h2><div class=\"row\">"
        body += "<figure><figcaption>接待量前 10 的景区</figcaption>"
            + SVGChart.bars(data.spots.prefix(10).map { ($0.name, Double($0.count), ReportFormat.count(Double($0.count))) }, color: "#1565c0")
            + "</figure>"
        body += "<figure><figcaption>雁城四宝 线上销售额</figcaption>"
            + SVGChart.bars(data.treasures.map { ($0.name, Double($0.amount), ReportFormat.money(fen: Double($0.amount))) }, color: "#c62828")
            + "<figcaption>网络零售额前 10 的产品</figcaption>"
            + SVGChart.bars(data.products.prefix(10).map { ($0.name, Double($0.amount), ReportFormat.money(fen: Double($0.amount))) }, color: "#6a1b9a")
            + "</figure></div>"

        body += "<h2>分类明细</h2><div class=\"row\">"
        body += table("按景区等级", data.grades, countLabel: "接待人次", amountLabel: "旅游收入")
        body += table("按主题", data.themes, countLabel: "接待人次", amountLabel: "旅游收入")
        body += table("按区县（景区所在）", data.counties, countLabel: "接待人次", amountLabel: "旅游收入")
        body += table("按旅游线路", data.routes, countLabel: "接待人次", amountLabel: "旅游收入")
        body += treasureTable
        body += table("网络零售 按产地区县", data.retailCounties, countLabel: "订单", amountLabel: "销售额")
        if !data.merchants.isEmpty {
            body += table("电商企业交易额（前 12）", Array(data.merchants.prefix(12)), countLabel: "订单", amountLabel: "交易额")
        }
        body += "</div>"
        return """
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8"><title>衡阳市文旅与电商进度报告 \(data.year)</title>
        <style>\(Self.style)</style></head>
        <body>\(body)<footer>Huiyan 廻雁 · huiyan report --year \(data.year) --as-of \(e(data.asOf))</footer></body></html>

        """
    }

    /// 雁城四宝 sales, product × platform.
    private var treasureTable: String {
        let e = SVGChart.escape
        let (platforms, rows) = data.treasureTable
        var s = "<section><h3>雁城四宝 按平台（销售额）</h3><table><tr><th>产品</th>" + platforms.map { "<th>\(e($0))</th>" }.joined() + "</tr>"
        for row in rows {
            s += "<tr><td>\(e(row.product))</td>" + row.amounts.map { "<td class=\"n\">\(e(ReportFormat.money(fen: Double($0))))</td>" }.joined() + "</tr>"
        }
        return s + "</table></section>"
    }

    private func table(_ title: String, _ rows: [ReportRow], countLabel: String, amountLabel: String) -> String {
        let e = SVGChart.escape
        var s = "<section><h3>\(e(title))</h3><table><tr><th>名称</th><th>\(e(countLabel))</th><th>\(e(amountLabel))</th></tr>"
        for row in rows {
            s += "<tr><td>\(e(row.name))</td><td class=\"n\">\(e(ReportFormat.count(Double(row.count))))</td>"
                + "<td class=\"n\">\(e(ReportFormat.money(fen: Double(row.amount))))</td></tr>"
        }
        return s + "</table></section>"
    }

    /// What the gauges' colours and black tick mean, beside them.
    static let gaugeLegend = "<p class=\"legend\">"
        + [("#2e7d32", "已达到应完成的进度"), ("#f9a825", "达到应完成的八成以上"), ("#c62828", "不足应完成的八成")]
            .map { "<span><i style=\"background:\($0.0)\"></i>\($0.1)</span>" }.joined()
        + "<span><i class=\"tick\"></i>黑色刻度: 按季节规律至今应完成的比例</span></p>"

    static let style = """
    body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:24px 32px;color:#222;background:#fff;max-width:1200px}
    h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;border-bottom:2px solid #1565c0;padding-bottom:4px;margin-top:28px}
    h3{font-size:15px;margin:8px 0}.sub,.note{color:#555;font-size:13px}
    .gauges,.row{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0}figcaption{font-weight:bold;margin:6px 0}
    table{border-collapse:collapse;font-size:13px;margin:6px 0}th,td{border-bottom:1px solid #ddd;padding:3px 10px;text-align:left}
    td.n{text-align:right;font-variant-numeric:tabular-nums}section{min-width:300px}footer{margin-top:32px;color:#888;font-size:12px}
    .legend{font-size:13px;color:#333;display:flex;flex-wrap:wrap;gap:16px;margin:4px 0 10px}
    .legend i{display:inline-block;width:14px;height:14px;margin-right:5px;vertical-align:-2px;border-radius:2px}
    .legend i.tick{width:3px;background:#333;border-radius:0}
    @page{size:A4;margin:12mm}
    @media print{body{margin:0;max-width:none;font-size:12px}h2{margin-top:14px;break-after:avoid}
    figure,section,table,.legend{break-inside:avoid}svg.chart{max-width:100%;height:auto}
    .legend i{print-color-adjust:exact;-webkit-print-color-adjust:exact}footer{margin-top:12px}}
    """
}
