import ArgusCore
import ArgusIO

extension COCOReader {
    /// A results list read in slices on every core (see `JSONArrayChunks.forEachSliceConcurrently`);
    /// nil where it must be read again in order: an element with a problem (the ordered read gives
    /// its diagnostics, with lines), a list that cannot be cut by guess, or a single core.
    /// - Parameter chunkBytes: how much of the list a slice holds.
    static func resultsReadConcurrently(
        _ path: String, keep: (@Sendable (Int) -> Bool)?, imageIDs: [String: Int], checked: Bool, fileSize: Int,
        chunkBytes: Int = 4 << 20
    ) -> DetectionResults? {
        let lanes = min(4, JSONArrayChunks.processorCount)
        guard lanes > 1 else { return nil }
        var results = DetectionResults()
        do {
            try JSONArrayChunks(file: path, chunkBytes: chunkBytes).forEachSliceConcurrently(
                lanes: lanes,
                parse: { root, _ in resultsSlice(root, keep: keep, imageIDs: imageIDs, checked: checked) },
                merge: { part, slice in
                    if slice.firstIndex == 0 {
                        results.firstResultHasBox = part.firstResultHasBox
                        // Size the columns from the first slice's density and share of masks.
                        let perElement = max(1, slice.bytes / max(1, slice.count))
                        let scale = Double(fileSize / perElement) * 1.02 / Double(max(1, slice.count))
                        results.reserveCapacity(
                            Int(scale * Double(part.count)) + 16, shapes: Int(scale * Double(part.segmentations.count)),
                            positions: Int(scale * Double(part.positions.count)))
                    }
                    results.append(contentsOf: part, positionOffset: slice.firstIndex)
                })
        } catch {
            return nil
        }
        return results
    }

    /// One slice's detections, positions counted from the slice's start; nil at the first element
    /// with a problem. With `checked`, results `keep` leaves out are passed over after their image
    /// id (but the first, which tells whether results have boxes).
    private static func resultsSlice(
        _ root: JSONValue, keep: (@Sendable (Int) -> Bool)?, imageIDs: [String: Int], checked: Bool
    ) -> DetectionResults? {
        var part = DetectionResults()
        part.reserveCapacity(root.count)
        var problems: [(String, String)] = []
        var position = 0
        for element in root.elements {
            defer { position += 1 }
            if checked, position > 0, let keep, leftOut(element, keep: keep, imageIDs: imageIDs) { continue }
            let parsed = parseAnnotation(element, requireScore: true, imageIDs: imageIDs, problems: &problems)
            guard let parsed, problems.isEmpty, let score = parsed.score,
                addResult(parsed, score: score, at: position, keep: keep, to: &part) == nil
            else { return nil }
        }
        return part
    }
}
