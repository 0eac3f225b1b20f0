package dev.portd.service.http;

import dev.portd.service.HostView;
import dev.portd.service.Mailbox;
import dev.portd.service.OptionException;
import dev.portd.service.Service;
import dev.portd.service.ServiceContext;
import io.netty.channel.Channel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@code dashboard} kind: the host live in a browser ({@code /}), as JSON
 * ({@code /api/services}, {@code /api/events}, {@code /api/history}) and as Prometheus text
 * ({@code /metrics}), with the SMTP service's mail when one runs ({@code /api/messages}).
 */
final class DashboardService implements Service {
    private final HttpSettings settings;
    private final HostView host;
    private final DashboardMetrics metrics = new DashboardMetrics();
    private final DashboardHistory history;
    private final DashboardPage page = new DashboardPage(HttpFileService.resource("dashboard.html"));
    /** One thread and one task a second for every dashboard: the sample only reads counters. */
    private ScheduledExecutorService sampler;
    private final DashboardFeed feed;
    private final MailApi mail;
    private final DashboardRoute route;
    private final HttpAccessLog accessLog;
    private volatile String hostname = "";

    DashboardService(ServiceContext ctx) {
        this.settings = HttpSettings.from(ctx.options());
        this.host = ctx.host();
        this.history = new DashboardHistory(ctx.clock(), host);
        this.mail = new MailApi(() -> host.servicesOf(Mailbox.class), ctx.blocking());
        this.feed = new DashboardFeed(this::snapshot, ctx.blocking());
        this.route = new DashboardRoute(new DashboardRoute.Views(this::page, this::snapshot,
                () -> DashboardSnapshot.bytes(history.json()), () -> metrics.scrape(host)), feed, mail, ctx.blocking());
        try {
            this.accessLog = HttpAccessLog.open(settings.accessLog(), ctx.name());
        } catch (IOException e) {
            throw new OptionException("access_log", "cannot open \"" + settings.accessLog() + "\": " + e.getMessage());
        }
    }

    /** The seconds each event carries: a subscriber that missed one (a slow tick) still gets it. */
    static final int RECENT_SECONDS = 5;

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
    public void started() {
        hostname = readHostname();
        history.sample();
        sampler = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("portd-dashboard-history", true));
        sampler.scheduleAtFixedRate(history::sample, 1, 1, TimeUnit.SECONDS);
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
