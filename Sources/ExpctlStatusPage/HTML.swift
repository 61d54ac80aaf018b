import ExpctlModel
import Foundation

/// Text made safe for HTML: everything on the page that came from git, MLflow or the database
/// (names, evidence, headlines) goes through here, in text and in attribute values alike.
enum HTML {
    static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }

    /// `2026-12-02 21:55:36 UTC`.
    static func time(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970)
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (year, month, day) = civil(days)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d UTC", year, month, day, secondOfDay / 3600, secondOfDay / 60 % 60,
            secondOfDay % 60)
    }

    /// `12-02`: a short date for chart axes.
    static func day(_ date: Date) -> String {
        let (_, month, day) = civil(Int(date.timeIntervalSince1970) / 86_400)
        return String(format: "%02d-%02d", month, day)
    }

    /// `12-02 21:55`: a short date and time for the axes of charts that span hours.
    static func dayAndTime(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970)
        let secondOfDay = seconds % 86_400
        return day(date) + String(format: " %02d:%02d", secondOfDay / 3600, secondOfDay / 60 % 60)
    }

    private static func civil(_ days: Int) -> (Int, Int, Int) {
        let date = Timestamp.civilFromDays(days)
        return (date.year, date.month, date.day)
    }
}
