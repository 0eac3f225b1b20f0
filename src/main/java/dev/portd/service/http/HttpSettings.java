package dev.portd.service.http;

import dev.portd.service.OptionException;
import dev.portd.service.ServiceOptions;
import java.time.Duration;

/**
 * The request limits and timeouts of one HTTP service, each with its default.
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

    static final HttpSettings DEFAULT = new HttpSettings(8192, 16384, 100, 1 << 20,
            Duration.ofSeconds(60), Duration.ofSeconds(10), "");

    static HttpSettings from(ServiceOptions o) {
        HttpSettings d = DEFAULT;
        return new HttpSettings(
                positive(o, "max_line_bytes", d.maxLineBytes),
                positive(o, "max_header_bytes", d.maxHeaderBytes),
                positive(o, "max_headers", d.maxHeaders),
                nonNegative(o, "max_body_bytes", d.maxBodyBytes),
                duration(o, "keepalive_timeout", d.keepAlive),
                duration(o, "request_timeout", d.requestTimeout),
                o.string("access_log").orElse(d.accessLog));
    }

    private static int positive(ServiceOptions o, String key, int fallback) {
        long v = o.integer(key).orElse((long) fallback);
        if (v < 1 || v > 1 << 24) {
            throw new OptionException(key, "must be 1.." + (1 << 24) + ", got " + v);
        }
        return (int) v;
    }

    private static long nonNegative(ServiceOptions o, String key, long fallback) {
        long v = o.integer(key).orElse(fallback);
        if (v < 0) {
            throw new OptionException(key, "must be 0 or more, got " + v);
        }
        return v;
    }

    private static Duration duration(ServiceOptions o, String key, Duration fallback) {
        Duration v = o.duration(key).orElse(fallback);
        if (v.isNegative() || v.isZero()) {
            throw new OptionException(key, "must be longer than zero");
        }
        return v;
    }
}
