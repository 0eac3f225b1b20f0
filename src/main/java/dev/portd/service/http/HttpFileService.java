package dev.portd.service.http;

import dev.portd.service.OptionException;
import dev.portd.service.Service;
import dev.portd.service.ServiceContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code http} kind: HTTP/1.1 static files from {@code root}, or a welcome page while it does not exist. */
final class HttpFileService implements Service {
    private static final Logger log = LoggerFactory.getLogger(HttpFileService.class);
    static final String DEFAULT_ROOT = "public";

    private final String name;
    private final HttpSettings settings;
    private final HttpFileCache files;
    private final HttpFileRoute route;
    private final HttpAccessLog accessLog;

    HttpFileService(ServiceContext ctx) {
        this.name = ctx.name();
        this.settings = HttpSettings.from(ctx.options());
        Path root = ctx.options().path("root").orElse(Path.of(DEFAULT_ROOT));
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new OptionException("root", "\"" + root + "\" is not a directory; give a directory to serve");
        }
        this.files = new HttpFileCache(root);
        this.route = new HttpFileRoute(files, ctx.blocking(), ctx.options().bool("listing").orElse(true),
                ctx.options().bool("gzip").orElse(true), resource("welcome.html"));
        try {
            this.accessLog = HttpAccessLog.open(settings.accessLog(), name);
        } catch (IOException e) {
            throw new OptionException("access_log", "cannot open \"" + settings.accessLog() + "\": " + e.getMessage());
        }
    }

    static byte[] resource(String file) {
        try (InputStream in = HttpFileService.class.getResourceAsStream("/dev/portd/http/" + file)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks /dev/portd/http/" + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /dev/portd/http/" + file, e);
        }
    }

    @Override
    public void initStream(Channel connection) {
        addHttp(connection.pipeline(), settings, route, accessLog);
    }

    /**
     * The HTTP pipeline both kinds use: clocks, the paced decoder with its limits, the encoder,
     * guard, then the route in order. Decoder and encoder are apart (not Netty's server codec) so
     * that decoding can wait on the answers.
     */
    static void addHttp(ChannelPipeline p, HttpSettings settings, HttpRoute route, HttpAccessLog accessLog) {
        HttpTimeoutHandler timeouts = new HttpTimeoutHandler(settings.keepAlive(), settings.requestTimeout());
        HttpPacedDecoder decoder = new HttpPacedDecoder(new HttpDecoderConfig()
                .setMaxInitialLineLength(settings.maxLineBytes())
                .setMaxHeaderSize(settings.maxHeaderBytes()));
        HttpServerEncoder encoder = new HttpServerEncoder();
        p.addLast("http-timeout", timeouts);
        p.addLast("http-decoder", decoder);
        p.addLast("http-encoder", encoder);
        p.addLast("http-guard", new HttpRequestGuard(settings, timeouts));
        p.addLast("http-exchange", new HttpExchangeHandler(route, timeouts, accessLog, decoder, encoder));
    }

    @Override
    public void started() {
        if (!files.rootExists()) {
            log.info("{}: root {} does not exist; serving the built-in welcome page at /", name, files.root());
        } else {
            log.info("{}: serving {}", name, files.root());
        }
    }

    @Override
    public void stopped() {
        if (accessLog != null) {
            accessLog.close();
        }
    }
}
