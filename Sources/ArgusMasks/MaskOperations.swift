import ArgusCore

/// COCO mask operations with pycocotools' semantics (its `maskApi.c`): rasterising polygons and
/// boxes, area, bounding box, union and intersection, and IoU with the crowd rule.
public enum MaskOperations {
    /// Rasterises one polygon ring `[x1, y1, x2, y2, …]` (pixels) exactly as pycocotools'
    /// `rleFrPoly` does: the vertices are scaled by 5 and rounded, the edges walked densely,
    /// and the crossings of the pixel columns' centres kept as the mask's column boundaries.
    ///
    /// Complexity: O(perimeter × 5 + k log k) for k boundary points.
    public static func rasterize(ring: [Double], height: Int, width: Int) -> RunLengthMask {
        let k = ring.count / 2
        let scale = 5.0
        // Vertices on the 5× grid; C's `(int)(v + .5)` truncates toward zero.
        var xs = [Int](repeating: 0, count: k + 1)
        var ys = [Int](repeating: 0, count: k + 1)
        // The work follows the perimeter: points are held within `farLimit` + 1 image sizes of the
        // image so that it stays bounded by the image size (the readers refuse points farther than
        // `farLimit` image sizes, which this never moves).
        let margin = Double(Self.farLimit + 1)
        let xLimit = (-margin * Double(width) - 2, (margin + 1) * Double(width) + 2)
        let yLimit = (-margin * Double(height) - 2, (margin + 1) * Double(height) + 2)
        for j in 0..<k {
            let x = ring[2 * j].isNaN ? ring[2 * j] : min(max(ring[2 * j], xLimit.0), xLimit.1)
            let y = ring[2 * j + 1].isNaN ? ring[2 * j + 1] : min(max(ring[2 * j + 1], yLimit.0), yLimit.1)
            xs[j] = truncatingInt(scale * x + 0.5)
            ys[j] = truncatingInt(scale * y + 0.5)
        }
        if k > 0 {
            xs[k] = xs[0]
            ys[k] = ys[0]
        }
        // Dense points along every edge, each compared with the one before as it comes (no list
        // of points is kept): where the boundary crosses a column centre, back on the pixel grid.
        var total = 0
        for j in 0..<k { total += max(abs(xs[j] - xs[j + 1]), abs(ys[j] - ys[j + 1])) + 1 }
        var crossings = ColumnCrossings(height: height, width: width, capacity: total / 5 + 2)
        for j in 0..<k {
            var x0 = xs[j]
            var x1 = xs[j + 1]
            var y0 = ys[j]
            var y1 = ys[j + 1]
            let dx = abs(x1 - x0)
            let dy = abs(y0 - y1)
            let flip = (dx >= dy && x0 > x1) || (dx < dy && y0 > y1)
            if flip {
                swap(&x0, &x1)
                swap(&y0, &y1)
            }
            if dx >= dy {
                // A repeated vertex gives 0/0 = NaN here, as in C.
                let slope = Double(y1 - y0) / Double(dx)
                let start = Double(y0)
                @inline(__always) func row(_ t: Int) -> Int { truncatingInt(start + slope * Double(t) + 0.5) }
                // The edge's points step one column at a time: only the steps from a column ≡ 2 (mod 5)
                // cross a column centre, so only those are worked out (the order of the crossings
                // does not matter: they are sorted), and the edge's ends for the joins.
                let first = flip ? dx : 0
                let last = flip ? 0 : dx
                crossings.visit(first + x0, row(first))
                var t = ((2 - x0) % 5 + 5) % 5
                while t < dx {
                    crossings.cross(column: t + x0, row: min(row(t), row(t + 1)))
                    t += 5
                }
                crossings.previous = (last + x0, row(last))
            } else {
                let slope = Double(x1 - x0) / Double(dy)
                let start = Double(x0)
                @inline(__always) func column(_ t: Int) -> Int { truncatingInt(start + slope * Double(t) + 0.5) }
                let first = flip ? dy : 0
                let last = flip ? 0 : dy
                crossings.visit(column(first), first + y0)
                crossings.crossSteep(column: column, rows: dy, firstRow: y0, slope: slope, start: start)
                crossings.previous = (column(last), last + y0)
            }
        }
        var boundary = crossings.boundary
        let h = height
        let w = width
        boundary.append(UInt32(truncatingIfNeeded: h * w))
        boundary.sort()
        // Differences give the runs; a zero-length run merges its neighbours.
        var previous: UInt32 = 0
        for j in boundary.indices {
            let t = boundary[j]
            boundary[j] = t &- previous
            previous = t
        }
        var counts: [UInt32] = [boundary[0]]
        var j = 1
        while j < boundary.count {
            if boundary[j] > 0 {
                counts.append(boundary[j])
                j += 1
            } else {
                j += 1
                if j < boundary.count {
                    counts[counts.count - 1] &+= boundary[j]
                    j += 1
                }
            }
        }
        return RunLengthMask(height: height, width: width, counts: counts)
    }

    /// The union of the rings' masks (pycocotools `frPyObjects` on a polygon list, then `merge`).
    public static func rasterize(polygons: [[Double]], height: Int, width: Int) -> RunLengthMask {
        let masks = polygons.map { rasterize(ring: $0, height: height, width: width) }
        return merge(masks, intersect: false)
    }

    /// How many image sizes outside the image a polygon point may lie: farther points are refused
    /// by the readers (pycocotools' own random polygons reach 11), and rasterisation holds points
    /// within one more, so that its work is bounded by the image size.
    public static let farLimit = 16

    /// The first point of `rings` more than `farLimit` image sizes outside a `width` × `height`
    /// image, if any (such points are refused: rasterising costs the perimeter).
    public static func farPoint(_ rings: [[Double]], width: Double, height: Double) -> (Double, Double)? {
        let far = Double(farLimit)
        for ring in rings {
            var index = 0
            while index + 1 < ring.count {
                let x = ring[index]
                let y = ring[index + 1]
                if x < -far * width || x > (far + 1) * width || y < -far * height || y > (far + 1) * height {
                    return (x, y)
                }
                index += 2
            }
        }
        return nil
    }

    /// A box `[x, y, w, h]` as a mask (pycocotools `rleFrBbox`: the box's four corners as a polygon).
    public static func rasterize(box: Box, height: Int, width: Int) -> RunLengthMask {
        let xs = box.minX
        let xe = box.minX + box.width
        let ys = box.minY
        let ye = box.minY + box.height
        return rasterize(ring: [xs, ys, xs, ye, xe, ye, xe, ys], height: height, width: width)
    }

    /// The column-centre crossings of a dense walk along a polygon's edges on the 5× grid
    /// (pycocotools' `rleFrPoly`), from each point and the one before it.
    struct ColumnCrossings {
        let height: Int
        let width: Int
        var boundary: [UInt32] = []
        var previous: (u: Int, v: Int)?

        init(height: Int, width: Int, capacity: Int) {
            self.height = height
            self.width = width
            boundary.reserveCapacity(capacity)
        }

        @inline(__always) mutating func visit(_ u: Int, _ v: Int) {
            defer { previous = (u, v) }
            guard let (pu, pv) = previous, u != pu else { return }
            cross(column: u < pu ? u : u - 1, row: v < pv ? v : pv)
        }

        /// The crossings inside an edge that steps one row at a time (`rows` steps from `firstRow`),
        /// its column a monotone function of the step moving by one column at most: each column
        /// step from a column ≡ 2 (mod 5) is found from where the line reaches it, corrected
        /// against `column` itself, instead of working out every point.
        @inline(__always) mutating func crossSteep(
            column: (Int) -> Int, rows: Int, firstRow: Int, slope: Double, start: Double
        ) {
            let (u0, u1) = (column(0), column(rows))
            guard u0 != u1 else { return }
            let rising = u1 > u0
            // The columns K ≡ 2 (mod 5) whose step to K + 1 lies inside the edge.
            var k = rising ? u0 + ((2 - u0) % 5 + 5) % 5 : (u0 - 1) - (((u0 - 1) - 2) % 5 + 5) % 5
            var low = 0  // the first step left to search
            while rising ? k < u1 : k >= u1 {
                // The first t with column(t) past K (≥ K + 1 rising, ≤ K falling).
                @inline(__always) func past(_ t: Int) -> Bool { rising ? column(t) > k : column(t) <= k }
                // Where the line itself reaches it (truncation toward zero can move that by a column
                // left of 0): a guess, held inside the steps left before it becomes an index.
                // (Held first, then rounded up: the bounds are whole, and the conversion stays in range.)
                let estimate = (Double(k) + 0.5 - start) / slope
                var t = low + 1
                if !estimate.isNaN {
                    let held = min(max(estimate, Double(low + 1)), Double(rows))
                    t = Int(held)
                    if Double(t) < held { t += 1 }
                }
                if past(t) {
                    while t - 1 > low && past(t - 1) { t -= 1 }
                } else {
                    while t < rows && !past(t) { t += 1 }
                }
                cross(column: k, row: t - 1 + firstRow)
                low = t
                k += rising ? 5 : -5
            }
        }

        /// A step from `column` to the next (or back), `row` the lower of its two rows: a
        /// crossing where `column` lies on a pixel's centre line.
        ///
        /// pycocotools works this out in doubles: `x = (u + 0.5) / 5 - 0.5` kept only when whole
        /// and inside the image, `y = ceil((v + 0.5) / 5 - 0.5)` held within 0…height. Both are
        /// `(u - 2) / 5` and `(v - 2) / 5` exactly (a quotient whose exact value is a half-integer is
        /// exact in a double; any other lies at least 0.1 from one, far beyond rounding), so whole
        /// numbers give the same pixels without a floating-point rounding call per crossing.
        @inline(__always) mutating func cross(column u: Int, row v: Int) {
            let shifted = u &- 2
            guard shifted >= 0, shifted % 5 == 0 else { return }
            let x = shifted / 5
            guard x < width else { return }
            let down = v &- 2
            // Rounded up: division truncates toward zero, which rounds a negative quotient up.
            let y = min(max(down >= 0 ? (down + 4) / 5 : down / 5, 0), height)
            boundary.append(UInt32(truncatingIfNeeded: x * height + y))
        }
    }

    /// C's `(int)` conversion of a double as x86-64 performs it (`cvttsd2si`): truncation toward
    /// zero, and INT_MIN for NaN or a value out of range (pycocotools meets NaN on repeated vertices).
    @inline(__always) static func truncatingInt(_ value: Double) -> Int {
        guard value.isFinite, value > -2_147_483_649, value < 2_147_483_648 else { return -2_147_483_648 }
        // The conversion itself truncates toward zero.
        return Int(value)
    }

    /// The union (or intersection) of masks of one size (pycocotools `rleMerge`).
    public static func merge(_ masks: [RunLengthMask], intersect: Bool) -> RunLengthMask {
        guard var result = masks.first else { return RunLengthMask(height: 0, width: 0, counts: []) }
        for other in masks.dropFirst() {
            guard other.height == result.height && other.width == result.width else {
                return RunLengthMask(height: 0, width: 0, counts: [])
            }
            result = combine(result, other, intersect: intersect)
        }
        return result
    }

    static func combine(_ a: RunLengthMask, _ b: RunLengthMask, intersect: Bool) -> RunLengthMask {
        var counts: [UInt32] = []
        guard !a.counts.isEmpty && !b.counts.isEmpty else {
            return RunLengthMask(height: a.height, width: a.width, counts: [])
        }
        var ca = a.counts[0]
        var cb = b.counts[0]
        var va = false
        var vb = false
        var value = false
        var ia = 1
        var ib = 1
        var accumulated: UInt32 = 0
        var remaining: UInt32 = 1
        while remaining > 0 {
            let c = min(ca, cb)
            accumulated &+= c
            remaining = 0
            ca -= c
            if ca == 0 && ia < a.counts.count {
                ca = a.counts[ia]
                ia += 1
                va.toggle()
            }
            remaining &+= ca
            cb -= c
            if cb == 0 && ib < b.counts.count {
                cb = b.counts[ib]
                ib += 1
                vb.toggle()
            }
            remaining &+= cb
            let previous = value
            value = intersect ? (va && vb) : (va || vb)
            if value != previous || remaining == 0 {
                counts.append(accumulated)
                accumulated = 0
            }
        }
        return RunLengthMask(height: a.height, width: a.width, counts: counts)
    }

    /// The bounding box of a mask as `[x, y, w, h]` (pycocotools `toBbox`, with its rule that a run
    /// crossing a column boundary spans the full height).
    public static func boundingBox(_ mask: RunLengthMask) -> (Double, Double, Double, Double) {
        let m = (mask.counts.count / 2) * 2
        guard mask.height > 0 else { return (0, 0, 0, 0) }
        var walk = BoxWalk(height: mask.height, width: mask.width)
        mask.counts.withUnsafeBufferPointer { counts in
            for j in stride(from: 0, to: m, by: 2) { walk.add(zeros: Int(counts[j]), ones: Int(counts[j + 1])) }
        }
        return walk.box
    }

    /// IoU of two boxes `[x, y, w, h]` (pycocotools `bbIou`); with `crowd`, the intersection over
    /// the detection's area.
    @inline(__always)
    public static func iou(
        detection d: (Double, Double, Double, Double), groundTruth g: (Double, Double, Double, Double), crowd: Bool
    ) -> Double {
        let w = min(d.2 + d.0, g.2 + g.0) - max(d.0, g.0)
        if w <= 0 { return 0 }
        let h = min(d.3 + d.1, g.3 + g.1) - max(d.1, g.1)
        if h <= 0 { return 0 }
        let intersection = w * h
        let detectionArea = d.2 * d.3
        let union = crowd ? detectionArea : detectionArea + g.2 * g.3 - intersection
        return intersection / union
    }

    /// IoU of two masks (pycocotools `rleIou`): the boxes are compared first; masks of different
    /// sizes give -1; with `crowd`, the intersection over the detection's area.
    /// - Parameter areas: the masks' areas where known (else they are counted here).
    public static func iou(
        detection d: RunLengthMask, groundTruth g: RunLengthMask, crowd: Bool,
        detectionBox: (Double, Double, Double, Double), groundTruthBox: (Double, Double, Double, Double),
        areas: (detection: Int, groundTruth: Int)? = nil
    ) -> Double {
        if iou(detection: detectionBox, groundTruth: groundTruthBox, crowd: crowd) <= 0 { return 0 }
        if d.height != g.height || d.width != g.width { return -1 }
        guard !d.counts.isEmpty && !g.counts.isEmpty else { return 0 }
        let (detectionArea, truthArea) = areas ?? (d.area, g.area)
        let overlap = d.counts.withUnsafeBufferPointer { a in
            g.counts.withUnsafeBufferPointer { b in intersection(a, b) }
        }
        // pycocotools counts in 32 bits as it merges the runs: the union is both areas less the
        // intersection (the masks cover the same pixels), wrapped as its sum would be.
        let common = UInt32(truncatingIfNeeded: overlap)
        var union = UInt32(truncatingIfNeeded: detectionArea + truthArea - overlap)
        if common == 0 { union = 1 } else if crowd { union = UInt32(truncatingIfNeeded: detectionArea) }
        return Double(common) / Double(union)
    }

    /// The pixels two masks' runs both cover: their runs of ones taken as intervals, walked side
    /// by side (each step moves past the interval that ends first).
    @inline(__always)
    static func intersection(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Int {
        var ia = 0
        var ib = 0
        var endA = 0
        var endB = 0
        var startA = 0
        var startB = 0
        /// The next run of ones of `runs` from `index`: its start and end; false after the last.
        @inline(__always) func next(
            _ runs: UnsafeBufferPointer<UInt32>, _ index: inout Int, _ start: inout Int, _ end: inout Int
        ) -> Bool {
            guard index + 1 < runs.count else { return false }
            start = end + Int(runs[index])
            end = start + Int(runs[index + 1])
            index += 2
            return true
        }
        guard next(a, &ia, &startA, &endA), next(b, &ib, &startB, &endB) else { return 0 }
        var total = 0
        while true {
            let overlap = min(endA, endB) - max(startA, startB)
            if overlap > 0 { total += overlap }
            if endA < endB {
                guard next(a, &ia, &startA, &endA) else { break }
            } else {
                guard next(b, &ib, &startB, &endB) else { break }
            }
        }
        return total
    }
}

extension Segmentation {
    /// The mask in pycocotools' `annToRLE` terms: polygons rasterised and merged, RLE as given.
    public func mask(height: Int, width: Int) -> RunLengthMask? {
        switch self {
        case .polygons(let rings): MaskOperations.rasterize(polygons: rings, height: height, width: width)
        case .rle(let mask): mask
        case .compressedRLE(let counts, let h, let w): RunLengthMask(compressed: counts, height: h, width: w)
        }
    }
}

/// The bounding box of a mask's runs, worked out as they come (pycocotools `rleToBbox`): give it
/// the runs in pairs (zeros, then ones), a trailing run of zeros left out.
struct BoxWalk {
    let height: Int
    private var xs: Int
    private var ys: Int
    private var xe = -1
    private var ye = 0
    /// The pixels the runs added so far cover.
    private(set) var covered = 0
    // The column of each run end: divided when it moves on (t ≥ 0 then), stepped back by one at most.
    private var column = 0
    private var columnStart = 0

    /// A walk over the runs of a mask of `height` rows (at least one) and `width` columns.
    init(height: Int, width: Int) {
        self.height = height
        xs = width
        ys = height
    }

    /// Adds a run of zeros and the run of ones after it.
    @inline(__always)
    mutating func add(zeros: Int, ones: Int) {
        covered &+= zeros
        let (x0, y0) = place(covered)
        covered &+= ones
        let (x1, y1) = place(covered &- 1)
        // A run of ones that crosses into another column spans the full height.
        if x0 < x1 {
            ys = 0
            ye = height &- 1
        }
        // An empty run of ones ends in the column before, at most.
        xs = min(xs, min(x0, x1))
        xe = max(xe, max(x0, x1))
        ys = min(ys, min(y0, y1))
        ye = max(ye, max(y0, y1))
    }

    /// The column and row of pixel `t` (column-major), from the column of the run end before:
    /// forward by a step or a division, back by one step at most (after an empty run).
    @inline(__always)
    private mutating func place(_ t: Int) -> (Int, Int) {
        if t >= columnStart &+ height {
            // Most runs end in the next column: a step, not a division.
            if t < columnStart &+ 2 &* height {
                column &+= 1
                columnStart &+= height
            } else {
                column = t / height
                columnStart = column &* height
            }
        }
        while t < columnStart {
            column &-= 1
            columnStart &-= height
        }
        return (column, t &- columnStart)
    }

    /// The box `(x, y, w, h)`; zero without runs (a run of ones places a column, 0 or more).
    var box: (Double, Double, Double, Double) {
        guard xe >= 0 else { return (0, 0, 0, 0) }
        return (Double(xs), Double(ys), Double(xe - xs + 1), Double(ye - ys + 1))
    }
}
