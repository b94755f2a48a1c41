import HuiyanBuffers

/// One damaged place found by `Database.verify()`.
package struct Damage: Sendable, CustomStringConvertible {
    package var file: String
    package var column: String?
    package var block: Int?
    package var detail: String

    package var description: String {
        var place = file
        if let column { place += ", column \"\(column)\"" }
        if let block { place += ", block \(block)" }
        return "\(place): \(detail)"
    }
}

/// What `Database.verify()` checked and found.
package struct VerificationReport: Sendable {
    package var tables = 0
    package var segments = 0
    package var blocks = 0
    package var rows = 0
    package var damages: [Damage] = []

    package var isClean: Bool { damages.isEmpty }
}

extension Database {
    /// Checks every manifest, footer, dictionary and block checksum, and decodes every block, of every table
    /// (or only `table`). Never throws for damage: each damaged place is reported and the check goes on.
    package func verify(table: String? = nil) throws -> VerificationReport {
        var report = VerificationReport()
        let names = try table.map { [try resolveTableName($0)] } ?? tableNames()
        let scratch = BlockScratch()
        let decoded = DecodedBlock()

        for name in names {
            report.tables += 1
            let manifestPath = FileIO.join(tablePath(name), Manifest.fileName)
            let manifest: Manifest
            do {
                manifest = try self.manifest(of: name)
            } catch {
                report.damages.append(Damage(file: manifestPath, detail: Self.detail(of: error)))
                continue
            }
            for entry in manifest.segments {
                report.segments += 1
                let path = FileIO.join(tablePath(name), entry.file)
                let reader: SegmentReader
                do {
                    reader = try SegmentReader(path: path)
                } catch {
                    report.damages.append(Damage(file: path, detail: Self.detail(of: error)))
                    continue
                }
                if reader.rowCount != entry.rows {
                    report.damages.append(Damage(file: path, detail: "holds \(reader.rowCount) rows, the manifest says \(entry.rows)"))
                }
                if reader.byteCount != entry.bytes {
                    report.damages.append(Damage(file: path, detail: "is \(reader.byteCount) bytes long, the manifest says \(entry.bytes)"))
                }
                report.rows += reader.rowCount
                for (index, column) in reader.columns.enumerated() {
                    let columnName = column.definition.name
                    if column.dictionary != nil {
                        do { _ = try reader.dictionary(column: index) } catch {
                            report.damages.append(Damage(file: path, column: columnName, detail: Self.detail(of: error)))
                        }
                    }
                    for block in column.blocks.indices {
                        report.blocks += 1
                        do {
                            try reader.decodeBlock(column: index, block: block, into: decoded, scratch: scratch)
                            if column.definition.type.lane == .int64 {
                                if let sum = column.blocks[block].sum, sum != Self.sum(decoded, rows: column.blocks[block].rowCount) {
                                    report.damages.append(Damage(file: path, column: columnName, block: block,
                                                                 detail: "the footer's block sum \(sum) disagrees with the block's values"))
                                }
                            }
                        } catch {
                            report.damages.append(Damage(file: path, column: columnName, block: block, detail: Self.detail(of: error)))
                        }
                    }
                    if column.summary != nil { report.damages += Self.checkSummary(reader, column: index, path: path) }
                }
            }
        }
        return report
    }

    /// Damage in a string column's totals per code: unreadable, or a block's totals that differ from the
    /// ones its decoded values give (blocks that do not decode are reported by the block check).
    private static func checkSummary(_ reader: SegmentReader, column: Int, path: String) -> [Damage] {
        let name = reader.columns[column].definition.name
        let summary: CodeSummary
        do {
            guard let read = try reader.codeSummary(column: column) else { return [] }
            summary = read
        } catch {
            return [Damage(file: path, column: name, detail: detail(of: error))]
        }
        let columns = [column] + summary.measures
        let decoded = columns.map { _ in DecodedBlock() }
        let scratch = BlockScratch()
        var damages: [Damage] = []
        for (b, stored) in summary.blocks.enumerated() {
            do {
                _ = try reader.decodeCodes(column: column, block: b, into: decoded[0].intsOutput, validity: decoded[0].validityOutput,
                                           scratch: scratch)
                for k in 1..<columns.count {
                    _ = try reader.decodeIntegers(column: columns[k], block: b, into: decoded[k].intsOutput,
                                                  validity: decoded[k].validityOutput, scratch: scratch)
                }
            } catch {
                continue
            }
            let info = reader.columns[column]
            let found = CodeSummary.totals(rows: info.blocks[b].rowCount, codes: decoded[0].ints, keyValidity: decoded[0].validity,
                                           measures: (1..<columns.count).map { (decoded[$0].ints, decoded[$0].validity) },
                                           dictionaryCount: info.dictionaryCount)
            if found != stored {
                damages.append(Damage(file: path, column: name, block: b, detail: "the totals per code disagree with the block's values"))
            }
        }
        return damages
    }

    /// The sum of a decoded block's valid values, wrapping (equal to the recorded sum when that is right).
    private static func sum(_ decoded: DecodedBlock, rows: Int) -> Int64 {
        var total: Int64 = 0
        for row in 0..<rows where decoded.isValid(unchecked: row) { total &+= decoded.ints[unchecked: row] }
        return total
    }

    private static func detail(of error: Error) -> String {
        if case StorageError.corrupt(_, let detail, _, _) = error { return detail }
        return "\(error)"
    }
}
