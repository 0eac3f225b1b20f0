package dev.portd.service.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Locale;

/**
 * Conditional requests (RFC 9110 section 13), byte ranges (section 14) and content coding
 * negotiation (section 12.5.3), for one file.
 */
final class HttpConditions {
    /** The range asked for lies past the end of the file: 416. */
    static final long[] UNSATISFIABLE = new long[0];

    private HttpConditions() {
    }

    /**
     * The status the preconditions decide, or null to go on: 412 when If-Match or
     * If-Unmodified-Since fails, 304 when If-None-Match or If-Modified-Since finds the client's copy
     * current. The order is RFC 9110 section 13.2.2.
     */
    static HttpResponseStatus evaluate(HttpHeaders in, FileEntry e, String etag) {
        String ifMatch = in.get(HttpHeaderNames.IF_MATCH);
        if (ifMatch != null) {
            if (!matches(ifMatch, etag, e.etag(), true)) {
                return HttpResponseStatus.PRECONDITION_FAILED;
            }
        } else {
            long since = HttpDates.parse(in.get(HttpHeaderNames.IF_UNMODIFIED_SINCE));
            if (since >= 0 && e.lastModified() > since) {
                return HttpResponseStatus.PRECONDITION_FAILED;
            }
        }
        String ifNoneMatch = in.get(HttpHeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            return matches(ifNoneMatch, etag, e.etag(), false) ? HttpResponseStatus.NOT_MODIFIED : null;
        }
        long since = HttpDates.parse(in.get(HttpHeaderNames.IF_MODIFIED_SINCE));
        if (since >= 0 && e.lastModified() <= since) {
            return HttpResponseStatus.NOT_MODIFIED;
        }
        return null;
    }

    /** Whether a list of entity tags (or "*") names the file; weak comparison unless strong is asked. */
    static boolean matches(String list, String etag, String identityEtag, boolean strong) {
        if (list.trim().equals("*")) {
            return true;
        }
        for (String raw : list.split(",")) {
            String tag = raw.trim();
            boolean weak = tag.startsWith("W/");
            if (weak) {
                if (strong) {
                    continue;
                }
                tag = tag.substring(2);
            }
            if (tag.equals(etag) || tag.equals(identityEtag)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The byte range to send, {@code {first, last}} inclusive; null for the whole file (no Range,
     * a Range this server does not do, such as several ranges, or an If-Range that no longer holds);
     * {@link #UNSATISFIABLE} for 416. Ranges apply to GET only.
     */
    static long[] range(HttpHeaders in, FileEntry e, HttpMethod method) {
        String value = in.get(HttpHeaderNames.RANGE);
        if (value == null || !method.equals(HttpMethod.GET) || !ifRangeHolds(in.get(HttpHeaderNames.IF_RANGE), e)) {
            return null;
        }
        String v = value.trim();
        if (!v.toLowerCase(Locale.ROOT).startsWith("bytes=") || v.indexOf(',') >= 0) {
            return null;
        }
        String spec = v.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        long size = e.size();
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            if (a.isEmpty()) {                       // suffix: the last n bytes
                long n = Long.parseLong(b);
                if (n < 0 || b.startsWith("+")) {
                    return null;
                }
                if (n == 0 || size == 0) {
                    return UNSATISFIABLE;
                }
                return new long[] {Math.max(0, size - n), size - 1};
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
            if (first < 0 || last < first || a.startsWith("+") || b.startsWith("+")) {
                return null;
            }
            if (first >= size) {
                return UNSATISFIABLE;
            }
            return new long[] {first, Math.min(last, size - 1)};
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    /** If-Range: a strong entity tag that still matches, or the exact Last-Modified date. */
    private static boolean ifRangeHolds(String ifRange, FileEntry e) {
        if (ifRange == null) {
            return true;
        }
        String v = ifRange.trim();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            return v.equals(e.etag());
        }
        long date = HttpDates.parse(v);
        return date >= 0 && date == e.lastModified();
    }

    /** Whether Accept-Encoding admits gzip (by name or "*") with a q above zero. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] p = part.split(";");
            String coding = p[0].trim().toLowerCase(Locale.ROOT);
            if (!coding.equals("gzip") && !coding.equals("*") && !coding.equals("x-gzip")) {
                continue;
            }
            double q = 1;
            for (int i = 1; i < p.length; i++) {
                String param = p[i].trim();
                if (param.startsWith("q=") || param.startsWith("Q=")) {
                    try {
                        q = Double.parseDouble(param.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (q > 0) {
                return true;
            }
        }
        return false;
    }
}
