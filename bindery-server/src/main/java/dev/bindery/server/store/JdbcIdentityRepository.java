package dev.bindery.server.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bindery.audit.Canonical;
import dev.bindery.common.Page;
import dev.bindery.identity.BackupOwner;
import dev.bindery.identity.FederatedSubject;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityKind;
import dev.bindery.identity.IdentityQuery;
import dev.bindery.identity.IdentityRepository;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.identity.Ownership;
import dev.bindery.identity.Scope;
import dev.bindery.identity.SubjectLink;
import dev.bindery.identity.TeamId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/** Identities and subject links over JDBC. */
final class JdbcIdentityRepository implements IdentityRepository {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};
  private static final String COLUMNS = "id, kind, name, description, tenant, contact, labels, owner_team, "
      + "backup_owner, scopes, assurance_level, status, status_reason, predecessor, version, created_at, updated_at";

  private final Handle h;

  JdbcIdentityRepository(Handle h) {
    this.h = h;
  }

  @Override
  public void insert(Identity i) {
    var insert = h.createUpdate("INSERT INTO identities (" + COLUMNS + ") VALUES "
        + "(:id, :kind, :name, :description, :tenant, :contact, :labels, :owner_team, :backup_owner, :scopes, "
        + ":assurance_level, :status, :status_reason, :predecessor, :version, :created_at, :updated_at)");
    Sql.insertUnique("identity " + i.id(), () -> bindMutable(insert, i)
        .bind("kind", i.kind().wire())
        .bind("predecessor", i.predecessor() == null ? null : i.predecessor().value())
        .bind("created_at", Sql.micros(i.createdAt()))
        .bind("version", i.version())
        .bind("updated_at", Sql.micros(i.updatedAt()))
        .execute());
    insertLabels(i);
  }

  @Override
  public boolean update(Identity next) {
    var update = h.createUpdate("UPDATE identities SET name = :name, description = :description, tenant = :tenant, "
        + "contact = :contact, labels = :labels, owner_team = :owner_team, backup_owner = :backup_owner, "
        + "scopes = :scopes, assurance_level = :assurance_level, status = :status, status_reason = :status_reason, "
        + "version = :version, updated_at = :updated_at WHERE id = :id AND version = :expected");
    int n = bindMutable(update, next)
        .bind("expected", next.version() - 1)
        .bind("version", next.version())
        .bind("updated_at", Sql.micros(next.updatedAt()))
        .execute();
    if (n == 1) {
      h.createUpdate("DELETE FROM identity_labels WHERE identity_id = :id").bind("id", next.id().value()).execute();
      insertLabels(next);
    }
    return n == 1;
  }

  private static <S extends org.jdbi.v3.core.statement.SqlStatement<S>> S bindMutable(S s, Identity i) {
    return s.bind("id", i.id().value())
        .bind("name", i.name())
        .bind("description", i.description())
        .bind("tenant", i.tenant())
        .bind("contact", i.contact())
        .bind("labels", Canonical.json(i.labels()))
        .bind("owner_team", i.ownership().owningTeam().value())
        .bind("backup_owner", i.ownership().backupOwner().wire())
        .bind("scopes", i.scopes().stream().map(Scope::value).sorted().collect(Collectors.joining(" ")))
        .bind("assurance_level", i.assuranceLevel())
        .bind("status", i.status().wire())
        .bind("status_reason", i.statusReason());
  }

  private void insertLabels(Identity i) {
    if (i.labels().isEmpty()) {
      return;
    }
    var batch = h.prepareBatch("INSERT INTO identity_labels (identity_id, label_key, label_value) VALUES (:id, :k, :v)");
    i.labels().forEach((k, v) -> batch.bind("id", i.id().value()).bind("k", k).bind("v", v).add());
    batch.execute();
  }

  @Override
  public Optional<Identity> findById(IdentityId id) {
    return h.createQuery("SELECT " + COLUMNS + " FROM identities WHERE id = :id")
        .bind("id", id.value())
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  /** The search statement for {@code q}, with named parameters; package-private for the plan tests. */
  static String searchSql(IdentityQuery q) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM identities i WHERE 1 = 1");
    if (q.kind() != null) {
      sql.append(" AND kind = :kind");
    }
    if (q.ownerTeam() != null) {
      sql.append(" AND owner_team = :owner_team");
    }
    if (q.status() != null) {
      sql.append(" AND status = :status");
    }
    if (q.tenant() != null) {
      sql.append(" AND tenant = :tenant");
    }
    if (q.namePrefix() != null) {
      sql.append(" AND name LIKE :name_prefix ESCAPE '\\'");
    }
    if (q.labelKey() != null) {
      sql.append(" AND EXISTS (SELECT 1 FROM identity_labels l WHERE l.identity_id = i.id"
          + " AND l.label_key = :label_key AND l.label_value = :label_value)");
    }
    if (q.after() != null) {
      sql.append(" AND id > :after");
    }
    sql.append(" ORDER BY id LIMIT :limit");
    return sql.toString();
  }

  @Override
  public Page<Identity> search(IdentityQuery q) {
    Query query = h.createQuery(searchSql(q)).bind("limit", q.limit() + 1);
    if (q.kind() != null) {
      query.bind("kind", q.kind().wire());
    }
    if (q.ownerTeam() != null) {
      query.bind("owner_team", q.ownerTeam().value());
    }
    if (q.status() != null) {
      query.bind("status", q.status().wire());
    }
    if (q.tenant() != null) {
      query.bind("tenant", q.tenant());
    }
    if (q.namePrefix() != null) {
      query.bind("name_prefix", Sql.likePrefix(q.namePrefix()));
    }
    if (q.labelKey() != null) {
      query.bind("label_key", q.labelKey()).bind("label_value", q.labelValue());
    }
    if (q.after() != null) {
      query.bind("after", q.after().value());
    }
    return Sql.keysetPage(query.map((rs, ctx) -> map(rs)).list(), q.limit(), i -> i.id().value());
  }

  @Override
  public long count() {
    return h.createQuery("SELECT COUNT(*) FROM identities").mapTo(Long.class).one();
  }

  @Override
  public void insertLink(SubjectLink link) {
    Sql.insertUnique("subject link", () -> h.createUpdate(
            "INSERT INTO subject_links (issuer, subject, identity_id, linked_at) VALUES (:i, :s, :id, :at)")
        .bind("i", link.subject().issuer())
        .bind("s", link.subject().subject())
        .bind("id", link.identityId().value())
        .bind("at", Sql.micros(link.linkedAt()))
        .execute());
  }

  @Override
  public void relink(FederatedSubject subject, IdentityId from, IdentityId to) {
    int n = h.createUpdate("UPDATE subject_links SET identity_id = :to WHERE issuer = :i AND subject = :s AND identity_id = :from")
        .bind("to", to.value())
        .bind("from", from.value())
        .bind("i", subject.issuer())
        .bind("s", subject.subject())
        .execute();
    if (n != 1) {
      throw new IllegalStateException("subject link moved concurrently");
    }
  }

  @Override
  public Optional<SubjectLink> findLink(FederatedSubject subject) {
    return h.createQuery("SELECT issuer, subject, identity_id, linked_at FROM subject_links WHERE issuer = :i AND subject = :s")
        .bind("i", subject.issuer())
        .bind("s", subject.subject())
        .map((rs, ctx) -> link(rs))
        .findOne();
  }

  @Override
  public List<SubjectLink> linksOf(IdentityId id) {
    return h.createQuery("SELECT issuer, subject, identity_id, linked_at FROM subject_links WHERE identity_id = :id"
            + " ORDER BY linked_at, issuer, subject")
        .bind("id", id.value())
        .map((rs, ctx) -> link(rs))
        .list();
  }

  private static SubjectLink link(ResultSet rs) throws SQLException {
    return new SubjectLink(new FederatedSubject(rs.getString("issuer"), rs.getString("subject")),
        new IdentityId(rs.getString("identity_id")), Sql.instant(rs.getLong("linked_at")));
  }

  private static Identity map(ResultSet rs) throws SQLException {
    Map<String, String> labels;
    try {
      labels = JSON.readValue(rs.getString("labels"), LABELS);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("stored labels are not JSON", e);
    }
    String scopes = rs.getString("scopes");
    Set<Scope> scopeSet = scopes.isEmpty() ? Set.of()
        : Arrays.stream(scopes.split(" ")).map(Scope::new).collect(Collectors.toUnmodifiableSet());
    String predecessor = rs.getString("predecessor");
    return new Identity(
        new IdentityId(rs.getString("id")),
        IdentityKind.parse("kind", rs.getString("kind")),
        rs.getString("name"),
        rs.getString("description"),
        rs.getString("tenant"),
        rs.getString("contact"),
        labels,
        new Ownership(new TeamId(rs.getString("owner_team")), BackupOwner.parse("backup_owner", rs.getString("backup_owner"))),
        scopeSet,
        rs.getInt("assurance_level"),
        IdentityStatus.parse("status", rs.getString("status")),
        rs.getString("status_reason"),
        predecessor == null ? null : new IdentityId(predecessor),
        rs.getLong("version"),
        Sql.instant(rs.getLong("created_at")),
        Sql.instant(rs.getLong("updated_at")));
  }
}
