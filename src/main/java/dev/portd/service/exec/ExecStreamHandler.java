package dev.portd.service.exec;

import dev.portd.service.ConnectionIdle;
import dev.portd.service.HostEvent;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Hands one accepted TCP connection to a program (epoll transport). In order: the host has admitted
 * the connection; this handler takes the socket out of epoll at once ({@link EpollDetach}: portd
 * must never read a byte of it, not even one the client sent before it was accepted), takes the
 * host's idle timer out, duplicates the socket's fd and lets Netty deregister the channel; then,
 * off the event loop, the socket is put in blocking mode, posix_spawn gives the duplicate to the
 * program as fd 0 and 1 and portd closes the duplicate. Portd's own fd stays open, so the connection
 * still counts against {@code max_connections} and shows as open, until the program exits; then
 * portd closes its fd ({@code close}, never {@code shutdown}: the program may have passed the
 * socket on).
 *
 * <p>Idle: the kernel's TCP_INFO says how long ago data last moved either way; past
 * {@code idle_timeout} the connection is shut down and the program sent SIGTERM. Stop: the host's
 * STOPPING sends SIGTERM; when the host closes what is left after its grace period, SIGKILL.
 */
final class ExecStreamHandler extends ChannelInboundHandlerAdapter {
    private final ExecService service;
    private volatile ExecProcess process;
    private volatile boolean stopping;   // STOPPING may arrive while the program is being started
    private ScheduledFuture<?> idleCheck;

    ExecStreamHandler(ExecService service) {
        this.service = service;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        EpollDetach.now((EpollSocketChannel) ch);   // before the event loop can handle any event of this socket
        long idleMillis = 0;
        for (var entry : ch.pipeline()) {   // the host's idle timer: the program's bytes bypass portd from here on
            if (entry.getValue() instanceof ConnectionIdle idle) {
                idleMillis = idle.idleTimeoutMillis();
                idle.stopIdleTimer();
            }
        }
        LibC c = LibC.load();
        int fd = ((EpollSocketChannel) ch).fd().intValue();
        int copy = c.fcntl(fd, LibC.F_DUPFD_CLOEXEC, 3);
        if (copy < 0) {
            service.startFailed("cannot duplicate the socket: " + LibC.strerror(com.sun.jna.Native.getLastError()));
            ch.close();
            return;
        }
        InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
        InetSocketAddress local = (InetSocketAddress) ch.localAddress();
        long idleLimit = idleMillis;
        ch.closeFuture().addListener(f -> {
            ExecProcess p = process;
            if (p != null) {
                p.signal(LibC.SIGKILL);   // the host closed the connection: nothing may outlive it
            }
            if (!ch.isRegistered()) {
                // a channel out of epoll does not fire channelInactive on close; the host's limits need it
                ch.eventLoop().execute(() -> ch.pipeline().fireChannelInactive());
            }
        });
        ch.deregister().addListener(d -> service.blocking.execute(() -> start(ch, copy, remote, local, idleLimit)));
        ctx.fireChannelActive();
    }

    private void start(Channel ch, int copy, InetSocketAddress remote, InetSocketAddress local, long idleMillis) {
        LibC c = LibC.load();
        ExecProcess p;
        try {
            ExecProcess.makeBlocking(copy);   // out of epoll by now: portd does no more I/O on it
            p = ExecProcess.spawn(service.spec(ExecService.connectionEnv(remote, local)), copy,
                    line -> service.stderrLine(pidOf(), line));
        } catch (ExecProcess.SpawnException e) {
            service.startFailed(e.getMessage());
            ch.close();
            return;
        } finally {
            c.close(copy);
        }
        process = p;
        service.stats.started.increment();
        service.stats.running.incrementAndGet();
        if (!ch.isOpen()) {
            p.signal(LibC.SIGKILL);   // closed by the host while the program was starting
        } else if (stopping) {
            p.signal(LibC.SIGTERM);
        }
        p.exit().thenAccept(status -> {
            service.exited(p.pid(), remote, status);
            ch.close();
        });
        if (idleMillis > 0) {
            ch.eventLoop().execute(() -> watchIdle(ch, idleMillis));
        }
    }

    private int pidOf() {
        ExecProcess p = process;
        return p == null ? 0 : p.pid();
    }

    private void watchIdle(Channel ch, long idleMillis) {
        long every = Math.max(100, idleMillis / 4);
        idleCheck = ch.eventLoop().scheduleAtFixedRate(() -> {
            if (!ch.isOpen()) {
                idleCheck.cancel(false);
                return;
            }
            EpollTcpInfo info = ((EpollSocketChannel) ch).tcpInfo();
            if (Math.min(info.lastDataRecv(), info.lastDataSent()) >= idleMillis) {
                idleCheck.cancel(false);
                LibC.load().shutdown(((EpollSocketChannel) ch).fd().intValue(), LibC.SHUT_RDWR);
                ExecProcess p = process;
                p.signal(LibC.SIGTERM);
                ch.eventLoop().schedule(() -> p.signal(LibC.SIGKILL), service.killAfter.toMillis(), TimeUnit.MILLISECONDS);
            }
        }, every, every, TimeUnit.MILLISECONDS);
        ch.closeFuture().addListener(f -> idleCheck.cancel(false));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == HostEvent.STOPPING) {
            stopping = true;
            ExecProcess p = process;
            if (p != null) {
                p.signal(LibC.SIGTERM);
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);   // never: portd does not read a handed-over socket
    }
}
