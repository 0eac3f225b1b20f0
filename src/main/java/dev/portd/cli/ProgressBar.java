package dev.portd.cli;

import dev.portd.scan.PortScan;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Progress of a scan on stderr: on a terminal, a one-line bar redrawn ten times a second; elsewhere
 * (a pipe, a log file, CI) a plain line every 5 s, so a long run shows it is alive without control
 * characters, and a short one prints nothing.
 */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;
    static final long LINE_EVERY_SECONDS = 5;
    private final PrintWriter err;
    private final PortScan scan;
    private final boolean terminal;
    private final ScheduledExecutorService timer;

    private ProgressBar(PrintWriter err, PortScan scan, boolean terminal) {
        this.err = err;
        this.scan = scan;
        this.terminal = terminal;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "portd-progress");
            t.setDaemon(true);
            return t;
        });
        if (terminal) {
            timer.scheduleAtFixedRate(this::draw, 100, 100, TimeUnit.MILLISECONDS);
        } else {
            timer.scheduleAtFixedRate(this::line, LINE_EVERY_SECONDS, LINE_EVERY_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Progress for this scan: a bar on a terminal, else a line every 5 s. */
    static ProgressBar start(PrintWriter err, PortScan scan) {
        return new ProgressBar(err, scan, stderrIsTerminal());
    }

    private void line() {
        int done = scan.finished();
        err.println(String.format(Locale.ROOT, "portd: scanned %,d of %,d ports (%.0f%%), %,d open, %.0f s",
                done, scan.total(), 100.0 * done / scan.total(), scan.openSoFar(), scan.elapsedNanos() / 1e9));
        err.flush();
    }

    /** Linux: file descriptor 2 links to a tty or pseudo-terminal device. */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return false;
        }
    }

    private void draw() {
        int done = scan.finished();
        int total = scan.total();
        int filled = (int) ((long) done * WIDTH / total);
        err.print(String.format(Locale.ROOT, "\r[%s%s] %d/%d ports, %d open, %.1f s ", "#".repeat(filled),
                ".".repeat(WIDTH - filled), done, total, scan.openSoFar(), scan.elapsedNanos() / 1e9));
        err.flush();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (terminal) {
            err.print("\r\033[K");   // erase the bar's line
            err.flush();
        }
    }
}
