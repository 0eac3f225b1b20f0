package dev.portd.host;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's limit on open files (RLIMIT_NOFILE). At start the soft limit is raised to the hard
 * one, as nginx's {@code worker_rlimit_nofile} and systemd's {@code LimitNOFILE} do: HotSpot already
 * does it (-XX:+MaxFDLimit, on by default), so setrlimit is called only when the soft limit is still
 * lower (-XX:-MaxFDLimit, another JVM). The figures come from /proc/self/limits.
 */
final class FdLimit {
    private static final Logger log = LoggerFactory.getLogger(FdLimit.class);
    private static final int RLIMIT_NOFILE = 7;   // Linux, every architecture portd builds for
    /** What a limit reads as when /proc tells nothing (not Linux): generous, so no budget bites. */
    static final long UNKNOWN = 1 << 20;

    private FdLimit() {
    }

    /** Raises the soft limit to the hard one if it is lower, logs the figure, and returns it. */
    static long raise() {
        long[] limits = read();
        if (limits == null) {
            return UNKNOWN;
        }
        long soft = limits[0];
        long hard = limits[1];
        if (soft < hard) {
            try {
                Rlimit r = new Rlimit();
                r.rlim_cur = hard;
                r.rlim_max = hard;
                C.INSTANCE.setrlimit(RLIMIT_NOFILE, r);
                log.info("open files: soft limit raised from {} to the hard limit, {}", soft, hard);
                return hard;
            } catch (LinkageError | RuntimeException e) {   // LastErrorException too
                log.warn("open files: cannot raise the soft limit {} ({}); staying at it", soft, e.toString());
            }
            return soft;
        }
        log.info("open files: limit {}", soft);
        return soft;
    }

    /** The soft and hard limits, or null when unknown; "unlimited" reads as {@link #UNKNOWN}. */
    static long[] read() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/self/limits")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static long[] parse(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith("Max open files")) {
                String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                return new long[] {number(f[0]), number(f[1])};
            }
        }
        return null;
    }

    private static long number(String s) {
        return s.equals("unlimited") ? UNKNOWN : Long.parseLong(s);
    }

    /** File descriptors the process holds now, or -1 when unknown. */
    static int open() {
        String[] fds = new java.io.File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length - 1;   // less the one list() itself held
    }

    /** struct rlimit: two rlim_t, unsigned long on Linux. */
    @Structure.FieldOrder({"rlim_cur", "rlim_max"})
    public static final class Rlimit extends Structure {
        public long rlim_cur;
        public long rlim_max;
    }

    private interface C extends Library {
        C INSTANCE = Native.load("c", C.class);

        int setrlimit(int resource, Rlimit rlim) throws LastErrorException;
    }
}
