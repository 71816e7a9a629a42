/// Objects grouped by image, in the order given within each: one list sorted by counting, and
/// where each image's part of it starts.
struct ImageLists: Sendable {
    private let start: [Int]
    private let items: [Int]

    /// `objects` (indices into `image`, the image of each object) grouped by image, of `images`.
    init(_ objects: [Int], imageOf image: [Int32], images: Int) {
        var start = [Int](repeating: 0, count: images + 1)
        for i in objects { start[Int(image[i]) + 1] += 1 }
        for j in 0..<images { start[j + 1] += start[j] }
        var items = [Int](repeating: 0, count: objects.count)
        var fill = start
        for i in objects {
            items[fill[Int(image[i])]] = i
            fill[Int(image[i])] += 1
        }
        self.start = start
        self.items = items
    }

    /// Image `image`'s objects, in the order given.
    subscript(image: Int) -> ArraySlice<Int> { items[start[image]..<start[image + 1]] }
}
