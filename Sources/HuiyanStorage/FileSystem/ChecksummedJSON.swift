import Foundation

/// Small metadata files (manifests, database settings): JSON followed by a line `xxh3:<16 hex digits>`
/// over the JSON bytes, written atomically. A flipped bit anywhere is detected on read.
package enum ChecksummedJSON {
    package static func write<T: Encodable>(_ value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json = try Array(encoder.encode(value))
        let checksum = String(Checksum.xxh3(of: json), radix: 16)
        let line = "\nxxh3:" + String(repeating: "0", count: 16 - checksum.count) + checksum + "\n"
        try FileIO.writeAtomically(json + Array(line.utf8), to: path)
    }

    package static func read<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        let bytes = try FileIO.readFile(path)
        let marker = Array("\nxxh3:".utf8)
        guard bytes.count >= marker.count + 17,
              let markerStart = lastIndex(of: marker, in: bytes) else {
            throw StorageError.corrupt(path: path, detail: "checksum line missing (truncated file)")
        }
        let json = Array(bytes[..<markerStart])
        let hexStart = markerStart + marker.count
        let hexText = String(decoding: bytes[hexStart..<min(hexStart + 16, bytes.count)], as: UTF8.self)
        // Exactly as written: 16 lowercase hex digits (a flipped bit that upper-cases one is damage too).
        let lowercaseHex = hexText.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        guard hexStart + 17 == bytes.count, bytes.last == 0x0A, lowercaseHex, let expected = UInt64(hexText, radix: 16) else {
            throw StorageError.corrupt(path: path, detail: "malformed checksum line")
        }
        guard Checksum.xxh3(of: json) == expected else {
            throw StorageError.corrupt(path: path, detail: "checksum mismatch")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(json))
        } catch {
            throw StorageError.corrupt(path: path, detail: "unreadable content: \(error)")
        }
    }

    private static func lastIndex(of marker: [UInt8], in bytes: [UInt8]) -> Int? {
        var i = bytes.count - marker.count
        while i >= 0 {
            if bytes[i] == marker[0] && Array(bytes[i..<(i + marker.count)]) == marker { return i }
            i -= 1
        }
        return nil
    }
}
