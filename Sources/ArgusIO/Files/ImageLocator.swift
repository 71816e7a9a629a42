import Foundation

/// Maps an `image_url` as written in a dataset onto a local file (docs/formats.md).
///
/// Relative paths are taken relative to the folder of the file that names them; `file://` URLs
/// and absolute paths are used as they are; `azureml://…/paths/<p>` and `AmlDatastore://<p>`
/// are mapped onto `dataRoot/<p>`.
public struct ImageLocator: Sendable {
    /// The folder that relative paths are relative to.
    public var baseFolder: String
    /// Where `azureml://` and `AmlDatastore://` paths are mapped, when the user gave one.
    public var dataRoot: String?

    /// A locator for URLs written in a file in `baseFolder`, mapping datastore URLs onto `dataRoot`.
    public init(baseFolder: String, dataRoot: String? = nil) {
        self.baseFolder = baseFolder
        self.dataRoot = dataRoot
    }

    /// Where a URL leads.
    public enum Resolution: Equatable, Sendable {
        case local(String)
        /// A datastore URL and no data root to map it onto.
        case needsDataRoot
        /// A remote URL (http, https, …) that cannot be read here.
        case remote
        /// A datastore URL whose path leaves the data root (`..` or a symbolic link): refused.
        case outsideRoot(String)
    }

    /// Where `url` leads: a local path, or why there is none.
    public func resolve(_ url: String) -> Resolution {
        let lower = url.lowercased()
        if lower.hasPrefix("file://") {
            let rest = String(url.dropFirst("file://".count))
            return .local(rest.removingPercentEncoding ?? rest)
        }
        if lower.hasPrefix("azureml://") {
            guard let dataRoot else { return .needsDataRoot }
            guard let range = url.range(of: "/paths/") else { return inRoot(dataRoot, String(url.dropFirst(10))) }
            return inRoot(dataRoot, String(url[range.upperBound...]))
        }
        if lower.hasPrefix("amldatastore://") {
            guard let dataRoot else { return .needsDataRoot }
            return inRoot(dataRoot, String(url.dropFirst("AmlDatastore://".count)))
        }
        if url.contains("://") { return .remote }
        if url.hasPrefix("/") { return .local(url) }
        return .local(join(baseFolder, url))
    }

    /// The local path, or nil when the URL cannot be mapped to one.
    public func localPath(_ url: String) -> String? {
        if case .local(let path) = resolve(url) { return path }
        return nil
    }

    /// `path` under `root`, or `.outsideRoot` when it resolves (after `..` and symbolic links)
    /// to a place outside it.
    private func inRoot(_ root: String, _ path: String) -> Resolution {
        let joined = join(root, path)
        return PathTools.isInside(joined, root: root) ? .local(joined) : .outsideRoot(joined)
    }

    private func join(_ folder: String, _ path: String) -> String {
        let trimmed = path.hasPrefix("/") ? String(path.dropFirst()) : path
        if folder.isEmpty || folder == "." { return trimmed }
        return folder.hasSuffix("/") ? folder + trimmed : folder + "/" + trimmed
    }
}
