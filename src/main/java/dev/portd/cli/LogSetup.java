package dev.portd.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * portd's logging, set up in code rather than from a logback.xml: one line per event on stderr,
 * {@code 2026-12-02T14:02:50.256Z WARN  message}. Reading an XML file means logback's Joran and
 * the JDK's SAX parser, about 600 classes (4 MiB of metaspace, a tenth of a second at every start of
 * every command) for six lines of settings.
 *
 * <p>A {@code logback.configurationFile} property or a {@code logback-test.xml} on the class path
 * (the tests') still wins: then this steps aside and logback reads that file as usual.
 * {@code -Dportd.log.level=DEBUG} sets portd's own level (default INFO).
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LineEncoder encoder = new LineEncoder();
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        context.getLogger("io.netty").setLevel(Level.WARN);
        // in a network namespace with only lo, Netty warns once that it found no MAC address for its ids
        context.getLogger("io.netty.util.internal.MacAddressUtil").setLevel(Level.ERROR);
        context.getLogger("io.netty.channel.DefaultChannelId").setLevel(Level.ERROR);
        // ZooKeeper's client logs each refused reconnect with a stack trace, Curator each retry it gives
        // up; portd says what matters once (discovery: waiting / lost / reconnected)
        context.getLogger("org.apache.zookeeper").setLevel(Level.ERROR);
        context.getLogger("org.apache.curator").setLevel(Level.ERROR);
        // its re-registration after a reconnect fails with a stack trace when the connection drops
        // again; it retries at the next reconnect, and portd logs each connection state itself
        context.getLogger("org.apache.curator.x.discovery.details.ServiceDiscoveryImpl").setLevel(Level.OFF);
        context.getLogger("dev.portd").setLevel(Level.toLevel(System.getProperty("portd.log.level"), Level.INFO));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** {@code time level message}, then the stack trace if the event has one. */
    static final class LineEncoder extends EncoderBase<ILoggingEvent> {
        private static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneId.systemDefault());

        @Override
        public byte[] headerBytes() {
            return null;
        }

        @Override
        public byte[] encode(ILoggingEvent event) {
            StringBuilder line = new StringBuilder(128);
            TIME.formatTo(Instant.ofEpochMilli(event.getTimeStamp()), line);
            String level = event.getLevel().toString();
            line.append(' ').append(level).append(" ".repeat(Math.max(1, 6 - level.length())))
                    .append(event.getFormattedMessage()).append('\n');
            if (event.getThrowableProxy() != null) {
                line.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append('\n');
            }
            return line.toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] footerBytes() {
            return null;
        }
    }
}
