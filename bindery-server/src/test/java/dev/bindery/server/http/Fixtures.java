package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.security.Totp;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds test state through the public API, the way an operator would. */
final class Fixtures {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  final TestServer s;
  private byte[] adminSeed;

  Fixtures(TestServer s) {
    this.s = s;
  }

  record Op(String id, String token) {}

  /** Enrols TOTP for the token's operator, confirms it, and returns the seed. */
  byte[] enrolTotp(String token) {
    TestServer.Response r = s.post("/api/v1/operators/me/totp", token, "{}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    byte[] seed = base32(r.json().get("secret").asText());
    TestServer.Response c = s.post("/api/v1/operators/me/totp/confirm", token, "{\"code\":\"" + code(seed) + "\"}");
    assertThat(c.status()).as(c.body()).isEqualTo(204);
    return seed;
  }

  String code(byte[] seed) {
    return Totp.standard().code(seed, Totp.step(s.clock.instant()));
  }

  /** Moves to the next TOTP step (a code is accepted once) and steps up. */
  TestServer.Response stepUp(String token, byte[] seed) {
    s.clock.advance(Duration.ofSeconds(Totp.STEP_SECONDS));
    return s.post("/api/v1/operators/me/step-up", token, "{\"code\":\"" + code(seed) + "\"}");
  }

  /** The bootstrap admin, enrolled and freshly stepped up. */
  void adminStepUp() {
    if (adminSeed == null) {
      adminSeed = enrolTotp(s.adminToken);
    }
    TestServer.Response r = stepUp(s.adminToken, adminSeed);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  void team(String id) {
    TestServer.Response r = s.post("/api/v1/teams", s.adminToken, "{\"id\":\"" + id + "\",\"display_name\":\"" + id + "\"}");
    assertThat(r.status()).as(r.body()).isIn(201, 409);
  }

  /** Creates an operator as the admin (who must be stepped up if roles are given). */
  Op operator(String roles, String teams) {
    String body = "{\"name\":\"op " + COUNTER.incrementAndGet() + "\",\"roles\":[" + quoted(roles) + "],\"teams\":["
        + quoted(teams) + "]}";
    TestServer.Response r = s.post("/api/v1/operators", s.adminToken, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return new Op(r.json().at("/operator/id").asText(), r.json().at("/token/value").asText());
  }

  String identity(String token, String team, String backup) {
    TestServer.Response r = s.post("/api/v1/identities", token, "{\"kind\":\"workload\",\"name\":\"svc-"
        + COUNTER.incrementAndGet() + "\",\"owner_team\":\"" + team + "\",\"backup_owner\":\"" + backup + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asText();
  }

  long version(String path) {
    TestServer.Response r = s.get(path, s.adminToken);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return Long.parseLong(r.header("ETag").replace("\"", ""));
  }

  static String unique(String prefix) {
    return prefix + COUNTER.incrementAndGet();
  }

  private static String quoted(String csv) {
    if (csv == null || csv.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (String p : csv.split(",")) {
      b.append(b.length() == 0 ? "" : ",").append('"').append(p).append('"');
    }
    return b.toString();
  }

  static byte[] base32(String s) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int buffer = 0;
    int bits = 0;
    for (char c : s.toUpperCase(Locale.ROOT).toCharArray()) {
      buffer = (buffer << 5) | alphabet.indexOf(c);
      bits += 5;
      if (bits >= 8) {
        out.write((buffer >>> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    return out.toByteArray();
  }
}
