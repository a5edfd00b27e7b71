package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The root of the command line, in this JVM, without I/O: help for every command, and one-line messages. */
class FpTest {

    /** Help starts nothing and reads nothing under FP_HOME, so the home can be a directory that does not exist. */
    private static final Path NO_HOME = Path.of(System.getProperty("java.io.tmpdir"), "fp-help-needs-no-home");

    @Test
    void everyCommandAndSubcommandAnswersDashHAndHelpWithItsUsage() {
        List<CommandLine> commands = new ArrayList<>();
        collect(new CommandLine(new Fp()), commands);
        assertThat(commands)
                .extracting(c -> c.getCommandSpec().qualifiedName())
                .contains(
                        "fp", "fp demo", "fp world build", "fp ingress keys revoke", "fp bench e2e", "fp audit replay");

        for (CommandLine command : commands) {
            String name = command.getCommandSpec().qualifiedName();
            for (String flag : List.of("-h", "--help")) {
                List<String> args = new ArrayList<>(List.of(name.split(" ")).subList(1, name.split(" ").length));
                args.add(flag);
                int code;
                String out;
                String err;
                try (CapturedConsole console = CapturedConsole.start(NO_HOME)) {
                    code = Fp.execute(args.toArray(String[]::new));
                    out = console.stdout();
                    err = console.stderr();
                }
                assertThat(code).as("exit of %s %s", name, flag).isZero();
                assertThat(out).as("usage of %s %s", name, flag).startsWith("Usage: " + name + " ");
                assertThat(err).as("stderr of %s %s", name, flag).isEmpty();
            }
        }
    }

    private static void collect(CommandLine command, List<CommandLine> into) {
        into.add(command);
        command.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into));
    }

    @Test
    void aMessageBecomesOneLineWithoutExceptionClassNames() {
        assertThat(Fp.oneLine("java.lang.IllegalStateException: listing runs failed\n  at the end"))
                .isEqualTo("listing runs failed; at the end");
        assertThat(Fp.oneLine("cannot open: java.io.UncheckedIOException: disk full"))
                .isEqualTo("cannot open: disk full");
        assertThat(Fp.oneLine(null)).isEqualTo("refused");
    }
}
