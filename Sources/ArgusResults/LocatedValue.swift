import ArgusCore
import ArgusIO

/// A JSON value with the file and key path it was read from, for decoders whose errors name both.
///
/// Every accessor throws a `DataError` naming the file and the dotted key path
/// (`per_label.cat.precision`) when the member is missing or has another type: a hand-edited
/// file is refused, never read with a default.
struct LocatedValue {
    let value: JSONValue
    let location: SourceLocation
    /// The parent's path and this value's key in it; the path is spelled out only for a message
    /// (building it for every value would cost a string per member on large files).
    private let parent: String
    private let key: Key

    private enum Key {
        case none
        case member(String)
        case index(Int)
    }

    init(_ value: JSONValue, location: SourceLocation) {
        self.value = value
        self.location = location
        parent = ""
        key = .none
    }

    private init(_ value: JSONValue, location: SourceLocation, parent: String, key: Key) {
        self.value = value
        self.location = location
        self.parent = parent
        self.key = key
    }

    /// The dotted key path (`per_label.cat.precision`, `bins[3]`).
    var path: String {
        switch key {
        case .none: parent
        case .member(let name): parent.isEmpty ? name : parent + "." + name
        case .index(let index): parent + "[\(index)]"
        }
    }

    private func childPath(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    private func child(_ value: JSONValue, _ key: String) -> LocatedValue {
        LocatedValue(value, location: location, parent: path, key: .member(key))
    }

    private func mismatch(_ expected: String) -> DataError {
        DataError(.invalidData, location, field: path, "expected \(expected), found \(value.kind)")
    }

    /// The member `key`, which must be present.
    func member(_ key: String) throws(DataError) -> LocatedValue {
        guard value.kind == .object else { throw mismatch("an object") }
        guard let child = value[key] else {
            throw DataError(.invalidData, location, field: childPath(key), "missing")
        }
        return self.child(child, key)
    }

    /// The member `key`, or nil when it is absent.
    func optionalMember(_ key: String) throws(DataError) -> LocatedValue? {
        guard value.kind == .object else { throw mismatch("an object") }
        return value[key].map { child($0, key) }
    }

    /// The members of an object, in file order.
    func members() throws(DataError) -> [(key: String, value: LocatedValue)] {
        guard value.kind == .object else { throw mismatch("an object") }
        return value.members.map { ($0.key, child($0.value, $0.key)) }
    }

    /// The elements of an array.
    func elements() throws(DataError) -> [LocatedValue] {
        guard value.kind == .array else { throw mismatch("an array") }
        let here = path
        return value.elements.enumerated().map { LocatedValue($1, location: location, parent: here, key: .index($0)) }
    }

    func string() throws(DataError) -> String {
        guard let text = value.string else { throw mismatch("a string") }
        return text
    }

    func int() throws(DataError) -> Int {
        guard let number = value.int else { throw mismatch("a whole number") }
        return number
    }

    func bool() throws(DataError) -> Bool {
        guard let flag = value.bool else { throw mismatch("true or false") }
        return flag
    }

    /// A number; `null` (an undefined value) reads as NaN.
    func double() throws(DataError) -> Double {
        if value.isNull { return .nan }
        guard let number = value.double else { throw mismatch("a number or null") }
        return number
    }

    /// A number, or nil for `null`.
    func optionalDouble() throws(DataError) -> Double? {
        if value.isNull { return nil }
        guard let number = value.double else { throw mismatch("a number or null") }
        return number
    }

    /// An array of numbers (`null` elements read as NaN).
    func doubles() throws(DataError) -> [Double] {
        guard value.kind == .array else { throw mismatch("an array of numbers") }
        var result: [Double] = []
        result.reserveCapacity(value.count)
        for element in value.elements {
            if element.isNull {
                result.append(.nan)
            } else if let number = element.double {
                result.append(number)
            } else {
                throw DataError(.invalidData, location, field: path, "expected numbers, found \(element.kind)")
            }
        }
        return result
    }

    /// An array of numbers where `null` stays nil.
    func optionalDoubles() throws(DataError) -> [Double?] {
        try elements().map { (element) throws(DataError) -> Double? in try element.optionalDouble() }
    }

    func ints() throws(DataError) -> [Int] {
        try elements().map { (element) throws(DataError) -> Int in try element.int() }
    }

    func strings() throws(DataError) -> [String] {
        try elements().map { (element) throws(DataError) -> String in try element.string() }
    }

    /// A member holding a string that names one of `T`'s cases.
    func enumeration<T: RawRepresentable>(_ type: T.Type) throws(DataError) -> T where T.RawValue == String {
        let text = try string()
        guard let parsed = T(rawValue: text) else {
            throw DataError(.invalidData, location, field: path, "unknown value \"\(text)\"")
        }
        return parsed
    }
}

/// Parses a whole JSON file and decodes it inside the parse (values point into the parser's tape).
enum ResultsFileReader {
    static func decode<T>(
        _ path: String,
        _ body: (LocatedValue) throws(DataError) -> T
    ) throws(DataError) -> T {
        let bytes = try PaddedBytes(contentsOfFile: path)
        return try decode(bytes, path: path, body)
    }

    static func decode<T>(
        _ bytes: PaddedBytes,
        path: String,
        _ body: (LocatedValue) throws(DataError) -> T
    ) throws(DataError) -> T {
        let location = SourceLocation(file: path)
        let parsed: Result<Result<T, DataError>, JSONSyntaxError> = JSONDocument().parse(bytes) { root in
            do throws(DataError) {
                let top = LocatedValue(root, location: location)
                try ResultsSchema.check(try top.optionalMember(ResultsSchema.versionKey)?.int(), at: location)
                return .success(try body(top))
            } catch {
                return .failure(error)
            }
        }
        switch parsed {
        case .success(.success(let value)): return value
        case .success(.failure(let error)): throw error
        case .failure:
            let (place, message) = JSONSyntaxError.locate(in: bytes, file: path)
            throw DataError(.invalidJSON, place, message)
        }
    }

    /// Decodes each record line of a JSON-lines file (blank lines and the header line skipped).
    static func forEachRecord(
        _ path: String,
        _ file: ResultsSchema.File,
        _ body: (LocatedValue) throws(DataError) -> Void
    ) throws(DataError) {
        let document = JSONDocument()
        try LineStream(path: path).forEachLine { line, number throws(DataError) in
            guard line.contains(where: { $0 > 32 }) else { return }
            let location = SourceLocation(file: path, line: number)
            let parsed: Result<DataError?, JSONSyntaxError> = document.parse(line.baseAddress!, length: line.count) {
                row in
                do throws(DataError) {
                    if number == 1, try ResultsSchema.readHeader(row, file, at: location) { return nil }
                    try body(LocatedValue(row, location: location))
                    return nil
                } catch {
                    return error
                }
            }
            switch parsed {
            case .success(let problem): if let problem { throw problem }
            case .failure(let error): throw DataError(.invalidJSON, location, error.message)
            }
        }
    }
}
