package dev.portd.service.classic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

/**
 * No built-in quote looks like another service to nmap's version detection: every quote is tried
 * against every {@code match} and {@code softmatch} line of the nmap-service-probes file Debian's
 * nmap ships (nmap matches a probe's reply against them; qotd answers every probe with its quote).
 * nmap's patterns are PCRE; the few Java's regex cannot compile are counted, not guessed at.
 */
class QotdNmapSignaturesTest {
    static final Path PROBES = Path.of("/usr/share/nmap/nmap-service-probes");

    /** One signature: the service it names, its line, its pattern, and the probe it answers. */
    record Signature(String service, int line, Pattern pattern, String protocol, int rarity) {
    }

    static List<Signature> signatures(List<String> uncompiled) throws IOException {
        List<Signature> all = new ArrayList<>();
        List<String> lines = Files.readAllLines(PROBES, StandardCharsets.ISO_8859_1);
        String protocol = "TCP";
        int rarity = 1;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("Probe ")) {
                protocol = l.substring(6, 9);
                rarity = 1;
            } else if (l.startsWith("rarity ")) {
                rarity = Integer.parseInt(l.substring(7).trim());
            }
            int start = l.startsWith("match ") ? 6 : l.startsWith("softmatch ") ? 10 : -1;
            if (start < 0) {
                continue;
            }
            int space = l.indexOf(' ', start);
            String service = l.substring(start, space);
            // "m" then a delimiter, the pattern, the same delimiter, then flags (s, i)
            char delimiter = l.charAt(space + 2);
            int end = l.indexOf(delimiter, space + 3);
            String regex = l.substring(space + 3, end);
            int flags = 0;
            for (int f = end + 1; f < l.length() && l.charAt(f) != ' '; f++) {
                flags |= l.charAt(f) == 's' ? Pattern.DOTALL : l.charAt(f) == 'i' ? Pattern.CASE_INSENSITIVE : 0;
            }
            try {
                all.add(new Signature(service, i + 1, Pattern.compile(java(regex), flags), protocol, rarity));
            } catch (PatternSyntaxException e) {
                uncompiled.add((i + 1) + ": " + e.getDescription());
            }
        }
        return all;
    }

    /**
     * PCRE to Java: a bare {@code \\0} is NUL, a brace that starts no repetition is literal, and
     * {@code $} matches at the end or before a final {@code \\n} only (Java's would also match
     * before a final {@code \\r\\n}, or not between its two characters).
     */
    static String java(String pcre) {
        StringBuilder out = new StringBuilder();
        boolean inClass = false;
        for (int i = 0; i < pcre.length(); i++) {
            char c = pcre.charAt(i);
            if (c == '[' && !inClass) {
                inClass = true;
                out.append(c);
                if (i + 1 < pcre.length() && pcre.charAt(i + 1) == '^') {
                    out.append('^');
                    i++;
                }
                if (i + 1 < pcre.length() && pcre.charAt(i + 1) == ']') {
                    out.append("\\]");
                    i++;
                }
            } else if (c == ']' && inClass) {
                inClass = false;
                out.append(c);
            } else if (c == '$' && !inClass) {
                out.append("(?=\\n?\\z)");
            } else if (c == '\\' && i + 1 < pcre.length()) {
                char next = pcre.charAt(i + 1);
                boolean octal = i + 2 < pcre.length() && pcre.charAt(i + 2) >= '0' && pcre.charAt(i + 2) <= '7';
                out.append(next == '0' && !octal ? "\\x00" : "\\" + next);
                i++;
            } else if (c == '{' && !inClass && !pcre.substring(i).matches("(?s)\\{\\d+(,\\d*)?}.*")) {
                out.append("\\{");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Test
    void noBuiltInQuoteMatchesAnotherServicesSignature() throws IOException {
        assumeTrue(Files.isReadable(PROBES), "nmap is not installed (apt-get install -y nmap)");
        List<String> uncompiled = new ArrayList<>();
        List<Signature> signatures = signatures(uncompiled);
        assertThat(signatures).hasSizeGreaterThan(10_000);
        assertThat(uncompiled).as("signatures Java cannot compile").hasSizeLessThan(signatures.size() / 100);
        List<String> mistaken = new ArrayList<>();
        for (String quote : QotdService.BUILT_IN) {
            for (Signature s : signatures) {
                if (!s.service().equals("qotd") && seen(s) && s.pattern().matcher(quote).find()) {
                    mistaken.add(s.service() + " (line " + s.line() + ") for: " + quote);
                }
            }
        }
        assertThat(mistaken).isEmpty();
    }

    /**
     * Over TCP a qotd reply meets every TCP probe's signatures (nmap reads the NULL probe's answer
     * first, then others'); over UDP only probes nmap sends at its default intensity (rarity up to
     * 7): a quote past 111 bytes would be Ventrilo's answer to the rarity-9 probe nmap sends only
     * to port 3784 or with --version-all.
     */
    private static boolean seen(Signature s) {
        return s.protocol().equals("TCP") || s.rarity() <= 7;
    }

    /** The trap the first quotes fell into: 132 bytes, or 133 with a final newline, is Nagios NSCA's. */
    @Test
    void theNscaSignatureIsSeenForA133ByteReply() throws IOException {
        assumeTrue(Files.isReadable(PROBES), "nmap is not installed (apt-get install -y nmap)");
        String nscaLike = "x".repeat(128) + "iiii\n";
        assertThat(signatures(new ArrayList<>())).filteredOn(s -> s.pattern().matcher(nscaLike).find())
                .extracting(Signature::service).contains("nagios-nsca");
    }
}
