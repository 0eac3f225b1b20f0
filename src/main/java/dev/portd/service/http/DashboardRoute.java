package dev.portd.service.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The dashboard's paths, one row each: the page and its assets (all served from the jar, uPlot from
 * its webjar, nothing from elsewhere), {@code /api/services}, {@code /api/events},
 * {@code /api/history}, {@code /metrics} and the mail API. Only a Host that is an IP address or
 * {@code localhost} is answered: a web page elsewhere cannot reach the dashboard by pointing a name
 * of its own at 127.0.0.1 (DNS rebinding).
 */
final class DashboardRoute implements HttpRoute {
    /** Prometheus text exposition format 0.0.4. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** The uPlot webjar's files; the version is pom.xml's (DashboardServiceTest fetches both). */
    static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    static final String HTML = "text/html; charset=utf-8";
    static final String CSS = "text/css; charset=utf-8";
    static final String JS = "text/javascript; charset=utf-8";

    /** What the dynamic paths return; each reads /proc or the history, so each runs on the blocking executor. */
    record Views(Supplier<byte[]> page, Supplier<byte[]> services, Supplier<byte[]> history, Supplier<String> metrics) {
    }

    private record Asset(byte[] bytes, String type) {
    }

    private final Map<String, Asset> assets = Map.of(
            "/dashboard.css", new Asset(HttpFileService.resource("dashboard.css"), CSS),
            "/dashboard.js", new Asset(HttpFileService.resource("dashboard.js"), JS),
            "/dashboard-format.js", new Asset(HttpFileService.resource("dashboard-format.js"), JS),
            "/dashboard-charts.js", new Asset(HttpFileService.resource("dashboard-charts.js"), JS),
            "/dashboard-mail.js", new Asset(HttpFileService.resource("dashboard-mail.js"), JS),
            "/cluster.js", new Asset(HttpFileService.resource("cluster.js"), JS),
            "/favicon.svg", new Asset(HttpFileService.resource("favicon.svg"), "image/svg+xml"),
            "/uplot.js", new Asset(webjar(UPLOT + "uPlot.iife.min.js"), JS),
            "/uplot.css", new Asset(webjar(UPLOT + "uPlot.min.css"), CSS));
    private final Map<String, HttpRoute> api;
    private final MailApi mail;
    private final ClusterApi cluster;

    DashboardRoute(Views views, DashboardFeed feed, MailApi mail, ClusterApi cluster, Executor blocking) {
        this.mail = mail;
        this.cluster = cluster;
        this.api = Map.of(
                "/", ex -> ex.blocking(blocking, views.page()::get,
                        (html, failure) -> ex.send(failure == null ? asset(html, HTML) : failed(failure))),
                "/api/services", ex -> ex.blocking(blocking, views.services()::get,
                        (json, failure) -> ex.send(failure == null ? jsonBytes(HttpResponseStatus.OK, json) : failed(failure))),
                "/api/history", ex -> ex.blocking(blocking, views.history()::get,
                        (json, failure) -> ex.send(failure == null ? jsonBytes(HttpResponseStatus.OK, json) : failed(failure))),
                "/api/events", feed::subscribe,
                "/metrics", ex -> ex.blocking(blocking, views.metrics()::get,
                        (text, failure) -> ex.send(failure == null ? text(text) : failed(failure))));
    }

    private static byte[] webjar(String path) {
        try (InputStream in = DashboardRoute.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + path + " (org.webjars.npm:uplot)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    /** A file of the page: no framing by others, no sniffing, scripts and styles from portd only. */
    private static FullHttpResponse asset(byte[] bytes, String type) {
        FullHttpResponse r = HttpExchange.full(HttpResponseStatus.OK, Unpooled.wrappedBuffer(bytes), type);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set("X-Content-Type-Options", "nosniff")
                .set(HttpHeaderNames.CONTENT_SECURITY_POLICY,
                        "default-src 'self'; frame-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        return r;
    }

    private static FullHttpResponse failed(Throwable failure) {
        return json(HttpResponseStatus.INTERNAL_SERVER_ERROR, Map.of("error", String.valueOf(failure)));
    }

    @Override
    public void handle(HttpExchange exchange) {
        if (!localHost(exchange.request().headers().get(HttpHeaderNames.HOST))) {
            exchange.send(HttpExchange.error(HttpResponseStatus.MISDIRECTED_REQUEST));
            return;
        }
        HttpTarget target;
        try {
            target = HttpTarget.parse(exchange.request().uri());
        } catch (HttpTarget.Refused e) {
            exchange.send(HttpExchange.error(HttpResponseStatus.valueOf(e.status)));
            return;
        }
        String raw = exchange.request().uri();
        int q = raw.indexOf('?');
        String path = q < 0 ? raw : raw.substring(0, q);
        HttpMethod method = exchange.request().method();
        if (path.equals(MailApi.PREFIX) || path.startsWith(MailApi.PREFIX + "/")) {
            mail.handle(exchange, path);
            return;
        }
        if (path.equals(ClusterApi.PATH)) {
            cluster.handle(exchange);
            return;
        }
        boolean reading = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
        Asset asset = assets.get(target.path());
        HttpRoute route = api.get(target.path());
        if (asset == null && route == null) {
            exchange.send(HttpExchange.error(HttpResponseStatus.NOT_FOUND));
        } else if (!reading) {
            exchange.send(notAllowed("GET, HEAD"));
        } else if (asset != null) {
            exchange.send(asset(asset.bytes(), asset.type()));
        } else {
            route.handle(exchange);
        }
    }

    /** An IP literal (with or without port, IPv6 in brackets) or localhost. */
    static boolean localHost(String host) {
        if (host == null) {
            return true;   // HTTP/1.0 without Host: nothing to rebind
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 && NetUtil.isValidIpV6Address(h.substring(1, end));
        }
        int colon = h.lastIndexOf(':');
        String name = colon < 0 ? h : h.substring(0, colon);
        return name.equals("localhost") || name.endsWith(".localhost") || NetUtil.isValidIpV4Address(name);
    }

    static FullHttpResponse notAllowed(String allow) {
        FullHttpResponse r = HttpExchange.error(HttpResponseStatus.METHOD_NOT_ALLOWED);
        r.headers().set(HttpHeaderNames.ALLOW, allow);
        return r;
    }

    static FullHttpResponse json(HttpResponseStatus status, Object value) {
        return jsonBytes(status, DashboardSnapshot.bytes(value));
    }

    static FullHttpResponse jsonBytes(HttpResponseStatus status, byte[] json) {
        FullHttpResponse r = HttpExchange.full(status, Unpooled.wrappedBuffer(json), "application/json");
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    private static FullHttpResponse text(String metrics) {
        return HttpExchange.full(HttpResponseStatus.OK, Unpooled.copiedBuffer(metrics, StandardCharsets.UTF_8), PROMETHEUS_TEXT);
    }
}
