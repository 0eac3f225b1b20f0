package dev.portd.service.smtp;

import dev.portd.service.Mailbox;
import dev.portd.service.OptionException;
import dev.portd.service.Service;
import dev.portd.service.ServiceContext;
import dev.portd.service.ServiceOptions;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP receiver (RFC 5321): accepts mail for any address (or the configured domains), never
 * relays, and stores each accepted message durably in a Maildir before saying 250. It is also the
 * {@link Mailbox} the dashboard reads.
 *
 * <p>Pipeline per connection: idle timer (421 on silence) -> line framing with limits
 * ({@link SmtpLineDecoder}) -> the session ({@link SmtpSession}); STARTTLS puts an SslHandler in
 * front of the framing.
 */
final class SmtpService implements Service, Mailbox {
    private static final Logger log = LoggerFactory.getLogger(SmtpService.class);
    /** 25 MiB: what large providers accept; RFC 5321 4.5.3.1.7 asks at least 64 KiB. */
    static final long DEFAULT_MAX_MESSAGE_BYTES = 25L * 1024 * 1024;
    /** RFC 5321 4.5.3.1.8: a server must accept at least 100 recipients. */
    static final int DEFAULT_MAX_RECIPIENTS = 100;
    /** Postfix's smtpd_hard_error_limit is 20 (soft 10); 10 errors is plenty for a real client. */
    static final int DEFAULT_MAX_ERRORS = 10;
    /** RFC 5321 4.5.3.2.7: the server timeout should be at least 5 minutes. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    private final SmtpSettings settings;
    private final MaildirStore store;
    private final MaildirMailbox mailbox;
    private final Path maildir;

    SmtpService(ServiceContext ctx) {
        ServiceOptions o = ctx.options();
        this.maildir = o.path("maildir").orElse(Path.of("mail")).toAbsolutePath().normalize();
        String hostname = o.string("hostname").orElseGet(SmtpService::machineName);
        this.settings = new SmtpSettings(hostname,
                positive(o, "max_message_bytes", DEFAULT_MAX_MESSAGE_BYTES),
                (int) Math.min(Integer.MAX_VALUE, positive(o, "max_recipients", DEFAULT_MAX_RECIPIENTS)),
                (int) Math.min(Integer.MAX_VALUE, positive(o, "max_errors", DEFAULT_MAX_ERRORS)),
                o.duration("timeout").orElse(DEFAULT_TIMEOUT),
                domains(o),
                o.bool("starttls").orElse(true) ? tls(o, hostname, ctx.blocking()) : null);
        try {
            this.store = new MaildirStore(maildir, o.bool("durable").orElse(true), hostname, ctx.blocking(), ctx.clock());
        } catch (IOException e) {
            throw new OptionException("maildir", "cannot use " + maildir + " as a Maildir: " + e);
        }
        this.mailbox = new MaildirMailbox(maildir);
    }

    @Override
    public void initStream(Channel connection) {
        SmtpLineDecoder decoder = new SmtpLineDecoder();
        if (!settings.timeout().isZero()) {
            long ms = settings.timeout().toMillis();
            connection.pipeline().addLast("smtp-idle", new IdleStateHandler(0, 0, ms, TimeUnit.MILLISECONDS));
        }
        connection.pipeline().addLast("smtp-lines", decoder);
        connection.pipeline().addLast("smtp", new SmtpSession(settings, store, decoder));
    }

    @Override
    public void started() {
        log.info("smtp: storing mail in {}", maildir);
    }

    private static long positive(ServiceOptions o, String key, long fallback) {
        long v = o.integer(key).orElse(fallback);
        if (v < 1) {
            throw new OptionException(key, "must be at least 1, got " + v);
        }
        return v;
    }

    private static Set<String> domains(ServiceOptions o) {
        Set<String> domains = new HashSet<>();
        for (String d : o.strings("domains").orElse(List.of())) {
            domains.add(d.trim().toLowerCase(Locale.ROOT));
        }
        return domains;
    }

    /**
     * The STARTTLS context. A configured certificate is loaded now (a bad file is a config error);
     * the self-signed one is made on the blocking executor, off the start path (making the key and
     * loading BouncyCastle took about 1.5 s of every start): a STARTTLS that comes before it is ready
     * waits for it in {@link SmtpSession#startTls}, without blocking its event loop.
     */
    private static CompletableFuture<SslContext> tls(ServiceOptions o, String hostname, Executor blocking) {
        Optional<Path> cert = o.path("tls_cert");
        Optional<Path> key = o.path("tls_key");
        if (cert.isPresent() != key.isPresent()) {
            throw new OptionException(cert.isPresent() ? "tls_key" : "tls_cert", "tls_cert and tls_key go together: give both or neither");
        }
        if (cert.isEmpty()) {
            return CompletableFuture.supplyAsync(() -> selfSigned(hostname), blocking);
        }
        for (Path p : List.of(cert.get(), key.get())) {
            if (!Files.isReadable(p)) {
                throw new OptionException(p == cert.get() ? "tls_cert" : "tls_key", "cannot read " + p);
            }
        }
        try {
            return CompletableFuture.completedFuture(SslContextBuilder.forServer(cert.get().toFile(), key.get().toFile()).build());
        } catch (IOException | IllegalArgumentException e) {
            throw new OptionException("tls_cert", "cannot make a TLS context: " + e.getMessage());
        }
    }

    private static SslContext selfSigned(String hostname) {
        try {
            SmtpSelfSignedCertificate self = SmtpSelfSignedCertificate.make(hostname);
            log.info("smtp: STARTTLS with a self-signed certificate for {} (set tls_cert and tls_key for a real one)", hostname);
            return SslContextBuilder.forServer(self.key(), self.certificate()).build();
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("smtp: cannot make the self-signed STARTTLS certificate: " + e.getMessage(), e);
        }
    }

    /** This machine's name from the kernel, without a DNS lookup; "localhost" when unknown. */
    private static String machineName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            return name.isEmpty() ? "localhost" : name;
        } catch (IOException | RuntimeException e) {
            return "localhost";
        }
    }

    // ---- Mailbox, read from the same Maildir ----

    @Override
    public List<Summary> messages() {
        return mailbox.messages();
    }

    @Override
    public Optional<Message> message(String id) {
        return mailbox.message(id);
    }

    @Override
    public Optional<byte[]> raw(String id) {
        return mailbox.raw(id);
    }

    @Override
    public boolean delete(String id) {
        return mailbox.delete(id);
    }

    @Override
    public int deleteAll() {
        return mailbox.deleteAll();
    }
}
