/// strptime: local wall-clock text read by a format of `%` directives (`%Y-%m-%d %H:%M:%S`); every other
/// character must appear as written.
enum TimeParsing {
    static let directives = "%Y %y %m %d %H %I %M %S %f %p %b %B %j %%"
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let monthNames = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                                     "october", "november", "december"]

    /// The first directive of `format` strptime does not know (`%q`), or nil.
    static func unknownDirective(_ format: String) -> String? {
        var chars = Array(format)[...]
        while let c = chars.popFirst() {
            guard c == "%" else { continue }
            guard let d = chars.popFirst() else { return "%" }
            if !"YymdHIMSfpbBj%".contains(d) { return "%\(d)" }
        }
        return nil
    }

    /// Local microseconds since the epoch (wall clock read as if UTC), or nil when `text` does not match.
    static func parse(_ text: String, format: String) -> Int64? {
        let s = Array(text.unicodeScalars)
        var i = 0
        var year: Int64 = 1900, month: Int64 = 1, day: Int64 = 1, hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0
        var micros: Int64 = 0, dayOfYear: Int64?, pm: Bool?
        func number(_ maxDigits: Int) -> Int64? {
            var n: Int64 = 0, digits = 0
            var negative = false
            if maxDigits > 2, i < s.count, s[i] == "-" { negative = true; i += 1 }
            while digits < maxDigits, i < s.count, let d = Int64(String(s[i])), s[i].isASCII {
                n = n * 10 + d; digits += 1; i += 1
            }
            return digits == 0 ? nil : (negative ? -n : n)
        }
        func word(_ names: [String]) -> Int64? {
            let rest = String(String.UnicodeScalarView(s[i...])).lowercased()
            for (k, name) in names.enumerated().sorted(by: { $0.element.count > $1.element.count }) where rest.hasPrefix(name) {
                i += name.unicodeScalars.count
                return Int64(k + 1)
            }
            return nil
        }
        var f = Array(format.unicodeScalars)[...]
        while let c = f.popFirst() {
            if c != "%" {
                guard i < s.count, s[i] == c else { return nil }
                i += 1
                continue
            }
            guard let d = f.popFirst() else { return nil }
            switch d {
            case "Y": guard let v = number(5) else { return nil }; year = v
            case "y": guard let v = number(2) else { return nil }; year = v < 69 ? 2000 + v : 1900 + v
            case "m": guard let v = number(2) else { return nil }; month = v
            case "d": guard let v = number(2) else { return nil }; day = v
            case "H", "I": guard let v = number(2) else { return nil }; hour = v
            case "M": guard let v = number(2) else { return nil }; minute = v
            case "S": guard let v = number(2) else { return nil }; second = v
            case "j": guard let v = number(3) else { return nil }; dayOfYear = v
            case "f":
                let start = i
                guard let v = number(6) else { return nil }
                var scaled = v
                for _ in (i - start)..<6 { scaled *= 10 }
                micros = scaled
            case "p":
                guard let v = word(["am", "pm"]) else { return nil }
                pm = v == 2
            case "b": guard let v = word(monthNames) ?? word(months) else { return nil }; month = v
            case "B": guard let v = word(monthNames) else { return nil }; month = v
            case "%": guard i < s.count, s[i] == "%" else { return nil }; i += 1
            default: return nil
            }
        }
        guard i == s.count else { return nil }
        if let pm {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (pm ? 12 : 0)
        }
        guard (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        var dayNumber: Int64
        if let dayOfYear {
            dayNumber = TimeMath.days(year: year, month: 1, day: 1) + dayOfYear - 1
        } else {
            guard day >= 1, day <= FunctionRegistry.daysInMonth(year, month) else { return nil }
            dayNumber = TimeMath.days(year: year, month: month, day: day)
        }
        return dayNumber * TimeMath.microsPerDay + ((hour * 60 + minute) * 60 + second) * 1_000_000 + micros
    }
}
