package dev.fraudplatform.casework.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.casework.cases.DispositionLabels;
import dev.fraudplatform.core.cases.ActivityEvent;
import dev.fraudplatform.core.cases.CaseStore;
import dev.fraudplatform.core.cases.CaseSummary;
import dev.fraudplatform.core.cases.CaseTrigger;
import dev.fraudplatform.core.cases.Investigators;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.substrate.postgres.PostgresAccountActivity;
import dev.fraudplatform.substrate.postgres.PostgresCaseStore;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import dev.fraudplatform.substrate.postgres.PostgresInvestigators;
import dev.fraudplatform.substrate.postgres.PostgresLabelStore;
import dev.fraudplatform.testkit.servers.EmbeddedServers;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The investigator's console over real HTTP (java.net.http), on a real PostgreSQL with the real adapters: sign-in,
 * sessions, CSRF, roles, and every refusal of a bad action changing nothing.
 */
class InvestigatorConsoleIT {
    static final String RUN = "run-console-it";
    static final String ANALYST_PASSWORD = "analyst password 1";
    static final String LEAD_PASSWORD = "lead password 12";
    static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    static final AtomicInteger NEXT_ACCOUNT = new AtomicInteger();

    static PostgresDatabase db;
    static CaseStore cases;
    static Investigators investigators;
    static PostgresAccountActivity activity;
    static InvestigatorConsole console;
    static final AtomicInteger dispositionsDrained = new AtomicInteger();
    static String base;

    @BeforeAll
    static void start() {
        db = EmbeddedServers.freshPostgresDatabase();
        cases = new PostgresCaseStore(db.dataSource());
        investigators = new PostgresInvestigators(db.dataSource());
        activity = new PostgresAccountActivity(db.dataSource());
        Instant now = Instant.now();
        investigators.add(new Investigators.Investigator(
                "ana", Investigators.Role.ANALYST, PasswordHashing.hash(ANALYST_PASSWORD), now));
        investigators.add(new Investigators.Investigator(
                "lea", Investigators.Role.LEAD, PasswordHashing.hash(LEAD_PASSWORD), now));
        PostgresLabelStore labels = new PostgresLabelStore(db.dataSource());
        DispositionLabels dispositionLabels = new DispositionLabels(cases, labels);
        console = new InvestigatorConsole(cases, activity, labels, investigators, () -> {
            dispositionsDrained.incrementAndGet();
            dispositionLabels.drain();
        });
        console.start(0);
        base = console.url();
    }

    @AfterAll
    static void stop() {
        if (console != null) console.close();
        if (db != null) db.close();
    }

    // ---- fixtures ----

    /** A new account with a transaction and a login, and its REVIEW decision attached as a case; returns the case. */
    static CaseSummary newCase() {
        int n = NEXT_ACCOUNT.incrementAndGet();
        String account = "acct-it-" + n;
        String eventId = "e-txn-" + n;
        Instant t = Instant.parse("2026-03-02T14:07:31.250Z").plusSeconds(n);
        activity.record(List.of(
                new ActivityEvent(
                        RUN,
                        "e-login-" + n,
                        "ctx.login",
                        account,
                        t.minusSeconds(60),
                        null,
                        null,
                        "dev-" + n,
                        "203.0.113." + n,
                        null,
                        null,
                        "flow-" + n,
                        "{\"account_id\":\"" + account + "\",\"device_id\":\"dev-" + n + "\",\"result\":\"ok\"}"),
                new ActivityEvent(
                        RUN,
                        eventId,
                        "txn.authorization",
                        account,
                        t,
                        "t-" + n,
                        "card-" + n,
                        "dev-" + n,
                        "203.0.113." + n,
                        "m-1",
                        12_999L,
                        "flow-" + n,
                        "{\"account_id\":\"" + account + "\",\"txn_id\":\"t-" + n + "\",\"amount_minor\":12999}")));
        ObjectNode features =
                Json.MAPPER.createObjectNode().put("amount_minor", 12_999).put("txn_count_1h", 4);
        Decision d = new Decision(
                Decision.idFor("txn.authorization", eventId),
                eventId,
                RUN,
                account,
                t.toString(),
                DecisionAction.REVIEW,
                0.91,
                List.of("velocity_1h", "new_device"),
                "rules-v1",
                DegradeMode.FULL,
                "all context present",
                "sha256:00",
                features);
        cases.attach(List.of(new CaseTrigger(
                RUN,
                d.decisionId(),
                eventId,
                account,
                DecisionAction.REVIEW,
                0.91,
                12_999L,
                t,
                d.toJson().toString())));
        return cases
                .queue(new dev.fraudplatform.core.cases.QueueQuery(RUN, null, 0, null, null, null, null, 200))
                .cases()
                .stream()
                .filter(c -> c.accountId().equals(account))
                .findFirst()
                .orElseThrow();
    }

    /** A signed-in browser: its session cookie and CSRF token. */
    record Signed(String cookie, String csrf) {}

    static Signed signIn(String user, String password) throws Exception {
        HttpResponse<String> r = post("/login", null, Map.of("username", user, "password", password), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        JsonNode me = json(get("/api/me", cookie));
        assertThat(me.path("username").asText()).isEqualTo(user);
        return new Signed(cookie, me.path("csrf").asText());
    }

    static HttpResponse<String> get(String path, String cookie) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (cookie != null) b.header("Cookie", cookie);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String cookie, Map<String, String> form, String csrfHeader)
            throws IOException, InterruptedException {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) b.header("Cookie", cookie);
        if (csrfHeader != null) b.header("X-CSRF-Token", csrfHeader);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> act(Signed s, CaseSummary c, String action, Map<String, String> fields)
            throws Exception {
        Map<String, String> form = new LinkedHashMap<>(fields);
        form.putIfAbsent("version", Long.toString(c.version()));
        return post("/api/cases/" + c.caseId() + "/" + action, s.cookie(), form, s.csrf());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return Json.MAPPER.readTree(r.body());
    }

    static String error(HttpResponse<String> r) throws IOException {
        String e = json(r).path("error").asText();
        assertThat(e)
                .isNotBlank()
                .doesNotContain("\n")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
        return e;
    }

    static CaseSummary reload(CaseSummary c) {
        return cases.find(c.caseId()).orElseThrow();
    }

    // ---- sessions ----

    @Test
    void withoutASessionNoPageOrApiAnswers() throws Exception {
        CaseSummary c = newCase();
        for (String page : List.of("/", "/cases/" + c.caseId(), "/assets/queue.js", "/assets/case.js", "/nowhere")) {
            HttpResponse<String> r = get(page, null);
            assertThat(r.statusCode()).as(page).isEqualTo(303);
            assertThat(r.headers().firstValue("Location")).as(page).contains("/login");
        }
        for (String api :
                List.of("/api/me", "/api/queue", "/api/cases/" + c.caseId(), "/api/cases/" + c.caseId() + "/labels")) {
            HttpResponse<String> r = get(api, null);
            assertThat(r.statusCode()).as(api).isEqualTo(401);
            assertThat(error(r)).contains("sign in");
            assertThat(r.body()).doesNotContain(c.accountId());
        }
        for (String action : List.of("assign", "state", "note", "disposition", "close")) {
            HttpResponse<String> r = post(
                    "/api/cases/" + c.caseId() + "/" + action,
                    null,
                    Map.of(
                            "version",
                            "1",
                            "owner",
                            "ana",
                            "state",
                            "WAITING",
                            "text",
                            "x",
                            "disposition",
                            "LEGITIMATE"),
                    "anything");
            assertThat(r.statusCode()).as(action).isEqualTo(401);
        }
        // a made-up cookie is no session either
        assertThat(get("/api/me", InvestigatorConsole.COOKIE + "=forged").statusCode())
                .isEqualTo(401);
        assertThat(get("/login", null).statusCode()).isEqualTo(200);
        assertThat(reload(c)).isEqualTo(c);
    }

    @Test
    void aWrongPasswordOrUnknownUserIsRefusedWithoutASession() throws Exception {
        for (Map<String, String> form : List.of(
                Map.of("username", "ana", "password", "wrong password 1"),
                Map.of("username", "nobody", "password", ANALYST_PASSWORD),
                Map.of("username", "ana", "password", ""),
                Map.of("username", "ana"))) {
            HttpResponse<String> r = post("/login", null, form, null);
            assertThat(r.statusCode()).as(form.toString()).isEqualTo(401);
            assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
            assertThat(r.body()).contains("Wrong user name or password");
        }
    }

    @Test
    void aRunOfFailedSignInsStopsSignInsOfThatNameForAWhile() throws Exception {
        investigators.add(new Investigators.Investigator(
                "guessed", Investigators.Role.ANALYST, PasswordHashing.hash("the real password"), Instant.now()));
        for (int i = 0; i < InvestigatorConsole.MAX_FAILED_SIGN_INS; i++)
            assertThat(post("/login", null, Map.of("username", "guessed", "password", "guess " + i), null)
                            .statusCode())
                    .isEqualTo(401);
        HttpResponse<String> refused =
                post("/login", null, Map.of("username", "guessed", "password", "the real password"), null);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("Too many failed sign-ins");
        assertThat(refused.headers().firstValue("Set-Cookie")).isEmpty();
        // other names are not held up
        signIn("ana", ANALYST_PASSWORD);
    }

    @Test
    void signingOutEndsTheSessionAndNeedsItsCsrfToken() throws Exception {
        Signed s = signIn("ana", ANALYST_PASSWORD);
        assertThat(post("/logout", s.cookie(), Map.of(), null).statusCode()).isEqualTo(403);
        assertThat(get("/api/me", s.cookie()).statusCode()).isEqualTo(200);
        HttpResponse<String> out = post("/logout", s.cookie(), Map.of("csrf", s.csrf()), null);
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().firstValue("Set-Cookie")).get().asString().contains("Max-Age=0");
        assertThat(get("/api/me", s.cookie()).statusCode()).isEqualTo(401);
        assertThat(get("/", s.cookie()).statusCode()).isEqualTo(303);
    }

    @Test
    void anotherHostNameOrAnotherSitesFormIsRefused() throws Exception {
        Signed s = signIn("ana", ANALYST_PASSWORD);
        CaseSummary c = newCase();
        URI u = URI.create(base);
        try (java.net.Socket socket = new java.net.Socket(u.getHost(), u.getPort())) {
            socket.getOutputStream()
                    .write(("GET /api/queue HTTP/1.1\r\nHost: attacker.example:" + u.getPort() + "\r\nCookie: "
                                    + s.cookie() + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 403").doesNotContain(c.caseId());
        }
        HttpRequest cross = HttpRequest.newBuilder(URI.create(base + "/api/cases/" + c.caseId() + "/note"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", s.cookie())
                .header("X-CSRF-Token", s.csrf())
                .header("Origin", "http://attacker.example")
                .POST(HttpRequest.BodyPublishers.ofString("version=" + c.version() + "&text=hi"))
                .build();
        assertThat(HTTP.send(cross, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(403);
        assertThat(reload(c)).isEqualTo(c);
    }

    // ---- CSRF, stale forms and bad actions change nothing ----

    @Test
    void aMissingOrForgedCsrfTokenIsRefusedAndChangesNothing() throws Exception {
        Signed s = signIn("ana", ANALYST_PASSWORD);
        Signed other = signIn("lea", LEAD_PASSWORD);
        CaseSummary c = newCase();
        Map<String, String> note = Map.of("version", Long.toString(c.version()), "text", "forged");
        HttpResponse<String> missing = post("/api/cases/" + c.caseId() + "/note", s.cookie(), note, null);
        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(error(missing)).contains("CSRF");
        HttpResponse<String> forged = post("/api/cases/" + c.caseId() + "/note", s.cookie(), note, "x" + s.csrf());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(error(forged)).contains("CSRF");
        // another session's token is not this session's
        HttpResponse<String> borrowed = post("/api/cases/" + c.caseId() + "/note", s.cookie(), note, other.csrf());
        assertThat(borrowed.statusCode()).isEqualTo(403);
        // and the form field works as the header does
        Map<String, String> withField = new LinkedHashMap<>(note);
        withField.put("csrf", "wrong");
        assertThat(post("/api/cases/" + c.caseId() + "/note", s.cookie(), withField, null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(reload(c)).isEqualTo(c);
        assertThat(cases.timeline(c.caseId())).noneMatch(t -> t.detail().contains("forged"));
        withField.put("csrf", s.csrf());
        assertThat(post("/api/cases/" + c.caseId() + "/note", s.cookie(), withField, null)
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void aStaleFormIsRefusedAndChangesNothing() throws Exception {
        Signed s = signIn("ana", ANALYST_PASSWORD);
        CaseSummary loaded = newCase();
        assertThat(act(s, loaded, "note", Map.of("text", "first")).statusCode()).isEqualTo(200);
        CaseSummary now = reload(loaded);
        HttpResponse<String> stale = act(s, loaded, "state", Map.of("state", "WAITING")); // the old version
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(error(stale)).contains("the case changed since you loaded it");
        assertThat(reload(loaded)).isEqualTo(now);
    }

    @Test
    void anUnknownCaseIsNotFound() throws Exception {
        Signed s = signIn("ana", ANALYST_PASSWORD);
        for (String id : List.of("no-such-case", "..%2F..%2Fetc", "%3Cscript%3E")) {
            HttpResponse<String> r = get("/api/cases/" + id, s.cookie());
            assertThat(r.statusCode()).as(id).isEqualTo(404);
            assertThat(error(r)).contains("no case");
        }
        HttpResponse<String> r =
                post("/api/cases/no-such-case/note", s.cookie(), Map.of("version", "1", "text", "hello"), s.csrf());
        assertThat(r.statusCode()).isEqualTo(404);
    }

    @Test
    void anOversizedNoteIsRefusedWithTheLimitAndChangesNothing() throws Exception {
        Signed s = signIn("ana", ANALYST_PASSWORD);
        CaseSummary c = newCase();
        HttpResponse<String> r = act(s, c, "note", Map.of("text", "x".repeat(4001)));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(error(r)).contains("4001 characters, more than the 4000");
        // a body far past any note is refused as well, before it is read into a note
        HttpResponse<String> huge = act(s, c, "note", Map.of("text", "y".repeat(3_000_000)));
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(error(huge)).contains("larger than the console takes").contains("4000");
        HttpResponse<String> empty = act(s, c, "note", Map.of("text", "  "));
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(reload(c)).isEqualTo(c);
    }

    @Test
    void aDispositionOnAClosedCaseIsRefused() throws Exception {
        Signed s = signIn("ana", ANALYST_PASSWORD);
        CaseSummary c = newCase();
        assertThat(act(s, c, "disposition", Map.of("disposition", "LEGITIMATE")).statusCode())
                .isEqualTo(200);
        c = reload(c);
        assertThat(act(s, c, "close", Map.of()).statusCode()).isEqualTo(200);
        CaseSummary closed = reload(c);
        HttpResponse<String> r = act(s, closed, "disposition", Map.of("disposition", "CONFIRMED_FRAUD"));
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(error(r)).contains("closed");
        assertThat(reload(c)).isEqualTo(closed);
    }

    @Test
    void anAnalystCannotAssignToAnotherButALeadCan() throws Exception {
        Signed analyst = signIn("ana", ANALYST_PASSWORD);
        Signed lead = signIn("lea", LEAD_PASSWORD);
        CaseSummary c = newCase();
        HttpResponse<String> r = act(analyst, c, "assign", Map.of("owner", "lea"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(error(r)).contains("only to themself");
        assertThat(reload(c)).isEqualTo(c);
        HttpResponse<String> unknown = act(lead, c, "assign", Map.of("owner", "nobody"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(error(unknown)).contains("no investigator nobody");
        assertThat(act(lead, c, "assign", Map.of("owner", "ana")).statusCode()).isEqualTo(200);
        assertThat(reload(c).owner()).isEqualTo("ana");
        assertThat(cases.timeline(c.caseId()))
                .filteredOn(t -> t.type() == dev.fraudplatform.core.cases.TimelineEntry.Type.ASSIGNED)
                .singleElement()
                .satisfies(t -> assertThat(t.actor()).isEqualTo("lea"));
    }

    @Test
    void badParametersAreOneLine400s() throws Exception {
        Signed s = signIn("ana", ANALYST_PASSWORD);
        CaseSummary c = newCase();
        for (String q : List.of(
                "state=SLEEPING",
                "sort=random",
                "limit=0",
                "limit=201",
                "limit=ten",
                "min_priority=101",
                "owner=Robert%27);DROP",
                "opened_before=yesterday",
                "after=not-a-cursor")) {
            HttpResponse<String> r = get("/api/queue?" + q, s.cookie());
            assertThat(r.statusCode()).as(q).isEqualTo(400);
            assertThat(error(r)).as(q).isNotBlank();
        }
        for (Map<String, String> bad : List.of(
                Map.of("state", "CLOSED"), Map.of("state", "nap"), Map.of("version", "x", "state", "WAITING"))) {
            assertThat(act(s, c, "state", bad).statusCode()).as(bad.toString()).isEqualTo(400);
        }
        assertThat(act(s, c, "disposition", Map.of("disposition", "maybe")).statusCode())
                .isEqualTo(400);
        assertThat(act(s, c, "fly", Map.of()).statusCode()).isEqualTo(404);
        assertThat(reload(c)).isEqualTo(c);
    }

    // ---- the flow ----

    @Test
    void anAnalystWorksACaseFromTheQueueToClosedAndTheTimelineSaysWho() throws Exception {
        Signed s = signIn("ana", ANALYST_PASSWORD);
        CaseSummary c = newCase();
        JsonNode queue = json(get("/api/queue?owner=unassigned&sort=age&limit=200", s.cookie()));
        assertThat(queue.path("total").asLong()).isPositive();
        assertThat(queue.findValuesAsText("case_id")).contains(c.caseId());

        JsonNode page = json(get("/api/cases/" + c.caseId(), s.cookie()));
        assertThat(page.path("case").path("account_id").asText()).isEqualTo(c.accountId());
        JsonNode decision = page.path("decisions").get(0);
        assertThat(decision.path("action").asText()).isEqualTo("REVIEW");
        assertThat(decision.path("reasons").toString()).contains("velocity_1h");
        assertThat(decision.path("degrade_mode").asText()).isEqualTo("FULL");
        assertThat(decision.path("bundle_id").asText()).isEqualTo("rules-v1");
        assertThat(decision.path("features").path("txn_count_1h").asInt()).isEqualTo(4);
        assertThat(page.path("activity").findValuesAsText("event_class"))
                .containsExactly("txn.authorization", "ctx.login");
        assertThat(page.path("graph").path("nodes").findValuesAsText("kind")).contains("account", "device");
        assertThat(page.path("timeline").findValuesAsText("type")).contains("OPENED");

        long v = c.version();
        for (var step : List.of(
                Map.entry("assign", Map.of("owner", "ana")),
                Map.entry("state", Map.of("state", "IN_PROGRESS")),
                Map.entry("note", Map.of("text", "called the customer <b>not them</b>")),
                Map.entry("disposition", Map.of("disposition", "CONFIRMED_FRAUD", "note", "card testing")),
                Map.entry("close", Map.<String, String>of()))) {
            Map<String, String> form = new LinkedHashMap<>(step.getValue());
            form.put("version", Long.toString(v));
            HttpResponse<String> r = post("/api/cases/" + c.caseId() + "/" + step.getKey(), s.cookie(), form, s.csrf());
            assertThat(r.statusCode()).as(step.getKey() + ": " + r.body()).isEqualTo(200);
            long next = json(r).path("case").path("version").asLong();
            assertThat(next).isGreaterThan(v);
            v = next;
        }
        assertThat(dispositionsDrained.get()).isPositive();
        CaseSummary closed = reload(c);
        assertThat(closed.state()).isEqualTo(dev.fraudplatform.core.cases.CaseState.CLOSED);
        assertThat(closed.owner()).isEqualTo("ana");
        assertThat(closed.disposition()).isEqualTo(dev.fraudplatform.core.cases.Disposition.CONFIRMED_FRAUD);
        assertThat(cases.timeline(c.caseId()))
                .filteredOn(t -> t.type() != dev.fraudplatform.core.cases.TimelineEntry.Type.OPENED
                        && t.type() != dev.fraudplatform.core.cases.TimelineEntry.Type.DECISION_ATTACHED
                        && t.type() != dev.fraudplatform.core.cases.TimelineEntry.Type.LABEL_ASSERTED)
                .extracting(t -> t.type().name() + " by " + t.actor())
                .containsExactly(
                        "ASSIGNED by ana",
                        "STATE_CHANGED by ana",
                        "NOTE by ana",
                        "DISPOSITION by ana",
                        "CLOSED by ana");
        // the disposition's label, asserted through the Label Store right after it, is what the investigator sees
        JsonNode labels = json(get("/api/cases/" + c.caseId() + "/labels", s.cookie()));
        assertThat(labels.path("labels")).hasSize(1);
        JsonNode only = labels.path("labels").get(0);
        assertThat(only.path("transaction").asText())
                .isEqualTo("t-" + c.accountId().substring("acct-it-".length()));
        assertThat(only.path("label").path("value").asText()).isEqualTo("FRAUD");
        assertThat(only.path("label").path("source").asText()).isEqualTo("INVESTIGATOR");
        assertThat(only.path("label").path("provenance").asText()).isEqualTo("case:" + c.caseId());
        assertThat(only.path("label").path("actor").asText()).isEqualTo("ana");
        assertThat(cases.timeline(c.caseId())).extracting(t -> t.type().name()).contains("LABEL_ASSERTED");
    }
}
