import ArgusCompute
import ArgusJobs
import Testing
import Yams

@Suite struct KubernetesManifestTests {
    @Test func theIndexedJobIsWrittenExactly() throws {
        var first = RunnerConfiguration()
        first["learning_rate"] = .double(0.01)
        first["output"] = .string("/data/jobs/1/trials/0001/run")
        var second = first
        second["learning_rate"] = .double(0.001)
        second["output"] = .string("/data/jobs/1/trials/0002/run")
        let manifest = KubernetesManifest(
            name: "night-1", image: "example/argus-runner:1", namespace: "vision", parallelism: 4, gpus: 1,
            claim: ("training-data", "/data"), deadlineSeconds: 3600)
        let expected = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: night-1-trials
              namespace: vision
              labels:
                app.kubernetes.io/managed-by: argus
            data:
              trial-0.json: |
                {"learning_rate":0.01,"output":"/data/jobs/1/trials/0001/run"}
              trial-1.json: |
                {"learning_rate":0.001,"output":"/data/jobs/1/trials/0002/run"}
            ---
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: night-1
              namespace: vision
              labels:
                app.kubernetes.io/managed-by: argus
            spec:
              completionMode: Indexed
              completions: 2
              parallelism: 2
              backoffLimitPerIndex: 0
              maxFailedIndexes: 2
              activeDeadlineSeconds: 3600
              template:
                metadata:
                  labels:
                    app.kubernetes.io/managed-by: argus
                spec:
                  restartPolicy: Never
                  containers:
                    - name: trial
                      image: example/argus-runner:1
                      command: ["sh", "-c", "exec python -m argus_runner train --config /trials/trial-${JOB_COMPLETION_INDEX}.json"]
                      volumeMounts:
                        - {name: trials, mountPath: /trials}
                        - {name: data, mountPath: /data}
                      resources:
                        limits: {nvidia.com/gpu: 1}
                  volumes:
                    - name: trials
                      configMap: {name: night-1-trials}
                    - name: data
                      persistentVolumeClaim: {claimName: training-data}

            """
        let text = manifest.yaml(trials: [first, second])
        #expect(text == expected)
        // Both documents are YAML, and each trial's configuration is JSON that round-trips.
        let documents = try Array(Yams.load_all(yaml: text))
        #expect(documents.count == 2)
        let data = (documents[0] as? [String: Any])?["data"] as? [String: String]
        #expect(data?["trial-1.json"] == #"{"learning_rate":0.001,"output":"/data/jobs/1/trials/0002/run"}"# + "\n")
    }
}
