package dev.portd.service.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers GET and HEAD from the root directory (RFC 9110): files with validators, conditional
 * requests and single byte ranges, index.html or a listing for directories. The method table says
 * what every other method gets: 405 with Allow for a method of RFC 9110, 501 for one unknown.
 */
final class HttpFileRoute implements HttpRoute {
    private static final Logger log = LoggerFactory.getLogger(HttpFileRoute.class);
    static final String ALLOW = "GET, HEAD";
    /** The methods of RFC 9110 section 9 and RFC 5789 (PATCH): known, but not served here. */
    private static final Set<HttpMethod> KNOWN = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE,
            HttpMethod.CONNECT, HttpMethod.OPTIONS, HttpMethod.TRACE, HttpMethod.PATCH);

    private final Map<HttpMethod, HttpRoute> methods;
    private final HttpFileCache files;
    private final Executor blocking;
    private final boolean listing;
    private final boolean gzip;
    private final byte[] welcome;

    HttpFileRoute(HttpFileCache files, Executor blocking, boolean listing, boolean gzip, byte[] welcome) {
        this.files = files;
        this.blocking = blocking;
        this.listing = listing;
        this.gzip = gzip;
        this.welcome = welcome;
        this.methods = Map.of(HttpMethod.GET, this::get, HttpMethod.HEAD, this::get);
    }

    @Override
    public void handle(HttpExchange exchange) {
        HttpMethod method = exchange.request().method();
        HttpRoute route = methods.get(method);
        if (route != null) {
            route.handle(exchange);
        } else if (KNOWN.contains(method)) {
            FullHttpResponse r = HttpExchange.error(HttpResponseStatus.METHOD_NOT_ALLOWED);
            r.headers().set(HttpHeaderNames.ALLOW, ALLOW);
            exchange.send(r);
        } else {
            exchange.send(HttpExchange.error(HttpResponseStatus.NOT_IMPLEMENTED));
        }
    }

    private void get(HttpExchange exchange) {
        HttpTarget target;
        try {
            target = HttpTarget.parse(exchange.request().uri());
        } catch (HttpTarget.Refused e) {
            exchange.send(HttpExchange.error(HttpResponseStatus.valueOf(e.status)));
            return;
        }
        withEntry(exchange, target, entry -> serve(exchange, target, entry));
    }

    private interface EntryUse {
        void use(FileEntry entry);
    }

    /** Gives the target's entry to {@code use} on the event loop: at once when fresh, else after a look at the disk. */
    private void withEntry(HttpExchange exchange, HttpTarget target, EntryUse use) {
        FileEntry fresh = files.fresh(target.path());
        if (fresh != null) {
            use.use(fresh);
            return;
        }
        exchange.after(() -> files.loadShared(target, blocking), (entry, failure) -> {
            if (failure != null) {
                log.warn("{}: cannot read {}: {}", exchange.channel(), target.path(), failure.toString());
                exchange.send(HttpExchange.error(HttpResponseStatus.INTERNAL_SERVER_ERROR));
            } else {
                use.use(entry);
            }
        });
    }

    private void serve(HttpExchange exchange, HttpTarget target, FileEntry entry) {
        switch (entry.kind()) {
            case FILE -> {
                if (target.path().endsWith("/")) {
                    exchange.send(HttpExchange.error(HttpResponseStatus.NOT_FOUND));
                } else {
                    file(exchange, entry);
                }
            }
            case DIRECTORY -> directory(exchange, target, entry);
            case FORBIDDEN -> exchange.send(HttpExchange.error(HttpResponseStatus.FORBIDDEN));
            case MISSING -> {
                if (target.path().equals("/") && welcome != null) {
                    exchange.send(HttpExchange.full(HttpResponseStatus.OK, Unpooled.wrappedBuffer(welcome),
                            "text/html; charset=utf-8"));
                } else {
                    exchange.send(HttpExchange.error(HttpResponseStatus.NOT_FOUND));
                }
            }
        }
    }

    private void directory(HttpExchange exchange, HttpTarget target, FileEntry dir) {
        if (!target.path().endsWith("/")) {
            String uri = exchange.request().uri();
            int q = uri.indexOf('?');
            String location = (q < 0 ? uri : uri.substring(0, q)) + "/" + target.query();
            if (!location.startsWith("/")) {
                location = target.path() + "/" + target.query();   // absolute-form: keep our own path
            }
            FullHttpResponse r = HttpExchange.error(HttpResponseStatus.MOVED_PERMANENTLY);
            r.headers().set(HttpHeaderNames.LOCATION, location);
            exchange.send(r);
            return;
        }
        HttpTarget index = new HttpTarget(target.path() + "index.html", target.query());
        withEntry(exchange, index, entry -> {
            if (entry.kind() == FileEntry.Kind.FILE) {
                file(exchange, entry);
            } else if (!listing) {
                exchange.send(HttpExchange.error(HttpResponseStatus.FORBIDDEN));
            } else {
                exchange.blocking(blocking, () -> DirectoryListing.render(dir.file(), target.path()), (page, failure) -> {
                    if (failure != null) {
                        exchange.send(HttpExchange.error(HttpResponseStatus.FORBIDDEN));
                    } else {
                        exchange.send(HttpExchange.full(HttpResponseStatus.OK, Unpooled.wrappedBuffer(page),
                                "text/html; charset=utf-8"));
                    }
                });
            }
        });
    }

    private void file(HttpExchange exchange, FileEntry e) {
        HttpHeaders in = exchange.request().headers();
        boolean gz = gzip && HttpFileCache.gzippable(e) && HttpConditions.acceptsGzip(in.get(HttpHeaderNames.ACCEPT_ENCODING));
        String etag = gz ? e.etag().substring(0, e.etag().length() - 1) + "-gz\"" : e.etag();
        HttpResponseStatus precondition = HttpConditions.evaluate(in, e, etag);
        if (precondition != null) {
            FullHttpResponse r = HttpExchange.full(precondition, Unpooled.EMPTY_BUFFER, e.type());
            if (precondition.code() == 304) {
                r.headers().remove(HttpHeaderNames.CONTENT_TYPE).remove(HttpHeaderNames.CONTENT_LENGTH);
            }
            validators(r.headers(), e, etag, gz);
            exchange.send(r);
            return;
        }
        long[] range = gz ? null : HttpConditions.range(in, e, exchange.request().method());
        if (range == HttpConditions.UNSATISFIABLE) {
            FullHttpResponse r = HttpExchange.error(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
            r.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + e.size());
            exchange.send(r);
            return;
        }
        if (gz) {
            gzipped(exchange, e, etag);
            return;
        }
        long start = range == null ? 0 : range[0];
        long length = range == null ? e.size() : range[1] - range[0] + 1;
        HttpResponseStatus status = range == null ? HttpResponseStatus.OK : HttpResponseStatus.PARTIAL_CONTENT;
        if (e.bytes() != null || exchange.isHead() || length == 0) {
            ByteBuf body = e.bytes() == null || exchange.isHead() ? Unpooled.EMPTY_BUFFER
                    : e.content().slice((int) start, (int) length);
            FullHttpResponse r = HttpExchange.full(status, body, e.type());
            HttpUtil.setContentLength(r, length);
            describe(r.headers(), e, etag, range);
            exchange.send(r);
            return;
        }
        exchange.blocking(blocking, () -> HttpFileCache.open(e.file()), (channel, failure) -> {
            if (failure != null) {
                exchange.send(HttpExchange.error(failure instanceof java.nio.file.NoSuchFileException
                        ? HttpResponseStatus.NOT_FOUND : HttpResponseStatus.FORBIDDEN));
                return;
            }
            HttpResponse head = HttpExchange.head(status);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, e.type());
            HttpUtil.setContentLength(head, length);
            describe(head.headers(), e, etag, range);
            exchange.sendFile(head, new DefaultFileRegion(channel, start, length));
        });
    }

    private void gzipped(HttpExchange exchange, FileEntry e, String etag) {
        ByteBuffer ready = e.gzip().bytes;
        if (ready != null) {
            sendGzip(exchange, e, etag, ready);
            return;
        }
        exchange.blocking(blocking, () -> files.gzip(e), (packed, failure) -> {
            if (failure != null) {
                exchange.send(HttpExchange.error(HttpResponseStatus.INTERNAL_SERVER_ERROR));
            } else {
                sendGzip(exchange, e, etag, packed);
            }
        });
    }

    private static void sendGzip(HttpExchange exchange, FileEntry e, String etag, ByteBuffer packed) {
        FullHttpResponse r = HttpExchange.full(HttpResponseStatus.OK, FileEntry.view(packed), e.type());
        r.headers().set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
        validators(r.headers(), e, etag, true);
        exchange.send(r);
    }

    private static void describe(HttpHeaders h, FileEntry e, String etag, long[] range) {
        validators(h, e, etag, HttpFileCache.gzippable(e));
        h.set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
        if (range != null) {
            h.set(HttpHeaderNames.CONTENT_RANGE, "bytes " + range[0] + "-" + range[1] + "/" + e.size());
        }
    }

    private static void validators(HttpHeaders h, FileEntry e, String etag, boolean varies) {
        h.set(HttpHeaderNames.LAST_MODIFIED, e.lastModifiedText());
        h.set(HttpHeaderNames.ETAG, etag);
        if (varies) {
            h.set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
        }
    }
}
