package dev.portd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.config.ConfigException;
import dev.portd.config.ConfigLoader;
import dev.portd.service.KindCheck;
import dev.portd.service.ServiceKind;
import dev.portd.service.ServiceKinds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's option tables are the declarations themselves, and its TOML examples are valid configs. */
class ReadmeReferenceTest {
    static final Path README = Path.of("README.md");

    @Test
    void everyGeneratedTableMatchesTheDeclarations() throws Exception {
        String readme = Files.readString(README);
        KindsReference reference = new KindsReference(ServiceKinds.BUILT_IN);
        for (String section : reference.sections()) {
            String begin = KindsReference.begin(section);
            int at = readme.indexOf(begin);
            assertThat(at).as("README.md has the table " + section + "; paste it from `portd check --kinds --markdown`")
                    .isNotNegative();
            int end = readme.indexOf(KindsReference.END, at);
            String documented = readme.substring(at + begin.length() + 1, end);
            assertThat(documented).as("README.md's table " + section + " differs from the program; "
                    + "regenerate it with `./portd check --kinds --markdown`").isEqualTo(reference.markdown(section));
        }
    }

    @Test
    void everyTomlExampleIsAValidConfig() throws Exception {
        // the examples name files of the reader's machine (quotes, certificates): check keys, types and
        // ranges, as serve does, but not the world
        List<ServiceKind> withoutWorld = ServiceKinds.BUILT_IN.stream().map(k -> k.check(KindCheck.NONE)).toList();
        Matcher m = Pattern.compile("```toml\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(README));
        List<String> problems = new ArrayList<>();
        int blocks = 0;
        while (m.find()) {
            blocks++;
            try {
                ConfigLoader.parse(m.group(1), "README.md toml block " + blocks, withoutWorld);
            } catch (ConfigException e) {
                e.problems().stream().filter(p -> !p.contains("no service is configured")).forEach(problems::add);
            }
        }
        assertThat(blocks).isGreaterThanOrEqualTo(4);
        assertThat(problems).isEmpty();
    }
}
