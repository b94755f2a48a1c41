import HuiyanBuffers
import Foundation

/// Reads one segment file through a memory mapping: footer at open, blocks on demand, each block's checksum
/// verified before its bytes are used. Every damage becomes a `StorageError.corrupt` naming file, column and block.
package final class SegmentReader: Sendable {
    package let path: String
    package let footer: SegmentFooter
    private let file: MappedFile
    /// What was decoded once and is kept, per column: the small dictionaries and the code summaries.
    private struct Decoded {
        var dictionaries: [Int: StringDictionary] = [:]
        var summaries: [Int: CodeSummary] = [:]
    }
    private let decoded = LockedValue(Decoded())

    /// The file's format version (`SegmentFormat.readableVersions`).
    package let version: UInt32

    package init(path: String) throws {
        self.path = path
        file = try MappedFile(path: path)
        (footer, version) = try Self.readFooter(file)
    }

    package var rowCount: Int { footer.rowCount }
    package var columns: [SegmentColumnInfo] { footer.columns }
    package var byteCount: Int { file.bytes.count }

    /// The index of a column by name (exact match).
    package func columnIndex(_ name: String) -> Int? {
        footer.columns.firstIndex { $0.definition.name == name }
    }

    private static func readFooter(_ file: MappedFile) throws -> (SegmentFooter, UInt32) {
        let bytes = file.bytes
        let size = bytes.count
        guard size >= SegmentFormat.headerSize + SegmentFormat.trailerSize else {
            throw StorageError.corrupt(path: file.path, detail: "file is too short (\(size) bytes) to be a segment")
        }
        guard Array(bytes[0..<8]) == SegmentFormat.headerMagic else {
            throw StorageError.corrupt(path: file.path, detail: "not a segment file (bad header magic)")
        }
        var header = ByteReader(bytes, position: 8)
        let headerVersion = try! header.u32()
        let headerReserved = try! header.u32()
        var trailer = ByteReader(bytes, position: size - SegmentFormat.trailerSize)
        let footerLength = Int(clamping: try! trailer.u64())
        let footerChecksum = try! trailer.u64()
        let version = try! trailer.u32()
        let trailerReserved = try! trailer.u32()
        guard Array(bytes[(size - 8)..<size]) == SegmentFormat.trailerMagic else {
            throw StorageError.corrupt(path: file.path, detail: "bad trailer magic (truncated or overwritten file)")
        }
        guard version == headerVersion, headerReserved == 0, trailerReserved == 0 else {
            throw StorageError.corrupt(path: file.path, detail: "header and trailer disagree (version \(headerVersion) vs \(version))")
        }
        guard SegmentFormat.readableVersions.contains(version) else {
            throw StorageError.unsupportedVersion(path: file.path, version: version)
        }
        let footerEnd = size - SegmentFormat.trailerSize
        guard footerLength <= footerEnd - SegmentFormat.headerSize else {
            throw StorageError.corrupt(path: file.path, detail: "footer length \(footerLength) exceeds the file")
        }
        let footerBytes = UnsafeRawBufferPointer(rebasing: bytes[(footerEnd - footerLength)..<footerEnd])
        guard Checksum.xxh3(footerBytes) == footerChecksum else {
            throw StorageError.corrupt(path: file.path, detail: "footer checksum mismatch")
        }
        do {
            return (try SegmentFooter.decode(footerBytes, fileSize: size, version: version), version)
        } catch let error as SegmentFooter.FooterError {
            throw StorageError.corrupt(path: file.path, detail: "footer: \(error.message)")
        }
    }

    /// The verified, decompressed bytes of a stored range, in `scratch` (or straight from the mapping when
    /// uncompressed); `what` names the range in a damage's detail, `column` and `block` say where it is.
    func payload(_ range: StoredRange, scratch: BlockScratch, what: @autoclosure () -> String,
                 column: Int, block: Int? = nil) throws -> UnsafeRawBufferPointer {
        let start = Int(range.offset)
        let stored = UnsafeRawBufferPointer(rebasing: file.bytes[start..<(start + Int(range.storedLength))])
        guard Checksum.xxh3(stored) == range.checksum else {
            throw damage("checksum mismatch in \(what())", column: column, block: block)
        }
        switch range.codec {
        case .none:
            return stored
        case .lz4:
            let out = scratch.buffer(Int(range.rawLength))
            guard LZ4Codec.decompress(stored, into: out) else {
                throw damage("LZ4 data does not decompress in \(what())", column: column, block: block)
            }
            return UnsafeRawBufferPointer(out)
        }
    }

    /// `decode` applied to the verified, decompressed bytes of a stored range (`name`: a column's dictionary
    /// or code summary), held in a scratch of their own that lives until `decode` returns; any error of
    /// `decode` is damage, "malformed" `name`.
    private func decodeRange<R>(_ range: StoredRange, name: String, column: Int, _ decode: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        try decodeRange(range, name: name, column: column) { raw, _ in try decode(raw) }
    }

    /// `decodeRange`, `decode` also given the object that holds the bytes (the scratch, or the reader itself
    /// for bytes read straight from the mapping), for a result that reads them later.
    private func decodeRange<R>(_ range: StoredRange, name: String, column: Int,
                                _ decode: (UnsafeRawBufferPointer, AnyObject) throws -> R) throws -> R {
        let scratch = BlockScratch()
        let raw = try payload(range, scratch: scratch, what: "the \(name)", column: column)
        do {
            return try withExtendedLifetime(scratch) { try decode(raw, range.codec == .none ? self : scratch) }
        } catch {
            throw damage("malformed \(name)", column: column)
        }
    }

    /// Damage in the data of column `column` (and block `block`, when in one): the error naming file, column and block.
    private func damage(_ detail: String, column: Int, block: Int? = nil) -> StorageError {
        .corrupt(path: path, detail: detail, column: footer.columns[column].definition.name, block: block)
    }

    /// Dictionaries up to this many entries stay decoded in the reader.
    static let cachedDictionaryEntries = 1 << 16

    /// The sorted dictionary of a string column (decoded once, then cached when small).
    package func dictionary(column: Int) throws -> StringDictionary {
        if let cached = decoded.withLock({ $0.dictionaries[column] }) { return cached }
        let info = footer.columns[column]
        guard let range = info.dictionary else { return .empty }
        let dictionary = try decodeRange(range, name: "dictionary of column \"\(info.definition.name)\"", column: column) { raw in
            switch info.dictionaryEncoding {
            case .frontCoded: return try StringDictionary.decodeFrontCoded(raw, expectedCount: info.dictionaryCount)
            case .numeric: return try StringDictionary.decodeNumeric(raw, expectedCount: info.dictionaryCount, limit: footer.rowCount)
            }
        }
        // Readers outlive queries (`Database` keeps them): a dictionary of ids, millions of entries, is
        // decoded again by the query that needs it rather than held for every later one.
        if dictionary.count <= Self.cachedDictionaryEntries {
            decoded.withLock { $0.dictionaries[column] = dictionary }
        }
        return dictionary
    }

    /// A string column's numeric dictionary (§7.1) as its numbers (`NumericEntries`), decoded and checked, not
    /// cached; nil when the column's dictionary is stored otherwise.
    package func numericEntries(column: Int) throws -> NumericEntries? {
        let info = footer.columns[column]
        guard info.dictionaryEncoding == .numeric, let range = info.dictionary else { return nil }
        return try decodeRange(range, name: "dictionary of column \"\(info.definition.name)\"", column: column) { raw in
            NumericEntries(try StringDictionary.NumericForm(raw, expectedCount: info.dictionaryCount, limit: footer.rowCount))
        }
    }

    /// The dictionary of a string column for reading a few of its entries (`DictionaryEntries`): a cached
    /// dictionary as it is, a numeric one as its numbers, decoded as far as the entries read need (its bytes
    /// checked now, its numbers as they are decoded), any other decoded whole.
    package func dictionaryEntries(column: Int) throws -> DictionaryEntries {
        let cached = decoded.withLock { $0.dictionaries[column] }
        let info = footer.columns[column]
        guard cached == nil, info.dictionaryEncoding == .numeric, let range = info.dictionary else {
            return DictionaryEntries(whole: try cached ?? dictionary(column: column))
        }
        let name = "dictionary of column \"\(info.definition.name)\""
        return DictionaryEntries(numeric: try decodeRange(range, name: name, column: column) { raw, owner in
            try SparseNumericDictionary(raw, owner: owner, expectedCount: info.dictionaryCount, limit: footer.rowCount) { [self] in
                damage("malformed \(name)", column: column)
            }
        })
    }

    /// The totals per code and block of a string column (`CodeSummary`, format 3), checked and decoded once,
    /// then kept; nil when the column has none.
    package func codeSummary(column: Int) throws -> CodeSummary? {
        if let cached = decoded.withLock({ $0.summaries[column] }) { return cached }
        let info = footer.columns[column]
        guard let range = info.summary else { return nil }
        let summary = try decodeRange(range, name: "code summary of column \"\(info.definition.name)\"", column: column) { raw in
            try CodeSummary.decode(raw, dictionaryCount: info.dictionaryCount, blockRows: info.blocks.map(\.rowCount),
                                   columns: footer.columns.count)
        }
        decoded.withLock { $0.summaries[column] = summary }
        return summary
    }

    /// Decodes block `block` of an integer-lane or string column (codes) into `values`, and its validity into
    /// `validity` when the block has NULLs (bit set = valid). Returns the block's null count.
    @discardableResult
    package func decodeIntegers(column: Int, block: Int, into values: UnsafeMutablePointer<Int64>,
                               validity: UnsafeMutablePointer<UInt64>?, scratch: BlockScratch) throws -> Int {
        try decode(column: column, block: block, validity: validity, scratch: scratch) { data, rows in
            try IntegerBlockCodec.decode(data, count: rows, into: values, workspace: scratch.workspace)
        }
    }

    /// Decodes the string codes of block `block` of a string column as UInt32.
    @discardableResult
    package func decodeCodes(column: Int, block: Int, into codes: UnsafeMutablePointer<UInt32>,
                            validity: UnsafeMutablePointer<UInt64>?, scratch: BlockScratch) throws -> Int {
        try decodeCheckedCodes(column: column, block: block, into: codes, validity: validity, workspace: scratch.workspace, scratch: scratch)
    }

    /// Decodes the string codes of block `block` straight into 64-bit slots (what query vectors hold).
    @discardableResult
    package func decodeCodes(column: Int, block: Int, into codes: UnsafeMutablePointer<Int64>,
                            validity: UnsafeMutablePointer<UInt64>?, scratch: BlockScratch) throws -> Int {
        try decodeCheckedCodes(column: column, block: block, into: codes, validity: validity, workspace: scratch.workspace, scratch: scratch)
    }

    /// The string codes of block `block` as `T` (wide enough for the dictionary's codes), each checked
    /// against the dictionary as it is unpacked (a damaged block must not send a reader out of bounds); NULL
    /// rows repeat some valid code. `workspace` holds nested encodings' temporaries. Returns the null count.
    func decodeCheckedCodes<T: FixedWidthInteger & BitwiseCopyable>(column: Int, block: Int, into codes: UnsafeMutablePointer<T>,
                                                  validity: UnsafeMutablePointer<UInt64>?, workspace: UnsafeMutableRawBufferPointer?,
                                                  scratch: BlockScratch) throws -> Int {
        let allowed = codeRange(column: column)
        var inRange = true
        let nulls = try decode(column: column, block: block, validity: validity, scratch: scratch) { data, rows in
            inRange = try IntegerBlockCodec.decode(data, count: rows, into: codes, workspace: workspace, within: allowed)
        }
        try checkCodes(column: column, block: block, nulls: nulls, inRange: inRange)
        return nulls
    }

    /// The codes of a string column's dictionary; nil when it is empty (then every row must be NULL).
    func codeRange(column: Int) -> ClosedRange<Int64>? {
        let count = footer.columns[column].dictionaryCount
        return count > 0 ? 0...Int64(count - 1) : nil
    }

    /// Throws unless every decoded code indexes the dictionary (`inRange`, from decoding within `codeRange`).
    /// NULL slots repeat a valid code (or 0 in an all-NULL column, whose dictionary may be empty).
    func checkCodes(column: Int, block: Int, nulls: Int, inRange: Bool) throws {
        let limit = footer.columns[column].dictionaryCount
        let rows = footer.columns[column].blocks[block].rowCount
        if rows > 0 && ((limit == 0 && nulls < rows) || (limit > 0 && !inRange)) {
            throw damage("string code outside the dictionary in column \"\(footer.columns[column].definition.name)\", block \(block)",
                         column: column, block: block)
        }
    }

    /// Decodes block `block` of a float column into `values`.
    @discardableResult
    package func decodeDoubles(column: Int, block: Int, into values: UnsafeMutablePointer<Double>,
                              validity: UnsafeMutablePointer<UInt64>?, scratch: BlockScratch) throws -> Int {
        try decode(column: column, block: block, validity: validity, scratch: scratch) { data, rows in
            guard data.count >= rows * 8 else { throw ByteReader.OutOfBounds() }
            let data = UncheckedBytes(data), values = UncheckedBuffer(UnsafeMutableBufferPointer(start: values, count: rows))
            for i in 0..<rows {
                values[unchecked: i] = Double(bitPattern: UInt64(littleEndian: data.loadUnaligned(uncheckedAt: i * 8, as: UInt64.self)))
            }
        }
    }

    func decode(column: Int, block: Int, validity: UnsafeMutablePointer<UInt64>?, scratch: BlockScratch,
                        _ values: (UnsafeRawBufferPointer, Int) throws -> Void) throws -> Int {
        let columnInfo = footer.columns[column]
        let info = columnInfo.blocks[block]
        let what = "column \"\(columnInfo.definition.name)\", block \(block)"
        let data = try payload(info.range, scratch: scratch, what: what, column: column, block: block)
        do {
            var reader = ByteReader(data)
            let flags = try reader.u8()
            let words = (info.rowCount + 63) >> 6
            let validity = validity.map { UncheckedBuffer(UnsafeMutableBufferPointer(start: $0, count: words)) }
            if flags & BlockPayloadFlags.hasValidity != 0 {
                let bits = UncheckedBytes(try reader.bytes(words * 8))
                var valid = 0
                for w in 0..<words {
                    var word = UInt64(littleEndian: bits.loadUnaligned(uncheckedAt: w * 8, as: UInt64.self))
                    if w == words - 1 && info.rowCount & 63 != 0 { word &= (UInt64(1) << UInt64(info.rowCount & 63)) - 1 }
                    valid += word.nonzeroBitCount
                    validity?[unchecked: w] = word
                }
                guard info.rowCount - valid == info.nullCount else {
                    throw damage("validity bitmap disagrees with the footer's null count in \(what)", column: column, block: block)
                }
            } else if info.nullCount != 0 {
                throw damage("missing validity bitmap in \(what)", column: column, block: block)
            } else if let validity {
                validity.fill(with: ~0)
            }
            try values(UnsafeRawBufferPointer(rebasing: data[reader.position...]), info.rowCount)
        } catch is ByteReader.OutOfBounds {
            throw damage("malformed block data in \(what)", column: column, block: block)
        }
        return info.nullCount
    }
}

/// A reusable decompression buffer, one per scanning thread.
package final class BlockScratch {
    private var storage: UnsafeMutableRawPointer?
    private var capacity = 0

    package init() {}

    deinit {
        storage?.deallocate()
        workspaceStorage?.deallocate()
    }

    private var workspaceStorage: UnsafeMutableRawPointer?

    /// Room for the temporaries of the composite integer encodings (two stream buffers of a block and a value
    /// table), allocated at first use and kept: 2 MiB.
    var workspace: UnsafeMutableRawBufferPointer {
        if workspaceStorage == nil { workspaceStorage = .allocate(byteCount: 2 << 20, alignment: 64) }
        return UnsafeMutableRawBufferPointer(start: workspaceStorage, count: 2 << 20)
    }

    func buffer(_ count: Int) -> UnsafeMutableRawBufferPointer {
        if count > capacity {
            storage?.deallocate()
            capacity = max(count, 1 << 16)
            storage = .allocate(byteCount: capacity, alignment: 16)
        }
        return UnsafeMutableRawBufferPointer(start: storage, count: count)
    }
}
