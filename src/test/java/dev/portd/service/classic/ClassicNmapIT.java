package dev.portd.service.classic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portd.host.Host;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * nmap's version detection ({@code nmap -sV}) against the classic services of an embedded host on
 * loopback: whatever nmap recognises by probing must be the service that is there (it may also
 * recognise nothing). qotd is asked three times, as each connection gets a quote at random;
 * QotdNmapSignaturesTest tries every quote against every signature.
 */
class ClassicNmapIT {
    /** One port of nmap's XML report: {@code method="probed"} when a probe's answer named it. */
    private static final Pattern PORT = Pattern.compile(
            "<port protocol=\"tcp\" portid=\"(\\d+)\">.*?<service name=\"([^\"]*)\"[^>]*method=\"(\\w+)\"", Pattern.DOTALL);

    @Test
    void nmapNamesNoClassicServiceWrongly() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/nmap")), "nmap is not installed (apt-get install -y nmap)");
        // the one-reply kinds, whose answer nmap could match to a signature; discard answers no probe,
        // and echo and chargen keep a connection open, so nmap would wait out every probe on them
        // (minutes on a busy machine): QotdNmapSignaturesTest holds every quote against every signature
        List<String> kinds = List.of("daytime", "qotd", "time");
        dev.portd.host.HostBuilder builder = dev.portd.support.TestHosts.builder();
        kinds.forEach(builder::service);
        try (Host host = builder.start()) {
            Map<Integer, String> byPort = new LinkedHashMap<>();
            kinds.forEach(k -> byPort.put(host.tcpPort(k), k));
            String ports = byPort.keySet().stream().map(String::valueOf).collect(Collectors.joining(","));
            List<String> wrong = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                String asked = round == 0 ? ports : String.valueOf(host.tcpPort("qotd"));
                String xml = nmap("-sV", "-sT", "-Pn", "-n", "-p", asked, "-oX", "-", "127.0.0.1");
                Matcher m = PORT.matcher(xml);
                int seen = 0;
                while (m.find()) {
                    seen++;
                    String kind = byPort.get(Integer.parseInt(m.group(1)));
                    if (m.group(3).equals("probed") && !m.group(2).equals(kind)) {
                        wrong.add(kind + " named " + m.group(2));
                    }
                    if (kind.equals("qotd")) {
                        assertThat(m.group(2)).as(xml).isNotEqualTo("nagios-nsca");
                    }
                }
                assertThat(seen).as(xml).isEqualTo(round == 0 ? kinds.size() : 1);
            }
            assertThat(wrong).isEmpty();
        }
    }

    private static String nmap(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("nmap"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();   // ends when nmap exits
        assertThat(p.waitFor(Duration.ofMinutes(3).toSeconds(), TimeUnit.SECONDS)).isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }
}
