package dev.portd.service.exec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** An exec service's counters: programs running, started, failed to start, and how they ended. */
final class ExecStats {
    final AtomicLong running = new AtomicLong();
    final LongAdder started = new LongAdder();
    /** Programs that could not be started: missing, not executable, no fd or process left. */
    final LongAdder execFailed = new LongAdder();
    final LongAdder exitNonZero = new LongAdder();
    final LongAdder killedBySignal = new LongAdder();
    /** The last program's exit status; a signal as 128 + its number, as a shell shows it; -1 before any. */
    final AtomicLong lastExitStatus = new AtomicLong(-1);

    void ended(ExitStatus status) {
        running.decrementAndGet();
        if (status.signal() != 0) {
            killedBySignal.increment();
            lastExitStatus.set(128 + status.signal());
        } else {
            if (status.code() != 0) {
                exitNonZero.increment();
            }
            lastExitStatus.set(status.code());
        }
    }

    Map<String, Long> figures() {
        Map<String, Long> f = new LinkedHashMap<>();
        f.put("running", running.get());
        f.put("started", started.sum());
        f.put("exec_failed", execFailed.sum());
        f.put("exit_nonzero", exitNonZero.sum());
        f.put("killed_by_signal", killedBySignal.sum());
        f.put("exit_status", lastExitStatus.get());
        return f;
    }
}
