package dev.portd.service.http;

import dev.portd.service.Mailbox;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * {@code /api/messages}: the mail of the host's SMTP service, through the {@link Mailbox} it offers.
 * <pre>
 * GET    /api/messages            the list, newest first
 * DELETE /api/messages            deletes every message
 * GET    /api/messages/ID         one message: summary, headers, text and HTML bodies
 * GET    /api/messages/ID/html    the HTML body alone, sandboxed: no scripts, no forms, no plugins
 * GET    /api/messages/ID/raw     the message as stored, as a download
 * DELETE /api/messages/ID         deletes one
 * </pre>
 * A mailbox reads files, so every call runs on the blocking executor.
 */
final class MailApi {
    static final String PREFIX = "/api/messages";
    /**
     * What a mail's HTML may do when shown: nothing but draw itself with inline styles and data:
     * images. "sandbox" without allow-scripts stops scripts even when the page is opened directly;
     * default-src 'none' stops remote images, which would tell the sender the mail was read.
     */
    static final String HTML_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";

    private final Supplier<List<Mailbox>> mailboxes;
    private final Executor blocking;

    MailApi(Supplier<List<Mailbox>> mailboxes, Executor blocking) {
        this.mailboxes = mailboxes;
        this.blocking = blocking;
    }

    boolean available() {
        return !mailboxes.get().isEmpty();
    }

    void handle(HttpExchange exchange, String path) {
        List<Mailbox> boxes = mailboxes.get();
        if (boxes.isEmpty()) {
            exchange.send(DashboardRoute.json(HttpResponseStatus.NOT_FOUND, Map.of("error", "no mail service is running")));
            return;
        }
        Mailbox box = boxes.get(0);
        HttpMethod method = exchange.request().method();
        String rest = path.substring(PREFIX.length());
        if (rest.isEmpty() || rest.equals("/")) {
            if (method.equals(HttpMethod.DELETE)) {
                call(exchange, () -> DashboardRoute.json(HttpResponseStatus.OK, Map.of("deleted", box.deleteAll())));
            } else if (reading(method)) {
                call(exchange, () -> DashboardRoute.json(HttpResponseStatus.OK, list(box)));
            } else {
                exchange.send(DashboardRoute.notAllowed("GET, HEAD, DELETE"));
            }
            return;
        }
        String[] parts = rest.substring(1).split("/", -1);
        String id;
        try {
            id = HttpTarget.decode(parts[0]);
        } catch (HttpTarget.Refused e) {
            exchange.send(HttpExchange.error(HttpResponseStatus.BAD_REQUEST));
            return;
        }
        String view = parts.length == 1 ? "" : parts[1];
        if (parts.length > 2 || id.isEmpty()) {
            exchange.send(HttpExchange.error(HttpResponseStatus.NOT_FOUND));
        } else if (view.isEmpty() && method.equals(HttpMethod.DELETE)) {
            call(exchange, () -> box.delete(id) ? DashboardRoute.json(HttpResponseStatus.OK, Map.of("deleted", 1))
                    : missing());
        } else if (!reading(method)) {
            exchange.send(DashboardRoute.notAllowed(view.isEmpty() ? "GET, HEAD, DELETE" : "GET, HEAD"));
        } else if (view.isEmpty()) {
            call(exchange, () -> box.message(id).map(m -> DashboardRoute.json(HttpResponseStatus.OK, message(m)))
                    .orElseGet(MailApi::missing));
        } else if (view.equals("html")) {
            call(exchange, () -> box.message(id).map(MailApi::html).orElseGet(MailApi::missing));
        } else if (view.equals("raw")) {
            call(exchange, () -> box.raw(id).map(raw -> raw(id, raw)).orElseGet(MailApi::missing));
        } else {
            exchange.send(HttpExchange.error(HttpResponseStatus.NOT_FOUND));
        }
    }

    private static boolean reading(HttpMethod m) {
        return m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD);
    }

    private void call(HttpExchange exchange, java.util.concurrent.Callable<FullHttpResponse> work) {
        exchange.blocking(blocking, work, (response, failure) -> exchange.send(failure == null ? response
                : DashboardRoute.json(HttpResponseStatus.INTERNAL_SERVER_ERROR, Map.of("error", String.valueOf(failure.getMessage())))));
    }

    private static FullHttpResponse missing() {
        return DashboardRoute.json(HttpResponseStatus.NOT_FOUND, Map.of("error", "no such message"));
    }

    private static Map<String, Object> summary(Mailbox.Summary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("from", s.from());
        m.put("to", s.to());
        m.put("subject", s.subject());
        m.put("received", s.received() == null ? null : s.received().toString());
        m.put("sizeBytes", s.sizeBytes());
        return m;
    }

    private static Map<String, Object> list(Mailbox box) {
        List<Object> items = new ArrayList<>();
        for (Mailbox.Summary s : box.messages()) {
            items.add(summary(s));
        }
        return Map.of("messages", items);
    }

    private static Map<String, Object> message(Mailbox.Message m) {
        Map<String, Object> out = summary(m.summary());
        List<Object> headers = new ArrayList<>();
        for (Map.Entry<String, String> h : m.headers()) {
            headers.add(List.of(h.getKey(), h.getValue()));
        }
        out.put("headers", headers);
        out.put("text", m.text().orElse(null));
        out.put("hasHtml", m.html().isPresent());
        return out;
    }

    private static FullHttpResponse html(Mailbox.Message m) {
        Optional<String> html = m.html();
        if (html.isEmpty()) {
            return DashboardRoute.json(HttpResponseStatus.NOT_FOUND, Map.of("error", "this message has no HTML body"));
        }
        FullHttpResponse r = HttpExchange.full(HttpResponseStatus.OK,
                Unpooled.copiedBuffer(html.get(), StandardCharsets.UTF_8), "text/html; charset=utf-8");
        r.headers().set(HttpHeaderNames.CONTENT_SECURITY_POLICY, HTML_POLICY)
                .set("X-Content-Type-Options", "nosniff")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("Referrer-Policy", "no-referrer");
        return r;
    }

    private static FullHttpResponse raw(String id, byte[] raw) {
        FullHttpResponse r = HttpExchange.full(HttpResponseStatus.OK, Unpooled.wrappedBuffer(raw), "message/rfc822");
        String file = id.replaceAll("[^A-Za-z0-9._-]", "_") + ".eml";
        r.headers().set(HttpHeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + file + "\"")
                .set("X-Content-Type-Options", "nosniff");
        return r;
    }
}
