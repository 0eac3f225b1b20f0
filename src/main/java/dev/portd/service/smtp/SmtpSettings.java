package dev.portd.service.smtp;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One SMTP service's settings, from its options with their defaults (the defaults and their
 * reasons are in {@link SmtpService}).
 *
 * @param hostname        the name in the greeting, EHLO reply and Received headers
 * @param maxMessageBytes largest message, announced with SIZE (RFC 1870)
 * @param maxRecipients   recipients per message (RFC 5321 4.5.3.1.8 asks at least 100)
 * @param maxErrors       protocol errors in one session before 421 and close
 * @param timeout         silence after which a session gets 421 and is closed
 * @param domains         accepted recipient domains, lower case; empty: every address
 * @param tls             the STARTTLS context, made on the first call (a self-signed one on the
 *                        blocking executor, the first time a client asks); null when STARTTLS is off
 */
record SmtpSettings(String hostname, long maxMessageBytes, int maxRecipients, int maxErrors,
                    Duration timeout, Set<String> domains, Supplier<CompletableFuture<SslContext>> tls) {

    SmtpSettings {
        domains = Set.copyOf(domains);
    }

    /** Whether a recipient in that domain (lower case) is accepted. */
    boolean accepts(String domain) {
        return domains.isEmpty() || domains.contains(domain);
    }
}
