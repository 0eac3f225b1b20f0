package dev.portd.service.exec;

import dev.portd.ports.Cidr;
import dev.portd.ports.Protocol;
import dev.portd.service.KindCheck;
import dev.portd.service.Option;
import dev.portd.service.Service;
import dev.portd.service.ServiceContext;
import dev.portd.service.ServiceFigures;
import dev.portd.service.ServiceOptions;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a program for each connection with the socket itself as its stdin and stdout (inetd's
 * {@code nowait}), or, over UDP, hands the socket to one program at a time ({@code wait}). On the
 * epoll transport the socket is handed over with posix_spawn ({@link ExecStreamHandler}); on the
 * others bytes are pumped through pipes ({@link ExecPipeHandler}), which the program sees as
 * pipes, not a socket. The environment follows UCSPI-TCP and xinetd: {@code PROTO},
 * {@code TCPREMOTEIP}, {@code TCPREMOTEPORT}, {@code TCPLOCALIP}, {@code TCPLOCALPORT},
 * {@code REMOTE_HOST}, and nothing of portd's own unless {@code pass_env} or {@code env} says so.
 */
public final class ExecService implements Service, ServiceFigures {
    private static final Logger log = LoggerFactory.getLogger(ExecService.class);
    public static final List<Option<?>> OPTIONS = ExecSettings.OPTIONS;

    final String name;
    final ServiceOptions options;
    final List<String> argv;
    final ExecProcess.Stderr stderr;
    final String cwd;
    final boolean wait;
    final Duration killAfter;
    final Executor blocking;
    final ExecStats stats = new ExecStats();
    private final List<ExecDatagramWaiter> waiters = new CopyOnWriteArrayList<>();
    private final AtomicBoolean pipesLogged = new AtomicBoolean();

    public ExecService(ServiceContext ctx) {
        this.name = ctx.name();
        this.options = ctx.options();
        this.argv = ExecSettings.argv(options);
        this.stderr = ExecProcess.Stderr.valueOf(options.get(ExecSettings.STDERR).toUpperCase(java.util.Locale.ROOT));
        this.cwd = options.get(ExecSettings.CWD).toString();
        this.wait = options.get(ExecSettings.WAIT);
        this.killAfter = options.get(ExecSettings.KILL_AFTER);
        this.blocking = ctx.blocking();
    }

    public static void check(ServiceOptions options, KindCheck.Problems problems) {
        ExecSettings.check(options, problems);
    }

    /** TCP with wait = false, UDP with wait = true: see {@link ExecSettings#rule}. */
    public static void rule(ServiceOptions options, Set<Protocol> protocols, KindCheck.Problems problems) {
        ExecSettings.rule(options, protocols, problems);
    }

    @Override
    public void started() {
        waiters.forEach(ExecDatagramWaiter::start);
    }

    @Override
    public void stopped() {
        waiters.forEach(ExecDatagramWaiter::stop);
    }

    @Override
    public void initStream(Channel connection) {
        connection.config().setAutoRead(false);   // the program reads the socket, never portd
        if (connection instanceof EpollSocketChannel) {
            connection.pipeline().addLast("exec", new ExecStreamHandler(this));
        } else {
            if (pipesLogged.compareAndSet(false, true)) {
                log.info("{}: transport {} cannot hand a socket to a program; pumping bytes through pipes instead "
                        + "(the program sees pipes, not a socket)", name, connection.getClass().getSimpleName());
            }
            connection.pipeline().addLast("exec", new ExecPipeHandler(this));
        }
    }

    @Override
    public void initDatagram(Channel socket) {
        socket.config().setAutoRead(false);   // the program reads the datagrams
        if (!(socket instanceof EpollDatagramChannel)) {
            throw new IllegalStateException(name + ": UDP exec needs the epoll transport (Linux)");
        }
        waiters.add(new ExecDatagramWaiter(this, (EpollDatagramChannel) socket));
    }

    /** The UCSPI-TCP / xinetd variables for one connection. */
    static Map<String, String> connectionEnv(InetSocketAddress remote, InetSocketAddress local) {
        Map<String, String> env = new LinkedHashMap<>();
        String remoteIp = NetUtil.toAddressString(Cidr.unmapped(remote.getAddress()));
        env.put("PROTO", "TCP");
        env.put("TCPREMOTEIP", remoteIp);
        env.put("TCPREMOTEPORT", Integer.toString(remote.getPort()));
        env.put("TCPLOCALIP", NetUtil.toAddressString(Cidr.unmapped(local.getAddress())));
        env.put("TCPLOCALPORT", Integer.toString(local.getPort()));
        env.put("REMOTE_HOST", remoteIp);
        return env;
    }

    ExecProcess.Spec spec(Map<String, String> connection) {
        return new ExecProcess.Spec(argv, ExecSettings.environment(options, connection), cwd, stderr);
    }

    void stderrLine(int pid, String line) {
        log.info("{}[{}]: {}", name, pid, line);
    }

    void startFailed(String why) {
        stats.execFailed.increment();
        log.warn("{}: {}", name, why);
    }

    void exited(int pid, Object client, ExitStatus status) {
        stats.ended(status);
        if (status.success()) {
            log.debug("{}[{}] for {}: {}", name, pid, client, status);
        } else {
            log.info("{}[{}] for {}: {}", name, pid, client, status);
        }
    }

    @Override
    public String serviceName() {
        return name;
    }

    @Override
    public Map<String, Long> figures() {
        return stats.figures();
    }
}
