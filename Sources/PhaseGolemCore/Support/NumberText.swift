/// Numbers as messages print them: `1800`, or `0.5` when not whole, never `1.7999999999999998`.
public enum NumberText {
    /// Rounded to the thousandth first: fractional minutes times 60 are rarely exact (0.03 min
    /// is 1.7999999999999998 s), and the message should say `1.8`.
    public static func decimal(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e12 else { return String(value) }
        let thousandths = (value * 1000).rounded()
        if thousandths.truncatingRemainder(dividingBy: 1000) == 0 {
            return String(Int64(thousandths / 1000))
        }
        return String(thousandths / 1000)
    }
}
