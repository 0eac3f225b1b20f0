package dev.portd.service.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log in the combined format of Apache and nginx:
 * {@code 127.0.0.1 - - [29/Nov/2026:05:34:06 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/7.88.1"}.
 * Lines are formatted on the event loop and written by one thread of their own, so a slow disk
 * never stalls a connection; when it falls more than {@link #QUEUE} lines behind, lines are dropped
 * and counted.
 */
final class HttpAccessLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpAccessLog.class);
    static final int QUEUE = 65_536;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
    private static final String STOP = new String("stop");

    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(QUEUE);
    private final Writer out;
    private final Thread writer;
    private final LongAdder dropped = new LongAdder();

    private HttpAccessLog(Writer out, String name) {
        this.out = out;
        this.writer = new Thread(this::run, "portd-access-log-" + name);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Opens the log a service's {@code access_log} names: "stdout" or a file appended to; null for "". */
    static HttpAccessLog open(String target, String service) throws IOException {
        if (target.isEmpty()) {
            return null;
        }
        Writer w = target.equals("stdout")
                ? new OutputStreamWriter(System.out, StandardCharsets.UTF_8)
                : Files.newBufferedWriter(Path.of(target), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        return new HttpAccessLog(new BufferedWriter(w), service);
    }

    void log(Channel channel, HttpExchange exchange) {
        if (!lines.offer(line(channel, exchange, ZonedDateTime.now(ZoneId.systemDefault())))) {
            dropped.increment();
        }
    }

    static String line(Channel channel, HttpExchange exchange, ZonedDateTime when) {
        HttpRequest r = exchange.request();
        String peer = channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "-";
        return peer + " - - [" + TIME.format(when) + "] \"" + clean(r.method() + " " + r.uri() + " " + r.protocolVersion())
                + "\" " + exchange.status + " " + (exchange.bodyBytes == 0 ? "-" : Long.toString(exchange.bodyBytes))
                + " \"" + clean(r.headers().get(HttpHeaderNames.REFERER, "-")) + "\" \""
                + clean(r.headers().get(HttpHeaderNames.USER_AGENT, "-")) + "\"";
    }

    /** Escapes quotes, backslashes and control characters, so a request cannot forge a log line. */
    private static String clean(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private void run() {
        try {
            while (true) {
                String line = lines.take();
                if (line == STOP) {
                    break;
                }
                out.write(line);
                out.write('\n');
                if (lines.isEmpty()) {
                    out.flush();
                }
            }
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.warn("access log: cannot write: {}; access logging stops", e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            lines.put(STOP);
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (dropped.sum() > 0) {
            log.warn("access log: {} lines dropped because the log could not keep up", dropped);
        }
    }
}
