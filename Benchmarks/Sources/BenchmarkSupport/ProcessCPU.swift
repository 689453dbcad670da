import Foundation

/// Seconds of CPU this process has used so far, on all its threads (user and system time).
///
/// On a shared machine a phase's CPU time moves far less than its wall time with the
/// neighbours' load, so comparing two builds by records per CPU second needs fewer pairs.
public func processCPUSeconds() -> Double {
    var usage = rusage()
    guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
