import ArgusCore

/// A mask's area and bounding box from its runs, placed by the column the walk is in.
///
/// Pixels only move forward, so the walk keeps the first pixel of the column it is in and moves
/// it one column on (the usual step from one column's runs of ones to the next) or, after a longer
/// run of zeros, finds it as a remainder by multiplication (Lemire, Kaser and Kurz, "Faster
/// remainder by direct computation", 2019). A run of ones inside one column adds its first and
/// last row; one that crosses a column or is empty takes `place`, which puts both of its ends by
/// remainder. The box's left edge is the column of the first run's ends, its right edge that of
/// the last run's.
struct RowWalk {
    let height: Int
    private let magic: UInt64
    /// The pixels the runs added so far cover.
    private(set) var covered = 0
    /// The first pixel of the column the last run of ones started in.
    private var column = 0
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
        covered = start &+ ones
        var startRow = start &- column
        if startRow >= height {
            if startRow < height &<< 1 {
                column &+= height
                startRow &-= height
            } else {
                startRow = row(start)
                column = start &- startRow
            }
        }
        let endRow = startRow &+ ones &- 1
        guard ones > 0, endRow < height else { return place(start: start, ones: ones) }
        top = min(top, startRow)
        bottom = max(bottom, endRow)
        first = min(first, start)
        last = max(last, start &+ ones &- 1)
    }

    /// Adds a run of ones that crosses into another column or is empty (an empty run ends on the
    /// pixel before it), both ends placed by remainder.
    @inline(never)
    private mutating func place(start: Int, ones: Int) {
        let end = start &+ ones &- 1
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
