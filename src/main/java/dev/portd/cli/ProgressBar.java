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
 * A one-line progress bar on stderr, redrawn ten times a second, shown only when stderr is a
 * terminal: a pipe or a log file gets no control characters.
 */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final PortScan scan;
    private final ScheduledExecutorService timer;

    private ProgressBar(PrintWriter err, PortScan scan) {
        this.err = err;
        this.scan = scan;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "portd-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::draw, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** A running bar, or null (nothing to close) when stderr is not a terminal. */
    static ProgressBar startIfTerminal(PrintWriter err, PortScan scan) {
        return stderrIsTerminal() ? new ProgressBar(err, scan) : null;
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
        err.print("\r\033[K");   // erase the bar's line
        err.flush();
    }
}
