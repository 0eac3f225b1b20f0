package dev.portd.service.smtp;

import dev.portd.service.KindCheck;
import dev.portd.service.Mailbox;
import dev.portd.service.Option;
import dev.portd.service.OptionException;
import dev.portd.service.Service;
import dev.portd.service.ServiceContext;
import dev.portd.service.ServiceOptions;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
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
public final class SmtpService implements Service, Mailbox {
    private static final Logger log = LoggerFactory.getLogger(SmtpService.class);

    static final Option<Path> MAILDIR = Option.path("maildir", Path.of("mail"),
            "the Maildir every accepted message is stored in: tmp/, new/, cur/");
    static final Option<Boolean> DURABLE = Option.bool("durable", true,
            "force each message to disk before the 250 reply");
    static final Option<String> HOSTNAME = Option.string("hostname", null,
            "the name in the greeting and Received headers").defaultText("this machine's name");
    /** 25 MiB: what large providers accept; RFC 5321 4.5.3.1.7 asks at least 64 KiB. */
    static final Option<Long> MAX_MESSAGE_BYTES = Option.size("max_message_bytes", 1, 1L << 40,
            25L << 20, "largest message accepted, announced as SIZE");
    /** RFC 5321 4.5.3.1.8: a server must accept at least 100 recipients. */
    static final Option<Integer> MAX_RECIPIENTS = Option.integer("max_recipients", 1, 1_000_000, 100,
            "recipients per message, then 452 4.5.3");
    /** Postfix's smtpd_hard_error_limit is 20 (soft 10); 10 errors is plenty for a real client. */
    static final Option<Integer> MAX_ERRORS = Option.integer("max_errors", 1, 1_000_000, 10,
            "protocol errors in a session before 421 and close");
    /** RFC 5321 4.5.3.2.7: the server timeout should be at least 5 minutes. */
    static final Option<Duration> TIMEOUT = Option.duration("timeout", Duration.ZERO, Duration.ofHours(24),
            Duration.ofMinutes(5), "a session silent this long gets 421 and is closed; 0: never");
    static final Option<List<String>> DOMAINS = Option.strings("domains",
            "accept recipients only in these domains, 550 5.7.1 for others").defaultText("every address");
    static final Option<Path> TLS_CERT = Option.path("tls_cert", null, "PEM certificate chain for STARTTLS")
            .defaultText("a self-signed one made at start");
    static final Option<Path> TLS_KEY = Option.path("tls_key", null, "PEM PKCS#8 private key of tls_cert");
    static final Option<Boolean> STARTTLS = Option.bool("starttls", true, "offer STARTTLS, RFC 3207");
    public static final List<Option<?>> OPTIONS = List.of(MAILDIR, DURABLE, HOSTNAME, MAX_MESSAGE_BYTES,
            MAX_RECIPIENTS, MAX_ERRORS, TIMEOUT, DOMAINS, TLS_CERT, TLS_KEY, STARTTLS);

    private final SmtpSettings settings;
    /** Writes the messages when durable = false; null when durable (they go to the host's pool). */
    private final ExecutorService writer;
    private final MaildirStore store;
    private final MaildirMailbox mailbox;
    private final Path maildir;

    public SmtpService(ServiceContext ctx) {
        ServiceOptions o = ctx.options();
        this.maildir = o.get(MAILDIR).toAbsolutePath().normalize();
        String hostname = o.find(HOSTNAME).orElseGet(SmtpService::machineName);
        this.settings = new SmtpSettings(hostname, o.get(MAX_MESSAGE_BYTES), o.get(MAX_RECIPIENTS),
                o.get(MAX_ERRORS), o.get(TIMEOUT), domains(o), o.get(STARTTLS) ? tls(o, hostname, ctx.blocking()) : null);
        boolean durable = o.get(DURABLE);
        // Without fsync a message costs the disk nothing, and one thread writes for every session:
        // it takes queued messages one after another without parking, where the host's pool of 16
        // wakes a different parked thread (a context switch) for every message. Durable messages go
        // to the pool: their forces run in parallel, so the journal commits them together.
        this.writer = durable ? null : Executors.newSingleThreadExecutor(new DefaultThreadFactory("portd-smtp-writer", true));
        try {
            this.store = new MaildirStore(maildir, durable, hostname, durable ? ctx.blocking() : writer, ctx.clock());
        } catch (IOException e) {   // the writer has no thread yet: nothing to stop
            throw new OptionException(MAILDIR.key(), "cannot write the Maildir " + maildir + " as user "
                    + System.getProperty("user.name") + ": " + describe(e)
                    + "; fix: give maildir a directory this user may write");
        }
        this.mailbox = new MaildirMailbox(maildir);
    }

    /**
     * What start would refuse, without changing anything: a Maildir (or the nearest directory above
     * it) this user may write, and a TLS certificate and key given together, readable and matching.
     */
    public static void check(ServiceOptions o, KindCheck.Problems problems) {
        Path dir = o.get(MAILDIR).toAbsolutePath().normalize();
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            problems.add(MAILDIR, existing + " is not a directory; give maildir a directory");
        } else if (existing != null) {
            // what start will do, undone at once: make a directory where the Maildir (or its tmp/) goes
            Path in = existing.equals(dir) && Files.isDirectory(dir.resolve("tmp")) ? dir.resolve("tmp") : existing;
            try {
                Files.delete(Files.createTempDirectory(in, ".portd-check-"));
            } catch (IOException | RuntimeException e) {
                problems.add(MAILDIR, "cannot write " + in + " as user " + System.getProperty("user.name") + ": "
                        + describe(e instanceof IOException io ? io : new IOException(e)) + "; fix: give maildir "
                        + "a directory this user may write");
            }
        }
        if (o.find(TLS_CERT).isPresent() != o.find(TLS_KEY).isPresent()) {
            problems.add(o.find(TLS_CERT).isPresent() ? TLS_KEY : TLS_CERT,
                    "tls_cert and tls_key go together: give both or neither");
        } else if (o.find(TLS_CERT).isPresent() && o.get(STARTTLS)) {
            try {
                SslContextBuilder.forServer(o.get(TLS_CERT).toFile(), o.get(TLS_KEY).toFile()).build();
            } catch (IOException | IllegalArgumentException e) {
                problems.add(TLS_CERT, "cannot use " + o.get(TLS_CERT) + " with " + o.get(TLS_KEY) + ": "
                        + e.getMessage());
            }
        }
    }

    @Override
    public void initStream(Channel connection) {
        SmtpLineDecoder decoder = new SmtpLineDecoder();
        if (!settings.timeout().isZero()) {
            long ms = settings.timeout().toMillis();
            // silence is the client's (RFC 5321 4.5.3.2 times the client's commands): reader idleness,
            // which also spares every reply the promise and listener that write idleness puts on it
            connection.pipeline().addLast("smtp-idle", new IdleStateHandler(ms, 0, 0, TimeUnit.MILLISECONDS));
        }
        connection.pipeline().addLast("smtp-lines", decoder);
        connection.pipeline().addLast("smtp", new SmtpSession(settings, store, decoder));
    }

    @Override
    public void started() {
        log.info("smtp: storing mail in {}", maildir);
    }

    /** Every session has ended: the writer finishes what is queued (its clients got no 250 yet) and ends. */
    @Override
    public void stopped() {
        if (writer == null) {
            return;
        }
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("smtp: the Maildir writer is still writing after 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Set<String> domains(ServiceOptions o) {
        Set<String> domains = new HashSet<>();
        for (String d : o.get(DOMAINS)) {
            domains.add(d.trim().toLowerCase(Locale.ROOT));
        }
        return domains;
    }

    /**
     * The STARTTLS context. A configured certificate is loaded now (the kind's check has loaded it
     * once already). The self-signed one is made when the first client asks for STARTTLS, on the
     * blocking executor (making the key loads BouncyCastle and the JDK's TLS: about 20 MiB of
     * classes and heap a server nobody asks for TLS would carry, and 1.5 s of CPU); that client's
     * STARTTLS waits for it in {@link SmtpSession#startTls} without blocking its event loop.
     */
    private static Supplier<CompletableFuture<SslContext>> tls(ServiceOptions o, String hostname, Executor blocking) {
        Optional<Path> cert = o.find(TLS_CERT);
        if (cert.isEmpty()) {
            AtomicReference<CompletableFuture<SslContext>> made = new AtomicReference<>();
            return () -> {
                CompletableFuture<SslContext> f = made.get();
                if (f == null) {
                    CompletableFuture<SslContext> mine = new CompletableFuture<>();
                    f = made.compareAndExchange(null, mine);
                    if (f == null) {
                        f = mine;
                        blocking.execute(() -> {
                            try {
                                mine.complete(selfSigned(hostname));
                            } catch (RuntimeException e) {
                                mine.completeExceptionally(e);
                            }
                        });
                    }
                }
                return f;
            };
        }
        try {
            CompletableFuture<SslContext> loaded = CompletableFuture.completedFuture(SslContextBuilder.forServer(
                    cert.get().toFile(), o.get(TLS_KEY).toFile()).build());
            return () -> loaded;
        } catch (IOException | IllegalArgumentException e) {   // the files changed since the check
            throw new OptionException(TLS_CERT.key(), "cannot make a TLS context: " + e.getMessage());
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

    /** An I/O failure in a few words, without the temporary names a probe used. */
    private static String describe(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "cannot create files there";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
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
    public Optional<AttachmentContent> attachment(String id, int index) {
        return mailbox.attachment(id, index);
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
