package dev.portd.service.http;

import dev.portd.service.ClusterAware;
import dev.portd.service.ClusterView;
import dev.portd.service.HostView;
import dev.portd.service.Mailbox;
import dev.portd.service.OptionException;
import dev.portd.service.Service;
import dev.portd.service.ServiceContext;
import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code dashboard} kind: the host live in a browser ({@code /}), as JSON
 * ({@code /api/services}, {@code /api/events}) and as Prometheus text ({@code /metrics}), with the
 * SMTP service's mail when one runs ({@code /api/messages}) and the cluster when discovery runs
 * ({@code /api/cluster}).
 */
final class DashboardService implements Service, ClusterAware {
    private final HttpSettings settings;
    private final HostView host;
    private final DashboardMetrics metrics = new DashboardMetrics();
    private final DashboardFeed feed;
    private final MailApi mail;
    private final ClusterApi cluster = new ClusterApi();
    private final DashboardRoute route;
    private final HttpAccessLog accessLog;
    private volatile String hostname = "";

    DashboardService(ServiceContext ctx) {
        this.settings = HttpSettings.from(ctx.options());
        this.host = ctx.host();
        this.mail = new MailApi(() -> host.servicesOf(Mailbox.class), ctx.blocking());
        this.feed = new DashboardFeed(this::snapshot, ctx.blocking());
        this.route = new DashboardRoute(this::snapshot, () -> metrics.scrape(host), feed, mail, cluster, ctx.blocking());
        try {
            this.accessLog = HttpAccessLog.open(settings.accessLog(), ctx.name());
        } catch (IOException e) {
            throw new OptionException("access_log", "cannot open \"" + settings.accessLog() + "\": " + e.getMessage());
        }
    }

    byte[] snapshot() {
        return DashboardSnapshot.bytes(DashboardSnapshot.of(host, hostname, mail.available()));
    }

    @Override
    public void initStream(Channel connection) {
        HttpFileService.addHttp(connection.pipeline(), settings, route, accessLog);
    }

    @Override
    public void cluster(ClusterView view) {
        cluster.view(view);
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
