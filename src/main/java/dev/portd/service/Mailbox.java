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

    /** One message opened: its headers in order, and its text and HTML bodies where it has them. */
    record Message(Summary summary, List<Map.Entry<String, String>> headers, Optional<String> text,
                   Optional<String> html) {
    }

    /** Every stored message, newest first. */
    List<Summary> messages();

    /** One message, parsed. */
    Optional<Message> message(String id);

    /** One message exactly as stored (RFC 5322 source, with the Received and Return-Path headers added). */
    Optional<byte[]> raw(String id);

    /** Deletes one message; false when there was none with that id. */
    boolean delete(String id);

    /** Deletes every message; returns how many. */
    int deleteAll();
}
