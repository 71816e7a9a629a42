import ArgumentParser
import ArgusCompute
import ArgusJobs
import Foundation

struct JobManifests: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifests",
        abstract: "Write a job's trials as a Kubernetes Indexed Job (a ConfigMap of trial configurations and a Job).",
        discussion: """
            Samples the job's trials (random or grid) and writes OUTPUT (kubectl apply -f OUTPUT). The data and \
            the job folder must be at the same paths inside the pods: mount their volume with --claim and \
            --mount-path. Early termination and Bayesian sampling need `argus job run`.

            Example:
              argus job manifests job.yml --job-folder /data/jobs/night-1 --image registry.example/argus-runner:1 \\
                --claim training-data --mount-path /data --output night-1.yaml
            """)

    @Argument(help: "The AutoML job YAML file.")
    var file: String

    @Option(name: .customLong("job-folder"), help: "The job folder as the pods see it (trials write below it).")
    var jobFolder: String

    @Option(name: .long, help: "The container image with the runner installed.")
    var image: String

    @Option(name: .long, help: "The Job's name (default: argus-job).")
    var name = "argus-job"

    @Option(name: .long, help: "The namespace.")
    var namespace: String?

    @Option(name: .long, help: "GPUs per trial (nvidia.com/gpu).")
    var gpus = 1

    @Option(name: .long, help: "A persistent volume claim holding the data and the job folder.")
    var claim: String?

    @Option(name: .customLong("mount-path"), help: "Where the claim is mounted in the pods.")
    var mountPath = "/data"

    @Option(name: .shortAndLong, help: "The manifest file to write.")
    var output: String

    func validate() throws {
        guard name.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" }), !name.isEmpty else {
            throw ValidationError("--name must be lower-case letters, digits and '-'")
        }
    }

    func run() throws {
        let spec = try JobChecks.read(file, checkValues: true)
        guard spec.sampling != .bayesian else {
            throw ValidationError("bayesian sampling learns from finished trials: use `argus job run`")
        }
        var sampler = TrialSampler(seed: spec.seed)
        var trials: [RunnerConfiguration] = []
        while trials.count < spec.limits.maxTrials, let parameters = sampler.next(spec) {
            var configuration = RunnerConfiguration()
            configuration.values = spec.trainingParameters.merging(parameters) { _, new in new }
            configuration["task"] = .string(spec.task)
            configuration["training_data"] = .string(spec.trainingData)
            if let validation = spec.validationData { configuration["validation_data"] = .string(validation) }
            configuration["output"] = .string(
                jobFolder + "/trials/" + String(format: "%04d", trials.count + 1) + "/run")
            configuration["argus"] = .string("argus")
            trials.append(configuration)
        }
        let manifest = KubernetesManifest(
            name: name, image: image, namespace: namespace, parallelism: spec.limits.maxConcurrentTrials, gpus: gpus,
            claim: claim.map { ($0, mountPath) }, deadlineSeconds: Int(spec.limits.timeoutMinutes * 60))
        try Data(manifest.yaml(trials: trials).utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        print("wrote \(output) (\(trials.count) trial(s); kubectl apply -f \(output))")
    }
}
