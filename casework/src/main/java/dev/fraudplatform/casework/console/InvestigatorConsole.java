package dev.fraudplatform.casework.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.cases.AccountActivity;
import dev.fraudplatform.core.cases.ActivityEvent;
import dev.fraudplatform.core.cases.CaseAction;
import dev.fraudplatform.core.cases.CaseConflictException;
import dev.fraudplatform.core.cases.CaseState;
import dev.fraudplatform.core.cases.CaseStore;
import dev.fraudplatform.core.cases.CaseSummary;
import dev.fraudplatform.core.cases.CaseTrigger;
import dev.fraudplatform.core.cases.Disposition;
import dev.fraudplatform.core.cases.Investigators;
import dev.fraudplatform.core.cases.Investigators.Investigator;
import dev.fraudplatform.core.cases.Investigators.Role;
import dev.fraudplatform.core.cases.Investigators.Session;
import dev.fraudplatform.core.cases.LinkGraph;
import dev.fraudplatform.core.cases.QueuePage;
import dev.fraudplatform.core.cases.QueueQuery;
import dev.fraudplatform.core.cases.TimelineEntry;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.core.labels.LabelSubject;
import dev.fraudplatform.core.store.Resources;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The investigator's web console (Javalin on 127.0.0.1): sign-in, the case queue, the case page and the actions on a
 * case, over Case Management's, the activity projection's, the Label Store's and the accounts' ports.
 *
 * <p>Pages ({@code GET /}, {@code GET /cases/{id}}) are static HTML and script from {@code investigator/} that fetch
 * the JSON API: {@code GET /api/me}, {@code GET /api/queue}, {@code GET /api/cases/{id}},
 * {@code GET /api/cases/{id}/labels} and {@code POST /api/cases/{id}/assign|state|note|disposition|close}.
 *
 * <p>Security, in the order a request meets it:
 * <ol>
 *   <li>only a loopback host name is answered (no DNS rebinding from a page elsewhere), and a POST whose
 *       {@code Origin} is another site is refused;</li>
 *   <li>everything but {@code /login} (and the login page's style sheet) needs a session: the {@value #COOKIE} cookie,
 *       32 random bytes, HttpOnly, SameSite=Strict, of which only the SHA-256 is stored; it expires after
 *       {@link #SESSION_LIFETIME} or at sign-out. Without one a page redirects to {@code /login} and an API answers
 *       401;</li>
 *   <li>every POST of a session carries the session's CSRF token (form field {@code csrf} or header
 *       {@code X-CSRF-Token}), compared in constant time; a missing or forged one is refused (403) before anything
 *       changes;</li>
 *   <li>roles: an analyst may assign a case only to themself; a lead to any investigator.</li>
 * </ol>
 * Every action goes through {@link CaseStore#act} with the version the form was loaded at and the session's user, so
 * the timeline records who did it and a stale form changes nothing (409). Errors are JSON {@code {"error": ...}}: one
 * line, never a stack trace.
 *
 * <p>Lifecycle: {@link #start} once; {@link #close} stops it. Thread-safe (Javalin's threads share only the ports).
 */
public final class InvestigatorConsole implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InvestigatorConsole.class);
    private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "[::1]");

    /** The session cookie's name. */
    public static final String COOKIE = "fp_session";
    /** How long a session lasts from sign-in. */
    public static final Duration SESSION_LIFETIME = Duration.ofHours(8);
    /** The largest request body taken: a note of the longest length, percent-encoded, with room to spare. */
    static final int MAX_REQUEST_BYTES = 128 * 1024;
    /** Failed sign-ins of one user name within {@link #FAILURE_WINDOW} after which its sign-ins are refused (429). */
    static final int MAX_FAILED_SIGN_INS = 10;

    static final int MAX_TRACKED_NAMES = 10_000;
    /** The window of {@link #MAX_FAILED_SIGN_INS}. */
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(10);
    /** The most events of an account's recent activity a case page shows. */
    static final int RECENT_EVENTS = 50;
    /** The most other accounts the entity graph shows. */
    static final int GRAPH_NEIGHBOURS = 24;

    private static final Pattern CASE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern AGE = Pattern.compile("(\\d{1,6})([mhd])");
    private static final String STYLE_SHEET = "/assets/console.css";
    private static final Map<String, String> ASSETS = Map.of(
            "console.css", "text/css; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "queue.js", "text/javascript; charset=utf-8",
            "case.js", "text/javascript; charset=utf-8");

    private final CaseStore cases;
    private final AccountActivity activity;
    private final LabelStore labels;
    private final Investigators investigators;
    private final Runnable afterDisposition;
    private final SecureRandom random = new SecureRandom();
    /**
     * Per user name: the times of its recent failed sign-ins (this process's memory; a restart forgets them, and so
     * does a flood of more than {@value #MAX_TRACKED_NAMES} names, which bounds the memory).
     */
    private final Map<String, java.util.Deque<Instant>> failedSignIns = new java.util.concurrent.ConcurrentHashMap<>();

    private final Map<String, byte[]> resources = new HashMap<>();
    private final Javalin app;
    private volatile String url;

    /** A request refused for its input: 400, or the given status, with a one-line message. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /**
     * @param afterDisposition run after each disposition the console records (the wiring drains the disposition's
     *                         labels into the Label Store with it, so the investigator sees them at once); a failure of
     *                         it is logged, and the disposition stands (its labels stay pending for the next drain)
     */
    public InvestigatorConsole(
            CaseStore cases,
            AccountActivity activity,
            LabelStore labels,
            Investigators investigators,
            Runnable afterDisposition) {
        this.cases = Objects.requireNonNull(cases);
        this.activity = Objects.requireNonNull(activity);
        this.labels = Objects.requireNonNull(labels);
        this.investigators = Objects.requireNonNull(investigators);
        this.afterDisposition = afterDisposition == null ? () -> {} : afterDisposition;
        for (String page : List.of("login.html", "queue.html", "case.html")) resource(page);
        ASSETS.keySet().forEach(this::resource);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = MAX_REQUEST_BYTES;
            config.routes.before(this::guard);
            config.routes.get("/login", ctx -> loginPage(ctx, 200, null));
            config.routes.post("/login", this::signIn);
            config.routes.post("/logout", this::signOut);
            config.routes.get("/", ctx -> html(ctx, "queue.html"));
            config.routes.get("/cases/{id}", ctx -> html(ctx, "case.html"));
            config.routes.get("/assets/{file}", this::asset);
            config.routes.get("/api/me", this::me);
            config.routes.get("/api/queue", this::queue);
            config.routes.get("/api/cases/{id}", this::casePage);
            config.routes.get("/api/cases/{id}/labels", this::caseLabels);
            config.routes.post("/api/cases/{id}/{action}", this::act);
            config.routes.error(413, "*", ctx -> {
                // the server's own refusal of a body past the limit; a 413 of the console's keeps its message
                String answered = ctx.result();
                if (answered == null || !answered.startsWith("{\"error\""))
                    error(
                            ctx,
                            413,
                            "the request is larger than the console takes (" + MAX_REQUEST_BYTES / 1024
                                    + " KB); a note has at most " + CaseAction.MAX_NOTE_LENGTH
                                    + " characters");
            });
            config.routes.exception(Refused.class, (e, ctx) -> error(ctx, e.status, e.getMessage()));
            config.routes.exception(CaseConflictException.class, (e, ctx) -> conflict(ctx, e));
            config.routes.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, oneLine(e)));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.warn("investigator console request {} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "the console cannot answer now: " + oneLine(e));
            });
        });
    }

    /** Starts listening on 127.0.0.1:{@code port} (0: any free port); returns the port. */
    public int start(int port) {
        app.start("127.0.0.1", port);
        url = "http://127.0.0.1:" + app.port();
        return app.port();
    }

    /** The console's base URL ({@code http://127.0.0.1:PORT}); only once started. */
    public String url() {
        if (url == null) throw new IllegalStateException("the console is not started");
        return url;
    }

    @Override
    public void close() {
        app.stop();
    }

    // ---- the guard: host, origin, session, CSRF ----

    private void guard(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("X-Content-Type-Options", "nosniff");
        // same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with its own forms
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
        String host = ctx.host() == null ? "" : ctx.host().replaceFirst(":\\d+$", "");
        if (!LOOPBACK_NAMES.contains(host)) {
            stop(ctx, 403, "the console answers only to a loopback host name");
            return;
        }
        boolean post = "POST".equals(ctx.method().name());
        if (post && !sameOrigin(ctx)) {
            stop(ctx, 403, "a form of another site cannot act here");
            return;
        }
        String path = ctx.path();
        if (path.equals("/login") || path.equals(STYLE_SHEET)) return;
        Optional<Session> session = session(ctx);
        Optional<Investigator> who = session.flatMap(s -> investigators.find(s.username()));
        if (who.isEmpty()) {
            ctx.skipRemainingHandlers();
            if (path.startsWith("/api/") || post) {
                ctx.status(401).contentType("application/json").result(errorJson("sign in first"));
            } else {
                ctx.redirect("/login", HttpStatus.SEE_OTHER);
            }
            return;
        }
        ctx.attribute("session", session.get());
        ctx.attribute("investigator", who.get());
        if (post) {
            String presented = ctx.header("X-CSRF-Token");
            if (presented == null) presented = formParam(ctx, "csrf");
            if (!PasswordHashing.sameToken(presented, session.get().csrfToken())) {
                stop(
                        ctx,
                        403,
                        presented == null || presented.isEmpty()
                                ? "the request carries no CSRF token: reload the page and try again"
                                : "the request's CSRF token is not this session's: reload the page and try again");
            }
        }
    }

    /** A POST's Origin, when the browser sends one, is this console's own. */
    private static boolean sameOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || origin.isEmpty()) return true;
        String expected = "http://" + ctx.host();
        return origin.equals(expected);
    }

    private Optional<Session> session(Context ctx) {
        String cookie = ctx.cookie(COOKIE);
        if (cookie == null || cookie.isEmpty() || cookie.length() > 128) return Optional.empty();
        return investigators.findSession(Sha256.hex(cookie));
    }

    private static Investigator who(Context ctx) {
        return Objects.requireNonNull(ctx.attribute("investigator"));
    }

    private static void stop(Context ctx, int status, String message) {
        ctx.skipRemainingHandlers();
        ctx.status(status).contentType("application/json").result(errorJson(message));
    }

    // ---- sign-in and out ----

    private void loginPage(Context ctx, int status, String message) {
        String page = new String(resources.get("login.html"), StandardCharsets.UTF_8);
        String shown = message == null ? "" : "<p id=\"login-error\" role=\"alert\">" + escapeHtml(message) + "</p>";
        ctx.status(status).contentType("text/html; charset=utf-8").result(page.replace("<!--error-->", shown));
    }

    private void signIn(Context ctx) {
        String username = formParam(ctx, "username");
        String password = formParam(ctx, "password");
        String name = username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
        Instant now = Instant.now();
        if (name.length() <= 64 && recentFailures(name, now) >= MAX_FAILED_SIGN_INS) {
            // guessing costs a hash a try already; a run of failures also stops the guesses for a while
            loginPage(
                    ctx,
                    429,
                    "Too many failed sign-ins for this user name: try again in " + FAILURE_WINDOW.toMinutes()
                            + " minutes.");
            return;
        }
        Optional<Investigator> account = name.isEmpty() ? Optional.empty() : investigators.find(name);
        // An unknown user costs the same hash as a known one, so the answer's time does not tell which names exist.
        boolean ok = PasswordHashing.verify(
                        password, account.map(Investigator::passwordHash).orElse(null))
                && account.isPresent();
        if (!ok) {
            recordFailure(name, now);
            LOG.info(
                    "investigator console: sign-in refused for {}",
                    account.map(Investigator::username).orElse("an unknown user"));
            loginPage(ctx, 401, "Wrong user name or password.");
            return;
        }
        failedSignIns.remove(name);
        String cookie = token();
        investigators.open(
                new Session(Sha256.hex(cookie), account.get().username(), token(), now, now.plus(SESSION_LIFETIME)));
        ctx.header(
                "Set-Cookie",
                COOKIE + "=" + cookie + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + SESSION_LIFETIME.toSeconds());
        LOG.info("investigator console: {} signed in", account.get().username());
        ctx.redirect("/", HttpStatus.SEE_OTHER);
    }

    private void recordFailure(String name, Instant now) {
        if (name.length() > 64) return;
        if (failedSignIns.size() > MAX_TRACKED_NAMES) failedSignIns.clear();
        java.util.Deque<Instant> times = failedSignIns.computeIfAbsent(name, k -> new java.util.ArrayDeque<>());
        synchronized (times) {
            times.addLast(now);
        }
    }

    /** The user name's failed sign-ins within the window before {@code now} (older ones forgotten). */
    private int recentFailures(String name, Instant now) {
        java.util.Deque<Instant> times = failedSignIns.get(name);
        if (times == null) return 0;
        synchronized (times) {
            while (!times.isEmpty() && times.peekFirst().isBefore(now.minus(FAILURE_WINDOW))) times.pollFirst();
            return times.size();
        }
    }

    private void signOut(Context ctx) {
        Session s = Objects.requireNonNull(ctx.attribute("session"));
        investigators.close(s.sessionHash());
        ctx.header("Set-Cookie", COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        ctx.redirect("/login", HttpStatus.SEE_OTHER);
    }

    /** 32 random bytes, Base64url without padding. */
    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    // ---- pages and assets ----

    private void resource(String name) {
        resources.put(name, Resources.bytes("investigator/" + name));
    }

    private void html(Context ctx, String page) {
        ctx.contentType("text/html; charset=utf-8").result(resources.get(page));
    }

    private void asset(Context ctx) {
        String file = ctx.pathParam("file");
        String type = ASSETS.get(file);
        if (type == null) throw new Refused(404, "no asset " + file);
        ctx.contentType(type).result(resources.get(file));
    }

    // ---- the API ----

    private void me(Context ctx) {
        Investigator me = who(ctx);
        Session s = Objects.requireNonNull(ctx.attribute("session"));
        json(
                ctx,
                Json.MAPPER
                        .createObjectNode()
                        .put("username", me.username())
                        .put("role", me.role().name())
                        .put("csrf", s.csrfToken())
                        .put("expires_at", s.expiresAt().toString())
                        .put("max_note_length", CaseAction.MAX_NOTE_LENGTH));
    }

    private void queue(Context ctx) {
        QueueQuery query = queueQuery(ctx, who(ctx), Instant.now());
        QueuePage page = cases.queue(query);
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode list = out.putArray("cases");
        page.cases().forEach(c -> list.add(summary(c)));
        out.put("next", page.next());
        out.put("total", page.total());
        json(ctx, out);
    }

    /** The queue's filters from the query string; a bad one is refused with a one-line 400. */
    static QueueQuery queueQuery(Context ctx, Investigator me, Instant now) {
        return queueQuery(
                ctx.queryParam("state"),
                ctx.queryParam("min_priority"),
                ctx.queryParam("owner"),
                ctx.queryParam("opened_before"),
                ctx.queryParam("sort"),
                ctx.queryParam("after"),
                ctx.queryParam("limit"),
                ctx.queryParam("run"),
                me,
                now);
    }

    static QueueQuery queueQuery(
            String state,
            String minPriority,
            String owner,
            String openedBefore,
            String sort,
            String after,
            String limit,
            String run,
            Investigator me,
            Instant now) {
        Set<CaseState> states = EnumSet.noneOf(CaseState.class);
        if (state != null && !state.isBlank() && !state.equalsIgnoreCase("active")) {
            for (String s : state.split(",")) {
                if (s.isBlank()) continue;
                if (s.trim().equalsIgnoreCase("all")) {
                    states.addAll(EnumSet.allOf(CaseState.class));
                    continue;
                }
                try {
                    states.add(CaseState.valueOf(s.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new Refused(
                            400, "state: one or more of OPEN, IN_PROGRESS, WAITING, CLOSED (or all), was " + clip(s));
                }
            }
        }
        int min = integer("min_priority", minPriority, 0, 0, 100);
        String ownerFilter;
        String o = owner == null ? "" : owner.trim();
        switch (o.toLowerCase(Locale.ROOT)) {
            case "", "anyone", "any" -> ownerFilter = null;
            case "mine" -> ownerFilter = me.username();
            case "unassigned", "none" -> ownerFilter = "";
            default -> {
                if (!Investigators.USERNAME.matcher(o).matches())
                    throw new Refused(400, "owner: mine, unassigned, anyone or a user name, was " + clip(o));
                ownerFilter = o;
            }
        }
        Instant before = null;
        if (openedBefore != null && !openedBefore.isBlank()) {
            Matcher age = AGE.matcher(openedBefore.trim());
            if (age.matches()) {
                long n = Long.parseLong(age.group(1));
                Duration d = switch (age.group(2)) {
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                before = now.minus(d);
            } else {
                try {
                    before = Instant.parse(openedBefore.trim());
                } catch (DateTimeParseException e) {
                    throw new Refused(
                            400,
                            "opened_before: an age (30m, 4h, 2d) or a UTC time (2026-03-02T14:07:31Z), was "
                                    + clip(openedBefore));
                }
            }
        }
        QueueQuery.Sort order;
        try {
            order = sort == null || sort.isBlank()
                    ? QueueQuery.Sort.PRIORITY
                    : QueueQuery.Sort.valueOf(sort.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Refused(400, "sort: priority, age or updated, was " + clip(sort));
        }
        if (after != null && (after.isBlank() || after.length() > 512)) throw new Refused(400, "after: not a cursor");
        int pageSize = integer("limit", limit, 50, 1, 200);
        if (run != null && !run.isBlank() && !RUN_ID.matcher(run).matches())
            throw new Refused(400, "run: not a run id: " + clip(run));
        return new QueueQuery(
                run == null || run.isBlank() ? null : run, states, min, ownerFilter, before, order, after, pageSize);
    }

    private static int integer(String name, String value, int absent, int min, int max) {
        if (value == null || value.isBlank()) return absent;
        try {
            int n = Integer.parseInt(value.trim());
            if (n < min || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new Refused(400, name + ": a whole number from " + min + " to " + max + ", was " + clip(value));
        }
    }

    private CaseSummary caseOf(Context ctx) {
        String id = ctx.pathParam("id");
        if (!CASE_ID.matcher(id).matches()) throw new Refused(404, "no case " + clip(id));
        return cases.find(id).orElseThrow(() -> new Refused(404, "no case " + id));
    }

    private void casePage(Context ctx) {
        CaseSummary c = caseOf(ctx);
        List<CaseTrigger> decisions = cases.decisions(c.caseId());
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("case", summary(c));
        ArrayNode ds = out.putArray("decisions");
        decisions.forEach(d -> ds.add(explanation(d)));
        Instant before = Instant.now();
        for (CaseTrigger d : decisions)
            if (d.eventTime() != null && d.eventTime().isAfter(before)) before = d.eventTime();
        ArrayNode recent = out.putArray("activity");
        for (ActivityEvent e : activity.recent(c.platformRunId(), c.accountId(), before, RECENT_EVENTS))
            recent.add(event(e));
        out.set("graph", graph(activity.graph(c.platformRunId(), c.accountId(), GRAPH_NEIGHBOURS)));
        ArrayNode tl = out.putArray("timeline");
        for (TimelineEntry t : cases.timeline(c.caseId())) tl.add(entry(t));
        json(ctx, out);
    }

    private void caseLabels(Context ctx) {
        CaseSummary c = caseOf(ctx);
        Instant now = Instant.now();
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (String txn : transactions(c)) {
            ObjectNode n = out.addObject().put("transaction", txn);
            LabelSubject subject;
            try {
                subject = LabelSubject.transaction(txn);
            } catch (IllegalArgumentException e) {
                n.putNull("label");
                continue;
            }
            Optional<LabelAssertion> standing = labels.asOf(c.platformRunId(), subject, now);
            if (standing.isEmpty()) n.putNull("label");
            else n.set("label", label(standing.get()));
        }
        json(ctx, Json.MAPPER.createObjectNode().put("as_of", now.toString()).set("labels", out));
    }

    /**
     * The transaction ids of the case's decisions: the activity projection's {@code txn_id} of each decision's event
     * (as Case Management labels them), else the decision's event id.
     */
    private List<String> transactions(CaseSummary c) {
        List<CaseTrigger> decisions = cases.decisions(c.caseId());
        Instant before = Instant.now();
        for (CaseTrigger d : decisions)
            if (d.eventTime() != null && d.eventTime().isAfter(before)) before = d.eventTime();
        Map<String, String> txnOfEvent = new HashMap<>();
        for (ActivityEvent e : activity.recent(c.platformRunId(), c.accountId(), before, 1000))
            if (e.txnId() != null) txnOfEvent.put(e.eventId(), e.txnId());
        Set<String> out = new LinkedHashSet<>();
        for (CaseTrigger d : decisions) {
            String txn = d.eventId() == null ? null : txnOfEvent.getOrDefault(d.eventId(), d.eventId());
            if (txn != null) out.add(txn);
        }
        return new ArrayList<>(out);
    }

    private void act(Context ctx) {
        Investigator me = who(ctx);
        CaseSummary c = caseOf(ctx);
        String verb = ctx.pathParam("action");
        long version = version(formParam(ctx, "version"));
        CaseAction action = switch (verb) {
            case "assign" -> assign(me, formParam(ctx, "owner"));
            case "state" -> new CaseAction.SetState(state(formParam(ctx, "state")));
            case "note" -> new CaseAction.Note(text("text", formParam(ctx, "text"), true));
            case "disposition" ->
                new CaseAction.Dispose(
                        disposition(formParam(ctx, "disposition")), text("note", formParam(ctx, "note"), false));
            case "close" -> new CaseAction.Close();
            default ->
                throw new Refused(404, "no action " + clip(verb) + ": assign, state, note, disposition or close");
        };
        CaseSummary after = cases.act(c.caseId(), version, action, me.username());
        LOG.info(
                "investigator console: {} {} case {} (version {} -> {})",
                me.username(),
                verb,
                c.caseId(),
                version,
                after.version());
        if (action instanceof CaseAction.Dispose) {
            try {
                afterDisposition.run();
            } catch (RuntimeException e) {
                LOG.warn("the labels of case {} stay pending: {}", c.caseId(), e.toString());
            }
        }
        json(ctx, Json.MAPPER.createObjectNode().set("case", summary(after)));
    }

    private CaseAction.Assign assign(Investigator me, String owner) {
        String o = owner == null || owner.isBlank() ? me.username() : owner.trim();
        if (!o.equals(me.username()) && me.role() != Role.LEAD)
            throw new Refused(403, "an analyst may assign a case only to themself; a lead assigns to others");
        if (!o.equals(me.username()) && investigators.find(o).isEmpty())
            throw new Refused(400, "owner: no investigator " + clip(o));
        return new CaseAction.Assign(o);
    }

    private static long version(String v) {
        if (v == null || v.isBlank())
            throw new Refused(400, "version: the case's version when the form was loaded is missing");
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new Refused(400, "version: a whole number, was " + clip(v));
        }
    }

    private static CaseState state(String s) {
        try {
            CaseState state = CaseState.valueOf(s == null ? "" : s.trim().toUpperCase(Locale.ROOT));
            if (state == CaseState.IN_PROGRESS || state == CaseState.WAITING) return state;
        } catch (IllegalArgumentException e) {
            // below
        }
        throw new Refused(400, "state: IN_PROGRESS or WAITING (closing is its own action), was " + clip(s));
    }

    private static Disposition disposition(String s) {
        try {
            return Disposition.valueOf(s == null ? "" : s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Refused(400, "disposition: CONFIRMED_FRAUD, LEGITIMATE or INCONCLUSIVE, was " + clip(s));
        }
    }

    private static String text(String name, String text, boolean required) {
        if (text == null || text.isBlank()) {
            if (required) throw new Refused(400, name + ": empty");
            return null;
        }
        if (text.length() > CaseAction.MAX_NOTE_LENGTH)
            throw new Refused(
                    413,
                    name + ": " + text.length() + " characters, more than the " + CaseAction.MAX_NOTE_LENGTH
                            + " a note may have");
        return text;
    }

    // ---- JSON of the domain ----

    static ObjectNode summary(CaseSummary c) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("case_id", c.caseId())
                .put("platform_run_id", c.platformRunId())
                .put("account_id", c.accountId())
                .put("state", c.state().name())
                .put("priority", c.priority())
                .put("owner", c.owner())
                .put("opened_at", String.valueOf(c.openedAt()))
                .put("updated_at", String.valueOf(c.updatedAt()))
                .put("decisions", c.decisions())
                .put("max_score", c.maxScore())
                .put("max_amount_minor", c.maxAmountMinor())
                .put(
                        "disposition",
                        c.disposition() == null ? null : c.disposition().name())
                .put("version", c.version());
        return n;
    }

    /** A decision's explanation as the case page shows it, read from the decision as published. */
    static ObjectNode explanation(CaseTrigger t) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("decision_id", t.decisionId())
                .put("event_id", t.eventId())
                .put("action", t.action().name())
                .put("score", t.score())
                .put("event_time", t.eventTime() == null ? null : t.eventTime().toString());
        if (t.amountMinor() == null) n.putNull("amount_minor");
        else n.put("amount_minor", t.amountMinor());
        JsonNode d;
        try {
            d = Json.MAPPER.readTree(t.decisionJson());
        } catch (Exception e) {
            d = null;
        }
        if (d == null || !d.isObject()) {
            n.put("unreadable", "the decision's JSON does not read as an object");
            return n;
        }
        n.set("reasons", d.path("reasons").isArray() ? d.get("reasons") : Json.MAPPER.createArrayNode());
        n.put("bundle_id", d.path("bundle_id").asText(null));
        n.put("degrade_mode", d.path("degrade_mode").asText(null));
        n.put("degrade_reason", d.path("degrade_reason").asText(null));
        n.put("feature_digest", d.path("feature_digest").asText(null));
        n.set(
                "missing_context",
                d.path("missing_context").isArray() ? d.get("missing_context") : Json.MAPPER.createArrayNode());
        n.set("features", d.path("features").isObject() ? d.get("features") : Json.MAPPER.createObjectNode());
        return n;
    }

    static ObjectNode event(ActivityEvent e) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("event_id", e.eventId())
                .put("event_class", e.eventClass())
                .put("event_time", String.valueOf(e.eventTime()))
                .put("txn_id", e.txnId())
                .put("card_id", e.cardId())
                .put("device_id", e.deviceId())
                .put("ip", e.ip())
                .put("merchant_id", e.merchantId())
                .put("flow_id", e.flowId());
        if (e.amountMinor() == null) n.putNull("amount_minor");
        else n.put("amount_minor", e.amountMinor());
        JsonNode payload;
        try {
            payload = Json.MAPPER.readTree(e.payloadJson());
        } catch (Exception ex) {
            payload = null;
        }
        n.set("payload", payload != null && payload.isObject() ? payload : Json.MAPPER.createObjectNode());
        return n;
    }

    static ObjectNode graph(LinkGraph g) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        ArrayNode nodes = n.putArray("nodes");
        for (LinkGraph.Node node : g.nodes())
            nodes.addObject()
                    .put("id", node.id())
                    .put("kind", node.kind())
                    .put("label", node.label())
                    .put("centre", node.centre());
        ArrayNode edges = n.putArray("edges");
        for (LinkGraph.Edge e : g.edges())
            edges.addObject().put("from", e.from()).put("to", e.to()).put("events", e.events());
        return n;
    }

    static ObjectNode entry(TimelineEntry t) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("seq", t.seq())
                .put("type", t.type().name())
                .put("actor", t.actor())
                .put("at", String.valueOf(t.at()));
        JsonNode detail;
        try {
            detail = Json.MAPPER.readTree(t.detail());
        } catch (Exception e) {
            detail = null;
        }
        if (detail != null && detail.isObject()) n.set("detail", detail);
        else n.set("detail", Json.MAPPER.createObjectNode().put("text", t.detail()));
        return n;
    }

    static ObjectNode label(LabelAssertion a) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("subject", a.subject().toString())
                .put("value", a.value().name())
                .put("typology", a.typology())
                .put("source", a.source().name())
                .put("label_type", a.labelType())
                .put("reason_code", a.reasonCode())
                .put("effective_time", a.effectiveTime().toString())
                .put("observed_time", a.observedTime().toString())
                .put(
                        "recorded_time",
                        a.recordedTime() == null ? null : a.recordedTime().toString())
                .put("provenance", a.provenance())
                .put("actor", a.actor());
        return n;
    }

    // ---- answers ----

    private static void json(Context ctx, JsonNode body) {
        ctx.contentType("application/json").result(body.toString());
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status).contentType("application/json").result(errorJson(message));
    }

    private static void conflict(Context ctx, CaseConflictException e) {
        switch (e.kind()) {
            case NOT_FOUND -> error(ctx, 404, oneLine(e));
            case STALE -> error(ctx, 409, "the case changed since you loaded it: reload it to see what changed");
            default -> error(ctx, 409, oneLine(e));
        }
    }

    private static String errorJson(String message) {
        return Json.MAPPER.createObjectNode().put("error", message).toString();
    }

    private static String formParam(Context ctx, String name) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) return null;
        return ctx.formParam(name);
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank()
                ? e.getClass().getSimpleName()
                : m.replaceAll("\\s*[\r\n]+\\s*", "; ").trim();
    }

    private static String clip(String s) {
        if (s == null) return "nothing";
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    static String escapeHtml(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
