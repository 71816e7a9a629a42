/// The positions of ids in a list (the last, where one repeats): a table where the ids are
/// whole numbers close together, as COCO's image and category ids usually are, else a dictionary.
struct IDIndex: Sendable {
    private var table: [Int32] = []
    private var offset = 0
    private var dictionary: [Int: Int32] = [:]

    /// The index of `ids`.
    init(_ ids: [Int]) {
        let low = ids.min() ?? 0
        let span = (ids.max() ?? 0).subtractingReportingOverflow(low)
        if !ids.isEmpty && !span.overflow && span.partialValue < max(1 << 20, 8 * ids.count) {
            offset = low
            table = Array(repeating: -1, count: span.partialValue + 1)
            for (position, id) in ids.enumerated() { table[id - low] = Int32(position) }
        } else {
            for (position, id) in ids.enumerated() { dictionary[id] = Int32(position) }
        }
    }

    /// The position of `id`, or nil.
    @inline(__always) subscript(_ id: Int) -> Int32? {
        guard !table.isEmpty else { return dictionary[id] }
        let slot = UInt(bitPattern: id &- offset)
        guard slot < UInt(table.count) else { return nil }
        let position = table[Int(slot)]
        return position < 0 ? nil : position
    }
}
