package dev.portd.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The mail a service has accepted, as the dashboard and the JSON API show it. The SMTP service
 * offers it; the dashboard finds it through {@link HostView#servicesOf(Class)}.
 */
public interface Mailbox {

    /** One stored message, as listed. */
    record Summary(String id, String from, List<String> to, String subject, Instant received, long sizeBytes) {
    }

    /**
     * One message opened: its headers in order, its text and HTML bodies where it has them, and its
     * attachments in the order they appear (an attachment's index in this list names it).
     */
    record Message(Summary summary, List<Map.Entry<String, String>> headers, Optional<String> text,
                   Optional<String> html, List<Attachment> attachments) {
    }

    /**
     * A part of a message that is not its text or HTML body: the file name its sender gave (may be
     * empty), its MIME type ({@code application/pdf}) and its decoded size.
     */
    record Attachment(String name, String type, long sizeBytes) {
    }

    /** An attachment and its decoded bytes. */
    record AttachmentContent(Attachment attachment, byte[] bytes) {
    }

    /** Every stored message, newest first. */
    List<Summary> messages();

    /** One message, parsed. */
    Optional<Message> message(String id);

    /** One message exactly as stored (RFC 5322 source, with the Received and Return-Path headers added). */
    Optional<byte[]> raw(String id);

    /** The {@code index}-th attachment of one message (as listed in {@link Message#attachments()}), decoded. */
    Optional<AttachmentContent> attachment(String id, int index);

    /** Deletes one message; false when there was none with that id. */
    boolean delete(String id);

    /** Deletes every message; returns how many. */
    int deleteAll();
}
