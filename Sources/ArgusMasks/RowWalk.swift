import ArgusCore

/// A mask's area and bounding box from its runs, each run end placed by its row alone.
///
/// `BoxWalk` steps from column to column; here each run's first and last pixel get their row as
/// a remainder by multiplication (Lemire, Kaser and Kurz, "Faster remainder by direct
/// computation", 2019), with no dependency from one run to the next but the running pixel count.
/// The columns matter only at the ends: pixels only move forward, so the box's left edge is the
/// column of the first run's ends and its right edge that of the last run's.
struct RowWalk {
    let height: Int
    private let magic: UInt64
    /// The pixels the runs added so far cover.
    private(set) var covered = 0
    private var first = Int.max
    private var last = -1
    private var top = Int.max
    private var bottom = 0
    private var crossed = false

    /// A walk over the runs of a mask of `height` rows, at least one and below 2^32.
    init(height: Int) {
        self.height = height
        magic = UInt64.max / UInt64(height) &+ 1
    }

    /// The area, box and pixels of a compressed counts string; nil when it is malformed or when
    /// `BoxWalk` must place it (a run of ones ending before the first pixel, 2^32 pixels or more).
    static func footprint(_ bytes: UnsafeBufferPointer<UInt8>, height: Int) -> (pixels: Int, footprint: MaskFootprint)?
    {
        var walk = RowWalk(height: height)
        let walked = RLECodec.walkPairs(bytes) { walk.add(zeros: $0, ones: $1) }
        guard walked.well, walk.first >= 0, walk.covered < 1 << 32 else { return nil }
        return (walk.covered &+ walked.trailing, MaskFootprint(area: walked.area, box: walk.box))
    }

    /// Adds a run of zeros and the run of ones after it.
    @inline(__always)
    mutating func add(zeros: Int, ones: Int) {
        let start = covered &+ zeros
        // An empty run of ones ends on the pixel before it.
        let end = start &+ ones &- 1
        covered = start &+ ones
        let startRow = row(start)
        let endRow = row(end)
        // A run of ones that crosses into another column spans the full height.
        crossed = crossed || end &- endRow > start &- startRow
        top = min(top, min(startRow, endRow))
        bottom = max(bottom, max(startRow, endRow))
        first = min(first, min(start, end))
        last = max(last, max(start, end))
    }

    /// `t % height` for `0 ≤ t < 2^32`.
    @inline(__always)
    private func row(_ t: Int) -> Int {
        let fraction = magic &* UInt64(truncatingIfNeeded: t)
        return Int(truncatingIfNeeded: fraction.multipliedFullWidth(by: UInt64(height)).high)
    }

    /// The box `(x, y, w, h)`; zero without runs.
    var box: (Double, Double, Double, Double) {
        guard last >= 0 else { return (0, 0, 0, 0) }
        let left = first / height
        let right = last / height
        let (y0, y1) = crossed ? (0, height - 1) : (top, bottom)
        return (Double(left), Double(y0), Double(right - left + 1), Double(y1 - y0 + 1))
    }
}
