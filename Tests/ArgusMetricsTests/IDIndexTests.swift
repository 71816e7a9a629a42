import Testing

@testable import ArgusMetrics

/// Positions of ids, by table or dictionary, answer as a dictionary built from the same list.
@Suite struct IDIndexTests {
    @Test func positionsAsADictionaryGivesThem() {
        let lists: [[Int]] = [
            [], [7], [3, 1, 2], [5, 9, 5],  // a repeat: the last position
            [-4, 0, 12], [1, 2_000_000_000],  // far apart: a dictionary
            [Int.min, Int.max, 0],  // the span overflows
        ]
        for ids in lists {
            let index = IDIndex(ids)
            var expected: [Int: Int32] = [:]
            for (position, id) in ids.enumerated() { expected[id] = Int32(position) }
            let probes = ids + [Int.min, Int.max, -1, 0, 1, 4, 8, 13, 2_000_000_001]
            for id in probes { #expect(index[id] == expected[id], "\(ids): \(id)") }
        }
    }
}
