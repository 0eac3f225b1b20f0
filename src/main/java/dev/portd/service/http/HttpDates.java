package dev.portd.service.http;

import io.netty.handler.codec.DateFormatter;
import java.util.Date;

/** HTTP dates (RFC 9110 section 5.6.7): the Date header, formatted once a second, and parsing. */
final class HttpDates {
    private static volatile Cached cached = new Cached(0, "");

    private record Cached(long second, String text) {
    }

    private HttpDates() {
    }

    /** The current time as an IMF-fixdate, e.g. {@code Sun, 29 Nov 2026 05:34:06 GMT}. */
    static String now() {
        long millis = System.currentTimeMillis();
        long second = millis / 1000;
        Cached c = cached;
        if (c.second != second) {
            c = new Cached(second, DateFormatter.format(new Date(second * 1000)));
            cached = c;
        }
        return c.text;
    }

    static String format(long epochMillis) {
        return DateFormatter.format(new Date(epochMillis));
    }

    /** Milliseconds since 1970 of an HTTP date, or -1 when it is not one. */
    static long parse(CharSequence text) {
        Date d = text == null ? null : DateFormatter.parseHttpDate(text);
        return d == null ? -1 : d.getTime();
    }
}
