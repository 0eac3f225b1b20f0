package dev.portd.service.http;

import dev.portd.service.ClusterAware;
import dev.portd.service.ClusterView;
import dev.portd.service.HostView;
import dev.portd.service.Mailbox;
import dev.portd.service.KindCheck;
import dev.portd.service.Option;
import dev.portd.service.Service;
import dev.portd.service.ServiceContext;
import dev.portd.service.ServiceOptions;
import io.netty.channel.Channel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code dashboard} kind: the host live in a browser ({@code /}), as JSON
 * ({@code /api/services}, {@code /api/events}, {@code /api/history}) and as Prometheus text
 * ({@code /metrics}), with the SMTP service's mail when one runs ({@code /api/messages}) and the
 * cluster when discovery runs ({@code /api/cluster}).
 */
public final class DashboardService implements Service, ClusterAware {
    public static final List<Option<?>> OPTIONS = HttpSettings.OPTIONS;
    /** The seconds of history each event carries: a page that missed an event (a slow tick) still gets them. */
    static final int RECENT_SECONDS = 5;
    private static final Logger log = LoggerFactory.getLogger(DashboardService.class);

    private final HttpSettings settings;
    private final HostView host;
    private final DashboardMetrics metrics = new DashboardMetrics();
    private final DashboardHistory history;
    private final DashboardPage page = new DashboardPage(HttpFileService.resource("dashboard.html"));
    /** Takes the history's sample once a second, on a daemon thread of its own, never an event loop. */
    private ScheduledExecutorService sampler;
    private final DashboardFeed feed;
    private final MailApi mail;
    private final ClusterApi cluster = new ClusterApi();
    private final DashboardRoute route;
    private final HttpAccessLog accessLog;
    private volatile String hostname = "";

    public DashboardService(ServiceContext ctx) {
        this.settings = HttpSettings.from(ctx.options());
        this.host = ctx.host();
        this.history = new DashboardHistory(ctx.clock(), host);
        this.mail = new MailApi(() -> host.servicesOf(Mailbox.class), ctx.blocking());
        this.feed = new DashboardFeed(this::snapshot, ctx.blocking());
        this.route = new DashboardRoute(new DashboardRoute.Views(this::page, this::snapshot,
                () -> DashboardSnapshot.bytes(history.json()), () -> metrics.scrape(host)), feed, mail, cluster, ctx.blocking());
        this.accessLog = HttpFileService.openAccessLog(settings, ctx.name());
    }

    /** The access log must be writable. */
    public static void check(ServiceOptions options, KindCheck.Problems problems) {
        HttpSettings.check(options, problems);
    }

    private DashboardSnapshot.Json current() {
        return DashboardSnapshot.of(host, hostname, mail.available(), history.json(RECENT_SECONDS));
    }

    byte[] snapshot() {
        return DashboardSnapshot.bytes(current());
    }

    byte[] page() {
        return page.render(current(), history.json());
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
        history.sample();
        sampler = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("portd-dashboard-history", true));
        sampler.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    /** A failure here is a bug; caught so that it does not end the schedule silently. */
    private void sample() {
        try {
            history.sample();
        } catch (RuntimeException e) {
            log.error("dashboard: history sample failed", e);
        }
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
        if (sampler != null) {
            sampler.shutdownNow();
        }
        feed.close();
        if (accessLog != null) {
            accessLog.close();
        }
    }
}
