package dev.portd.service.http;

import dev.portd.service.KindCheck;
import dev.portd.service.Option;
import dev.portd.service.ServiceOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The request limits and timeouts of one HTTP service (both kinds), each declared once with its
 * default and the reason for it.
 *
 * @param maxLineBytes     request line; 8 KiB as nginx's large_client_header_buffers, 414 past it
 * @param maxHeaderBytes   all header lines; 16 KiB holds any browser's cookies, 431 past it
 * @param maxHeaders       header fields; 100 as Apache's LimitRequestFields, 431 past it
 * @param maxBodyBytes     a body is read and thrown away up to this; 1 MiB as nginx's
 *                         client_max_body_size, 413 past it
 * @param keepAlive        an idle connection between requests is closed after this; 60 s, near
 *                         nginx's 75 s and above browsers' own pools
 * @param requestTimeout   from a request's first byte to its last; 10 s stops slowloris, which
 *                         sends a header line every few seconds to hold a connection forever
 * @param accessLog        "stdout", a file path, or empty for none
 */
record HttpSettings(int maxLineBytes, int maxHeaderBytes, int maxHeaders, long maxBodyBytes,
                    Duration keepAlive, Duration requestTimeout, String accessLog) {

    /** Netty's decoder holds a line and the headers in memory: 16 MiB bounds what one client can make us keep. */
    static final long MAX_HEAD_BYTES = 16L << 20;
    static final Option<Long> MAX_LINE_BYTES = Option.size("max_line_bytes", 1, MAX_HEAD_BYTES, 8192L,
            "longest request line; longer gets 414");
    static final Option<Long> MAX_HEADER_BYTES = Option.size("max_header_bytes", 1, MAX_HEAD_BYTES, 16384L,
            "all header lines together; more gets 431");
    static final Option<Integer> MAX_HEADERS = Option.integer("max_headers", 1, 10_000, 100,
            "header fields per request; more gets 431");
    static final Option<Long> MAX_BODY_BYTES = Option.size("max_body_bytes", 0, 1L << 40, 1L << 20,
            "request body, read and thrown away; more gets 413");
    static final Option<Duration> KEEPALIVE_TIMEOUT = Option.duration("keepalive_timeout", Duration.ofMillis(1),
            Duration.ofHours(24), Duration.ofSeconds(60), "an idle kept-alive connection is closed after this");
    static final Option<Duration> REQUEST_TIMEOUT = Option.duration("request_timeout", Duration.ofMillis(1),
            Duration.ofHours(24), Duration.ofSeconds(10),
            "a request must arrive whole this long after its first byte, else 408 and close");
    static final Option<String> ACCESS_LOG = Option.string("access_log", "",
            "combined-format access log: \"\" none, \"stdout\", or a file appended to");
    /** The options both HTTP kinds take. */
    static final List<Option<?>> OPTIONS = List.of(MAX_LINE_BYTES, MAX_HEADER_BYTES, MAX_HEADERS, MAX_BODY_BYTES,
            KEEPALIVE_TIMEOUT, REQUEST_TIMEOUT, ACCESS_LOG);

    static HttpSettings from(ServiceOptions o) {
        return new HttpSettings((int) (long) o.get(MAX_LINE_BYTES), (int) (long) o.get(MAX_HEADER_BYTES),
                o.get(MAX_HEADERS), o.get(MAX_BODY_BYTES), o.get(KEEPALIVE_TIMEOUT), o.get(REQUEST_TIMEOUT),
                o.get(ACCESS_LOG));
    }

    static final HttpSettings DEFAULT = from(ServiceOptions.NONE);

    /** An access log file must be creatable: its directory exists and may be written. */
    static void check(ServiceOptions o, KindCheck.Problems problems) {
        String target = o.get(ACCESS_LOG);
        if (target.isEmpty() || target.equals("stdout")) {
            return;
        }
        Path file = Path.of(target).toAbsolutePath();
        if (Files.isDirectory(file)) {
            problems.add(ACCESS_LOG, "is a directory; give a file to append to");
        } else if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(file.getParent())) {
            problems.add(ACCESS_LOG, "cannot write " + file + "; give a file in a writable directory, or \"stdout\"");
        }
    }
}
