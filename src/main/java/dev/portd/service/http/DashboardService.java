package dev.portd.service.http;

import dev.portd.service.HostView;
import dev.portd.service.Mailbox;
import dev.portd.service.KindCheck;
import dev.portd.service.Option;
import dev.portd.service.Service;
import dev.portd.service.ServiceContext;
import dev.portd.service.ServiceOptions;
import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code dashboard} kind: the host live in a browser ({@code /}), as JSON
 * ({@code /api/services}, {@code /api/events}) and as Prometheus text ({@code /metrics}), with the
 * SMTP service's mail when one runs ({@code /api/messages}).
 */
public final class DashboardService implements Service {
    public static final List<Option<?>> OPTIONS = HttpSettings.OPTIONS;

    private final HttpSettings settings;
    private final HostView host;
    private final DashboardMetrics metrics = new DashboardMetrics();
    private final DashboardFeed feed;
    private final MailApi mail;
    private final DashboardRoute route;
    private final HttpAccessLog accessLog;
    private volatile String hostname = "";

    public DashboardService(ServiceContext ctx) {
        this.settings = HttpSettings.from(ctx.options());
        this.host = ctx.host();
        this.mail = new MailApi(() -> host.servicesOf(Mailbox.class), ctx.blocking());
        this.feed = new DashboardFeed(this::snapshot, ctx.blocking());
        this.route = new DashboardRoute(this::snapshot, () -> metrics.scrape(host), feed, mail, ctx.blocking());
        this.accessLog = HttpFileService.openAccessLog(settings, ctx.name());
    }

    /** The access log must be writable. */
    public static void check(ServiceOptions options, KindCheck.Problems problems) {
        HttpSettings.check(options, problems);
    }

    byte[] snapshot() {
        return DashboardSnapshot.bytes(DashboardSnapshot.of(host, hostname, mail.available()));
    }

    @Override
    public void initStream(Channel connection) {
        HttpFileService.addHttp(connection.pipeline(), settings, route, accessLog);
    }

    @Override
    public void started() {
        hostname = readHostname();
    }

    private static String readHostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).trim();
        } catch (IOException | RuntimeException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "" : env;
        }
    }

    @Override
    public void stopped() {
        feed.close();
        if (accessLog != null) {
            accessLog.close();
        }
    }
}
