package dev.portd.service.smtp;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers messages into a Maildir (qmail's maildir(5), Dovecot's file names): each message is
 * written to {@code tmp/}, forced to disk, renamed into {@code new/}, and the rename itself made
 * durable by forcing {@code new/}; only then does the returned future complete, and only then does
 * the session say 250.
 *
 * <p>Group commit: files are written and forced on the executor it is given, in parallel (the
 * kernel's journal merges concurrent forces into one commit); the first thread to finish a rename
 * becomes the committer and forces {@code new/} once for every rename queued before the force began,
 * so 20 sessions share one directory force instead of paying 20. With {@code durable = false}
 * nothing is forced: a crash of the machine (not of portd) may lose the last few seconds of accepted
 * mail.
 */
final class MaildirStore {
    private static final Logger log = LoggerFactory.getLogger(MaildirStore.class);
    private static final long PID = ProcessHandle.current().pid();
    /** One counter for the process: a reload's new store must not repeat the old one's names. */
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Path tmp;
    private final Path newDir;
    private final boolean durable;
    private final Executor blocking;
    private final Clock clock;
    private final String host;

    private final Object lock = new Object();
    private List<CompletableFuture<String>> renamedPendingSync = new ArrayList<>();
    private List<String> renamedNames = new ArrayList<>();
    private boolean syncing;

    /** Creates tmp/, new/ and cur/ where missing and removes what a crash left in tmp/. */
    MaildirStore(Path root, boolean durable, String host, Executor blocking, Clock clock) throws IOException {
        this.tmp = root.resolve("tmp");
        this.newDir = root.resolve("new");
        this.durable = durable;
        this.blocking = blocking;
        this.clock = clock;
        this.host = host.replaceAll("[^A-Za-z0-9.-]", "_");
        for (String dir : List.of("tmp", "new", "cur")) {
            Files.createDirectories(root.resolve(dir));
        }
        int cleaned = 0;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmp)) {
            for (Path p : leftovers) {
                Files.deleteIfExists(p);
                cleaned++;
            }
        }
        if (cleaned > 0) {
            log.info("smtp: removed {} unfinished message(s) from {}/tmp/", cleaned, root);
        }
        // a Maildir we can list but not write would answer 451 to every message: find out now
        Path probe = tmp.resolve(".portd-probe-" + PID);
        Files.write(probe, new byte[] {0});
        Files.delete(probe);
    }

    /** The store's clock, for the Received header's date. */
    Instant now() {
        return clock.instant();
    }

    /** A new unique base name, {@code <seconds>.M<micros>P<pid>Q<n>.<host>} (Dovecot style). */
    String uniqueName() {
        Instant now = clock.instant();
        return now.getEpochSecond() + ".M" + (now.getNano() / 1000) + "P" + PID + "Q" + SEQUENCE.incrementAndGet()
                + "." + host;
    }

    /**
     * Stores {@code head} then {@code body} as one message named {@code base}; takes ownership of
     * both buffers. The future completes with the file name in new/ once the message is durable,
     * or fails with the IOException that stopped it.
     */
    CompletableFuture<String> deliver(String base, ByteBuf head, ByteBuf body) {
        CompletableFuture<String> done = new CompletableFuture<>();
        Runnable store = () -> {
            String name;
            try {
                name = writeAndRename(base, head, body);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
                return;
            } finally {
                head.release();
                body.release();
            }
            if (durable) {
                queueDirectorySync(name, done);
            } else {
                done.complete(name);
            }
        };
        try {
            blocking.execute(store);
        } catch (RejectedExecutionException stopping) {   // the host is shutting down: not stored, so 451
            head.release();
            body.release();
            done.completeExceptionally(stopping);
        }
        return done;
    }

    private String writeAndRename(String base, ByteBuf head, ByteBuf body) throws IOException {
        Path file = tmp.resolve(base);
        long size = head.readableBytes() + body.readableBytes();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(ch, head, body);
            if (durable) {
                ch.force(false);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        String name = base + ",S=" + size;
        try {
            Files.move(file, newDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return name;
    }

    /** Both buffers in one gathering write (one system call for a small message). */
    private static void writeFully(FileChannel ch, ByteBuf head, ByteBuf body) throws IOException {
        ByteBuffer[] h = head.nioBuffers();
        ByteBuffer[] b = body.nioBuffers();
        ByteBuffer[] parts = Arrays.copyOf(h, h.length + b.length);
        System.arraycopy(b, 0, parts, h.length, b.length);
        long left = head.readableBytes() + (long) body.readableBytes();
        while (left > 0) {
            left -= ch.write(parts);
        }
    }

    private void queueDirectorySync(String name, CompletableFuture<String> done) {
        boolean start;
        synchronized (lock) {
            renamedPendingSync.add(done);
            renamedNames.add(name);
            start = !syncing;
            syncing = true;
        }
        if (start) {
            syncLoop();   // this thread leads the batch; others that rename meanwhile join it
        }
    }

    /** Forces new/ once per batch: every rename queued before a force began is covered by it. */
    private void syncLoop() {
        while (true) {
            List<CompletableFuture<String>> batch;
            List<String> names;
            synchronized (lock) {
                if (renamedPendingSync.isEmpty()) {
                    syncing = false;
                    return;
                }
                batch = renamedPendingSync;
                names = renamedNames;
                renamedPendingSync = new ArrayList<>();
                renamedNames = new ArrayList<>();
            }
            try (FileChannel dir = FileChannel.open(newDir, StandardOpenOption.READ)) {
                dir.force(true);
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).complete(names.get(i));
                }
            } catch (IOException | RuntimeException e) {
                for (int i = 0; i < batch.size(); i++) {
                    try {   // not durable, so not accepted: take it back rather than deliver it twice
                        Files.deleteIfExists(newDir.resolve(names.get(i)));
                    } catch (IOException ignored) {
                        // the 451 still tells the client to retry
                    }
                    batch.get(i).completeExceptionally(e);
                }
            }
        }
    }
}
