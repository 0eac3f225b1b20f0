package dev.portd.cli;

import dev.portd.Portd;
import dev.portd.config.HostConfig;
import dev.portd.discovery.ClusterDiscovery;
import dev.portd.config.DiscoveryConfig;
import dev.portd.host.Host;
import dev.portd.service.ClusterAware;
import dev.portd.service.HostView.Listener;
import io.netty.util.NetUtil;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code portd serve}: binds every configured service and serves until SIGINT or SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Bind every service of the config and serve until SIGINT or SIGTERM; "
                + "then stop accepting, let open connections finish (host.grace) and exit 0.", ""},
        footer = {"", "Examples:",
                "  portd serve                                 every classic service on its well-known port (root)",
                "  portd serve --port-offset 10000             the same on 10007, 10009, ... as any user",
                "  portd serve -c my.toml --bind 127.0.0.1     another config, loopback only",
                "", "Exit codes: 0 stopped by a signal, 2 config or bind problem (each listed), 1 internal error."})
public final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    HostOptions options;

    @Override
    public Integer call() throws InterruptedException {
        HostConfig config = options.load();
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), signal -> {
                log.info("portd: SIG{} received, stopping", signal.getName());
                stop.countDown();
            });
        }
        try (Host host = Host.start(config);
             ClusterDiscovery cluster = joinCluster(config.discovery(), host)) {
            PrintWriter out = spec.commandLine().getOut();
            printListeners(host, out);
            out.println("serving " + host.listeners().size() + " listeners (transport " + host.transport()
                    + "); stop with Ctrl-C or SIGTERM");
            out.flush();
            stop.await();
        }   // the cluster closes first: this host's entries go before its listeners do
        return 0;
    }

    /** Publishes the host and hands the cluster's view to the services that answer for it; null without [discovery]. */
    static ClusterDiscovery joinCluster(DiscoveryConfig discovery, Host host) {
        if (discovery == null) {
            return null;
        }
        ClusterDiscovery cluster = ClusterDiscovery.start(discovery, host, Portd.VERSION);
        host.servicesOf(ClusterAware.class).forEach(s -> s.cluster(cluster));
        return cluster;
    }

    static void printListeners(Host host, PrintWriter out) {
        TextTable table = new TextTable("SERVICE", "KIND", "PROTO", "ADDRESS", "PORT");
        for (Listener l : host.listeners()) {
            table.row(l.service(), l.kind(), l.protocol().label(),
                    NetUtil.toAddressString(l.address().getAddress()), l.address().getPort());
        }
        table.print(out);
    }
}
