import ArgusCore
import ArgusIO

extension GateDecision {
    /// Writes whichever of the JSON, JUnit and Markdown files are asked for, each whole or not at all.
    /// - Throws: `DataError` naming a file that cannot be written.
    public func write(json: String?, junit: String?, markdown: String?) throws(DataError) {
        if let json { try OutputFile.write(self.json, to: json) }
        if let junit { try OutputFile.write(self.junit, to: junit) }
        if let markdown { try OutputFile.write(self.markdown, to: markdown) }
    }

    /// The decision for a terminal: one line per rule, then the verdict.
    public var text: String {
        var lines = results.map {
            "\($0.skipped ? "SKIP" : $0.passed ? "PASS" : "FAIL")  \($0.field): \($0.rule) — \($0.detail)"
        }
        let failed = results.filter { !$0.passed }.count
        let skipped = results.filter(\.skipped).count
        let judged = results.count - skipped
        let skippedNote = skipped == 0 ? "" : ", \(skipped) skipped"
        lines.append(
            passed
                ? "gate: passed (\(judged) rule\(judged == 1 ? "" : "s")\(skippedNote))"
                : "gate: FAILED (\(failed) of \(judged) rules\(skippedNote))")
        return lines.joined(separator: "\n")
    }

    /// The decision as JSON.
    public var json: [UInt8] {
        var json = JSONWriter(pretty: true)
        json.beginObject()
        json.field("passed", passed)
        json.field("candidate", candidate)
        json.key("baseline")
        if let baseline { json.string(baseline) } else { json.null() }
        json.field("resamples", resamples)
        json.field("seed", Int(seed))
        json.key("rules")
        json.beginArray()
        for result in results {
            json.beginObject()
            json.field("field", result.field)
            json.field("rule", result.rule)
            json.field("passed", result.passed)
            json.field("skipped", result.skipped)
            json.field("detail", result.detail)
            json.key("failed_labels")
            json.strings(result.failedLabels)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.bytes + [UInt8(ascii: "\n")]
    }

    /// The decision as JUnit XML: one test case per rule, so that CI systems show each.
    public var junit: String {
        let failures = results.filter { !$0.passed }.count
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        let skipped = results.filter(\.skipped).count
        xml += #"<testsuite name="argus gate" tests="\#(results.count)" failures="\#(failures)" errors="0""#
        xml += #" skipped="\#(skipped)">"# + "\n"
        for result in results {
            let name = escapeXML("\(result.field): \(result.rule)")
            xml += #"  <testcase classname="argus.gate" name="\#(name)">"#
            if result.skipped {
                xml += #"<skipped message="\#(escapeXML(result.detail))"/>"#
            } else if result.passed {
                xml += "<system-out>\(escapeXML(result.detail))</system-out>"
            } else {
                xml += #"<failure message="\#(escapeXML(result.detail))"/>"#
            }
            xml += "</testcase>\n"
        }
        xml += "</testsuite>\n"
        return xml
    }

    /// The decision as Markdown, for a pull-request comment.
    public var markdown: String {
        var text = "### Argus gate: \(passed ? "passed ✅" : "failed ❌")\n\n"
        text += "| | rule | result |\n|---|---|---|\n"
        for result in results {
            text +=
                "| \(result.skipped ? "⏭️" : result.passed ? "✅" : "❌") | \(escapeMarkdown(result.rule)) | \(escapeMarkdown(result.detail)) |\n"
        }
        text += "\nCandidate `\(escapeMarkdown(candidate))`"
        if let baseline { text += ", baseline `\(escapeMarkdown(baseline))`" }
        text += "; paired bootstrap over images, \(resamples) resamples, seed \(seed).\n"
        return text
    }
}

/// Text made safe inside XML attributes and elements.
func escapeXML(_ text: String) -> String { Markup.escaped(text) }

/// Text made safe inside a Markdown table cell.
func escapeMarkdown(_ text: String) -> String {
    var result = ""
    for character in text {
        switch character {
        case "|", "\\", "`", "*", "_", "<", ">", "[", "]": result += "\\\(character)"
        case "\n": result += " "
        default: result.append(character)
        }
    }
    return result
}
