package dev.portd.service.http;

import dev.portd.service.Mailbox;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An in-memory mailbox standing in for the SMTP service's. */
final class FakeMailbox implements Mailbox {
    private final Map<String, Message> messages = new LinkedHashMap<>();
    private final Map<String, List<byte[]>> files = new LinkedHashMap<>();

    FakeMailbox add(String id, String subject, String text, String html) {
        return add(id, subject, text, html, Map.of());
    }

    /** A message with attachments: name to content, all of type application/octet-stream. */
    FakeMailbox add(String id, String subject, String text, String html, Map<String, byte[]> attached) {
        Summary s = new Summary(id, "alice@example.org", List.of("bob@example.org"), subject,
                Instant.parse("2026-11-29T05:00:00Z"), 321);
        List<Attachment> attachments = new ArrayList<>();
        attached.forEach((name, bytes) -> attachments.add(new Attachment(name, "application/octet-stream", bytes.length)));
        messages.put(id, new Message(s, List.of(Map.entry("From", "alice@example.org"), Map.entry("Subject", subject)),
                Optional.ofNullable(text), Optional.ofNullable(html), attachments));
        files.put(id, List.copyOf(attached.values()));
        return this;
    }

    @Override
    public synchronized List<Summary> messages() {
        List<Summary> list = new ArrayList<>();
        messages.values().forEach(m -> list.add(0, m.summary()));
        return list;
    }

    @Override
    public synchronized Optional<Message> message(String id) {
        return Optional.ofNullable(messages.get(id));
    }

    @Override
    public synchronized Optional<byte[]> raw(String id) {
        return message(id).map(m -> ("Subject: " + m.summary().subject() + "\r\n\r\n" + m.text().orElse(""))
                .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public synchronized Optional<AttachmentContent> attachment(String id, int index) {
        Message m = messages.get(id);
        if (m == null || index >= m.attachments().size()) {
            return Optional.empty();
        }
        return Optional.of(new AttachmentContent(m.attachments().get(index), files.get(id).get(index)));
    }

    @Override
    public synchronized boolean delete(String id) {
        return messages.remove(id) != null;
    }

    @Override
    public synchronized int deleteAll() {
        int n = messages.size();
        messages.clear();
        return n;
    }
}
