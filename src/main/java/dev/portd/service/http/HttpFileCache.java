package dev.portd.service.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * The files of the root as last seen, like nginx's open_file_cache: an entry is trusted for
 * {@link #VALID_NANOS} after a look at the disk, so a busy file costs one stat a second, not one a
 * request. Files up to {@link #KEEP_FILE_BYTES} are kept in memory, within {@link #KEEP_TOTAL_BYTES}.
 * Every method that touches the disk blocks: call it on the blocking executor.
 */
final class HttpFileCache {
    /** One second: an edited file is served new within a second, as with nginx's open_file_cache_valid. */
    static final long VALID_NANOS = 1_000_000_000L;
    /** Small files are sent from memory: no open, no stat and no thread hop per request. */
    static final int KEEP_FILE_BYTES = 256 * 1024;
    static final long KEEP_TOTAL_BYTES = 64L * 1024 * 1024;
    static final int MAX_ENTRIES = 16_384;
    /** gzip only what gains: below 256 bytes the header eats the saving; above 8 MiB it costs too much memory. */
    static final int GZIP_MIN_BYTES = 256;
    static final int GZIP_MAX_BYTES = 8 * 1024 * 1024;

    private final Path root;
    private final ConcurrentHashMap<String, FileEntry> entries = new ConcurrentHashMap<>();
    private final AtomicLong kept = new AtomicLong();
    /** The looks at the disk under way, by path: requests for a path that is being looked at wait for that look. */
    private final ConcurrentHashMap<String, CompletableFuture<FileEntry>> looking = new ConcurrentHashMap<>();

    HttpFileCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** The entry of a path if it was looked at within the last second, else null. */
    FileEntry fresh(String path) {
        FileEntry e = entries.get(path);
        return e != null && System.nanoTime() - e.checkedNanos() < VALID_NANOS ? e : null;
    }

    /** Whether the root directory exists (blocking). */
    boolean rootExists() {
        return Files.isDirectory(root);
    }

    /**
     * {@link #load} on {@code blocking}, once for all the requests that ask for a path while it runs:
     * when a busy file's entry turns a second old, the requests of that moment share one look at the
     * disk instead of sending one task each to the blocking executor. Throws
     * RejectedExecutionException when the executor has stopped.
     */
    CompletableFuture<FileEntry> loadShared(HttpTarget target, Executor blocking) {
        CompletableFuture<FileEntry> mine = new CompletableFuture<>();
        CompletableFuture<FileEntry> running = looking.putIfAbsent(target.path(), mine);
        if (running != null) {
            return running;
        }
        try {
            blocking.execute(() -> {
                try {
                    mine.complete(load(target));
                } catch (Exception | LinkageError e) {
                    mine.completeExceptionally(e);
                } finally {
                    looking.remove(target.path(), mine);
                }
            });
        } catch (RuntimeException e) {
            looking.remove(target.path(), mine);
            throw e;
        }
        return mine;
    }

    /**
     * Looks the path up on disk (blocking): what it is, and the bytes of a small file. A path whose
     * real location (symbolic links followed) is outside the root's real location is FORBIDDEN.
     */
    FileEntry load(HttpTarget target) throws IOException {
        long now = System.nanoTime();
        FileEntry old = entries.get(target.path());
        FileEntry e = look(target, old, now);
        FileEntry previous = entries.put(target.path(), e);
        kept.addAndGet(e.keptBytes() - (previous == null ? 0 : previous.keptBytes()));
        trim();
        return e;
    }

    private FileEntry look(HttpTarget target, FileEntry old, long now) throws IOException {
        Path realRoot;
        Path real;
        BasicFileAttributes attrs;
        try {
            realRoot = root.toRealPath();
            Path p = root;
            for (String s : target.segments()) {
                p = p.resolve(s);
            }
            real = p.toRealPath();
            if (!real.startsWith(realRoot)) {
                return FileEntry.of(FileEntry.Kind.FORBIDDEN, now);
            }
            attrs = Files.readAttributes(real, BasicFileAttributes.class);
        } catch (NoSuchFileException | NotDirectoryException | java.nio.file.InvalidPathException e) {
            return FileEntry.of(FileEntry.Kind.MISSING, now);
        } catch (AccessDeniedException e) {
            return FileEntry.of(FileEntry.Kind.FORBIDDEN, now);
        }
        if (attrs.isDirectory()) {
            return new FileEntry(FileEntry.Kind.DIRECTORY, real, 0, 0, null, null, null, null, now, null);
        }
        if (!attrs.isRegularFile()) {
            return FileEntry.of(FileEntry.Kind.FORBIDDEN, now);   // devices, fifos, sockets
        }
        long size = attrs.size();
        long modified = attrs.lastModifiedTime().toMillis() / 1000 * 1000;
        if (old != null && old.kind() == FileEntry.Kind.FILE && real.equals(old.file()) && old.size() == size
                && old.lastModified() == modified) {
            return old.checked(now);
        }
        if (!Files.isReadable(real)) {
            return FileEntry.of(FileEntry.Kind.FORBIDDEN, now);
        }
        String type = MimeTypes.of(real.getFileName().toString());
        ByteBuffer bytes = size <= KEEP_FILE_BYTES && kept.get() + size <= KEEP_TOTAL_BYTES ? read(real, size) : null;
        if (bytes != null && bytes.capacity() != size) {
            size = bytes.capacity();   // it changed while we read: serve what we read
        }
        String etag = "\"" + Long.toHexString(modified / 1000) + "-" + Long.toHexString(size) + "\"";
        return new FileEntry(FileEntry.Kind.FILE, real, size, modified, etag, HttpDates.format(modified), type,
                bytes, now, MimeTypes.compressible(type) ? new FileEntry.GzipSlot() : null);
    }

    private static ByteBuffer read(Path file, long size) throws IOException {
        byte[] data;
        try (InputStream in = Files.newInputStream(file)) {
            data = in.readNBytes((int) size + 1);
        }
        int n = (int) Math.min(data.length, size);
        ByteBuffer direct = ByteBuffer.allocateDirect(n);
        direct.put(data, 0, n).flip();
        return direct;
    }

    /** Opens a file to send from disk (blocking). */
    static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    /** Whether a file gains from gzip: compressible type and a worthwhile size. */
    static boolean gzippable(FileEntry e) {
        return e.gzip() != null && e.size() >= GZIP_MIN_BYTES && e.size() <= GZIP_MAX_BYTES;
    }

    /** The gzip form of a file, made and kept on first use (blocking). */
    ByteBuffer gzip(FileEntry e) throws IOException {
        ByteBuffer done = e.gzip().bytes;
        if (done != null) {
            return done;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) Math.max(64, e.size() / 3));
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024)) {
            if (e.bytes() != null) {
                ByteBuffer b = e.bytes().duplicate();
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                gz.write(chunk);
            } else {
                try (InputStream in = Files.newInputStream(e.file())) {
                    in.transferTo(gz);
                }
            }
        }
        byte[] packed = out.toByteArray();
        ByteBuffer direct = ByteBuffer.allocateDirect(packed.length);
        direct.put(packed).flip();
        ByteBuffer result = direct;
        e.gzip().bytes = result;
        kept.addAndGet(packed.length);
        return result;
    }

    /** Forgets entries when over the count or memory budget; they are looked up again when asked for. */
    private void trim() {
        if (entries.size() <= MAX_ENTRIES && kept.get() <= KEEP_TOTAL_BYTES) {
            return;
        }
        for (Iterator<FileEntry> it = entries.values().iterator(); it.hasNext()
                && (entries.size() > MAX_ENTRIES / 2 || kept.get() > KEEP_TOTAL_BYTES / 2); ) {
            FileEntry e = it.next();
            it.remove();
            kept.addAndGet(-e.keptBytes());
        }
    }
}
