import ArgumentParser
import ArgusCore
import ArgusData
import ArgusIO

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print statistics of a dataset: images, labels, objects, sizes.",
        discussion: """
            Example:
              argus stats data/train.jsonl
              argus stats annotations/instances_val2017.json --task image_instance_segmentation
            """
    )

    @Argument(help: "The dataset file or folder.")
    var path: String

    @OptionGroup var input: InputOptions

    @Flag(name: .long, help: "Read missing image sizes from the image files' headers.")
    var imageSizes = false

    func run() throws {
        try Console.guarding {
            var loaded = try input.load(path)
            try Console.failIfErrors(loaded.diagnostics)
            Console.show(loaded.diagnostics)
            if imageSizes {
                DatasetGeometry.fillImageSizes(
                    &loaded.dataset, locator: ImageLocator(baseFolder: loaded.imageBase, dataRoot: input.dataRoot))
            }
            print(DatasetStatistics(loaded.dataset).text)
        }
    }
}
