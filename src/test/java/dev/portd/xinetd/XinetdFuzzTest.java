package dev.portd.xinetd;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.portd.config.ConfigException;
import dev.portd.config.ConfigLoader;
import dev.portd.service.KindCheck;
import dev.portd.service.ServiceKind;
import dev.portd.service.ServiceKinds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fuzzes {@code portd import xinetd}: the xinetd parser ({@link XinetdConfig}) and the translation
 * ({@link XinetdToToml}). The input is an xinetd.conf, {@code /fuzz/xinetd.conf}, that may carry
 * more files after lines {@code ==> NAME <==}, kept in {@code /fuzz/xinetd.d/NAME} of an in-memory
 * file system (so {@code include} and {@code includedir} are followed without touching the disk).
 * Properties: nothing throws; every warning of the parser names its file and line; the TOML (as
 * root or not) is a config {@link ConfigLoader#parse} accepts (the importer's promise: what it
 * writes passes {@code portd check}); a refusal is a finding, reported with its problems.
 */
class XinetdFuzzTest {
    static final Path CONF = Path.of("/fuzz/xinetd.conf");
    static final Path DIR = Path.of("/fuzz/xinetd.d");
    private static final Pattern FILE = Pattern.compile("(?m)^==> ([A-Za-z0-9._~-]{1,32}) <==\r?\n");
    /** The kinds without their world checks: the fuzzer must not depend on which files exist here. */
    static final List<ServiceKind> KINDS = ServiceKinds.BUILT_IN.stream().map(k -> k.check(KindCheck.NONE)).toList();
    /** An enabled service beside an import whose services are all disabled (the loader wants one); its
     *  name has a dot, which an imported name never has, so it cannot collide. */
    static final String PROBE = "\n[services.\"fuzz.probe\"]\nkind = \"echo\"\nport = 0\n";

    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "30m")
    void anyXinetdConfigImportsAsAConfigPortdAccepts(byte[] input) {
        Map<Path, String> files = files(new String(input, StandardCharsets.UTF_8));
        XinetdConfig config = XinetdConfig.read(CONF, new MemoryFiles(files));
        assertThat(config.warnings()).allSatisfy(w -> assertThat(w).startsWith("/fuzz/"));
        // as root (user = ... written) or not (a warning instead): the input's last bit says which, so that
        // each input costs one config parse, the dearest step
        boolean root = input.length > 0 && (input[input.length - 1] & 1) == 1;
        XinetdToToml toToml = new XinetdToToml((name, protocol) -> name.equals("git")
                ? Optional.of(9418) : Optional.empty(), XinetdToToml::executableHere, root, "portd");
        String toml = toToml.convert(config, CONF.toString());
        try {
            ConfigLoader.parse(toml + PROBE, "imported.toml", KINDS);
        } catch (ConfigException e) {
            throw new AssertionError("portd refuses what it imported (root " + root + "):\n"
                    + String.join("\n", e.problems()) + "\n--- from:\n" + files + "\n--- imported:\n" + toml, e);
        }
    }

    /** The input cut into its files: the first is xinetd.conf, each "==> NAME <==" starts another. */
    static Map<Path, String> files(String text) {
        Map<Path, String> files = new LinkedHashMap<>();
        Matcher m = FILE.matcher(text);
        Path current = CONF;
        int from = 0;
        while (m.find()) {
            files.putIfAbsent(current, text.substring(from, m.start()));
            current = DIR.resolve(m.group(1));
            from = m.end();
        }
        files.putIfAbsent(current, text.substring(from));
        return files;
    }

    /** Files of the input, under /fuzz; everything else does not exist. */
    record MemoryFiles(Map<Path, String> files) implements XinetdConfig.FileSource {
        @Override
        public boolean isDirectory(Path path) {
            return path.equals(DIR) || path.equals(CONF.getParent());
        }

        @Override
        public List<Path> files(Path dir) throws IOException {
            if (!isDirectory(dir)) {
                throw new NoSuchFileException(dir.toString());
            }
            List<Path> in = new ArrayList<>();
            files.keySet().stream().filter(f -> dir.equals(f.getParent())).forEach(in::add);
            return in;
        }

        @Override
        public String text(Path file, int maxBytes) {
            String text = files.get(file.toAbsolutePath().normalize());
            return text == null || text.length() > maxBytes ? null : text;
        }
    }
}
