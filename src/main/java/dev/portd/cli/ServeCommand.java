package dev.portd.cli;

import dev.portd.Portd;
import dev.portd.config.HostConfig;
import dev.portd.discovery.ClusterDiscovery;
import dev.portd.config.DiscoveryConfig;
import dev.portd.service.ClusterAware;
import dev.portd.host.ControlSocket;
import dev.portd.host.Handover;
import dev.portd.host.Host;
import dev.portd.host.SystemdNotify;
import dev.portd.service.HostView.Listener;
import dev.portd.service.HostView.Reload;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
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
                "  portd serve -c my.toml --upgrade            take over the running portd's sockets, no connection lost",
                "", "SIGHUP (or portd reload) re-reads the config and applies it without closing a kept listener.",
                "Exit codes: 0 stopped by a signal or handed over, 2 config, bind or upgrade problem (each listed),"
                        + " 1 internal error."})
public final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    HostOptions options;

    @Option(names = "--upgrade",
            description = "Take over the listening sockets of the portd running on host.control_socket (no bind, "
                    + "no privilege needed for them), serve them, then let that one drain and exit.")
    boolean upgrade;

    /** How long a hand-over may take before the new process gives up (the old one serves on). */
    static final Duration HANDOVER_TIMEOUT = Duration.ofSeconds(30);

    @Override
    public Integer call() throws InterruptedException, IOException {
        HostConfig config = options.load();
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), signal -> {
                log.info("portd: SIG{} received, stopping", signal.getName());
                stop.countDown();
            });
        }
        Path controlPath = config.controlSocket().isEmpty() ? null : Path.of(config.controlSocket());
        Handover handover = upgrade ? receive(controlPath) : null;
        Host started;
        try {
            started = Host.start(config, Clock.systemDefaultZone(), handover);
            if (handover != null) {
                try {
                    handover.finish();
                } catch (IOException e) {
                    // this process serves the sockets already; the old one may have died meanwhile
                    log.warn("upgrade: the previous portd (pid {}) did not confirm that it drains: {}; "
                            + "it may still accept on the same sockets", handover.oldPid(), e.getMessage());
                }
            }
        } finally {
            if (handover != null) {
                handover.close();   // without finish(), the old portd serves on
            }
        }
        SystemdNotify notify = SystemdNotify.fromEnvironment();
        // the cluster closes before the host: this host's entries go before its listeners do
        try (Host host = started; ClusterDiscovery cluster = joinCluster(config.discovery(), host);
             ControlSocket control = openControl(controlPath, host, stop, notify)) {
            Signal.handle(new Signal("HUP"), signal -> {
                log.info("portd: SIGHUP received, reloading {}", host.config().source());
                reload(host, notify);
            });
            PrintWriter out = spec.commandLine().getOut();
            printListeners(host, out);
            if (handover != null) {
                out.println("took over " + host.listeners().size() + " listeners from pid " + handover.oldPid()
                        + ", which now drains");
            }
            out.println("serving " + host.listeners().size() + " listeners (transport " + host.transport()
                    + "); stop with Ctrl-C or SIGTERM, reload with SIGHUP" + (control == null ? ""
                    : " or portd reload"));
            out.flush();
            notify.ready("serving " + host.listeners().size() + " listeners");
            stop.await();
            notify.stopping();
        }
        return 0;
    }

    private Handover receive(Path controlPath) throws IOException {
        if (controlPath == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--upgrade: host.control_socket is \"\"; the running portd must have a control socket");
        }
        try {
            return Handover.receive(controlPath, HANDOVER_TIMEOUT);
        } catch (IOException e) {
            throw new UpgradeFailedException("serve --upgrade: " + controlPath + ": " + e.getMessage()
                    + "; the running portd (if any) serves on");
        }
    }

    /** Re-reads the config this serve was started with (its flags applied again) and reloads. */
    private Reload reload(Host host, SystemdNotify notify) {
        notify.reloading();
        Reload r = host.reload(options::load);
        notify.ready(r.summary());
        return r;
    }

    /** The control socket, or null (none configured, or it cannot be made: said in the log, serving goes on). */
    private ControlSocket openControl(Path path, Host host, CountDownLatch stop, SystemdNotify notify) {
        if (path == null) {
            return null;
        }
        try {
            return ControlSocket.open(path, host, new ControlSocket.Actions() {
                @Override
                public Reload reload() {
                    log.info("portd: reload asked on the control socket");
                    return ServeCommand.this.reload(host, notify);
                }

                @Override
                public void upgraded() {
                    host.stopListening();
                    stop.countDown();
                }
            });
        } catch (IOException e) {
            log.warn("control socket {}: {}; portd reload and serve --upgrade cannot reach this portd "
                    + "(SIGHUP still reloads)", path, e.getMessage());
            return null;
        }
    }

    /** A hand-over that did not happen; the running portd was left as it was. */
    public static final class UpgradeFailedException extends RuntimeException {
        UpgradeFailedException(String message) {
            super(message);
        }
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
