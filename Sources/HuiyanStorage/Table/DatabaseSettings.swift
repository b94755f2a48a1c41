/// Database-wide settings, kept in the `DATABASE` file at the database's root.
public struct DatabaseSettings: Codable, Sendable, Equatable {
    public static let fileName = "DATABASE"
    public static let formatVersion = 1

    public var formatVersion: Int
    /// The zone calendar functions and zone-less timestamps use (a fixed offset; Asia/Shanghai has no DST).
    public var timeZone: String
    public var utcOffsetSeconds: Int
    public var createdAt: String

    public init(timeZone: String = "Asia/Shanghai", utcOffsetSeconds: Int = 8 * 3600, createdAt: String) {
        formatVersion = DatabaseSettings.formatVersion
        self.timeZone = timeZone
        self.utcOffsetSeconds = utcOffsetSeconds
        self.createdAt = createdAt
    }
}
