/// Leaves `value` to the process's exit, which reclaims all its memory at once: a command's last
/// results (millions of detections, masks and strings) are not freed one by one just before the
/// process ends. Only for what a command holds at its very end.
func leaveToExit<Value>(_ value: Value) {
    _ = Unmanaged.passRetained(HeldToExit(value))
}

private final class HeldToExit<Value> {
    let value: Value
    init(_ value: Value) { self.value = value }
}
