package dev.portd.service.classic;

import dev.portd.service.KindCheck;
import dev.portd.service.Option;
import dev.portd.service.OptionException;
import dev.portd.service.ServiceContext;
import dev.portd.service.ServiceOptions;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Quote of the day (RFC 865): a short message, one or more lines, under 512 characters. Quotes come
 * from a file in fortune format (quotes separated by lines holding only {@code %}) or from a
 * built-in list; each connection or datagram gets one at random.
 */
public final class QotdService extends OneReplyService {
    /** RFC 865: "the quote may be ... limited to 512 characters"; ours stay strictly below. */
    static final int MAX_QUOTE_CHARS = 511;

    /**
     * Their lengths matter: nmap's version detection names a 132-byte reply (133 with a final
     * newline) Nagios NSCA; QotdNmapSignaturesTest tries each against every nmap signature.
     */
    static final List<String> BUILT_IN = List.of(
            "Be conservative in what you do, be liberal in what you accept from others.\r\n"
                    + "    -- Jon Postel, RFC 793\r\n",
            "There are only two hard things in computer science: cache invalidation and naming things.\r\n"
                    + "    -- Phil Karlton\r\n",
            "We reject kings, presidents and voting. We believe in rough consensus and running code.\r\n"
                    + "    -- David Clark, IETF 24\r\n",
            "A distributed system is one in which the failure of a computer you didn't even know\r\n"
                    + "existed can render your own computer unusable.\r\n    -- Leslie Lamport\r\n",
            "Simplicity is prerequisite for reliability.\r\n    -- Edsger W. Dijkstra\r\n",
            "The network is reliable. The latency is zero. The bandwidth is infinite.\r\n"
                    + "    -- the first three of the eight fallacies of distributed computing\r\n",
            "If it is not tested, it does not work.\r\n    -- a proverb of engineers\r\n");

    static final Option<Path> QUOTES = Option.path("quotes", null,
            "fortune-format file: quotes separated by lines holding only %").defaultText("built-in quotes");
    public static final List<Option<?>> OPTIONS = List.of(QUOTES);

    private final List<ByteBuf> quotes;

    public QotdService(ServiceContext ctx) {
        List<String> texts;
        try {
            texts = ctx.options().find(QUOTES).map(QotdService::read).orElse(BUILT_IN);
        } catch (IllegalArgumentException e) {   // the file changed since the config was checked
            throw new OptionException(QUOTES.key(), e.getMessage());
        }
        List<ByteBuf> bufs = new ArrayList<>();
        for (String text : texts) {
            bufs.add(constant(text.getBytes(StandardCharsets.US_ASCII)));
        }
        this.quotes = List.copyOf(bufs);
    }

    /** The quotes file must read as fortune format, each quote printable ASCII under 512 characters. */
    public static void check(ServiceOptions options, KindCheck.Problems problems) {
        options.find(QUOTES).ifPresent(file -> {
            try {
                read(file);
            } catch (IllegalArgumentException e) {
                problems.add(QUOTES, e.getMessage());
            }
        });
    }

    /** Reads a fortune-format file; throws IllegalArgumentException saying what is wrong. */
    static List<String> read(Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("cannot read " + file + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IllegalArgumentException("cannot read " + file + ": permission denied");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        List<String> quotes = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int number = 0;
        for (String line : (content + "\n%").split("\r?\n", -1)) {
            if (!line.equals("%")) {
                current.append(line.stripTrailing()).append("\r\n");
                continue;
            }
            String quote = current.toString().strip();
            current.setLength(0);
            if (quote.isEmpty()) {
                continue;
            }
            number++;
            String text = quote + "\r\n";
            if (text.length() > MAX_QUOTE_CHARS) {
                throw new IllegalArgumentException(file + ": quote " + number + " has " + text.length()
                        + " characters; RFC 865 allows fewer than 512");
            }
            if (!text.chars().allMatch(c -> c == '\r' || c == '\n' || c == '\t' || (c >= ' ' && c < 127))) {
                throw new IllegalArgumentException(file + ": quote " + number
                        + " has characters outside printable ASCII (RFC 865 recommends it)");
            }
            quotes.add(text);
        }
        if (quotes.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no quote; separate quotes with lines of a single %");
        }
        return quotes;
    }

    @Override
    public ByteBuf reply() {
        return quotes.get(ThreadLocalRandom.current().nextInt(quotes.size())).duplicate();
    }
}
