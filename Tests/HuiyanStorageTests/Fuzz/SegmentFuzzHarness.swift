import Foundation
@testable import HuiyanStorage

/// One fuzz input through the segment reader (shared by Fuzz/segment.swift and FuzzRegressionTests). The
/// first byte picks a mode, the rest is a segment file:
///   even: the file as it is — the reader must refuse damage with a StorageError, never trap;
///   odd:  "resealed" — if the footer decodes, every checksum (blocks, dictionaries, totals per code, footer) is recomputed over
///         the fuzzed bytes, so the block decoders, the dictionary decoder and LZ4 see arbitrary data behind
///         valid checksums (what a writer bug or a checksum collision would hand them).
/// Every dictionary, code summary and block is then decoded; every error must be a StorageError.
enum SegmentFuzzHarness {
    static func run(_ input: UnsafeBufferPointer<UInt8>, scratchFile path: String) {
        guard let mode = input.first else { return }
        var bytes = Array(input[1...])
        if mode & 1 == 1 {
            guard let resealed = reseal(bytes) else { return }
            bytes = resealed
        }
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        do {
            let reader = try SegmentReader(path: path)
            let scratch = BlockScratch()
            let rows = SegmentFormat.blockRows
            let ints = UnsafeMutablePointer<Int64>.allocate(capacity: rows)
            let doubles = UnsafeMutablePointer<Double>.allocate(capacity: rows)
            let codes = UnsafeMutablePointer<UInt32>.allocate(capacity: rows)
            let validity = UnsafeMutablePointer<UInt64>.allocate(capacity: rows / 64)
            defer { ints.deallocate(); doubles.deallocate(); codes.deallocate(); validity.deallocate() }
            for column in reader.columns.indices {
                let info = reader.columns[column]
                var dictionary: StringDictionary?
                if info.definition.type.lane == .string {
                    do { dictionary = try reader.dictionary(column: column) } catch is StorageError {}
                    // Totals per code (format 3): decoded and bounds-checked, or a StorageError.
                    do { _ = try reader.codeSummary(column: column) } catch is StorageError {}
                }
                for block in info.blocks.indices {
                    do {
                        switch info.definition.type.lane {
                        case .float64:
                            try reader.decodeDoubles(column: column, block: block, into: doubles, validity: validity, scratch: scratch)
                        case .int64:
                            try reader.decodeIntegers(column: column, block: block, into: ints, validity: validity, scratch: scratch)
                        case .string:
                            try reader.decodeCodes(column: column, block: block, into: codes, validity: validity, scratch: scratch)
                            try reader.decodeCodes(column: column, block: block, into: ints, validity: validity, scratch: scratch)
                            if let dictionary {
                                for row in 0..<info.blocks[block].rowCount where ints[row] >= 0 && Int(ints[row]) < dictionary.count {
                                    dictionary.withBytes(at: Int(ints[row])) { _ = $0.count }
                                }
                            }
                        }
                    } catch is StorageError {}
                }
            }
        } catch is StorageError {
        } catch {
            preconditionFailure("the segment reader threw something other than a StorageError: \(error)")
        }
    }

    /// Recomputes every checksum of a segment image whose footer decodes; nil when it does not.
    static func reseal(_ bytes: [UInt8]) -> [UInt8]? {
        let size = bytes.count
        guard size >= SegmentFormat.headerSize + SegmentFormat.trailerSize else { return nil }
        let footerEnd = size - SegmentFormat.trailerSize
        return bytes.withUnsafeBytes { raw -> [UInt8]? in
            var trailer = ByteReader(raw, position: footerEnd)
            guard let length = try? trailer.u64(), length <= UInt64(footerEnd - SegmentFormat.headerSize) else { return nil }
            // The footer's layout is that of the file's version (the trailer's, after the footer checksum).
            var versionField = ByteReader(raw, position: footerEnd + 16)
            guard let version = try? versionField.u32(), SegmentFormat.readableVersions.contains(version) else { return nil }
            let footerStart = footerEnd - Int(length)
            guard var footer = try? SegmentFooter.decode(UnsafeRawBufferPointer(rebasing: raw[footerStart..<footerEnd]), fileSize: size,
                                                         version: version) else { return nil }
            func sum(_ range: inout StoredRange) {
                let start = Int(range.offset), end = start + Int(range.storedLength)
                guard end <= footerStart else { return }
                range.checksum = Checksum.xxh3(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
            }
            for c in footer.columns.indices {
                if footer.columns[c].dictionary != nil { sum(&footer.columns[c].dictionary!) }
                if footer.columns[c].summary != nil { sum(&footer.columns[c].summary!) }
                for b in footer.columns[c].blocks.indices { sum(&footer.columns[c].blocks[b].range) }
            }
            let encoded = footer.encoded(version: version)
            // The new footer must have the old length, or every range would move: keep only same-length reseals.
            guard encoded.count == Int(length) else { return nil }
            var out = bytes
            out.replaceSubrange(footerStart..<footerEnd, with: encoded)
            let checksum = encoded.withUnsafeBytes { Checksum.xxh3($0) }
            withUnsafeBytes(of: checksum.littleEndian) { out.replaceSubrange((footerEnd + 8)..<(footerEnd + 16), with: $0) }
            return out
        }
    }
}
