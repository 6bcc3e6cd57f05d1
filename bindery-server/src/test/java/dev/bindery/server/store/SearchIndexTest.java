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
}
