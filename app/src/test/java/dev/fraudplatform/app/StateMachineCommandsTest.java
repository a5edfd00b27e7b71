package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.json.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every command the Step Functions definitions ({@code deploy/stepfunctions}) run in the platform's container is one
 * {@code fp} has: each subcommand and each option, by picocli's own model of the command line. A state machine that
 * names a command {@code fp} lacks would fail only on AWS, at the step that runs it.
 */
class StateMachineCommandsTest {
    private static final Path MACHINES =
            Path.of("").toAbsolutePath().getParent().resolve("deploy/stepfunctions");
    private static final Pattern ARRAY = Pattern.compile("^States\\.Array\\((.*)\\)$");
    private static final Pattern ARG = Pattern.compile("'([^']*)'|(\\$[^,\\s]*)");

    /** Every container command in {@code n}: literal arrays and {@code States.Array(...)} with $-paths kept as such. */
    private static void commands(JsonNode n, List<List<String>> out) {
        if (n.isArray()) n.forEach(c -> commands(c, out));
        if (!n.isObject()) return;
        n.fields().forEachRemaining(e -> {
            if (e.getKey().equals("Command") && e.getValue().isArray()) {
                List<String> c = new ArrayList<>();
                e.getValue().forEach(a -> c.add(a.asText()));
                out.add(c);
            } else if (e.getKey().equals("Command.$")) {
                Matcher m = ARRAY.matcher(e.getValue().asText().trim());
                assertThat(m.matches()).as(e.getValue().asText()).isTrue();
                List<String> c = new ArrayList<>();
                Matcher a = ARG.matcher(m.group(1));
                while (a.find()) c.add(a.group(1) != null ? a.group(1) : a.group(2));
                out.add(c);
            } else commands(e.getValue(), out);
        });
    }

    /** What is wrong with {@code args} as an {@code fp} command line, or null when picocli's model accepts it. */
    static String problem(List<String> args) {
        CommandSpec spec = new CommandLine(new Fp()).getCommandSpec();
        int i = 0;
        boolean positional = false;
        while (i < args.size()) {
            String a = args.get(i);
            if (a.startsWith("--")) {
                var option = spec.findOption(a);
                if (option == null) return spec.qualifiedName() + " has no option " + a;
                i += option.arity().max() > 0 ? 2 : 1;
            } else if (!positional && spec.subcommands().containsKey(a)) {
                spec = spec.subcommands().get(a).getCommandSpec();
                i++;
            } else {
                if (spec.positionalParameters().isEmpty())
                    return spec.qualifiedName() + " has no subcommand or parameter '" + a + "'";
                positional = true;
                i++;
            }
        }
        for (var option : spec.options())
            if (option.group() == null && option.required() && !args.contains(option.longestName()))
                return spec.qualifiedName() + " needs " + option.longestName();
        // a required group of options (e.g. --world or --run): one of them
        for (var group : spec.argGroups())
            if (group.multiplicity().min() > 0
                    && group.options().stream().noneMatch(o -> args.contains(o.longestName())))
                return spec.qualifiedName() + " needs one of "
                        + group.options().stream().map(o -> o.longestName()).toList();
        return null;
    }

    @Test
    void everyCommandTheStateMachinesRunIsOneFpHas() throws Exception {
        List<List<String>> all = new ArrayList<>();
        for (String f : List.of("platform_run.asl.json", "learning.asl.json"))
            commands(Json.MAPPER.readTree(MACHINES.resolve(f).toFile()), all);
        assertThat(all).hasSizeGreaterThanOrEqualTo(6);
        for (List<String> c : all)
            assertThat(problem(c)).as(String.join(" ", c)).isNull();
    }

    @Test
    void aCommandFpLacksIsNamed() {
        assertThat(problem(List.of("--profile", "dev_min", "learn", "train", "--run", "$.run_id")))
                .isEqualTo("fp learn has no subcommand or parameter 'train'");
        assertThat(problem(List.of("--profile", "dev_min", "run", "--world", "$.world", "--run-ident", "x")))
                .isEqualTo("fp run has no option --run-ident");
        assertThat(problem(List.of("--profile", "dev_min", "evidence", "export")))
                .isEqualTo("fp evidence export needs --run");
    }
}
