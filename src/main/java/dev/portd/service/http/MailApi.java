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
 * GET    /api/messages/ID                 one message: summary, headers, text and HTML bodies, attachments
 * GET    /api/messages/ID/html            the HTML body alone, sandboxed: no scripts, no forms, no plugins
 * GET    /api/messages/ID/raw             the message as stored, as a download
 * GET    /api/messages/ID/attachments/N   the N-th attachment (from 0), decoded, as a download
 * DELETE /api/messages/ID                 deletes one
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

    /** Longest file name offered for a download; a longer one is cut, keeping its extension. */
    static final int MAX_NAME = 120;

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
        if (parts.length == 3 && view.equals("attachments")) {
            attachment(exchange, box, id, parts[2]);
        } else if (parts.length > 2 || id.isEmpty()) {
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

    private void attachment(HttpExchange exchange, Mailbox box, String id, String n) {
        if (!reading(exchange.request().method())) {
            exchange.send(DashboardRoute.notAllowed("GET, HEAD"));
        } else if (!n.matches("\\d{1,4}") || id.isEmpty()) {
            exchange.send(HttpExchange.error(HttpResponseStatus.NOT_FOUND));
        } else {
            int index = Integer.parseInt(n);
            call(exchange, () -> box.attachment(id, index).map(a -> download(a, index)).orElseGet(() ->
                    DashboardRoute.json(HttpResponseStatus.NOT_FOUND, Map.of("error", "no such message or attachment"))));
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
        out.put("attachments", m.attachments());
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
        r.headers().set(HttpHeaderNames.CONTENT_DISPOSITION, disposition(id + ".eml", "message.eml"))
                .set("X-Content-Type-Options", "nosniff");
        return r;
    }

    /**
     * An attachment goes out as bytes to save, whatever type its sender declared: a text/html
     * attachment shown by the browser would run in the dashboard's origin.
     */
    private static FullHttpResponse download(Mailbox.AttachmentContent a, int index) {
        FullHttpResponse r = HttpExchange.full(HttpResponseStatus.OK, Unpooled.wrappedBuffer(a.bytes()),
                "application/octet-stream");
        r.headers().set(HttpHeaderNames.CONTENT_DISPOSITION, disposition(a.attachment().name(), "attachment-" + (index + 1)))
                .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'")
                .set("X-Content-Type-Options", "nosniff")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    /**
     * {@code Content-Disposition: attachment} (RFC 6266) with a name safe to save: no directory
     * part, no control or bidi-format characters ("txt.exe" shown reversed), no leading dot; {@code filename} is its ASCII form for old
     * clients and {@code filename*} (RFC 8187) the UTF-8 one.
     */
    static String disposition(String name, String fallback) {
        String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1)
                .replaceAll("[\\p{Cc}\\p{Cf}]", "").strip().replaceFirst("^\\.+", "");
        if (base.isEmpty()) {
            base = fallback;
        }
        if (base.codePointCount(0, base.length()) > MAX_NAME) {
            int dot = base.lastIndexOf('.');
            String ext = dot > 0 && base.length() - dot <= 10 ? base.substring(dot) : "";
            base = base.substring(0, base.offsetByCodePoints(0, MAX_NAME - ext.length())) + ext;
        }
        String ascii = base.replaceAll("[^\\x20-\\x7e]|[\"\\\\%]", "_");
        StringBuilder utf8 = new StringBuilder();
        for (byte b : base.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0)) {
                utf8.append(c);
            } else {
                utf8.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + utf8;
    }
}
