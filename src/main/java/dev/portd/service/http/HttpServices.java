package dev.portd.service.http;

import static dev.portd.service.ServiceKind.TCP;

import dev.portd.service.OptionSpec;
import dev.portd.service.OptionSpec.Type;
import dev.portd.service.ServiceKind;
import java.util.ArrayList;
import java.util.List;

/** The rows of the HTTP kinds, the static file server and the dashboard, for {@code ServiceKinds}. */
public final class HttpServices {
    private HttpServices() {
    }

    /** The request limits and timeouts both kinds take. */
    static final List<OptionSpec> LIMIT_OPTIONS = List.of(
            new OptionSpec("max_line_bytes", Type.INTEGER, "longest request line; longer gets 414 (default 8192)"),
            new OptionSpec("max_header_bytes", Type.INTEGER, "all header lines together; more gets 431 (default 16384)"),
            new OptionSpec("max_headers", Type.INTEGER, "header fields per request; more gets 431 (default 100)"),
            new OptionSpec("max_body_bytes", Type.INTEGER, "request body, read and thrown away; more gets 413 (default 1048576)"),
            new OptionSpec("keepalive_timeout", Type.DURATION, "an idle kept-alive connection is closed after this (default \"60s\")"),
            new OptionSpec("request_timeout", Type.DURATION, "a request must arrive whole this long after its first byte, else 408 and close (default \"10s\")"),
            new OptionSpec("access_log", Type.STRING, "combined-format access log: a file path or \"stdout\"; default: none"));

    public static final List<ServiceKind> KINDS = List.of(
            new ServiceKind("http", 80, TCP, with(LIMIT_OPTIONS,
                    new OptionSpec("root", Type.PATH, "directory served (default \"public\"; a built-in welcome page while it does not exist)"),
                    new OptionSpec("listing", Type.BOOLEAN, "list a directory that has no index.html (default true)"),
                    new OptionSpec("gzip", Type.BOOLEAN, "gzip text, JSON, JS, SVG... for clients that accept it (default true)")),
                    HttpFileService::new, "HTTP/1.1 static files with ranges, ETags and zero-copy sends"),
            new ServiceKind("dashboard", 8111, TCP, LIMIT_OPTIONS,
                    DashboardService::new, "the host live in a browser, as JSON and as Prometheus /metrics"));

    private static List<OptionSpec> with(List<OptionSpec> common, OptionSpec... own) {
        List<OptionSpec> all = new ArrayList<>(List.of(own));
        all.addAll(common);
        return all;
    }
}
