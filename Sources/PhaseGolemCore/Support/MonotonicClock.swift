#if canImport(Glibc)
import Glibc
#endif

/// The monotonic clock as plain seconds, and the one blocking sleep of the code base.
///
/// Blocking is what the callers want: they run on threads of their own (the coordinator's
/// queue, an agent's reader, the UI loop), never on Swift's cooperative pool.
public enum MonotonicClock {
    /// Seconds since an arbitrary fixed point; only differences mean anything.
    public static func seconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Sleeps the calling thread for `duration`, resuming after signals.
    public static func sleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR {
            request = remaining
        }
    }

    /// Sleeps the calling thread for `seconds` (fractions allowed).
    public static func sleep(seconds: Double) {
        sleep(.nanoseconds(Int64(seconds * 1e9)))
    }
}
