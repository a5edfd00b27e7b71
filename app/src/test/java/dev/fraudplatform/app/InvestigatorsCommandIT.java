package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.casework.console.PasswordHashing;
import dev.fraudplatform.core.cases.Investigators;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fp investigators add}: an account from a password file or standard input, stored as a hash on the
 * platform's PostgreSQL (embedded under the home), and every refusal one line with exit 2.
 */
class InvestigatorsCommandIT {
    @TempDir
    Path home;

    @TempDir
    Path files;

    private int fp(String stdin, CapturedConsole[] seen, String... args) {
        InputStream oldIn = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        CapturedConsole console = CapturedConsole.start(home);
        try {
            return Fp.execute(args);
        } finally {
            console.close();
            System.setIn(oldIn);
            seen[0] = console;
        }
    }

    @Test
    void accountsAreAddedFromAFileOrStandardInputAndStoredAsHashesOnly() throws Exception {
        Path pw = Files.writeString(files.resolve("pw"), "lead password 123\nignored second line\n");
        CapturedConsole[] c = new CapturedConsole[1];

        assertThat(fp("", c, "investigators", "add", "lea", "--role", "lead", "--password-file", pw.toString()))
                .as(c[0].stderr())
                .isZero();
        assertThat(c[0].stdout()).contains("added investigator lea (lead)");
        assertThat(fp("analyst password 1\n", c, "investigators", "add", "ana", "--role", "ANALYST"))
                .as(c[0].stderr())
                .isZero();

        // refused, each in one line with exit 2, and nothing changed
        assertThat(fp("other password 99\n", c, "investigators", "add", "ana", "--role", "lead"))
                .isEqualTo(2);
        assertThat(c[0].stderr().strip())
                .startsWith("fp: ")
                .contains("ana exists already")
                .doesNotContain("\n");
        assertThat(fp("too short\n", c, "investigators", "add", "bob", "--role", "analyst"))
                .isEqualTo(2);
        assertThat(c[0].stderr().strip()).isEqualTo("fp: a password has at least 12 characters");
        assertThat(fp("", c, "investigators", "add", "bob", "--role", "analyst"))
                .isEqualTo(2);
        assertThat(c[0].stderr().strip()).isEqualTo("fp: no password given on standard input");

        System.setProperty("fp.home", home.toString());
        try (AdminStores stores = AdminStores.open(PlatformConfig.fromEnvironment())) {
            Investigators.Investigator lea = stores.investigators().find("lea").orElseThrow();
            assertThat(lea.role()).isEqualTo(Investigators.Role.LEAD);
            assertThat(lea.passwordHash()).startsWith("pbkdf2-sha256$").doesNotContain("lead password");
            assertThat(PasswordHashing.verify("lead password 123", lea.passwordHash()))
                    .isTrue();
            Investigators.Investigator ana = stores.investigators().find("ana").orElseThrow();
            assertThat(ana.role()).isEqualTo(Investigators.Role.ANALYST);
            assertThat(PasswordHashing.verify("analyst password 1", ana.passwordHash()))
                    .isTrue();
            assertThat(PasswordHashing.verify("other password 99", ana.passwordHash()))
                    .isFalse();
            assertThat(stores.investigators().find("bob")).isEmpty();
        } finally {
            System.clearProperty("fp.home");
        }
    }
}
