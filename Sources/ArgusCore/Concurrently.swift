import Dispatch

/// Runs `first` on this thread while `second` runs on another, and returns what each returned.
///
/// For two pieces of work that only read what they share; each may spread its own work over every
/// core as well (the pool takes up what one leaves idle). `second` does not run inside a
/// `concurrentPerform`, where libdispatch would run a nested one on a single thread.
public func concurrently<First, Second>(
    _ first: () -> First, _ second: @escaping @Sendable () -> Second
) -> (First, Second) {
    let box = ResultBox<Second>()
    let done = DispatchGroup()
    DispatchQueue.global().async(group: done) { box.value = second() }
    let firstResult = first()
    done.wait()
    return (firstResult, box.value!)
}

/// Where `concurrently`'s second result waits for its caller: written once by the worker, read
/// after the group's wait (which orders the two).
private final class ResultBox<Value>: @unchecked Sendable {
    var value: Value?
}
