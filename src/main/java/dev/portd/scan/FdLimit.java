package dev.portd.scan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's file-descriptor limit (RLIMIT_NOFILE), which bounds how many connects can be in
 * flight: every connect holds one descriptor. Java cannot raise it, but HotSpot on Linux already
 * raises the soft limit to the hard one at start (-XX:+MaxFDLimit), so this reads the limit the
 * JVM actually runs with, from /proc/self/limits.
 */
public final class FdLimit {
    /** Used when the limit cannot be read (not Linux): the common default soft limit. */
    static final long FALLBACK = 1024;

    private FdLimit() {
    }

    public static long current() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return FALLBACK;
    }
}
