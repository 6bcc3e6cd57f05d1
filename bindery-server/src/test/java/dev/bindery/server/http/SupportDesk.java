package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.server.notify.WebhookReceiver;
import dev.bindery.store.Tx;
import dev.bindery.support.SupportAction;
import dev.bindery.support.SupportActionQuery;
import dev.bindery.testkit.StoreState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cast and the steps of the support desk over HTTP, made through the public API: service desk agents of team
 * helpdesk, a supervisor, a security officer (each with TOTP for their step-ups), an owner of team payments;
 * workloads owned by payments (backup team platform) at a level; support action bodies with complete evidence. Every
 * team has a webhook to a receiver on the loopback interface (the server must allow loopback http), so temporary
 * credentials have a channel and the tests read what the owners received.
 */
final class SupportDesk implements AutoCloseable {
  static final String TICKET = "INC-4711";
  final TestServer s;
  final Fixtures f;
  final Fixtures.Op agent;
  final Fixtures.Op agent2;
  final Fixtures.Op supervisor;
  final Fixtures.Op officer;
  final Fixtures.Op owner;
  private final Fixtures.Op auditor;
  final WebhookReceiver receiver;
  private final Map<String, byte[]> seeds = new LinkedHashMap<>();

  SupportDesk(TestServer s) {
    this.s = s;
    this.f = new Fixtures(s);
    try {
      receiver = new WebhookReceiver();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String team : List.of("payments", "platform", "helpdesk", "billing")) {
      f.team(team);
      f.adminStepUp();
      TestServer.Response w = s.post("/api/v1/teams/" + team + "/webhooks", s.adminToken,
          "{\"url\":\"" + receiver.url("/hook/" + team) + "\"}");
      assertThat(w.status()).as(w.body()).isEqualTo(201);
    }
    agent = withTotp(f.operator("service_desk", "helpdesk"));
    agent2 = withTotp(f.operator("service_desk", "helpdesk"));
    supervisor = withTotp(f.operator("supervisor", ""));
    officer = withTotp(f.operator("security_officer", ""));
    owner = withTotp(f.operator("", "payments"));
    auditor = f.operator("auditor", "");
  }

  /** An auditor: reads everything, changes nothing. */
  Fixtures.Op auditor() {
    return auditor;
  }

  private Fixtures.Op withTotp(Fixtures.Op op) {
    seeds.put(op.token(), f.enrolTotp(op.token()));
    return op;
  }

  @Override
  public void close() {
    receiver.close();
  }

  /** Delivers every due notification to the receiver. */
  void dispatch() {
    while (s.server.webhookDispatcher().runOnce() > 0) {
      continue;
    }
  }

  /** The bodies the owners received for {@code event} about {@code subject} (identity or operator id), oldest first. */
  List<JsonNode> delivered(String event, String subject) {
    dispatch();
    List<JsonNode> out = new ArrayList<>();
    for (WebhookReceiver.Received got : receiver.received()) {
      JsonNode body = new TestServer.Response(200, null, got.bodyText()).json();
      if (event.equals(got.header("Bindery-Event")) && (subject.equals(body.path("identity_id").asText(null))
          || subject.equals(body.path("operator_id").asText(null)))) {
        out.add(body);
      }
    }
    return out;
  }

  /** The temporary enrolment code the owners of {@code identity} received last. */
  String deliveredEnrolmentCode(String identity) {
    List<JsonNode> bodies = delivered("support.enrolment_code", identity);
    assertThat(bodies).as("support.enrolment_code about %s", identity).isNotEmpty();
    return bodies.get(bodies.size() - 1).at("/secret/value").asText();
  }

  /** An operator with TOTP enrolled (for step-ups), made by the admin after a fresh step-up. */
  Fixtures.Op operatorWithTotp(String roles, String teams) {
    f.adminStepUp();
    return withTotp(f.operator(roles, teams));
  }

  /** A fresh TOTP step-up of {@code op} (the clock moves on one TOTP step first). */
  void stepUp(Fixtures.Op op) {
    TestServer.Response r = stepUpAttempt(op);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  /** A step-up of {@code op} with the TOTP factor enrolled here, whatever the answer. */
  TestServer.Response stepUpAttempt(Fixtures.Op op) {
    return f.stepUp(op.token(), seeds.get(op.token()));
  }

  /** A workload owned by payments (backup team platform) at {@code level}. */
  String identity(int level) {
    TestServer.Response r = s.post("/api/v1/identities", s.adminToken, Workloads.body(Map.of("kind", "workload",
        "name", Fixtures.unique("svc-"), "owner_team", "payments", "backup_owner", "team:platform",
        "assurance_level", level)));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asText();
  }

  /** Complete evidence: ticket {@value #TICKET}, a callback verified by the supervisor ten minutes ago. */
  Map<String, Object> evidence() {
    Map<String, Object> verification = new LinkedHashMap<>();
    verification.put("method", "callback");
    verification.put("reference", "call log #17");
    verification.put("verified_by", supervisor.id());
    verification.put("verified_at", Json.time(s.clock.instant().minus(Duration.ofMinutes(10))));
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("ticket", TICKET);
    e.put("claimed_requester", "Jane Doe, payments on-call");
    e.put("verification", verification);
    return e;
  }

  /** A support action body with complete evidence and {@code parameters} (none if empty). */
  Map<String, Object> action(String type, String target, Map<String, Object> parameters) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type);
    body.put("target", target);
    body.put("reason", "the caller lost access, " + TICKET);
    body.put("evidence", evidence());
    if (!parameters.isEmpty()) {
      body.put("parameters", parameters);
    }
    return body;
  }

  TestServer.Response create(Fixtures.Op op, Map<String, Object> body) {
    return s.post("/api/v1/support/actions", op.token(), Workloads.body(body));
  }

  /** Creates as {@code op} right after a fresh step-up, asserting 201. */
  JsonNode created(Fixtures.Op op, Map<String, Object> body) {
    stepUp(op);
    TestServer.Response r = create(op, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  TestServer.Response post(Fixtures.Op op, String id, String action, String body) {
    return s.post("/api/v1/support/actions/" + id + "/" + action, op.token(), body);
  }

  /** Approves as the supervisor right after a fresh step-up, asserting 200. */
  JsonNode approved(String id) {
    stepUp(supervisor);
    TestServer.Response r = post(supervisor, id, "approve", "{\"comment\":\"called the owner back\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  JsonNode get(String id) {
    TestServer.Response r = s.get("/api/v1/support/actions/" + id, s.adminToken);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  JsonNode identityJson(String id) {
    return s.get("/api/v1/identities/" + id, s.adminToken).json();
  }

  /** Every support action stored. */
  List<SupportAction> stored() {
    return s.server.transactor().read((Tx t) -> t.supportActions().list(SupportActionQuery.all(
        SupportActionQuery.MAX_LIMIT)).items());
  }

  StoreState state() {
    return StoreState.capture(s.server.transactor());
  }

  /**
   * The store holds exactly what it held in {@code before}, the audit chain aside (callers check the one denied event
   * they expect); a failure names the parts that differ.
   */
  void assertUnchanged(StoreState before) {
    StoreState after = state();
    List<String> differing = new ArrayList<>();
    for (java.lang.reflect.RecordComponent c : StoreState.class.getRecordComponents()) {
      if (c.getName().equals("auditHead")) {
        continue;
      }
      try {
        Object was = c.getAccessor().invoke(before);
        Object is = c.getAccessor().invoke(after);
        if (!java.util.Objects.equals(was, is)) {
          differing.add(c.getName() + ": " + was + " -> " + is);
        }
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
    }
    assertThat(differing).as("what changed").isEmpty();
  }

  /**
   * Reads as {@code op} without moving the clock, so that the use of its token is already recorded for this minute
   * and the request that follows writes nothing for it.
   */
  void warm(Fixtures.Op op) {
    assertThat(s.get("/api/v1/operators/me", op.token()).status()).isEqualTo(200);
  }
}
