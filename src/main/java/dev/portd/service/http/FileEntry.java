package dev.portd.service.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * What a path of the root turned out to be when last looked at. The bytes of small files are kept
 * in JDK direct buffers: the garbage collector frees them, so an entry replaced while a response
 * still sends its bytes is never freed too early, and each response writes a fresh view of them.
 *
 * @param kind         what the path is
 * @param file         the real file (null unless a file)
 * @param size         bytes
 * @param lastModified milliseconds since 1970, whole seconds (HTTP dates have no more)
 * @param etag         the strong entity tag, quoted
 * @param type         the Content-Type
 * @param bytes        the whole file, when small enough to keep (else null: sent from disk)
 * @param checkedNanos when the file was last looked at
 */
record FileEntry(Kind kind, Path file, long size, long lastModified, String etag, String lastModifiedText,
                 String type, ByteBuffer bytes, long checkedNanos, GzipSlot gzip) {

    enum Kind { FILE, DIRECTORY, MISSING, FORBIDDEN }

    /** The gzip form of a compressible file, made once on demand and kept with the entry. */
    static final class GzipSlot {
        volatile ByteBuffer bytes;
    }

    static FileEntry of(Kind kind, long checkedNanos) {
        return new FileEntry(kind, null, 0, 0, null, null, null, null, checkedNanos, null);
    }

    /** A fresh view of the kept bytes, for one response. */
    ByteBuf content() {
        return Unpooled.wrappedBuffer(bytes.duplicate());
    }

    static ByteBuf view(ByteBuffer kept) {
        return Unpooled.wrappedBuffer(kept.duplicate());
    }

    long keptBytes() {
        long n = bytes == null ? 0 : bytes.capacity();
        ByteBuffer g = gzip == null ? null : gzip.bytes;
        return n + (g == null ? 0 : g.capacity());
    }

    FileEntry checked(long nanos) {
        return new FileEntry(kind, file, size, lastModified, etag, lastModifiedText, type, bytes, nanos, gzip);
    }
}
