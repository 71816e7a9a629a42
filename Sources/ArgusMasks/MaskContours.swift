import ArgusCore

/// Turns a binary mask into polygons: the outer boundary of each connected region, traced
/// through boundary pixels (Moore-neighbour tracing), then simplified with Ramer–Douglas–Peucker
/// to at most `maxPoints` points (docs/formats.md, `max_number_of_polygon_points`, default 100).
public enum MaskContours {
    /// Polygons in pixel coordinates (`[x1, y1, x2, y2, …]` per region, pixel corners at integers),
    /// largest region first.
    public static func polygons(of mask: RunLengthMask, maxPoints: Int = 100) -> [[Double]] {
        let height = mask.height
        let width = mask.width
        guard height > 0 && width > 0 else { return [] }
        let pixels = mask.columnMajorPixels()
        @inline(__always) func isSet(_ x: Int, _ y: Int) -> Bool {
            x >= 0 && y >= 0 && x < width && y < height && pixels[x * height + y]
        }
        var visited = [Bool](repeating: false, count: height * width)
        var regions: [(area: Int, ring: [Double])] = []
        // Scan row by row so that each region's first pixel is its top-left one.
        for y in 0..<height {
            for x in 0..<width where isSet(x, y) && !visited[x * height + y] {
                // Flood-fill the 8-connected region to mark it and count its area.
                var stack = [(x, y)]
                visited[x * height + y] = true
                var area = 0
                while let (px, py) = stack.popLast() {
                    area += 1
                    for dy in -1...1 {
                        for dx in -1...1 where dx != 0 || dy != 0 {
                            let nx = px + dx
                            let ny = py + dy
                            if isSet(nx, ny) && !visited[nx * height + ny] {
                                visited[nx * height + ny] = true
                                stack.append((nx, ny))
                            }
                        }
                    }
                }
                let boundary = trace(startX: x, startY: y, isSet: isSet)
                var ring: [Double] = []
                for (bx, by) in simplify(boundary, maxPoints: maxPoints) { ring += [Double(bx), Double(by)] }
                // A region of one or two pixels still becomes a valid (3-point) polygon.
                if ring.count < 6 {
                    ring = [
                        Double(x), Double(y), Double(x + 1), Double(y), Double(x + 1), Double(y + 1), Double(x),
                        Double(y + 1),
                    ]
                }
                regions.append((area, ring))
            }
        }
        return regions.sorted { $0.area > $1.area }.map(\.ring)
    }

    /// Moore-neighbour tracing from a region's top-left pixel, clockwise, until it returns.
    static func trace(startX: Int, startY: Int, isSet: (Int, Int) -> Bool) -> [(Int, Int)] {
        // Neighbours clockwise starting west.
        let offsets = [(-1, 0), (-1, -1), (0, -1), (1, -1), (1, 0), (1, 1), (0, 1), (-1, 1)]
        var contour = [(startX, startY)]
        var current = (startX, startY)
        var backtrack = 0  // we entered the start pixel from the west
        let limit = 4 * 1_000_000
        for _ in 0..<limit {
            var found = false
            for step in 1...8 {
                let direction = (backtrack + step) % 8
                let candidate = (current.0 + offsets[direction].0, current.1 + offsets[direction].1)
                if isSet(candidate.0, candidate.1) {
                    // The new backtrack points at the neighbour checked just before, seen from the candidate.
                    backtrack = (direction + 5) % 8
                    current = candidate
                    found = true
                    break
                }
            }
            if !found { break }  // isolated pixel
            if current == (startX, startY) { break }
            contour.append(current)
        }
        return contour
    }

    /// Ramer–Douglas–Peucker on a closed ring, loosening the tolerance until it fits `maxPoints`.
    static func simplify(_ ring: [(Int, Int)], maxPoints: Int) -> [(Int, Int)] {
        guard ring.count > 3 else { return ring }
        var tolerance = 0.5
        var result = ring
        while true {
            result = rdpClosed(ring, tolerance: tolerance)
            if result.count <= maxPoints { return result }
            tolerance *= 1.5
        }
    }

    static func rdpClosed(_ ring: [(Int, Int)], tolerance: Double) -> [(Int, Int)] {
        // Split the ring at the point farthest from the first, simplify both halves.
        let first = ring[0]
        var farthest = 0
        var best = -1.0
        for (i, p) in ring.enumerated() {
            let d = Double((p.0 - first.0) * (p.0 - first.0) + (p.1 - first.1) * (p.1 - first.1))
            if d > best {
                best = d
                farthest = i
            }
        }
        let a = rdp(Array(ring[0...farthest]), tolerance: tolerance)
        let b = rdp(Array(ring[farthest...]) + [first], tolerance: tolerance)
        return Array(a.dropLast()) + Array(b.dropLast())
    }

    static func rdp(_ points: [(Int, Int)], tolerance: Double) -> [(Int, Int)] {
        guard points.count > 2 else { return points }
        var keep = [Bool](repeating: false, count: points.count)
        keep[0] = true
        keep[points.count - 1] = true
        var stack = [(0, points.count - 1)]
        while let (start, end) = stack.popLast() {
            guard end > start + 1 else { continue }
            let (x1, y1) = (Double(points[start].0), Double(points[start].1))
            let (x2, y2) = (Double(points[end].0), Double(points[end].1))
            let dx = x2 - x1
            let dy = y2 - y1
            let length = (dx * dx + dy * dy).squareRoot()
            var worst = start
            var worstDistance = -1.0
            for i in (start + 1)..<end {
                let (px, py) = (Double(points[i].0), Double(points[i].1))
                let distance =
                    length == 0
                    ? ((px - x1) * (px - x1) + (py - y1) * (py - y1)).squareRoot()
                    : abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length
                if distance > worstDistance {
                    worstDistance = distance
                    worst = i
                }
            }
            if worstDistance > tolerance {
                keep[worst] = true
                stack.append((start, worst))
                stack.append((worst, end))
            }
        }
        return points.indices.filter { keep[$0] }.map { points[$0] }
    }
}
