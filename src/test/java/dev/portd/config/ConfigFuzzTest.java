package dev.portd.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.portd.service.KindCheck;
import dev.portd.service.ServiceKind;
import dev.portd.service.ServiceKinds;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes the config loader with any text. Property: the result is a valid config or a
 * {@link ConfigException} whose every line names the source and says what is wrong; nothing else
 * (no other exception, no empty problem, no problem without its place).
 */
class ConfigFuzzTest {
    /** The kinds without their world checks: a fuzzed path must not make the fuzzer touch files. */
    static final List<ServiceKind> KINDS = ServiceKinds.BUILT_IN.stream().map(k -> k.check(KindCheck.NONE)).toList();

    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "30m")
    void anyTextIsAClearErrorOrAValidConfig(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        HostConfig config;
        try {
            config = ConfigLoader.parse(text, "fuzz.toml", KINDS);
        } catch (ConfigException e) {
            assertThat(e.problems()).isNotEmpty().allSatisfy(p -> {
                assertThat(p).startsWith("fuzz.toml");
                assertThat(p.length()).isGreaterThan("fuzz.toml: ".length());
                assertThat(p).doesNotContain("Exception").doesNotContain("\tat ");
            });
            return;
        }
        assertThat(config.services()).isNotEmpty();
        assertThat(config.plan()).allSatisfy(l -> assertThat(l.port()).isBetween(0, 65535));
    }
}
