package dev.bindery.server.store;

import dev.bindery.change.ChangeRequestId;
import dev.bindery.common.Page;
import dev.bindery.credential.Assurance;
import dev.bindery.credential.BindMethod;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialQuery;
import dev.bindery.credential.CredentialRepository;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.credential.CredentialType;
import dev.bindery.credential.LineageId;
import dev.bindery.credential.PublicKeyDer;
import dev.bindery.credential.SecretHash;
import dev.bindery.credential.Thumbprint;
import dev.bindery.identity.IdentityId;
import dev.bindery.pki.RevocationReason;
import dev.bindery.pki.RevokedCertificate;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;

/** Credentials over JDBC. Serials are stored as lowercase hex, keys as base64 DER, hashes as hex. */
final class JdbcCredentialRepository implements CredentialRepository {
  private static final String COLUMNS = "id, identity_id, credential_type, status, lineage_id, generation, serial, "
      + "thumbprint, public_key, public_key_fp, secret_hash, display_prefix, key_type, not_before, not_after, "
      + "bound_by, bound_at, bind_method, assurance, last_used_at, revoked_at, revocation_reason, superseded_by, "
      + "change_request_id, version";
  private static final String ACTIVE = CredentialStatus.ACTIVE.wire();

  private final Handle h;

  JdbcCredentialRepository(Handle h) {
    this.h = h;
  }

  @Override
  public void insert(Credential c) {
    var insert = h.createUpdate("INSERT INTO credentials (" + COLUMNS + ") VALUES (:id, :identity_id, "
        + ":credential_type, :status, :lineage_id, :generation, :serial, :thumbprint, :public_key, :public_key_fp, "
        + ":secret_hash, :display_prefix, :key_type, :not_before, :not_after, :bound_by, :bound_at, :bind_method, "
        + ":assurance, :last_used_at, :revoked_at, :revocation_reason, :superseded_by, :change_request_id, :version)");
    Sql.insertUnique("credential " + c.id(), () -> bind(insert, c)
        .bind("last_used_at", Sql.micros(c.lastUsedAt()))
        .execute());
  }

  @Override
  public boolean update(Credential next) {
    var update = h.createUpdate("UPDATE credentials SET identity_id = :identity_id, credential_type = :credential_type, "
        + "status = :status, lineage_id = :lineage_id, generation = :generation, serial = :serial, "
        + "thumbprint = :thumbprint, public_key = :public_key, public_key_fp = :public_key_fp, "
        + "secret_hash = :secret_hash, display_prefix = :display_prefix, key_type = :key_type, "
        + "not_before = :not_before, not_after = :not_after, bound_by = :bound_by, bound_at = :bound_at, "
        + "bind_method = :bind_method, assurance = :assurance, revoked_at = :revoked_at, "
        + "revocation_reason = :revocation_reason, superseded_by = :superseded_by, "
        + "change_request_id = :change_request_id, version = :version "
        + "WHERE id = :id AND version = :expected");
    return bind(update, next).bind("expected", next.version() - 1).execute() == 1;
  }

  private static <S extends SqlStatement<S>> S bind(S s, Credential c) {
    return s.bind("id", c.id().value())
        .bind("identity_id", c.identityId().value())
        .bind("credential_type", c.type().wire())
        .bind("status", c.status().wire())
        .bind("lineage_id", c.lineageId() == null ? null : c.lineageId().value())
        .bind("generation", c.generation())
        .bind("serial", c.serialHex())
        .bind("thumbprint", c.thumbprint() == null ? null : c.thumbprint().value())
        .bind("public_key", c.publicKey() == null ? null : c.publicKey().base64())
        .bind("public_key_fp", c.publicKey() == null ? null : c.publicKey().fingerprint().value())
        .bind("secret_hash", c.secretHash() == null ? null : c.secretHash().hex())
        .bind("display_prefix", c.displayPrefix())
        .bind("key_type", c.keyType())
        .bind("not_before", Sql.micros(c.notBefore()))
        .bind("not_after", Sql.micros(c.notAfter()))
        .bind("bound_by", c.boundBy())
        .bind("bound_at", Sql.micros(c.boundAt()))
        .bind("bind_method", c.bindMethod().wire())
        .bind("assurance", c.assurance().wire())
        .bind("revoked_at", Sql.micros(c.revokedAt()))
        .bind("revocation_reason", c.revocationReason() == null ? null : c.revocationReason().apiName())
        .bind("superseded_by", c.supersededBy() == null ? null : c.supersededBy().value())
        .bind("change_request_id", c.changeRequestId() == null ? null : c.changeRequestId().value())
        .bind("version", c.version());
  }

  @Override
  public void recordUse(CredentialId id, Instant at) {
    h.createUpdate("UPDATE credentials SET last_used_at = :at WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :at)")
        .bind("at", Sql.micros(at))
        .bind("id", id.value())
        .execute();
  }

  @Override
  public Optional<Credential> findById(CredentialId id) {
    return one("id = :v", id.value());
  }

  @Override
  public Optional<Credential> findBySerial(BigInteger serial) {
    return one("serial = :v", serial.toString(16));
  }

  @Override
  public Optional<Credential> findByThumbprint(CredentialType type, Thumbprint thumbprint) {
    return h.createQuery("SELECT " + COLUMNS + " FROM credentials WHERE credential_type = :type AND thumbprint = :v")
        .bind("type", type.wire())
        .bind("v", thumbprint.value())
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  @Override
  public Optional<Credential> findBySecretHash(SecretHash hash) {
    return one("secret_hash = :v", hash.hex());
  }

  private Optional<Credential> one(String condition, String value) {
    return h.createQuery("SELECT " + COLUMNS + " FROM credentials WHERE " + condition)
        .bind("v", value)
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  @Override
  public List<Credential> findByPublicKey(Thumbprint spkiFingerprint) {
    return h.createQuery("SELECT " + COLUMNS + " FROM credentials WHERE public_key_fp = :v ORDER BY id")
        .bind("v", spkiFingerprint.value())
        .map((rs, ctx) -> map(rs))
        .list();
  }

  @Override
  public List<Credential> listForIdentity(IdentityId identity) {
    return h.createQuery("SELECT " + COLUMNS + " FROM credentials WHERE identity_id = :v ORDER BY bound_at, id")
        .bind("v", identity.value())
        .map((rs, ctx) -> map(rs))
        .list();
  }

  @Override
  public Page<Credential> search(CredentialQuery q) {
    Query query = h.createQuery("SELECT " + COLUMNS + " FROM credentials c WHERE " + where(q, true)
        + " ORDER BY id LIMIT :limit");
    bindFilters(query, q, true).bind("limit", q.limit() + 1);
    return Sql.keysetPage(query.map((rs, ctx) -> map(rs)).list(), q.limit(), c -> c.id().value());
  }

  @Override
  public long count(CredentialQuery q) {
    Query query = h.createQuery("SELECT COUNT(*) FROM credentials c WHERE " + where(q, false));
    return bindFilters(query, q, false).mapTo(Long.class).one();
  }

  private static String where(CredentialQuery q, boolean paged) {
    StringBuilder sql = new StringBuilder("1 = 1");
    if (q.identityId() != null) {
      sql.append(" AND identity_id = :identity_id");
    }
    if (q.identityKind() != null) {
      sql.append(" AND EXISTS (SELECT 1 FROM identities i WHERE i.id = c.identity_id AND i.kind = :kind)");
    }
    if (q.type() != null) {
      sql.append(" AND credential_type = :credential_type");
    }
    if (!q.statuses().isEmpty()) {
      sql.append(" AND status IN (<statuses>)");
    }
    if (q.unexpiredAt() != null) {
      sql.append(" AND not_after > :unexpired_at");
    }
    if (q.notAfterBefore() != null) {
      sql.append(" AND not_after < :not_after_before");
    }
    if (q.boundBefore() != null) {
      sql.append(" AND bound_at < :bound_before");
    }
    if (q.neverUsed() != null) {
      sql.append(q.neverUsed() ? " AND last_used_at IS NULL" : " AND last_used_at IS NOT NULL");
    }
    if (q.idleSince() != null) {
      sql.append(" AND (last_used_at < :idle_since OR (last_used_at IS NULL AND bound_at < :idle_since))");
    }
    if (paged && q.after() != null) {
      sql.append(" AND id > :after");
    }
    return sql.toString();
  }

  private static Query bindFilters(Query query, CredentialQuery q, boolean paged) {
    if (q.identityId() != null) {
      query.bind("identity_id", q.identityId().value());
    }
    if (q.identityKind() != null) {
      query.bind("kind", q.identityKind().wire());
    }
    if (q.type() != null) {
      query.bind("credential_type", q.type().wire());
    }
    if (!q.statuses().isEmpty()) {
      query.bindList("statuses", q.statuses().stream().map(CredentialStatus::wire).sorted()
          .collect(Collectors.toList()));
    }
    if (q.unexpiredAt() != null) {
      query.bind("unexpired_at", Sql.micros(q.unexpiredAt()));
    }
    if (q.notAfterBefore() != null) {
      query.bind("not_after_before", Sql.micros(q.notAfterBefore()));
    }
    if (q.boundBefore() != null) {
      query.bind("bound_before", Sql.micros(q.boundBefore()));
    }
    if (q.idleSince() != null) {
      query.bind("idle_since", Sql.micros(q.idleSince()));
    }
    if (paged && q.after() != null) {
      query.bind("after", q.after().value());
    }
    return query;
  }

  @Override
  public List<RevokedCertificate> revokedUnexpired(Instant now) {
    return h.createQuery("SELECT serial, revoked_at, revocation_reason FROM credentials WHERE credential_type = :type "
            + "AND status <> :active AND not_after > :now")
        .bind("type", CredentialType.X509_SVID.wire())
        .bind("active", ACTIVE)
        .bind("now", Sql.micros(now))
        .map((rs, ctx) -> new RevokedCertificate(new BigInteger(rs.getString("serial"), 16),
            Sql.instant(rs.getLong("revoked_at")), RevocationReason.parse(rs.getString("revocation_reason"))))
        .list()
        .stream()
        .sorted(java.util.Comparator.comparing(RevokedCertificate::serial))
        .toList();
  }

  private static final String WITHOUT_ACTIVE_CREDENTIAL = " FROM identities i WHERE i.status <> 'retired' AND NOT EXISTS "
      + "(SELECT 1 FROM credentials c WHERE c.identity_id = i.id AND c.status = :active AND c.not_after > :now)";

  @Override
  public List<IdentityId> identitiesWithoutActiveCredential(Instant now, int limit) {
    return h.createQuery("SELECT i.id" + WITHOUT_ACTIVE_CREDENTIAL + " ORDER BY i.id LIMIT :limit")
        .bind("active", ACTIVE)
        .bind("now", Sql.micros(now))
        .bind("limit", limit)
        .map((rs, ctx) -> new IdentityId(rs.getString("id")))
        .list();
  }

  @Override
  public long countIdentitiesWithoutActiveCredential(Instant now) {
    return h.createQuery("SELECT COUNT(*)" + WITHOUT_ACTIVE_CREDENTIAL)
        .bind("active", ACTIVE)
        .bind("now", Sql.micros(now))
        .mapTo(Long.class)
        .one();
  }

  private static Credential map(ResultSet rs) throws SQLException {
    String lineage = rs.getString("lineage_id");
    String serial = rs.getString("serial");
    String thumbprint = rs.getString("thumbprint");
    String publicKey = rs.getString("public_key");
    String secretHash = rs.getString("secret_hash");
    String reason = rs.getString("revocation_reason");
    String supersededBy = rs.getString("superseded_by");
    String changeRequest = rs.getString("change_request_id");
    return new Credential(
        new CredentialId(rs.getString("id")),
        new IdentityId(rs.getString("identity_id")),
        CredentialType.parse("credential_type", rs.getString("credential_type")),
        CredentialStatus.parse("status", rs.getString("status")),
        lineage == null ? null : new LineageId(lineage),
        rs.getInt("generation"),
        serial == null ? null : new BigInteger(serial, 16),
        thumbprint == null ? null : new Thumbprint(thumbprint),
        publicKey == null ? null : PublicKeyDer.fromBase64(publicKey),
        secretHash == null ? null : new SecretHash(secretHash),
        rs.getString("display_prefix"),
        rs.getString("key_type"),
        Sql.instant(rs.getLong("not_before")),
        Sql.instant(rs.getLong("not_after")),
        rs.getString("bound_by"),
        Sql.instant(rs.getLong("bound_at")),
        BindMethod.parse(rs.getString("bind_method")),
        Assurance.parse(rs.getString("assurance")),
        Sql.instantOrNull(rs, "last_used_at"),
        Sql.instantOrNull(rs, "revoked_at"),
        reason == null ? null : RevocationReason.parse(reason),
        supersededBy == null ? null : new CredentialId(supersededBy),
        changeRequest == null ? null : new ChangeRequestId(changeRequest),
        rs.getLong("version"));
  }
}
