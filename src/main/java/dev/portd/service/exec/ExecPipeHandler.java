package dev.portd.service.exec;

import dev.portd.service.HostEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The fallback where the transport exposes no fd (NIO, io_uring): the program runs under
 * {@link ProcessBuilder} and bytes are pumped between the connection and its stdin/stdout, with
 * back-pressure both ways: portd stops reading the client while a write to stdin is under way, and
 * stops reading stdout while the client is not writable. A client half-close closes stdin; the end
 * of stdout half-closes to the client once every byte of it has been written; the connection closes
 * when stdout has ended and the program has exited, whichever comes last (the exit often comes
 * first: stdout may still hold the program's last bytes).
 */
final class ExecPipeHandler extends ChannelInboundHandlerAdapter {
    private static final ExecutorService PUMPS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "portd-exec-pump");
        t.setDaemon(true);
        return t;
    });
    private final ExecService service;
    private final Object writable = new Object();
    private Process process;
    private CompletableFuture<Void> toStdin = CompletableFuture.completedFuture(null);
    private boolean stdoutEnded;   // on the event loop
    private boolean exited;        // on the event loop

    ExecPipeHandler(ExecService service) {
        this.service = service;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        var env = ExecService.connectionEnv((InetSocketAddress) ch.remoteAddress(), (InetSocketAddress) ch.localAddress());
        ExecProcess.Spec spec = service.spec(env);
        service.blocking.execute(() -> start(ch, spec));
        ctx.fireChannelActive();
    }

    private void start(Channel ch, ExecProcess.Spec spec) {
        ProcessBuilder pb = new ProcessBuilder(spec.argv()).directory(new java.io.File(spec.cwd()));
        pb.environment().clear();
        for (String kv : spec.env()) {
            int eq = kv.indexOf('=');
            pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        switch (spec.stderr()) {
            case CLIENT -> pb.redirectErrorStream(true);
            case DISCARD -> pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            case LOG -> { }
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            service.startFailed("cannot start " + spec.argv().get(0) + ": " + e.getMessage());
            ch.close();
            return;
        }
        service.stats.started.increment();
        service.stats.running.incrementAndGet();
        ch.eventLoop().execute(() -> {
            process = p;
            if (!ch.isActive()) {
                p.destroyForcibly();
            }
            ch.config().setAutoRead(true);
        });
        if (spec.stderr() == ExecProcess.Stderr.LOG) {
            PUMPS.execute(() -> new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream()))
                    .lines().forEach(line -> service.stderrLine((int) p.pid(), line)));
        }
        PUMPS.execute(() -> pumpStdout(ch, p.getInputStream()));
        p.onExit().thenAccept(done -> {
            service.exited((int) p.pid(), ch.remoteAddress(), ExitStatus.ofJava(done.exitValue()));
            ch.eventLoop().execute(() -> {
                exited = true;
                closeWhenDone(ch);
            });
        });
    }

    /**
     * stdout to the client, a chunk at a time, waiting while the client is not writable; at its end,
     * {@link #endOutput}, queued on the event loop behind the chunks' writes.
     */
    private void pumpStdout(Channel ch, InputStream stdout) {
        byte[] buf = new byte[16 * 1024];
        try (stdout) {
            int n;
            while ((n = stdout.read(buf)) > 0) {
                ch.writeAndFlush(Unpooled.copiedBuffer(buf, 0, n));
                synchronized (writable) {
                    for (int i = 0; i < 600 && !ch.isWritable() && ch.isActive(); i++) {
                        writable.wait(100);
                    }
                }
            }
            ch.eventLoop().execute(() -> endOutput(ch));
        } catch (IOException | InterruptedException e) {
            ch.close();
        }
    }

    /**
     * Half-closes to the client once the writes before have gone out: a shutdownOutput with bytes
     * still queued in Netty would fail them, and the client would miss the end of the output.
     */
    private void endOutput(Channel ch) {
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (f.isSuccess()) {
                ((DuplexChannel) ch).shutdownOutput();
            }
            stdoutEnded = true;
            closeWhenDone(ch);
        });
    }

    private void closeWhenDone(Channel ch) {
        if (stdoutEnded && exited) {
            ch.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        synchronized (writable) {
            writable.notifyAll();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        Channel ch = ctx.channel();
        OutputStream stdin = process.getOutputStream();
        ch.config().setAutoRead(false);   // one write to stdin at a time
        toStdin = toStdin.thenRunAsync(() -> {
            try {
                stdin.write(bytes);
                stdin.flush();
            } catch (IOException e) {
                // the program stopped reading: what it does not read is dropped, as a socket would refuse it
            }
        }, PUMPS).whenComplete((v, e) -> ch.config().setAutoRead(true));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            OutputStream stdin = process.getOutputStream();
            toStdin = toStdin.thenRunAsync(() -> {
                try {
                    stdin.close();
                } catch (IOException e) {
                    // already closed by the program's exit
                }
            }, PUMPS);
            return;
        }
        if (evt instanceof ChannelInputShutdownReadComplete) {
            return;
        }
        if (evt == HostEvent.STOPPING && process != null) {
            process.destroy();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (process != null) {
            process.destroyForcibly();
        }
        ctx.fireChannelInactive();
    }
}
