import ArgusCompute
import Foundation

/// A job's trials as a Kubernetes Indexed Job: a ConfigMap holding each trial's runner configuration
/// (`trial-K.json`, K = 0…N−1) and a Job with `completionMode: Indexed` whose pod K runs
/// `python -m argus_runner train --config /trials/trial-$JOB_COMPLETION_INDEX.json`.
///
/// The trials' data and output paths must be the same inside the pods: mount the volume that holds them
/// at the same path (`claim`, `mountPath`). Trials run to the end there; early termination and the
/// Bayesian sampler need the local driver.
public struct KubernetesManifest: Sendable {
    /// The Job's name (lower case letters, digits and '-'); the ConfigMap is NAME-trials.
    public var name: String
    /// The container image with the runner installed.
    public var image: String
    /// The namespace, if not the default.
    public var namespace: String?
    /// Trials at once.
    public var parallelism: Int
    /// GPUs a pod asks for (`nvidia.com/gpu`); 0 for none.
    public var gpus: Int
    /// A persistent volume claim to mount, and where.
    public var claim: (name: String, mountPath: String)?
    /// The job's time limit, in seconds.
    public var deadlineSeconds: Int

    /// A manifest writer.
    public init(
        name: String, image: String, namespace: String? = nil, parallelism: Int, gpus: Int = 1,
        claim: (name: String, mountPath: String)? = nil, deadlineSeconds: Int
    ) {
        self.name = name
        self.image = image
        self.namespace = namespace
        self.parallelism = parallelism
        self.gpus = gpus
        self.claim = claim
        self.deadlineSeconds = deadlineSeconds
    }

    /// The two documents, as YAML.
    public func yaml(trials: [RunnerConfiguration]) -> String {
        let metadata = "  name: %@\n" + (namespace.map { "  namespace: \($0)\n" } ?? "")
        var out = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
        out += metadata.replacingOccurrences(of: "%@", with: name + "-trials")
        out += "  labels:\n    app.kubernetes.io/managed-by: argus\ndata:\n"
        for (index, trial) in trials.enumerated() {
            out += "  trial-\(index).json: |\n    " + String(decoding: trial.json(), as: UTF8.self) + "\n"
        }
        out += "---\napiVersion: batch/v1\nkind: Job\nmetadata:\n"
        out += metadata.replacingOccurrences(of: "%@", with: name)
        out += "  labels:\n    app.kubernetes.io/managed-by: argus\nspec:\n"
        out += "  completionMode: Indexed\n  completions: \(trials.count)\n"
        out += "  parallelism: \(min(parallelism, max(trials.count, 1)))\n"
        out += "  backoffLimitPerIndex: 0\n  maxFailedIndexes: \(trials.count)\n"
        out += "  activeDeadlineSeconds: \(deadlineSeconds)\n"
        out += "  template:\n    metadata:\n      labels:\n        app.kubernetes.io/managed-by: argus\n"
        out += "    spec:\n      restartPolicy: Never\n      containers:\n        - name: trial\n"
        out += "          image: \(image)\n"
        out += "          command: [\"sh\", \"-c\", "
        out += "\"exec python -m argus_runner train --config /trials/trial-${JOB_COMPLETION_INDEX}.json\"]\n"
        out += "          volumeMounts:\n            - {name: trials, mountPath: /trials}\n"
        if let claim { out += "            - {name: data, mountPath: \(claim.mountPath)}\n" }
        if gpus > 0 { out += "          resources:\n            limits: {nvidia.com/gpu: \(gpus)}\n" }
        out += "      volumes:\n        - name: trials\n          configMap: {name: \(name)-trials}\n"
        if let claim { out += "        - name: data\n          persistentVolumeClaim: {claimName: \(claim.name)}\n" }
        return out
    }
}
