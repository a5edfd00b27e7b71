package dev.fraudplatform.app.cli;

import dev.fraudplatform.app.AdminStores;
import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.casework.console.PasswordHashing;
import dev.fraudplatform.core.cases.Investigators;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fp investigators}: the accounts of the investigator's console. */
@Command(
        name = "investigators",
        description = "Accounts of the investigator's console.",
        subcommands = {InvestigatorsCommands.Add.class})
public final class InvestigatorsCommands extends Group {

    @Command(
            name = "add",
            description = "Add an account. The password is read from standard input (its first line), or from "
                    + "--password-file; it has at least 12 characters and is stored only as a salted PBKDF2 hash. "
                    + "An account is never changed: a name that exists is refused.")
    static final class Add implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "1-64 lower-case letters, digits, '.', '_' or '-'.")
        String name;

        @Option(
                names = "--role",
                required = true,
                paramLabel = "ROLE",
                description = "analyst (works cases, assigns them to themself) or lead (also assigns to anyone).")
        String role;

        @Option(
                names = "--password-file",
                paramLabel = "FILE",
                description = "Read the password from the first line of this file instead of standard input.")
        Path passwordFile;

        @Override
        public Integer call() throws IOException {
            Investigators.checkUsername(name);
            Investigators.Role r = role(role);
            String password = passwordFile != null ? firstLine(passwordFile) : stdinLine();
            PasswordHashing.checkPassword(password);
            String hash = PasswordHashing.hash(password);
            try (AdminStores stores = AdminStores.open(PlatformConfig.fromEnvironment())) {
                if (!stores.investigators().add(new Investigators.Investigator(name, r, hash, Instant.now())))
                    throw new IllegalArgumentException("an investigator named " + name
                            + " exists already (accounts are never changed: add another name)");
            }
            System.out.println("added investigator " + name + " (" + r.name().toLowerCase(Locale.ROOT) + ")");
            return 0;
        }

        private static Investigators.Role role(String role) {
            try {
                return Investigators.Role.valueOf(role.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--role is analyst or lead, was " + role);
            }
        }

        private static String firstLine(Path file) {
            if (!Files.isRegularFile(file) || !Files.isReadable(file))
                throw new IllegalArgumentException("--password-file " + file + " is not a readable file");
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line = in.readLine();
                if (line == null) throw new IllegalArgumentException("--password-file " + file + " is empty");
                return line;
            } catch (IOException e) {
                throw new IllegalArgumentException("--password-file " + file + " cannot be read: " + e.getMessage());
            }
        }

        private static String stdinLine() throws IOException {
            if (System.console() != null) {
                char[] typed = System.console().readPassword("password for the new account: ");
                if (typed == null) throw new IllegalArgumentException("no password given on standard input");
                return new String(typed);
            }
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null) throw new IllegalArgumentException("no password given on standard input");
            return line;
        }
    }
}
