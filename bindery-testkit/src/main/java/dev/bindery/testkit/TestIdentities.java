package dev.bindery.testkit;

import dev.bindery.identity.BackupOwner;
import dev.bindery.identity.FederatedSubject;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityKind;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.identity.NewIdentity;
import dev.bindery.identity.Ownership;
import dev.bindery.identity.Scope;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.OperatorId;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builders for identity fixtures: {@code TestIdentities.workload().owner(payments).backupTeam(platform).build()}
 * gives a {@link NewIdentity} for the services; {@link Builder#toIdentity} gives a stored {@link Identity} for
 * repository tests. Ownership is always explicit: an identity without an owning team and a backup owner does
 * not exist, so the builder refuses to make one.
 */
public final class TestIdentities {
  private static final AtomicLong COUNTER = new AtomicLong();
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestIdentities() {}

  public static Builder workload() {
    return of(IdentityKind.WORKLOAD);
  }

  public static Builder serviceAccount() {
    return of(IdentityKind.SERVICE_ACCOUNT);
  }

  public static Builder pipeline() {
    return of(IdentityKind.PIPELINE);
  }

  public static Builder of(IdentityKind kind) {
    return new Builder(kind);
  }

  /** A fresh server-style identifier. */
  public static IdentityId newId() {
    return IdentityId.generate(RANDOM);
  }

  /** A mutable fixture builder; each {@code build} call reads the current settings. */
  public static final class Builder {
    private IdentityKind kind;
    private String name = "identity-" + COUNTER.incrementAndGet();
    private String description;
    private String tenant;
    private String contact;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private TeamId owner;
    private BackupOwner backup;
    private final Set<Scope> scopes = new LinkedHashSet<>();
    private FederatedSubject subject;
    private IdentityStatus status = IdentityStatus.ACTIVE;
    private String statusReason;
    private IdentityId predecessor;
    private long version = 1;
    private int assuranceLevel = dev.bindery.identity.Identity.DEFAULT_ASSURANCE_LEVEL;

    private Builder(IdentityKind kind) {
      this.kind = Objects.requireNonNull(kind);
    }

    public Builder kind(IdentityKind value) {
      this.kind = Objects.requireNonNull(value);
      return this;
    }

    public Builder name(String value) {
      this.name = value;
      return this;
    }

    public Builder description(String value) {
      this.description = value;
      return this;
    }

    public Builder tenant(String value) {
      this.tenant = value;
      return this;
    }

    public Builder contact(String value) {
      this.contact = value;
      return this;
    }

    public Builder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    public Builder labels(Map<String, String> values) {
      labels.clear();
      labels.putAll(values);
      return this;
    }

    public Builder owner(TeamId team) {
      this.owner = Objects.requireNonNull(team);
      return this;
    }

    public Builder backupTeam(TeamId team) {
      this.backup = BackupOwner.team(team);
      return this;
    }

    public Builder backupOperator(OperatorId operator) {
      this.backup = BackupOwner.operator(operator);
      return this;
    }

    public Builder scope(String... values) {
      for (String v : values) {
        scopes.add(new Scope(v));
      }
      return this;
    }

    public Builder subject(String issuer, String subjectValue) {
      this.subject = new FederatedSubject(issuer, subjectValue);
      return this;
    }

    public Builder status(IdentityStatus value, String reason) {
      this.status = Objects.requireNonNull(value);
      this.statusReason = reason;
      return this;
    }

    public Builder predecessor(IdentityId value) {
      this.predecessor = value;
      return this;
    }

    public Builder assuranceLevel(int value) {
      this.assuranceLevel = value;
      return this;
    }

    public Builder version(long value) {
      this.version = value;
      return this;
    }

    public Ownership ownership() {
      if (owner == null || backup == null) {
        throw new IllegalStateException("a fixture identity needs owner(...) and backupTeam(...)/backupOperator(...)");
      }
      return new Ownership(owner, backup);
    }

    /** The create request these settings describe. */
    public NewIdentity build() {
      return new NewIdentity(kind, name, description, tenant, contact, labels, ownership(), scopes, subject,
          assuranceLevel);
    }

    /** A stored identity with a fresh identifier, created and last updated at {@code at}. */
    public Identity toIdentity(Instant at) {
      return toIdentity(newId(), at);
    }

    public Identity toIdentity(IdentityId id, Instant at) {
      return new Identity(id, kind, name, description, tenant, contact, labels, ownership(), scopes, assuranceLevel,
          status, statusReason, predecessor, version, at, at);
    }
  }
}
