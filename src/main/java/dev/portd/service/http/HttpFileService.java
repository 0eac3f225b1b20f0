package dev.portd.service.http;

import dev.portd.service.KindCheck;
import dev.portd.service.Option;
import dev.portd.service.OptionException;
import dev.portd.service.Service;
import dev.portd.service.ServiceContext;
import dev.portd.service.ServiceOptions;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code http} kind: HTTP/1.1 static files from {@code root}, or a welcome page while it does not exist. */
public final class HttpFileService implements Service {
    private static final Logger log = LoggerFactory.getLogger(HttpFileService.class);
    static final Option<Path> ROOT = Option.path("root", Path.of("public"),
            "directory served; a built-in welcome page while it does not exist");
    static final Option<Boolean> LISTING = Option.bool("listing", true,
            "list a directory that has no index.html; false: 403");
    static final Option<Boolean> GZIP = Option.bool("gzip", true,
            "gzip text, JSON, JS, SVG, wasm for clients that accept it");
    public static final List<Option<?>> OPTIONS = with(HttpSettings.OPTIONS, ROOT, LISTING, GZIP);

    private final String name;
    private final HttpSettings settings;
    private final HttpFileCache files;
    private final HttpFileRoute route;
    private final HttpAccessLog accessLog;

    public HttpFileService(ServiceContext ctx) {
        this.name = ctx.name();
        this.settings = HttpSettings.from(ctx.options());
        this.files = new HttpFileCache(ctx.options().get(ROOT));
        this.route = new HttpFileRoute(files, ctx.blocking(), ctx.options().get(LISTING),
                ctx.options().get(GZIP), resource("welcome.html"));
        this.accessLog = openAccessLog(settings, name);
    }

    /** The root, when it exists, must be a directory; the access log must be writable. */
    public static void check(ServiceOptions options, KindCheck.Problems problems) {
        Path root = options.get(ROOT);
        if (Files.exists(root) && !Files.isDirectory(root)) {
            problems.add(ROOT, "is not a directory; give a directory to serve");
        }
        HttpSettings.check(options, problems);
    }

    static HttpAccessLog openAccessLog(HttpSettings settings, String service) {
        try {
            return HttpAccessLog.open(settings.accessLog(), service);
        } catch (IOException e) {   // the file changed since the config was checked
            throw new OptionException(HttpSettings.ACCESS_LOG.key(), "cannot open \"" + settings.accessLog() + "\": "
                    + e.getMessage());
        }
    }

    static List<Option<?>> with(List<Option<?>> common, Option<?>... own) {
        List<Option<?>> all = new ArrayList<>(List.of(own));
        all.addAll(common);
        return List.copyOf(all);
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
