import ArgusCore
import ArgusIO
import ArgusMetrics
import ArgusResults
import Foundation

/// An evaluation as the gate reads it: its metrics, and its per-image records when a rule needs them.
public struct GateInput: Sendable {
    /// The evaluation folder.
    public var folder: String
    /// Its metrics.
    public var metrics: EvaluationMetrics

    /// Reads an evaluation folder.
    /// - Throws: `DataError` naming the file and key when it cannot be read.
    public init(folder: String) throws(DataError) {
        self.folder = folder
        metrics = try EvaluationMetrics.read(ResultsSchema.File.metrics.path(in: folder))
    }

    /// Every scalar the rules can name: the headline metrics and COCO's statistics (`coco.AP` …).
    public var scalars: [String: Double?] {
        var values: [String: Double?] = [:]
        for (name, value) in metrics.scalars { values[name] = value }
        if case .detection(let file) = metrics, let coco = file.coco {
            for statistic in COCOStatistic.allCases { values["coco.\(statistic.name)"] = coco.value(statistic) }
        }
        return values
    }

    /// The per-image records, for a bootstrap.
    /// - Parameter wanted: the metrics the bootstrap needs (nil: all): a detection evaluation then
    ///   reads only the records that give them (VOC match records, COCO matching).
    /// - Throws: `DataError` when the folder has no match records or they cannot be read.
    public func resampling(for wanted: Set<String>? = nil) throws(DataError) -> any ResampledEvaluation {
        let matches = ResultsSchema.File.matches.path(in: folder)
        guard FileManager.default.fileExists(atPath: matches) else {
            throw DataError(
                .unreadable, SourceLocation(file: matches),
                "a significance rule needs the evaluation's per-image records (matches.jsonl)")
        }
        switch metrics {
        case .classification(let file):
            guard !file.isMultilabel else {
                throw DataError(
                    .unsupported, SourceLocation(file: matches),
                    "significance rules on multi-label evaluations are not supported yet")
            }
            return ClassificationResampling(
                records: try ClassificationMatchRecord.read(matches), labels: file.perLabel.map(\.label))
        case .detection(let file):
            var parts: [any ResampledEvaluation] = []
            let wantsCOCO = wanted.map { $0.contains { $0.hasPrefix("coco.") } } ?? true
            let wantsVOC = wanted.map { $0.contains { !$0.hasPrefix("coco.") } } ?? true
            if wantsVOC || !wantsCOCO, let perLabel = file.perLabel, let interpolation = file.interpolation {
                var records: [DetectionMatchRecord] = []
                try DetectionMatchRecord.forEach(in: matches) { (record) throws(DataError) in records.append(record) }
                let imagesPath = ResultsSchema.File.images.path(in: folder)
                let images =
                    FileManager.default.fileExists(atPath: imagesPath)
                    ? try ImageEntry.read(imagesPath).map(\.image) : []
                parts.append(
                    DetectionResampling(
                        records: records, images: images, labels: perLabel.map(\.label), interpolation: interpolation))
            }
            let cocoPath = ResultsSchema.File.cocoMatches.path(in: folder)
            if file.coco != nil, FileManager.default.fileExists(atPath: cocoPath) {
                if wantsCOCO || parts.isEmpty { parts.append(COCOResampling(file: try COCOMatchesFile.read(cocoPath))) }
            } else if file.coco != nil && wanted != nil && wantsCOCO {
                throw DataError(
                    .unreadable, SourceLocation(file: cocoPath),
                    "a significance or per-label rule on a coco.* statistic needs the evaluation's COCO matching: "
                        + "evaluate with --bootstrap-records")
            }
            guard !parts.isEmpty else {
                throw DataError(
                    .unsupported, SourceLocation(file: folder),
                    "significance rules need VOC match records (--metric-type voc or coco_voc) or COCO matching "
                        + "(coco_matches.json, written by evaluations not read in --passes)")
            }
            return parts.count == 1 ? parts[0] : CombinedResampling(parts)
        }
    }
}

/// What a gate decided.
public struct GateDecision: Sendable {
    /// Whether every rule passed.
    public var passed: Bool
    /// Every rule's outcome, in the policy's order.
    public var results: [RuleResult]
    /// The candidate's folder.
    public var candidate: String
    /// The baseline's folder, where there was one.
    public var baseline: String?
    /// The bootstrap's resamples.
    public var resamples: Int
    /// The bootstrap's seed.
    public var seed: UInt64

    /// One rule's outcome.
    public struct RuleResult: Sendable {
        /// The rule, in words.
        public var rule: String
        /// Where it is in the policy (`rules[2]`).
        public var field: String
        /// Whether it passed.
        public var passed: Bool
        /// The figures behind it, in words.
        public var detail: String
        /// The labels that failed a per-label rule.
        public var failedLabels: [String] = []
        /// Whether the rule was left out (a comparison without a baseline, when asked to skip those);
        /// a skipped rule counts as passed.
        public var skipped = false
    }
}

/// Why a gate could not judge (exit code 2).
public struct GateError: Error, CustomStringConvertible, Sendable {
    /// Why.
    public var error: DataError
    /// The reason, with its place.
    public var description: String { error.description }
}

/// Applies a policy to a candidate evaluation and, for the rules that compare, a baseline.
public enum Gate {
    /// Judges the candidate.
    /// - Parameters:
    ///   - skipComparisons: without a baseline, leave out the rules that compare (each reported as
    ///     skipped) instead of refusing to judge: the first run of a nightly job has nothing to
    ///     compare with.
    /// - Returns: every rule's outcome; the gate passes when all pass.
    /// - Throws: `GateError` when it cannot judge: a metric the evaluation does not have, a
    ///   comparison without a baseline, evaluations of different images, unreadable records.
    public static func judge(
        policy: GatePolicy, candidate: GateInput, baseline: GateInput?, skipComparisons: Bool = false
    ) throws(GateError) -> GateDecision {
        var judged = policy
        var skipped: [(index: Int, rule: GatePolicy.Rule)] = []
        if baseline == nil && skipComparisons {
            skipped = policy.rules.enumerated().filter { $0.element.check.needsBaseline }.map {
                ($0.offset, $0.element)
            }
            judged.rules = policy.rules.filter { !$0.check.needsBaseline }
        }
        var decision: GateDecision
        do {
            decision = try judgeOrThrow(policy: judged, candidate: candidate, baseline: baseline)
        } catch {
            throw GateError(error: error)
        }
        for (index, rule) in skipped {
            let result = GateDecision.RuleResult(
                rule: rule.check.summary, field: rule.field, passed: true,
                detail: "skipped: there is no baseline to compare with", skipped: true)
            decision.results.insert(result, at: index)
        }
        return decision
    }

    static func judgeOrThrow(policy: GatePolicy, candidate: GateInput, baseline: GateInput?) throws(DataError)
        -> GateDecision
    {
        let scalars = candidate.scalars
        let baseScalars = baseline?.scalars
        // Check every rule's metric and baseline before any computation.
        let needsResampling = policy.rules.contains { $0.check.needsResampling }
        var resampled: (any ResampledEvaluation, any ResampledEvaluation)?
        if needsResampling, let baseline {
            let names = Set(policy.rules.filter { $0.check.needsResampling }.map(\.check.metric))
            resampled = (try candidate.resampling(for: names), try baseline.resampling(for: names))
        }
        for rule in policy.rules {
            if rule.check.needsBaseline && baseline == nil {
                throw DataError(
                    .usage, rule.location, field: rule.field,
                    "this rule compares with a baseline: pass --baseline EVAL or --baseline registry:MODEL@VERSION")
            }
            let known: [String]
            switch rule.check {
            case .perLabel: known = resampled?.0.labelMetricNames ?? []
            case .significant: known = resampled?.0.scalarNames ?? []
            case .mcNemar: known = ["accuracy"]
            default: known = Array(scalars.keys).sorted()
            }
            let resampledRule = rule.check.needsResampling
            if resampledRule && !known.contains(rule.check.metric)
                && (scalars[rule.check.metric] != nil || rule.check.metric == "AUC")
            {
                throw DataError(
                    .unreadable, rule.location, field: rule.field + ".metric",
                    "`\(rule.check.metric)` cannot be resampled from this evaluation's records: evaluate with "
                        + "--bootstrap-records (AUCs need each image's probabilities)")
            }
            if !known.contains(rule.check.metric) {
                let hint = Spelling.nearest(rule.check.metric, in: known).map { " (did you mean `\($0)`?)" } ?? ""
                throw DataError(
                    .invalidData, rule.location, field: rule.field + ".metric",
                    "unknown metric `\(rule.check.metric)` for this rule\(hint); available: \(known.joined(separator: ", "))"
                )
            }
        }
        var bootstrap: BootstrapDeltas?
        if let (a, b) = resampled {
            bootstrap = try BootstrapDeltas(
                candidate: a, baseline: b, resampling: PairedBootstrap(resamples: policy.resamples, seed: policy.seed),
                scalars: Set(
                    policy.rules.compactMap { if case .significant(let m, _, _) = $0.check { m } else { nil } }),
                perLabel: Set(
                    policy.rules.compactMap { if case .perLabel(let m, _, _, _) = $0.check { m } else { nil } }),
                location: SourceLocation(file: baseline?.folder ?? ""))
        }
        var results: [GateDecision.RuleResult] = []
        for rule in policy.rules {
            results.append(
                try evaluate(
                    rule, scalars: scalars, baseline: baseScalars, bootstrap: bootstrap, candidate: candidate,
                    baselineInput: baseline))
        }
        return GateDecision(
            passed: results.allSatisfy(\.passed), results: results, candidate: candidate.folder,
            baseline: baseline?.folder, resamples: policy.resamples, seed: policy.seed)
    }

    static func format(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "undefined" }

    static func evaluate(
        _ rule: GatePolicy.Rule, scalars: [String: Double?], baseline: [String: Double?]?, bootstrap: BootstrapDeltas?,
        candidate: GateInput, baselineInput: GateInput?
    ) throws(DataError) -> GateDecision.RuleResult {
        let check = rule.check
        let value = scalars[check.metric] ?? nil
        let before = baseline?[check.metric] ?? nil
        func result(_ passed: Bool, _ detail: String, failed: [String] = []) -> GateDecision.RuleResult {
            GateDecision.RuleResult(
                rule: check.summary, field: rule.field, passed: passed, detail: detail, failedLabels: failed)
        }
        func undefined(_ which: String) -> GateDecision.RuleResult {
            result(false, "\(check.metric) is undefined in the \(which)")
        }
        switch check {
        case .minimum(_, let limit):
            guard let value else { return undefined("candidate") }
            return result(value >= limit, "\(check.metric) = \(format(value)) (minimum \(limit))")
        case .maximum(_, let limit):
            guard let value else { return undefined("candidate") }
            return result(value <= limit, "\(check.metric) = \(format(value)) (maximum \(limit))")
        case .maxDrop(_, let limit):
            guard let value else { return undefined("candidate") }
            guard let before else { return undefined("baseline") }
            let drop = before - value
            return result(
                drop <= limit, "\(format(before)) → \(format(value)): drop \(format(drop)) (at most \(limit))")
        case .maxDropRelative(_, let limit):
            guard let value else { return undefined("candidate") }
            guard let before, before != 0 else { return undefined("baseline") }
            let drop = (before - value) / abs(before)
            return result(
                drop <= limit,
                "\(format(before)) → \(format(value)): drop \(String(format: "%.2f", drop * 100))% (at most \(limit * 100)%)"
            )
        case .significant(_, let confidence, let margin):
            guard let deltas = bootstrap?.scalars[check.metric], !deltas.isEmpty else {
                return result(false, "no resample defined \(check.metric)")
            }
            let tail = (1 - confidence) / 2 * 100
            let low = percentile(deltas, tail)
            let high = percentile(deltas, 100 - tail)
            let point = bootstrap?.pointDeltas[check.metric] ?? nil
            return result(
                low >= -margin,
                "Δ \(format(point)), \(confidence * 100)% interval [\(format(low)), \(format(high))] "
                    + "(lower bound at least −\(margin); \(deltas.count) resamples)")
        case .mcNemar(_, let alpha):
            guard case .classification = candidate.metrics, let baselineInput else {
                return result(false, "McNemar's test needs two classification evaluations")
            }
            guard let a = try candidate.resampling() as? ClassificationResampling,
                let b = try baselineInput.resampling() as? ClassificationResampling
            else { return result(false, "McNemar's test needs classification match records") }
            let (candidateOnly, baselineOnly) = try pairedDisagreements(a, b)
            let p = mcNemarExact(candidateOnly: candidateOnly, baselineOnly: baselineOnly)
            let worse = baselineOnly > candidateOnly && p < alpha
            return result(
                !worse,
                "right only in the candidate: \(candidateOnly), only in the baseline: \(baselineOnly); "
                    + "exact p = \(String(format: "%.4g", p)) (α = \(alpha))")
        case .perLabel(_, let maxDrop, let holm, let alpha):
            guard let deltas = bootstrap?.perLabel[check.metric], let labels = bootstrap?.labels else {
                return result(false, "no per-label resamples of \(check.metric)")
            }
            // One-sided: H0 "the label drops by at most maxDrop"; its p-value is the share of
            // resamples whose difference is at least −maxDrop.
            var pValues: [Double] = []
            var tested: [String] = []
            for (index, label) in labels.enumerated() {
                let values = deltas[index]
                guard !values.isEmpty else { continue }
                let consistent = values.filter { $0 >= -maxDrop }.count
                pValues.append(Double(consistent + 1) / Double(values.count + 1))
                tested.append(label)
            }
            let rejected = holm ? holmRejections(pValues, alpha: alpha) : pValues.map { $0 <= alpha }
            let failed = zip(tested, rejected).filter(\.1).map(\.0)
            return result(
                failed.isEmpty,
                failed.isEmpty
                    ? "no label drops significantly by more than \(maxDrop) (\(tested.count) labels tested)"
                    : "\(failed.count) of \(tested.count) labels drop significantly by more than \(maxDrop): "
                        + failed.prefix(10).joined(separator: ", "),
                failed: failed)
        }
    }

    /// Images right in only one of two classification evaluations of the same images.
    static func pairedDisagreements(_ a: ClassificationResampling, _ b: ClassificationResampling) throws(DataError)
        -> (Int, Int)
    {
        let order = try BootstrapDeltas.alignment(a.imageNames, b.imageNames, location: SourceLocation(file: ""))
        let right = a.correct
        let baseRight = b.correct
        var candidateOnly = 0
        var baselineOnly = 0
        for i in right.indices {
            let other = baseRight[order[i]]
            if right[i] && !other { candidateOnly += 1 }
            if !right[i] && other { baselineOnly += 1 }
        }
        return (candidateOnly, baselineOnly)
    }
}

/// The paired bootstrap distributions of candidate − baseline.
struct BootstrapDeltas {
    var scalars: [String: [Double]] = [:]
    var perLabel: [String: [[Double]]] = [:]
    var pointDeltas: [String: Double?] = [:]
    var labels: [String]

    init(
        candidate: any ResampledEvaluation, baseline: any ResampledEvaluation, resampling: PairedBootstrap,
        scalars names: Set<String>, perLabel labelNames: Set<String>, location: SourceLocation
    ) throws(DataError) {
        let order = try Self.alignment(candidate.imageNames, baseline.imageNames, location: location)
        guard candidate.labels == baseline.labels else {
            throw DataError(.invalidData, location, field: "labels", "the evaluations have different labels")
        }
        labels = candidate.labels
        let ones = [Int32](repeating: 1, count: candidate.imageNames.count)
        let pointA = candidate.snapshot(weights: ones, scalars: names, perLabel: labelNames)
        let pointB = baseline.snapshot(
            weights: [Int32](repeating: 1, count: baseline.imageNames.count), scalars: names, perLabel: labelNames)
        for name in names {
            if let a = pointA.scalars[name] ?? nil, let b = pointB.scalars[name] ?? nil {
                pointDeltas[name] = a - b
            } else {
                pointDeltas[name] = .some(nil)
            }
            scalars[name] = []
        }
        for name in labelNames { perLabel[name] = Array(repeating: [], count: labels.count) }
        var baseWeights = [Int32](repeating: 0, count: baseline.imageNames.count)
        var sampled = 0
        resampling.forEachResample(images: candidate.imageNames.count) { weights in
            for i in weights.indices { baseWeights[order[i]] = weights[i] }
            let a = candidate.snapshot(weights: weights, scalars: names, perLabel: labelNames)
            let b = baseline.snapshot(weights: baseWeights, scalars: names, perLabel: labelNames)
            sampled += 1
            for name in names {
                if let x = a.scalars[name] ?? nil, let y = b.scalars[name] ?? nil { scalars[name]?.append(x - y) }
            }
            for name in labelNames {
                guard let xs = a.perLabel[name], let ys = b.perLabel[name] else { continue }
                for k in xs.indices {
                    if let x = xs[k], let y = ys[k] { perLabel[name]?[k].append(x - y) }
                }
            }
        }
        for name in names { scalars[name]?.sort() }
    }

    /// For each candidate image, its position among the baseline's.
    /// - Throws: when the two evaluations are not of the same images.
    static func alignment(_ candidate: [String], _ baseline: [String], location: SourceLocation) throws(DataError)
        -> [Int]
    {
        var position: [String: Int] = [:]
        for (index, name) in baseline.enumerated() { position[name] = index }
        var order: [Int] = []
        order.reserveCapacity(candidate.count)
        var missing: [String] = []
        for name in candidate {
            if let index = position[name] { order.append(index) } else { missing.append(name) }
        }
        guard missing.isEmpty, candidate.count == baseline.count else {
            let example = missing.first.map { ", e.g. \($0)" } ?? ""
            throw DataError(
                .invalidData, location,
                "the candidate and the baseline are not evaluations of the same images "
                    + "(\(candidate.count) and \(baseline.count) images, \(missing.count) of the candidate's not in the baseline\(example))"
            )
        }
        return order
    }
}
