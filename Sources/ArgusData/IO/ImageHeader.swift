#if canImport(Glibc)
    import ArgusIO
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads an image's width and height from its header without decoding it.
///
/// Supports PNG (IHDR), JPEG (the first SOFn marker), BMP, GIF and TIFF (first IFD).
public enum ImageHeader {
    /// An image's size in pixels.
    public struct Size: Hashable, Sendable {
        /// The width.
        public var width: Int
        /// The height.
        public var height: Int
        /// A size.
        public init(width: Int, height: Int) {
            self.width = width
            self.height = height
        }
    }

    /// The image's size, or nil when the file is missing or not a recognised image.
    public static func size(ofFile path: String) -> Size? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var head = [UInt8](repeating: 0, count: 32)
        let got = fread(&head, 1, 32, file)
        guard got >= 10 else { return nil }
        // PNG: 8-byte signature, IHDR chunk with big-endian width and height at 16 and 20.
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), got >= 24 {
            return Size(width: bigEndian(head, 16, 4), height: bigEndian(head, 20, 4))
        }
        if head[0] == 0xFF && head[1] == 0xD8 { return jpegSize(file) }
        if head[0] == UInt8(ascii: "B") && head[1] == UInt8(ascii: "M"), got >= 26 {
            let width = littleEndian(head, 18, 4)
            let height = Int(Int32(truncatingIfNeeded: littleEndian(head, 22, 4)))
            return Size(width: width, height: abs(height))
        }
        if head.starts(with: Array("GIF8".utf8)) {
            return Size(width: littleEndian(head, 6, 2), height: littleEndian(head, 8, 2))
        }
        if head.starts(with: [0x49, 0x49, 0x2A, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) {
            return tiffSize(file, littleEndian: head[0] == 0x49)
        }
        return nil
    }

    private static func bigEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int {
        bytes[offset..<offset + count].reduce(0) { $0 << 8 | Int($1) }
    }

    private static func littleEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int {
        bytes[offset..<offset + count].reversed().reduce(0) { $0 << 8 | Int($1) }
    }

    /// Walks the JPEG markers up to the first start-of-frame.
    private static func jpegSize(_ file: UnsafeMutablePointer<FILE>) -> Size? {
        fseek(file, 2, SEEK_SET)
        var marker = [UInt8](repeating: 0, count: 4)
        while fread(&marker, 1, 2, file) == 2 {
            guard marker[0] == 0xFF else { return nil }
            var code = marker[1]
            while code == 0xFF {  // fill bytes
                guard fread(&marker, 1, 1, file) == 1 else { return nil }
                code = marker[0]
            }
            if code == 0xD8 || code == 0x01 || (0xD0...0xD7).contains(code) { continue }
            guard fread(&marker, 1, 2, file) == 2 else { return nil }
            let length = Int(marker[0]) << 8 | Int(marker[1])
            let isFrame = (0xC0...0xCF).contains(code) && code != 0xC4 && code != 0xC8 && code != 0xCC
            if isFrame {
                var frame = [UInt8](repeating: 0, count: 5)
                guard fread(&frame, 1, 5, file) == 5 else { return nil }
                return Size(width: Int(frame[3]) << 8 | Int(frame[4]), height: Int(frame[1]) << 8 | Int(frame[2]))
            }
            guard length >= 2, fseek(file, length - 2, SEEK_CUR) == 0 else { return nil }
        }
        return nil
    }

    private static func tiffSize(_ file: UnsafeMutablePointer<FILE>, littleEndian little: Bool) -> Size? {
        func read(_ count: Int) -> Int? {
            var bytes = [UInt8](repeating: 0, count: count)
            guard fread(&bytes, 1, count, file) == count else { return nil }
            return little ? littleEndian(bytes, 0, count) : bigEndian(bytes, 0, count)
        }
        fseek(file, 4, SEEK_SET)
        guard let ifd = read(4), fseek(file, ifd, SEEK_SET) == 0, let entries = read(2) else { return nil }
        var width: Int?
        var height: Int?
        for _ in 0..<entries {
            guard let tag = read(2), let type = read(2), read(4) != nil else { return nil }
            let value: Int?
            if type == 3 {
                value = read(2)
                _ = read(2)
            } else {
                value = read(4)
            }
            if tag == 256 { width = value }
            if tag == 257 { height = value }
        }
        guard let width, let height else { return nil }
        return Size(width: width, height: height)
    }
}
