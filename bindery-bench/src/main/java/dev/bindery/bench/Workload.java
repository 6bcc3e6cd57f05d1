package dev.bindery.bench;

import dev.bindery.audit.AuditRecord;
import dev.bindery.audit.Outcome;
import dev.bindery.identity.BackupOwner;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityAudit;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityKind;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.identity.NewIdentity;
import dev.bindery.identity.Ownership;
import dev.bindery.identity.Scope;
import dev.bindery.identity.TeamId;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The synthetic registry every benchmark uses, so that the driver and the JMH benchmarks measure the same
 * shapes. Identity number {@code n} is named {@code wl-%06d}, so a prefix {@code wl-0ddd} matches exactly
 * 100 of the first 100,000 identities; it is owned by one of {@link #TEAMS} teams and carries three labels
 * ({@code env} with one of three values, {@code app}, {@code tier}), so a team + {@code env} filter matches
 * about 1/60 of the registry.
 */
public final class Workload {
  public static final int TEAMS = 20;
  public static final String[] ENVS = {"prod", "staging", "dev"};
  private static final IdentityKind[] KINDS = IdentityKind.values();
  private static final Set<Scope> SCOPES = Set.of(new Scope("registry.read"), new Scope("tokens.issue"));

  private Workload() {}

  public static TeamId team(int i) {
    return new TeamId(String.format("team-%02d", i));
  }

  public static String name(long n) {
    return String.format("wl-%06d", n);
  }

  /** A create request for identity number {@code n}; {@code rnd} picks team and labels. */
  public static NewIdentity newIdentity(long n, SplittableRandom rnd) {
    int owner = rnd.nextInt(TEAMS);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("env", ENVS[rnd.nextInt(ENVS.length)]);
    labels.put("app", "app-" + rnd.nextInt(500));
    labels.put("tier", rnd.nextBoolean() ? "backend" : "batch");
    return new NewIdentity(KINDS[(int) (n % KINDS.length)], name(n),
        "synthetic identity for load tests", "tenant-" + rnd.nextInt(10), "oncall@example.test", labels,
        new Ownership(team(owner), BackupOwner.team(team((owner + 1) % TEAMS))), SCOPES, null);
  }

  /** The identity the service would build from {@code request} (for bulk loading through repositories). */
  public static Identity identity(IdentityId id, NewIdentity r, Instant now) {
    return new Identity(id, r.kind(), r.name(), r.description(), r.tenant(), r.contact(), r.labels(),
        r.ownership(), r.scopes(), r.assuranceLevel(), IdentityStatus.ACTIVE, null, null, 1, now, now);
  }

  /** The details {@code IdentityService.create} records: {@code {"after": snapshot}}. */
  public static Map<String, Object> createDetails(Identity identity) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("after", IdentityAudit.snapshot(identity));
    return details;
  }

  /** A typical audit record: an identity create with its full snapshot (325 bytes of canonical details JSON, about 560 bytes hashed). */
  public static AuditRecord typicalRecord(String actor, Identity identity, String requestId) {
    return new AuditRecord(actor, "identity.create", identity.id().value(), createDetails(identity),
        Outcome.SUCCESS, requestId);
  }
}
