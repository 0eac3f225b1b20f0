package dev.portd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogSetupTest {
    final LoggerContext context = new LoggerContext();

    String line(Level level, String message, Throwable t, Object... args) {
        LogSetup.LineEncoder encoder = new LogSetup.LineEncoder();
        encoder.setContext(context);
        encoder.start();
        LoggingEvent event = new LoggingEvent("test", context.getLogger("dev.portd.x"), level, message, t, args);
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void oneLineWithTheTimeTheLevelPaddedToFiveAndTheMessage() {
        assertThat(line(Level.WARN, "echo: {} refused", null, "127.0.0.1"))
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) WARN  echo: 127\\.0\\.0\\.1 refused\n");
        assertThat(line(Level.ERROR, "x", null)).contains(" ERROR x\n");
        assertThat(line(Level.INFO, "x", null)).contains(" INFO  x\n");
    }

    @Test
    void aThrowableFollowsItsLineWithItsStackTrace() {
        String text = line(Level.ERROR, "bug", new IllegalStateException("boom"));
        assertThat(text).contains(" ERROR bug\n").contains("java.lang.IllegalStateException: boom")
                .contains("at dev.portd.cli.LogSetupTest");
    }

    @Test
    void theTestsOwnLogbackFileWins() {
        assertThat(new LogSetup().configure(new LoggerContext()))
                .isEqualTo(ch.qos.logback.classic.spi.Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
    }
}
