import Foundation

/// Database-wide settings, kept in the `DATABASE` file at the database's root.
public struct DatabaseSettings: Codable, Sendable, Equatable {
    package static let fileName = "DATABASE"
    package static let formatVersion = 1

    package var formatVersion: Int
    /// The zone calendar functions and zone-less timestamps use (a fixed offset; Asia/Shanghai has no DST).
    public var timeZone: String
    public var utcOffsetSeconds: Int
    public var createdAt: String
    /// Whether SQL may read and write files (COPY); nil (databases made before the setting) means yes.
    /// Off, for a database exposed beyond its owner, as DuckDB's `enable_external_access`.
    public var fileAccess: Bool?

    public init(timeZone: String = "Asia/Shanghai", utcOffsetSeconds: Int = 8 * 3600, createdAt: String) {
        formatVersion = DatabaseSettings.formatVersion
        self.timeZone = timeZone
        self.utcOffsetSeconds = utcOffsetSeconds
        self.createdAt = createdAt
    }

    /// The fixed offset east of UTC, in seconds, of a zone given as `UTC` (or `GMT`, `Z`), as an offset
    /// (`+08:00`, `-0530`, `+8`, `UTC+05:30`), or as a name of the zone database without daylight saving
    /// since 2020 (`Asia/Shanghai`, `Asia/Kolkata`). A zone that changes its offset during the year is
    /// refused: calendar functions and zone-less timestamps use one offset for the whole database.
    public static func fixedOffset(ofZone zone: String) throws -> Int {
        let name = zone.trimmingCharacters(in: .whitespaces)
        let upper = name.uppercased()
        if ["UTC", "GMT", "Z", "ETC/UTC"].contains(upper) { return 0 }
        var offsetText = Substring(name)
        for prefix in ["UTC", "GMT"] where upper.hasPrefix(prefix) { offsetText = offsetText.dropFirst(prefix.count) }
        if let sign = offsetText.first, sign == "+" || sign == "-" {
            let digits = offsetText.dropFirst().split(separator: ":", omittingEmptySubsequences: false)
            var hours = 0, minutes = 0, valid = false
            if digits.count == 1, digits[0].count <= 2, let h = Int(digits[0]) { hours = h; valid = true }
            if digits.count == 1, digits[0].count == 4, let h = Int(digits[0].prefix(2)), let m = Int(digits[0].suffix(2)) {
                hours = h; minutes = m; valid = true
            }
            if digits.count == 2, digits[0].count <= 2, digits[1].count == 2, let h = Int(digits[0]), let m = Int(digits[1]) {
                hours = h; minutes = m; valid = true
            }
            guard valid, digits.allSatisfy({ $0.allSatisfy(\.isASCII) }), hours <= 14, minutes < 60, hours * 60 + minutes <= 14 * 60 else {
                throw StorageError.invalidArgument("time zone \"\(zone)\": an offset is written +08:00, -05:30 or +8, at most 14 hours")
            }
            return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
        }
        guard let tz = TimeZone(identifier: name) else {
            throw StorageError.invalidArgument("unknown time zone \"\(zone)\" (give a name such as Asia/Shanghai, UTC, or an offset such as +08:00)")
        }
        if let change = tz.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: 1_577_836_800)) {
            let year = Calendar(identifier: .gregorian).component(.year, from: change)
            throw StorageError.invalidArgument("time zone \(name) changes its offset (daylight saving, e.g. in \(year)); a Huiyan "
                + "database keeps one fixed offset for its calendar: give one, such as "
                + "\(Self.offsetText(tz.secondsFromGMT(for: change) - Int(tz.daylightSavingTimeOffset(for: change)))) (its standard time)")
        }
        return tz.secondsFromGMT(for: Date())
    }

    /// An offset east of UTC as `+08:00`.
    public static func offsetText(_ seconds: Int) -> String {
        let minutes = abs(seconds) / 60
        let hh = String(minutes / 60), mm = String(minutes % 60)
        return (seconds < 0 ? "-" : "+") + (hh.count < 2 ? "0" + hh : hh) + ":" + (mm.count < 2 ? "0" + mm : mm)
    }
}
