/// Text made safe inside XML and HTML — element content and quoted attribute values alike: the one
/// escaping of every page, SVG and JUnit file Argus writes (text from data included).
public enum Markup {
    /// `text` with `&`, `<`, `>`, `"` and `'` written as entities.
    public static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
