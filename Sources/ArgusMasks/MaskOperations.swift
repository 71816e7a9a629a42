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
                for d in 0...dx {
                    let t = flip ? dx - d : d
                    crossings.visit(t + x0, truncatingInt(Double(y0) + slope * Double(t) + 0.5))
                }
            } else {
                let slope = Double(x1 - x0) / Double(dy)
                for d in 0...dy {
                    let t = flip ? dy - d : d
                    crossings.visit(truncatingInt(Double(x0) + slope * Double(t) + 0.5), t + y0)
                }
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

    /// C's `(int)` conversion of a double as x86-64 performs it (`cvttsd2si`): truncation toward
    /// zero, and INT_MIN for NaN or a value out of range (pycocotools meets NaN on repeated vertices).
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
            var xd = Double(u < pu ? u : u - 1)
            xd = (xd + 0.5) / 5 - 0.5
            if xd.rounded(.down) != xd || xd < 0 || xd > Double(width - 1) { return }
            var yd = Double(v < pv ? v : pv)
            yd = (yd + 0.5) / 5 - 0.5
            if yd < 0 { yd = 0 } else if yd > Double(height) { yd = Double(height) }
            yd = yd.rounded(.up)
            boundary.append(UInt32(truncatingIfNeeded: Int(xd) * height + Int(yd)))
        }
    }

    @inline(__always) static func truncatingInt(_ value: Double) -> Int {
        guard value.isFinite, value > -2_147_483_649, value < 2_147_483_648 else { return -2_147_483_648 }
        return Int(value.rounded(.towardZero))
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
        let h = mask.height
        let w = mask.width
        let m = (mask.counts.count / 2) * 2
        guard m > 0, h > 0 else { return (0, 0, 0, 0) }
        var xs = w
        var ys = h
        var xe = 0
        var ye = 0
        var cc = 0
        var xp = 0
        // The column of each run end: divided when it moves on (t ≥ 0 then), stepped back by one at most.
        var column = 0
        var columnStart = 0
        mask.counts.withUnsafeBufferPointer { counts in
            for j in 0..<m {
                cc += Int(counts[j])
                let t = cc - j % 2
                if t >= columnStart + h {
                    column = t / h
                    columnStart = column * h
                }
                while t < columnStart {
                    column -= 1
                    columnStart -= h
                }  // an empty run can step back one
                let x = column
                let y = t - columnStart
                if j % 2 == 0 {
                    xp = x
                } else if xp < x {
                    ys = 0
                    ye = h - 1
                }
                xs = min(xs, x)
                xe = max(xe, x)
                ys = min(ys, y)
                ye = max(ye, y)
            }
        }
        return (Double(xs), Double(ys), Double(xe - xs + 1), Double(ye - ys + 1))
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
    public static func iou(
        detection d: RunLengthMask, groundTruth g: RunLengthMask, crowd: Bool,
        detectionBox: (Double, Double, Double, Double), groundTruthBox: (Double, Double, Double, Double)
    ) -> Double {
        if iou(detection: detectionBox, groundTruth: groundTruthBox, crowd: crowd) <= 0 { return 0 }
        if d.height != g.height || d.width != g.width { return -1 }
        guard !d.counts.isEmpty && !g.counts.isEmpty else { return 0 }
        var ca = d.counts[0]
        var cb = g.counts[0]
        var va = false
        var vb = false
        var ia = 1
        var ib = 1
        var intersection: UInt32 = 0
        var union: UInt32 = 0
        var remaining: UInt32 = 1
        while remaining > 0 {
            let c = min(ca, cb)
            if va || vb {
                union &+= c
                if va && vb { intersection &+= c }
            }
            remaining = 0
            ca -= c
            if ca == 0 && ia < d.counts.count {
                ca = d.counts[ia]
                ia += 1
                va.toggle()
            }
            remaining &+= ca
            cb -= c
            if cb == 0 && ib < g.counts.count {
                cb = g.counts[ib]
                ib += 1
                vb.toggle()
            }
            remaining &+= cb
        }
        if intersection == 0 { union = 1 } else if crowd { union = UInt32(truncatingIfNeeded: d.area) }
        return Double(intersection) / Double(union)
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
