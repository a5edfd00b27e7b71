package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.registry.BundleState;
import dev.fraudplatform.core.registry.RegistryEntry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fp registry}: register, list, show, promote (through the gates), rollback on the platform's PostgreSQL
 * (embedded under the home) and object store; each refusal is one line, exit 2, and leaves the registry as it was.
 */
class RegistryCommandIT {
    @TempDir
    Path home;

    @TempDir
    Path files;

    private CapturedConsole console;

    private int fp(String... args) {
        console = CapturedConsole.start(home);
        try {
            return Fp.execute(args);
        } finally {
            console.close();
        }
    }

    private String registryNow() {
        System.setProperty("fp.home", home.toString());
        try (AdminStores stores = AdminStores.open(PlatformConfig.fromEnvironment())) {
            StringBuilder b = new StringBuilder();
            for (RegistryEntry e : stores.bundleRegistry().list())
                b.append(e)
                        .append(stores.bundleRegistry().history(e.bundleId()))
                        .append('\n');
            b.append(PlatformConfig.fromEnvironment().objectStore().list("bundles/"));
            return b.toString();
        } finally {
            System.clearProperty("fp.home");
        }
    }

    private void refused(String named, String... args) {
        String before = registryNow();
        assertThat(fp(args)).as(console.stderr()).isEqualTo(2);
        String err = console.stderr().strip();
        assertThat(err).startsWith("fp: ").contains(named).doesNotContain("\n").doesNotContain("Exception");
        assertThat(registryNow()).as("the registry is unchanged").isEqualTo(before);
    }

    @Test
    void registerPromoteAndRollBackWithEveryRefusalLeavingTheRegistryUnchanged() throws Exception {
        Path a = TestBundleDirs.write(files.resolve("a"), "m-a", TestBundleDirs.evidence(0.62, 0.4, "w1", true, true));
        Path b = TestBundleDirs.write(files.resolve("b"), "m-b", TestBundleDirs.evidence(0.70, 0.5, "w1", true, true));
        Path c =
                TestBundleDirs.write(files.resolve("c"), "m-c", TestBundleDirs.evidence(0.50, 0.5, "w2", false, false));
        Path t = TestBundleDirs.write(files.resolve("t"), "m-t", TestBundleDirs.evidence(0.9, 0.9, "w1", true, true));
        TestBundleDirs.tamperModel(t);

        assertThat(fp("registry", "list")).isZero();
        assertThat(console.stdout())
                .contains("no bundles registered")
                .contains(RunBundles.BUILT_IN_DEFAULT + " (built in");
        refused("nothing to roll back: no bundle is active", "registry", "rollback", "--by", "lea", "--reason", "x");

        for (Path dir : List.of(a, b, c)) {
            assertThat(fp("registry", "register", "--bundle", dir.toString(), "--by", "ana", "--reason", "trained"))
                    .as(console.stderr())
                    .isZero();
            assertThat(console.stdout()).contains("is CANDIDATE");
        }
        refused(
                "model file model.json has SHA-256",
                "registry",
                "register",
                "--bundle",
                t.toString(),
                "--by",
                "ana",
                "--reason",
                "trained");
        refused("the bundle in", "registry", "register", "--bundle", files.toString(), "--by", "ana", "--reason", "r");

        assertThat(fp("registry", "promote", "m-a", "--to", "active", "--by", "lea", "--reason", "first model"))
                .as(console.stderr())
                .isZero();
        assertThat(console.stdout()).contains("m-a -> ACTIVE").contains("evaluation passed");
        refused("nothing to roll back to", "registry", "rollback", "--by", "lea", "--reason", "x");

        // m-c fails every gate against m-a, and each is named in the one line
        refused(
                "gate evaluation failed",
                "registry",
                "promote",
                "m-c",
                "--to",
                "active",
                "--by",
                "lea",
                "--reason",
                "try");
        assertThat(console.stderr())
                .contains("gate beats-active failed: not the same out-of-time window")
                .contains("gate parity failed")
                .contains("gate replay-proof failed");
        refused(
                "no bundle m-z is registered",
                "registry",
                "promote",
                "m-z",
                "--to",
                "active",
                "--by",
                "l",
                "--reason",
                "r");
        refused(
                "--to is shadow or active",
                "registry",
                "promote",
                "m-b",
                "--to",
                "retired",
                "--by",
                "l",
                "--reason",
                "r");
        refused("reason", "registry", "promote", "m-b", "--to", "active", "--by", "lea", "--reason", "  ");

        assertThat(fp("registry", "promote", "m-c", "--to", "shadow", "--by", "lea", "--reason", "watch it"))
                .as(console.stderr())
                .isZero();
        assertThat(fp("registry", "promote", "m-b", "--to", "active", "--by", "lea", "--reason", "beats m-a"))
                .as(console.stderr())
                .isZero();
        assertThat(console.stdout())
                .contains("m-a -> RETIRED")
                .contains("m-b -> ACTIVE")
                .contains("beats-active passed");

        assertThat(fp("registry", "show", "m-b")).isZero();
        assertThat(console.stdout())
                .contains("state        ACTIVE")
                .contains("recall_at_1pct_fpr")
                .contains("by lea: beats m-a")
                .contains("gates to active now (against m-b)");

        assertThat(fp("registry", "rollback", "--by", "lea", "--reason", "m-b declines too much"))
                .as(console.stderr())
                .isZero();
        assertThat(console.stdout()).contains("m-b -> RETIRED").contains("m-a -> ACTIVE");

        assertThat(fp("registry", "list")).isZero();
        assertThat(console.stdout())
                .containsPattern("m-a +ACTIVE")
                .containsPattern("m-b +RETIRED")
                .containsPattern("m-c +SHADOW")
                .contains("runs given no bundle decide with: m-a (active)");

        System.setProperty("fp.home", home.toString());
        try (AdminStores stores = AdminStores.open(PlatformConfig.fromEnvironment())) {
            assertThat(stores.bundleRegistry().history("m-a"))
                    .extracting(ch -> ch.state())
                    .containsExactly(
                            BundleState.CANDIDATE, BundleState.ACTIVE, BundleState.RETIRED, BundleState.ACTIVE);
            assertThat(stores.bundleRegistry().history("m-a").get(3).by()).isEqualTo("lea");
            assertThat(stores.bundleRegistry().entry("m-t")).isEmpty();
        } finally {
            System.clearProperty("fp.home");
        }
    }
}
