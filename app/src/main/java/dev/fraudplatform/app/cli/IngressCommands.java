package dev.fraudplatform.app.cli;

import dev.fraudplatform.app.AdminStores;
import dev.fraudplatform.app.Platform;
import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.core.envelope.Times;
import dev.fraudplatform.core.ingress.ProducerKeys;
import dev.fraudplatform.core.json.Sha256;
import dev.fraudplatform.ingress.gate.QuarantineRelease;
import dev.fraudplatform.ingress.http.HttpIngressClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fp ingress}: run the Ingestion Gate, and administer its producers' keys and its quarantine. */
@Command(
        name = "ingress",
        description = "Run and administer the Ingestion Gate.",
        subcommands = {IngressCommands.Serve.class, IngressCommands.Keys.class, IngressCommands.Quarantine.class})
public final class IngressCommands extends Group {

    @Command(
            name = "serve",
            description = "Run the gate (HTTP API and admission relay) until stopped; PostgreSQL and Kafka from "
                    + "FP_PG_URL and FP_KAFKA_BOOTSTRAP, or embedded.")
    static final class Serve implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            Platform platform = Platform.start(PlatformConfig.fromEnvironment());
            Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "fp-shutdown"));
            System.out.println("gate listening on " + platform.gateUrl() + " (" + platform.describe() + ")");
            CommandSteps.printAbandoned(platform);
            System.out.flush();
            new CountDownLatch(1).await();
            return 0;
        }
    }

    @Command(
            name = "keys",
            description = "Producers' API keys.",
            subcommands = {Keys.Issue.class, Keys.ListKeys.class, Keys.Revoke.class})
    static final class Keys extends Group {

        @Command(
                name = "issue",
                description = "Issue an API key for a producer; it is printed once and stored only as a hash.")
        static final class Issue implements Callable<Integer> {
            @Parameters(paramLabel = "PRODUCER")
            String producer;

            @Override
            public Integer call() {
                ProducerKeys.checkProducerId("producer", producer);
                try (AdminStores stores = AdminStores.open(PlatformConfig.fromEnvironment())) {
                    String key = stores.producerKeys().issue(producer);
                    System.out.println(key);
                    System.err.println("key id "
                            + ProducerKeys.keyIdOf(Sha256.hex(key))
                            + " for producer " + producer
                            + ": the key is shown this once (revoke it with fp ingress keys revoke ID)");
                }
                return 0;
            }
        }

        @Command(
                name = "list",
                description =
                        "Every key: its id (the first 12 hex digits of its hash), producer, when issued and revoked.")
        static final class ListKeys implements Callable<Integer> {
            @Override
            public Integer call() {
                try (AdminStores stores = AdminStores.open(PlatformConfig.fromEnvironment())) {
                    var keys = stores.producerKeys().list();
                    if (keys.isEmpty()) System.out.println("no keys issued");
                    for (var k : keys) {
                        System.out.printf(
                                Locale.ROOT,
                                "%s  %-24s issued %s  %s%n",
                                k.keyId(),
                                k.producerId(),
                                Times.format(k.issuedAt()),
                                k.revokedAt() == null
                                        ? "valid"
                                        : "revoked " + Times.format(k.revokedAt())
                                                + (k.revokeReason() == null ? "" : " (" + k.revokeReason() + ")"));
                    }
                }
                return 0;
            }
        }

        @Command(
                name = "revoke",
                description =
                        "Revoke a key: the gate refuses it (401) from its next request. The key stays listed, revoked.")
        static final class Revoke implements Callable<Integer> {
            @Parameters(paramLabel = "KEY_ID", description = "The key's id as 'fp ingress keys list' shows it.")
            String keyId;

            @Option(names = "--reason", description = "Why it is revoked (kept with the revocation).")
            String reason;

            @Override
            public Integer call() {
                ProducerKeys.checkKeyId(keyId);
                try (AdminStores stores = AdminStores.open(PlatformConfig.fromEnvironment())) {
                    var k = stores.producerKeys().revoke(keyId, reason);
                    System.out.println("revoked key " + k.keyId() + " of producer " + k.producerId());
                }
                return 0;
            }
        }
    }

    @Command(
            name = "quarantine",
            description = "Inspect and release quarantined inputs.",
            subcommands = {Quarantine.ListQuarantine.class, Quarantine.Show.class, Quarantine.Release.class})
    static final class Quarantine extends Group {

        @Command(name = "list", description = "The newest quarantined inputs.")
        static final class ListQuarantine implements Callable<Integer> {
            @Option(names = "--run", description = "Only this run.")
            String runId;

            @Option(
                    names = "--limit",
                    defaultValue = "50",
                    converter = Check.Positive.class,
                    description = "At most this many (default ${DEFAULT-VALUE}).")
            int limit;

            @Override
            public Integer call() {
                try (AdminStores stores = AdminStores.open(PlatformConfig.fromEnvironment())) {
                    var entries = stores.quarantine().list(runId, limit);
                    if (entries.isEmpty())
                        System.out.println("nothing quarantined" + (runId != null ? " in run " + runId : ""));
                    for (var e : entries) {
                        System.out.printf(
                                Locale.ROOT,
                                "%s  %s  %-22s %s/%s  %s%s%n",
                                e.receiptId(),
                                Times.format(e.receivedAt()),
                                e.reason(),
                                e.eventClass(),
                                e.eventId(),
                                e.platformRunId(),
                                e.releasedAs() != null ? "  released as " + e.releasedAs() : "");
                    }
                }
                return 0;
            }
        }

        @Command(name = "show", description = "One quarantined input: its receipt, reason and raw bytes.")
        static final class Show implements Callable<Integer> {
            @Parameters(paramLabel = "RECEIPT_ID")
            String receiptId;

            @Override
            public Integer call() {
                PlatformConfig cfg = PlatformConfig.fromEnvironment();
                try (AdminStores stores = AdminStores.open(cfg)) {
                    var e = stores.quarantine()
                            .get(receiptId)
                            .orElseThrow(() ->
                                    new IllegalArgumentException("no quarantined input has receipt " + receiptId));
                    System.out.println("receipt   " + e.receiptId());
                    System.out.println("run       " + e.platformRunId());
                    System.out.println("event     " + e.eventClass() + "/" + e.eventId());
                    System.out.println("reason    " + e.reason());
                    System.out.println("detail    " + e.detail());
                    System.out.println("received  " + Times.format(e.receivedAt()));
                    System.out.println("released  " + (e.releasedAs() != null ? "as " + e.releasedAs() : "no"));
                    if (e.rawObjectKey() != null) {
                        byte[] raw = cfg.objectStore().read(e.rawObjectKey());
                        System.out.println("raw       " + e.rawObjectKey() + " (" + raw.length + " bytes)");
                        System.out.println(new String(raw, StandardCharsets.UTF_8));
                    }
                }
                return 0;
            }
        }

        @Command(
                name = "release",
                description = "Resubmit a corrected input through the gate; the release is receipted and linked.")
        static final class Release implements Callable<Integer> {
            @Parameters(paramLabel = "RECEIPT_ID")
            String receiptId;

            @Option(names = "--file", required = true, description = "The corrected envelope (one JSON document).")
            Path file;

            @Option(names = "--gate", required = true, description = "The gate's base URL.")
            String gateUrl;

            @Option(names = "--key", description = "API key (default: FP_API_KEY).")
            String key;

            @Override
            public Integer call() throws Exception {
                String apiKey = key != null ? key : System.getenv("FP_API_KEY");
                if (apiKey == null || apiKey.isBlank())
                    throw new IllegalArgumentException("an API key is needed: --key or FP_API_KEY");
                Check.readableFile(file, "--file");
                Check.gateAnswers(gateUrl);
                byte[] corrected = Files.readAllBytes(file);
                try (AdminStores stores = AdminStores.open(PlatformConfig.fromEnvironment())) {
                    var out = QuarantineRelease.release(
                            stores.quarantine(),
                            new HttpIngressClient(gateUrl, apiKey),
                            receiptId,
                            corrected,
                            System.getProperty("user.name", "unknown"));
                    System.out.println((out.released() ? "released as " : "not released; the correction got ")
                            + out.receipt().outcome()
                            + (out.receipt().reason() != null
                                    ? "/" + out.receipt().reason() + ": "
                                            + out.receipt().detail()
                                    : "")
                            + " (receipt " + out.receipt().receiptId() + ")");
                    return out.released() ? 0 : 1;
                }
            }
        }
    }
}
