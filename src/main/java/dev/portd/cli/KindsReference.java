package dev.portd.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.portd.config.CommonOptions;
import dev.portd.config.OptionReader;
import dev.portd.ports.Protocol;
import dev.portd.service.Option;
import dev.portd.service.ServiceKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every config key portd takes, from the declarations themselves: {@code portd check --kinds} for
 * the terminal and as JSON, and the README's reference tables (a test fails when they differ).
 */
final class KindsReference {
    private final List<ServiceKind> kinds;

    KindsReference(List<ServiceKind> kinds) {
        this.kinds = List.copyOf(kinds);
    }

    String text() {
        StringWriter buffer = new StringWriter();
        PrintWriter out = new PrintWriter(buffer);
        TextTable table = new TextTable("KIND", "PORT", "PROTOCOLS", "WHAT");
        kinds.forEach(k -> table.row(k.name(), k.defaultPort(), protocols(k), k.summary()));
        table.print(out);
        section(out, "[host]", CommonOptions.HOST);
        section(out, "[services.NAME], every kind", CommonOptions.SERVICE);
        for (ServiceKind k : kinds) {
            if (!k.options().isEmpty()) {
                section(out, "[services.NAME] of kind " + k.name(), k.options());
            }
        }
        out.flush();
        return buffer.toString();
    }

    private static void section(PrintWriter out, String title, List<Option<?>> options) {
        out.println();
        out.println(title);
        for (Option<?> o : options) {
            out.println("  " + o.key() + " = " + OptionReader.defaultShown(o));
            out.println("      " + o.meaning());
            out.println("      " + OptionReader.rule(o));
        }
    }

    /** The README's "Reference" section: a table of kinds, then one table of keys per section. */
    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("| kind | port | protocols | what |\n|---|---|---|---|\n");
        for (ServiceKind k : kinds) {
            md.append("| `").append(k.name()).append("` | ").append(k.defaultPort()).append(" | ")
                    .append(protocols(k)).append(" | ").append(cell(k.summary())).append(" |\n");
        }
        markdownTable(md, "`[host]`", CommonOptions.HOST);
        markdownTable(md, "Every `[services.NAME]`", CommonOptions.SERVICE);
        for (ServiceKind k : kinds) {
            if (!k.options().isEmpty()) {
                markdownTable(md, "`kind = \"" + k.name() + "\"`, beside the keys above", k.options());
            }
        }
        return md.toString();
    }

    private static void markdownTable(StringBuilder md, String title, List<Option<?>> options) {
        md.append('\n').append(title).append(":\n\n| key | default | meaning | allowed |\n|---|---|---|---|\n");
        for (Option<?> o : options) {
            md.append("| `").append(o.key()).append("` | ").append(cell(OptionReader.defaultShown(o))).append(" | ")
                    .append(cell(o.meaning())).append(" | ").append(cell(OptionReader.rule(o))).append(" |\n");
        }
    }

    String json() throws JsonProcessingException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("host", options(CommonOptions.HOST));
        doc.put("service", options(CommonOptions.SERVICE));
        List<Map<String, Object>> all = new ArrayList<>();
        for (ServiceKind k : kinds) {
            Map<String, Object> kind = new LinkedHashMap<>();
            kind.put("kind", k.name());
            kind.put("port", k.defaultPort());
            kind.put("protocols", k.protocols().stream().map(Protocol::label).sorted().toList());
            kind.put("summary", k.summary());
            kind.put("options", options(k.options()));
            all.add(kind);
        }
        doc.put("kinds", all);
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc) + "\n";
    }

    private static List<Map<String, Object>> options(List<Option<?>> options) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Option<?> o : options) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", o.key());
            m.put("type", o.type().name().toLowerCase(java.util.Locale.ROOT));
            m.put("default", OptionReader.defaultShown(o));
            m.put("allowed", OptionReader.rule(o));
            m.put("meaning", o.meaning());
            list.add(m);
        }
        return list;
    }

    private static String protocols(ServiceKind k) {
        return k.protocols().stream().map(Protocol::label).sorted().collect(Collectors.joining(", "));
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
