package dev.fraudplatform.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.casework.console.InvestigatorConsole;
import dev.fraudplatform.casework.console.PasswordHashing;
import dev.fraudplatform.core.cases.CaseSummary;
import dev.fraudplatform.core.cases.Investigators;
import dev.fraudplatform.core.json.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * {@code fp bench console}: the investigator console's pages at scale, over HTTP, as a browser asks for them. Seeds a
 * scratch database as {@code fp bench cases} does ({@link CasesBench#seed}: about {@code accounts} cases, a share of
 * them worked), starts the real {@link InvestigatorConsole} on it on 127.0.0.1, signs a lead in, and times, p50/p95/p99
 * over {@value #SAMPLES} requests each after {@value #WARM_UP} to warm up: {@code GET /api/queue} (the first page by
 * each sort, page 51, and filtered by owner, unassigned, state, priority and age) and {@code GET /api/cases/{id}} and
 * its labels for random cases. Each time is the whole request: HTTP, the session and its lookup, the store's reads and
 * the JSON. Goal (issue 14): a page's p95 at most {@value #GOAL_P95_MS} ms at 100,000 cases.
 */
public final class ConsoleBench {
    static final int SAMPLES = 200;
    static final int WARM_UP = 20;
    static final double GOAL_P95_MS = 200;
    private static final String USER = "bench-lead";

    private ConsoleBench() {}

    public static int run(int accounts, long seed, boolean keep) throws Exception {
        PlatformConfig cfg = PlatformConfig.fromEnvironment();
        String name = "fp_bench_console";
        AdminStores stores = AdminStores.openScratch(cfg, name, 8);
        try {
            return bench(stores, accounts, seed);
        } finally {
            if (keep) {
                stores.keepScratch();
                System.out.println("bench console: kept database " + name);
            }
            stores.close();
        }
    }

    private static int bench(AdminStores stores, int accounts, long seed) throws Exception {
        CasesBench.Seeded seeded = CasesBench.seed(stores, accounts, seed);
        String run = seeded.run();
        List<CaseSummary> all = seeded.all();
        Random rnd = seeded.rnd();
        String password = "bench password " + Long.toHexString(rnd.nextLong());
        stores.investigators()
                .add(new Investigators.Investigator(
                        USER, Investigators.Role.LEAD, PasswordHashing.hash(password), Instant.now()));
        try (InvestigatorConsole console = new InvestigatorConsole(
                stores.cases(), stores.accountActivity(), stores.labelStore(), stores.investigators(), () -> {})) {
            console.start(0);
            Client client = Client.signIn(console.url(), password);
            System.out.printf(
                    Locale.ROOT, "bench console: %,d cases of run %s, console at %s%n", all.size(), run, console.url());
            Instant median =
                    all.stream().map(CaseSummary::openedAt).sorted().toList().get(all.size() / 2);
            String q = "/api/queue?limit=50&run=" + run;
            Map<String, Supplier<String>> pages = new LinkedHashMap<>();
            for (String sort : List.of("priority", "age", "updated")) {
                pages.put("queue first page, " + sort, () -> q + "&sort=" + sort);
            }
            for (String sort : List.of("priority", "age", "updated")) {
                String cursor = null;
                for (int i = 0; i < 50; i++) {
                    JsonNode page = client.json(q + "&sort=" + sort + (cursor == null ? "" : "&after=" + enc(cursor)));
                    cursor = page.path("next").asText(null);
                }
                String deep = cursor;
                pages.put("queue page 51, " + sort, () -> q + "&sort=" + sort + "&after=" + enc(deep));
            }
            pages.put(
                    "filter owner (1 of " + CasesBench.INVESTIGATORS + ")",
                    () -> q + "&owner=inv-" + rnd.nextInt(CasesBench.INVESTIGATORS));
            pages.put("filter unassigned", () -> q + "&owner=unassigned");
            pages.put("filter state IN_PROGRESS, updated", () -> q + "&state=IN_PROGRESS&sort=updated");
            pages.put("filter state CLOSED, age", () -> q + "&state=CLOSED&sort=age");
            pages.put("filter min priority 80", () -> q + "&min_priority=80");
            pages.put("filter opened before the median, age", () -> q + "&opened_before=" + median + "&sort=age");
            pages.put(
                    "case page",
                    () -> "/api/cases/" + all.get(rnd.nextInt(all.size())).caseId());
            pages.put(
                    "case labels",
                    () -> "/api/cases/" + all.get(rnd.nextInt(all.size())).caseId() + "/labels");

            List<String> missed = new ArrayList<>();
            for (Map.Entry<String, Supplier<String>> e : pages.entrySet()) {
                double p95 = time(client, e.getKey(), e.getValue());
                if (p95 > GOAL_P95_MS) missed.add(e.getKey());
            }
            System.out.println(
                    missed.isEmpty()
                            ? "bench console: every page's p95 within the goal of " + (int) GOAL_P95_MS + " ms"
                            : "bench console: p95 above the goal of " + (int) GOAL_P95_MS + " ms: " + missed);
        }
        return 0;
    }

    private static double time(Client client, String what, Supplier<String> path) throws Exception {
        for (int i = 0; i < WARM_UP; i++) client.json(path.get());
        long[] nanos = new long[SAMPLES];
        long bytes = 0;
        for (int i = 0; i < SAMPLES; i++) {
            String p = path.get();
            long t = System.nanoTime();
            bytes += client.get(p).length();
            nanos[i] = System.nanoTime() - t;
        }
        double p95 = CasesBench.pct(nanos, 0.95);
        System.out.printf(
                Locale.ROOT,
                "%-40s p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  (%,d bytes a page)%n",
                what,
                CasesBench.pct(nanos, 0.50),
                p95,
                CasesBench.pct(nanos, 0.99),
                bytes / SAMPLES);
        return p95;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A signed-in HTTP client of the console (one keep-alive connection, as a browser tab has). */
    private record Client(HttpClient http, String base, String cookie) {
        static Client signIn(String base, String password) throws Exception {
            HttpClient http = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/login"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "username=" + USER + "&password=" + enc(password)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String cookie = r.headers().firstValue("Set-Cookie").orElse(null);
            if (r.statusCode() != 303 || cookie == null)
                throw new IllegalStateException("the bench could not sign in: HTTP " + r.statusCode());
            return new Client(http, base, cookie.substring(0, cookie.indexOf(';')));
        }

        String get(String path) throws Exception {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(base + path))
                            .timeout(Duration.ofSeconds(30))
                            .header("Cookie", cookie)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200)
                throw new IllegalStateException(path + " answered HTTP " + r.statusCode() + ": " + r.body());
            return r.body();
        }

        JsonNode json(String path) throws Exception {
            return Json.MAPPER.readTree(get(path));
        }
    }
}
