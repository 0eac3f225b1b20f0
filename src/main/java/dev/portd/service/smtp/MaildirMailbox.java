package dev.portd.service.smtp;

import dev.portd.service.Mailbox;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Maildir read back as a {@link Mailbox}: messages in new/ and cur/, their id the file name.
 * Summaries come from the headers portd added (Return-Path and Delivered-To: the envelope) and the
 * Subject; bodies and attachments are parsed with Jakarta Mail. Callers run it off the event loops: it reads files.
 */
final class MaildirMailbox implements Mailbox {
    /** Dovecot-style names start with seconds and microseconds: {@code 1764393600.M123456P...}. */
    private static final Pattern STAMP = Pattern.compile("^(\\d+)\\.M(\\d+)P");
    /**
     * Header bytes are read as UTF-8 (RFC 6532: SMTPUTF8 mail carries raw UTF-8 in its headers; for
     * ASCII headers it changes nothing); RFC 2047 encoded words are decoded after.
     */
    private static final class Mail {   // made on first read: jakarta.mail is 2 MiB of classes a server that is never asked does not need
        static final Session SESSION = Session.getInstance(utf8Headers());
    }

    private final Path root;

    private static Properties utf8Headers() {
        Properties p = new Properties();
        p.setProperty("mail.mime.allowutf8", "true");
        return p;
    }

    MaildirMailbox(Path root) {
        this.root = root;
    }

    @Override
    public List<Summary> messages() {
        List<Summary> all = new ArrayList<>();
        for (Path file : files()) {
            try {
                all.add(summary(file));
            } catch (NoSuchFileException gone) {
                // deleted while listing
            } catch (IOException | MessagingException e) {
                throw new UncheckedIOException(new IOException(file + ": " + e.getMessage(), e));
            }
        }
        all.sort(Comparator.comparing(Summary::received).thenComparing(Summary::id).reversed());
        return all;
    }

    @Override
    public Optional<Message> message(String id) {
        return read(id, (file, mime) -> {
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            for (Enumeration<Header> e = mime.getAllHeaders(); e.hasMoreElements(); ) {
                Header h = e.nextElement();
                headers.add(new SimpleImmutableEntry<>(h.getName(), decode(h.getValue())));
            }
            Parts parts = new Parts();
            parts.collect(mime);
            List<Attachment> attachments = new ArrayList<>();
            for (Part p : parts.attachments) {
                attachments.add(new Attachment(name(p), type(p), size(p)));
            }
            return new Message(summary(file), headers, Optional.ofNullable(parts.text), Optional.ofNullable(parts.html),
                    List.copyOf(attachments));
        });
    }

    @Override
    public Optional<AttachmentContent> attachment(String id, int index) {
        return read(id, (file, mime) -> {
            Parts parts = new Parts();
            parts.collect(mime);
            if (index < 0 || index >= parts.attachments.size()) {
                return null;
            }
            Part p = parts.attachments.get(index);
            try (InputStream in = p.getInputStream()) {
                byte[] bytes = in.readAllBytes();
                return new AttachmentContent(new Attachment(name(p), type(p), bytes.length), bytes);
            }
        });
    }

    private interface MimeReader<T> {
        T read(Path file, MimeMessage mime) throws IOException, MessagingException;
    }

    /** Parses one stored message; empty when there is none with that id, or the reader found nothing. */
    private <T> Optional<T> read(String id, MimeReader<T> reader) {
        Optional<Path> file = find(id);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file.get()))) {
            return Optional.ofNullable(reader.read(file.get(), new MimeMessage(Mail.SESSION, in)));
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException | MessagingException e) {
            throw new UncheckedIOException(new IOException(id + ": " + e.getMessage(), e));
        }
    }

    /**
     * A message's parts, depth first: the first text/plain and text/html leaves that are not
     * attachments are its bodies; a leaf with a file name or an attachment disposition, or of any
     * other type (an inline image, a PDF), is an attachment.
     */
    private static final class Parts {
        String text;
        String html;
        final List<Part> attachments = new ArrayList<>();

        void collect(Part part) throws MessagingException, IOException {
            boolean attached = Part.ATTACHMENT.equalsIgnoreCase(disposition(part)) || !name(part).isEmpty();
            if (part.isMimeType("multipart/*")) {
                Multipart multi = (Multipart) part.getContent();
                for (int i = 0; i < multi.getCount(); i++) {
                    collect(multi.getBodyPart(i));
                }
            } else if (attached) {
                attachments.add(part);
            } else if (part.isMimeType("text/plain")) {
                text = text == null ? String.valueOf(part.getContent()) : text;
            } else if (part.isMimeType("text/html")) {
                html = html == null ? String.valueOf(part.getContent()) : html;
            } else if (part.isMimeType("message/rfc822") && part.getContent() instanceof Part inner) {
                collect(inner);
            } else if (!part.isMimeType("text/*")) {
                attachments.add(part);
            }
        }
    }

    private static String disposition(Part part) {
        try {
            return part.getDisposition();
        } catch (MessagingException e) {
            return null;   // a malformed Content-Disposition: judged by the type alone
        }
    }

    /** The sender's file name, RFC 2047 and RFC 2231 encodings decoded; empty when there is none. */
    private static String name(Part part) {
        try {
            String name = part.getFileName();
            return name == null ? "" : decode(name);
        } catch (MessagingException e) {
            return "";
        }
    }

    private static String type(Part part) {
        try {
            return new ContentType(part.getContentType()).getBaseType().toLowerCase(Locale.ROOT);
        } catch (MessagingException | RuntimeException e) {
            return "application/octet-stream";
        }
    }

    /** The decoded size: a base64 part is a third larger on disk than what the user downloads. */
    private static long size(Part part) throws MessagingException, IOException {
        try (InputStream in = part.getInputStream()) {
            return in.transferTo(OutputStream.nullOutputStream());
        }
    }

    @Override
    public Optional<byte[]> raw(String id) {
        Optional<Path> file = find(id);
        try {
            return file.isEmpty() ? Optional.empty() : Optional.of(Files.readAllBytes(file.get()));
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean delete(String id) {
        Optional<Path> file = find(id);
        try {
            return file.isPresent() && Files.deleteIfExists(file.get());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int deleteAll() {
        int deleted = 0;
        for (Path file : files()) {
            try {
                if (Files.deleteIfExists(file)) {
                    deleted++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return deleted;
    }

    private Summary summary(Path file) throws IOException, MessagingException {
        InternetHeaders headers;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            headers = new InternetHeaders(in, true);
        }
        String from = unbracket(first(headers, "Return-Path"));
        String[] delivered = headers.getHeader("Delivered-To");
        List<String> to = new ArrayList<>();
        if (delivered != null) {
            for (String d : delivered) {
                to.add(d.trim());
            }
        }
        String name = file.getFileName().toString();
        return new Summary(name, from, Collections.unmodifiableList(to), decode(first(headers, "Subject")),
                received(file, name), Files.size(file));
    }

    private static String first(InternetHeaders headers, String name) {
        String value = headers.getHeader(name, null);
        return value == null ? "" : value.trim();
    }

    private static String unbracket(String path) {
        return path.startsWith("<") && path.endsWith(">") ? path.substring(1, path.length() - 1) : path;
    }

    private static String decode(String value) {
        try {
            return MimeUtility.decodeText(MimeUtility.unfold(value));
        } catch (IOException e) {
            return value;
        }
    }

    private static Instant received(Path file, String name) throws IOException {
        Matcher m = STAMP.matcher(name);
        if (m.find()) {
            return Instant.ofEpochSecond(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) * 1000);
        }
        return Files.getLastModifiedTime(file).toInstant();
    }

    /** The file of that id in new/ or cur/; ids are plain names, so no path escapes the Maildir. */
    private Optional<Path> find(String id) {
        if (id.isEmpty() || id.startsWith(".") || id.contains("/") || id.contains("\\") || id.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        for (String dir : List.of("new", "cur")) {
            Path p = root.resolve(dir).resolve(id);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private List<Path> files() {
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("new", "cur")) {
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(root.resolve(dir))) {
                for (Path p : stream) {
                    if (!p.getFileName().toString().startsWith(".") && Files.isRegularFile(p)) {
                        files.add(p);
                    }
                }
            } catch (NoSuchFileException missing) {
                // a Maildir not yet made holds nothing
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }
}
