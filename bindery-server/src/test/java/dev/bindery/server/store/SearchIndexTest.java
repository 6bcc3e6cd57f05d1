package dev.bindery.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.identity.IdentityQuery;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.Team;
import dev.bindery.testkit.TestIdentities;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The V2 migration on each database: both vendor versions apply, and on PostgreSQL the name-prefix search
 * (the repository's own statement, prefix bound as a parameter) is served by an index under the default
 * collation of the test server and under ICU en-US, instead of reading the whole table.
 */
class SearchIndexTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final TeamId TEAM = new TeamId("payments");
  private static final TeamId BACKUP = new TeamId("platform");

  static Stream<Arguments> stores() {
    return Stream.of(
        Arguments.of("h2", (Supplier<JdbcSettings>) TestDatabases::h2),
        Arguments.of("postgres", (Supplier<JdbcSettings>) TestDatabases::postgres),
        Arguments.of("postgres en-US", (Supplier<JdbcSettings>) TestDatabases::postgresEnglishCollation));
  }

  static Stream<Arguments> postgresStores() {
    return stores().filter(a -> a.get()[0].toString().startsWith("postgres"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void open_appliesCommonAndVendorMigrations(String kind, Supplier<JdbcSettings> settings) {
    try (Database db = Database.open(settings.get())) {
      List<String> applied = db.jdbi().withHandle(h -> h.createQuery(
          "SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" AND \"version\" IS NOT NULL ORDER BY \"installed_rank\"")
          .mapTo(String.class).list());

      assertThat(applied).startsWith("1", "2");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("postgresStores")
  void namePrefixSearch_usesThePatternIndex(String kind, Supplier<JdbcSettings> settings) {
    try (Database db = Database.open(settings.get())) {
      db.transactor().inTransaction(t -> {
        t.teams().insert(new Team(TEAM, "Payments", T0));
        t.teams().insert(new Team(BACKUP, "Platform", T0));
        for (int i = 0; i < 3000; i++) {
          t.identities().insert(TestIdentities.workload().owner(TEAM).backupTeam(BACKUP)
              .name(String.format("svc-%04d", i)).toIdentity(T0));
        }
        return null;
      });
      IdentityQuery query = new IdentityQuery(null, null, null, null, null, null, "svc-012", null, 50);

      List<String> plan = db.jdbi().withHandle(h -> {
        h.execute("ANALYZE identities");
        return h.createQuery("EXPLAIN " + JdbcIdentityRepository.searchSql(query))
            .bind("name_prefix", Sql.likePrefix("svc-012"))
            .bind("limit", 51)
            .mapTo(String.class).list();
      });
      int found = db.transactor().read(t -> t.identities().search(query)).items().size();

      assertThat(String.join("\n", plan)).contains("identities_name_prefix").doesNotContain("Seq Scan");
      assertThat(found).isEqualTo(10);
    }
  }

  /**
   * With 100,000 identities and random prefixes that 100 names each share, every search is planned on the
   * pattern index: with PostgreSQL's default statistics target about one in seven was planned as a walk of the
   * primary key that filters names, which is what the V2 migration's larger target for {@code name} prevents.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("postgresStores")
  void namePrefixSearch_hundredMatchPrefixesAmong100000Names_allPlannedOnThePatternIndex(String kind,
      Supplier<JdbcSettings> settings) {
    try (Database db = Database.open(settings.get())) {
      List<String> plans = db.jdbi().withHandle(h -> {
        h.execute("INSERT INTO teams (id, display_name, created_at) VALUES ('payments', 'Payments', 0)");
        h.execute("INSERT INTO identities (id, kind, name, labels, owner_team, backup_owner, scopes, status,"
            + " version, created_at, updated_at) SELECT 'nhi_' || md5(g::text), 'workload',"
            + " 'wl-' || lpad(g::text, 6, '0'), '{}', 'payments', 'team:platform', '[]', 'active', 1, 0, 0"
            + " FROM generate_series(0, 99999) g");
        h.execute("ANALYZE identities");
        java.util.Random random = new java.util.Random(7);
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
          String prefix = String.format("wl-0%03d", random.nextInt(1000));
          IdentityQuery query = new IdentityQuery(null, null, null, null, null, null, prefix, null, 50);
          out.add(prefix + ": " + String.join(" ", h.createQuery("EXPLAIN " + JdbcIdentityRepository.searchSql(query))
              .bind("name_prefix", Sql.likePrefix(prefix)).bind("limit", 51).mapTo(String.class).list()));
        }
        return out;
      });

      assertThat(plans).allSatisfy(plan -> assertThat(plan).contains("identities_name_prefix"));
    }
  }
}
