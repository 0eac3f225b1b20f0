package dev.portd.service.smtp;

import java.util.ArrayList;
import java.util.List;

/** The mail transaction from MAIL to the end of DATA (RFC 5321 3.3): the envelope being built. */
final class SmtpTransaction {
    private final String sender;
    private final boolean utf8;
    private final List<String> recipients = new ArrayList<>();
    private int refusedRecipients;

    SmtpTransaction(String sender, boolean utf8) {
        this.sender = sender;
        this.utf8 = utf8;
    }

    /** The reverse-path, empty for {@code <>}. */
    String sender() {
        return sender;
    }

    /** Whether MAIL carried SMTPUTF8 (RFC 6531). */
    boolean utf8() {
        return utf8;
    }

    List<String> recipients() {
        return recipients;
    }

    int refusedRecipients() {
        return refusedRecipients;
    }

    void refused() {
        refusedRecipients++;
    }
}
