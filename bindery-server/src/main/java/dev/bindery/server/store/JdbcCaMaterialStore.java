package dev.bindery.server.store;

import dev.bindery.audit.AuditRecord;
import dev.bindery.audit.Outcome;
import dev.bindery.pki.BcCertificateAuthority;
import dev.bindery.pki.CaMaterial;
import dev.bindery.pki.CaMaterialStore;
import dev.bindery.pki.Pem;
import dev.bindery.pki.TrustDomain;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The CA material in table {@code ca_material} (migration V4), one row with id 1. {@link #saveIfAbsent} inserts
 * the row and the audit event {@code ca.created} in one transaction; a concurrent node's insert loses on the
 * primary key and changes nothing.
 */
public final class JdbcCaMaterialStore implements CaMaterialStore {
  static final String ACTION_CREATED = "ca.created";
  private final Jdbi jdbi;
  private final Clock clock;

  public JdbcCaMaterialStore(Database database, Clock clock) {
    this.jdbi = Objects.requireNonNull(database, "database").jdbi();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Optional<CaMaterial> load() {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM ca_material WHERE id = 1")
        .map((rs, ctx) -> new CaMaterial(
            single(rs.getString("root_pem")),
            single(rs.getString("intermediate_pem")),
            Base64.getDecoder().decode(rs.getString("sealed_intermediate_key")),
            rs.getString("sealed_root_key") == null ? null : Base64.getDecoder().decode(rs.getString("sealed_root_key")),
            new TrustDomain(rs.getString("trust_domain")),
            Sql.instant(rs.getLong("created_at"))))
        .findOne());
  }

  private static java.security.cert.X509Certificate single(String pem) {
    return Pem.parseCertificates(pem).get(0);
  }

  @Override
  public boolean saveIfAbsent(CaMaterial m) {
    Objects.requireNonNull(m, "material");
    try {
      return jdbi.inTransaction(h -> {
        byte[] rootKey = m.sealedRootKey();
        h.createUpdate("INSERT INTO ca_material (id, trust_domain, root_pem, intermediate_pem, sealed_intermediate_key, "
                + "sealed_root_key, created_at) VALUES (1, :td, :root, :intermediate, :ikey, :rkey, :created)")
            .bind("td", m.trustDomain().value())
            .bind("root", Pem.certificate(m.root()))
            .bind("intermediate", Pem.certificate(m.intermediate()))
            .bind("ikey", Base64.getEncoder().encodeToString(m.sealedIntermediateKey()))
            .bind("rkey", rootKey == null ? null : Base64.getEncoder().encodeToString(rootKey))
            .bind("created", Sql.micros(m.createdAt()))
            .execute();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("trust_domain", m.trustDomain().value());
        details.put("root_thumbprint", BcCertificateAuthority.thumbprint(m.root()));
        details.put("intermediate_thumbprint", BcCertificateAuthority.thumbprint(m.intermediate()));
        details.put("intermediate_not_after", m.intermediate().getNotAfter().toInstant().toString());
        details.put("root_key_held", rootKey != null);
        new JdbcAuditLog(h).append(new AuditRecord("system", ACTION_CREATED, m.trustDomain().value(), details,
            Outcome.SUCCESS, "bootstrap"), clock.instant());
        return true;
      });
    } catch (RuntimeException e) {
      if (Sql.isUniqueViolation(e)) {
        return false;
      }
      throw e;
    }
  }
}
