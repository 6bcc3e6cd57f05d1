package dev.bindery.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.audit.AuditChain;
import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditQuery;
import dev.bindery.audit.AuditRecord;
import dev.bindery.audit.AuditVerifier;
import dev.bindery.audit.ChainHead;
import dev.bindery.audit.Outcome;
import dev.bindery.audit.VerificationResult;
import dev.bindery.common.Page;
import dev.bindery.identity.FederatedSubject;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityKind;
import dev.bindery.identity.IdentityQuery;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.identity.Scope;
import dev.bindery.identity.SubjectLink;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.Operator;
import dev.bindery.operator.OperatorId;
import dev.bindery.operator.OperatorStatus;
import dev.bindery.operator.OperatorToken;
import dev.bindery.operator.Role;
import dev.bindery.operator.Team;
import dev.bindery.operator.TotpFactor;
import dev.bindery.store.Transactor;
import dev.bindery.store.Tx;
import dev.bindery.store.UniqueViolation;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.TestOperators;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every storage adapter must meet, tested through the core ports only
 * ({@link Transactor}, {@link Tx} and the repositories it hands out). Subclass it once per adapter:
 *
 * <pre>{@code
 * class H2StoreConformanceTest extends RepositoryConformanceSuite {
 *   private Database db;
 *   protected Transactor newStore() { db = Database.open(TestDatabases.h2()); return db.transactor(); }
 *   protected void closeStore() { db.close(); }
 * }
 * }</pre>
 *
 * <p>{@link #newStore()} is called before every test and must return a fresh, empty store (no teams, no
 * operators, no identities, an empty audit chain); {@link #closeStore()} is called after every test. The
 * suite only writes data that satisfies the referential rules a relational schema would enforce (teams
 * before the identities and operators that name them, operators before their tokens and TOTP factors), and
 * only uses instants with millisecond precision, so a store may keep coarser-than-nanosecond times.
 *
 * <p>The credential repositories' cases are inherited from {@link CredentialRepositoryConformance}, the token
 * repositories' from {@link TokenRepositoryConformance}, the change requests' and continuity challenges' from
 * {@link ChangeRequestRepositoryConformance}, the notification repositories' from
 * {@link NotificationRepositoryConformance}, the support desk's temporary credentials' from
 * {@link SupportDeliveryRepositoryConformance}.
 *
 * <p>Where a port leaves an order unspecified (teams, a subject's links, an operator's tokens) the suite
 * compares contents, not order.
 */
public abstract class RepositoryConformanceSuite implements CredentialRepositoryConformance,
    TokenRepositoryConformance, ChangeRequestRepositoryConformance, NotificationRepositoryConformance,
    SupportRepositoryConformance, SupportDeliveryRepositoryConformance {
  /** A millisecond-precise instant all fixtures hang off. */
  protected static final Instant T0 = Instant.parse("2026-11-23T10:00:00.123Z");
  protected static final TeamId PAYMENTS = new TeamId("payments");
  protected static final TeamId PLATFORM = new TeamId("platform");

  private static final SecureRandom RANDOM = new SecureRandom();

  private Transactor store;

  /** A fresh, empty store for one test. */
  protected abstract Transactor newStore();

  /** Releases what {@link #newStore()} opened; called after every test. */
  protected void closeStore() {}

  /** The store under test. */
  protected final Transactor store() {
    return store;
  }

  /** The credential cases ({@link CredentialRepositoryConformance}) run against the same fresh store. */
  @Override
  public final Transactor credentialStore() {
    return store;
  }

  @Override
  public final Transactor tokenStore() {
    return store;
  }

  @Override
  public final Transactor changeStore() {
    return store;
  }

  @Override
  public final Transactor notificationStore() {
    return store;
  }

  @Override
  public final Transactor supportStore() {
    return store;
  }

  @BeforeEach
  final void openStoreAndSeedTeams() {
    store = newStore();
    write(t -> {
      t.teams().insert(new Team(PAYMENTS, "Payments", T0));
      t.teams().insert(new Team(PLATFORM, "Platform", T0));
    });
  }

  @AfterEach
  final void closeStoreAfterTest() {
    closeStore();
  }

  // ---- identities: insert, find, update -------------------------------------------------------------

  @Test
  void identityInsert_everyField_roundTripsExactly() {
    Identity identity = identity()
        .kind(IdentityKind.SERVICE_ACCOUNT)
        .name("billing worker")
        .description("line one\nline two\twith a tab")
        .tenant("acme")
        .contact("ops@example.com")
        .label("env", "prod")
        .label("team.io/owner", "quote \" backslash \\ unicode \u00fc\u00f1\u00ee \uD83D\uDE00")
        .scope("billing.read", "billing.write")
        .toIdentity(T0);
    insert(identity);

    Identity read = read((Tx t) -> t.identities().findById(identity.id())).orElseThrow();

    assertThat(read).isEqualTo(identity);
    assertThat(read.labels()).containsExactlyInAnyOrderEntriesOf(identity.labels());
    assertThat(read.scopes()).containsExactlyInAnyOrder(new Scope("billing.read"), new Scope("billing.write"));
    assertThat(read.createdAt()).isEqualTo(T0);
  }

  @Test
  void identityInsert_maximalLabelsAndScopes_roundTripExactly() {
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < 64; i++) {
      String key = String.format("k%02d", i) + "-./_".charAt(i % 4) + "x".repeat(58);
      labels.put(key, (i + "v\u00e9\"\\ ").repeat(60).substring(0, 255));
    }
    String oddScope = "!#$%&'()*+,-./:;<=>?@[]^_`{|}~";
    String uriScope = "https://api.example.com/billing:read";
    String longScope = "s".repeat(128);
    Identity stored = identity().labels(labels).scope(oddScope, uriScope, longScope).toIdentity(T0);
    insert(stored);

    Identity read = read((Tx t) -> t.identities().findById(stored.id())).orElseThrow();

    assertThat(read.labels()).isEqualTo(labels);
    assertThat(read.labels().get("k00-" + "x".repeat(58))).hasSize(255);
    assertThat(read.scopes()).containsExactlyInAnyOrder(new Scope(oddScope), new Scope(uriScope), new Scope(longScope));
    assertThat(read.description()).isNull();
    assertThat(read.tenant()).isNull();
    assertThat(read.contact()).isNull();
    assertThat(read).isEqualTo(stored);
  }

  @Test
  void identityInsert_emptyLabelsAndScopes_roundTripAsEmpty() {
    Identity identity = identity().toIdentity(T0);
    insert(identity);

    Identity read = read((Tx t) -> t.identities().findById(identity.id())).orElseThrow();

    assertThat(read.labels()).isEmpty();
    assertThat(read.scopes()).isEmpty();
    assertThat(read).isEqualTo(identity);
  }

  @Test
  void identityInsert_withPredecessor_keepsPredecessor() {
    Identity old = insert(identity().status(IdentityStatus.RETIRED, "replaced").toIdentity(T0));
    Identity successor = insert(identity().predecessor(old.id()).toIdentity(T0.plusSeconds(1)));

    Identity read = read((Tx t) -> t.identities().findById(successor.id())).orElseThrow();

    assertThat(read.predecessor()).isEqualTo(old.id());
    assertThat(read).isEqualTo(successor);
  }

  @Test
  void identityFindById_unknownId_returnsEmpty() {
    insert(identity().toIdentity(T0));

    assertThat(read((Tx t) -> t.identities().findById(TestIdentities.newId()))).isEmpty();
  }

  @Test
  void identityInsert_duplicateId_throwsUniqueViolationAndKeepsOriginal() {
    Identity original = insert(identity().name("original").toIdentity(T0));
    Identity duplicate = identity().name("duplicate").toIdentity(original.id(), T0.plusSeconds(5));

    assertThatThrownBy(() -> write(t -> t.identities().insert(duplicate))).isInstanceOf(UniqueViolation.class);

    assertThat(read((Tx t) -> t.identities().findById(original.id()))).contains(original);
    assertThat(read((Tx t) -> t.identities().count())).isEqualTo(1L);
  }

  @Test
  void identityInsert_duplicateIdAfterOtherWrites_rollsBackWholeTransaction() {
    Identity original = insert(identity().toIdentity(T0));
    Identity fresh = identity().toIdentity(T0);
    ChainHead headBefore = head();

    assertThatThrownBy(() -> write(t -> {
      t.identities().insert(fresh);
      t.audit().append(record("identity.create", fresh.id().value()), T0);
      t.identities().insert(identity().toIdentity(original.id(), T0));
    })).isInstanceOf(UniqueViolation.class);

    assertThat(read((Tx t) -> t.identities().findById(fresh.id()))).isEmpty();
    assertThat(read((Tx t) -> t.identities().count())).isEqualTo(1L);
    assertThat(head()).isEqualTo(headBefore);
  }

  @Test
  void identityUpdate_nextVersion_replacesStoredIdentity() {
    Identity v1 = insert(identity().name("before").label("env", "dev").toIdentity(T0));
    Identity v2 = v1.withProfile(new Identity.Profile("after", "described", "acme", "c@example.com",
        Map.of("env", "prod", "tier", "1")), T0.plusSeconds(60));

    boolean updated = writeResult((Tx t) -> t.identities().update(v2));

    assertThat(updated).isTrue();
    Identity read = read((Tx t) -> t.identities().findById(v1.id())).orElseThrow();
    assertThat(read).isEqualTo(v2);
    assertThat(read.version()).isEqualTo(2L);
    assertThat(read.createdAt()).isEqualTo(T0);
    assertThat(read.updatedAt()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void identityUpdate_staleVersion_returnsFalseAndChangesNothing() {
    Identity v1 = insert(identity().name("v1").toIdentity(T0));
    Identity v2 = v1.withProfile(profileNamed(v1, "v2"), T0.plusSeconds(1));
    assertThat(writeResult((Tx t) -> t.identities().update(v2))).isTrue();
    Identity staleFromV1 = v1.withProfile(profileNamed(v1, "lost update"), T0.plusSeconds(2));
    Identity skipsAVersion = v2.withProfile(profileNamed(v2, "v3"), T0.plusSeconds(3))
        .withProfile(profileNamed(v2, "v4"), T0.plusSeconds(3));

    boolean stale = writeResult((Tx t) -> t.identities().update(staleFromV1));
    boolean skipping = writeResult((Tx t) -> t.identities().update(skipsAVersion));

    assertThat(stale).isFalse();
    assertThat(skipping).isFalse();
    assertThat(read((Tx t) -> t.identities().findById(v1.id()))).contains(v2);
  }

  @Test
  void identityUpdate_unknownIdentity_returnsFalseAndInsertsNothing() {
    Identity never = identity().toIdentity(T0);
    Identity next = never.withProfile(profileNamed(never, "renamed"), T0);

    boolean updated = writeResult((Tx t) -> t.identities().update(next));

    assertThat(updated).isFalse();
    assertThat(read((Tx t) -> t.identities().findById(never.id()))).isEmpty();
    assertThat(read((Tx t) -> t.identities().count())).isZero();
  }

  @Test
  void identityUpdate_retired_keepsIdentityFindableCountedAndListed() {
    Identity live = insert(identity().toIdentity(T0));
    Identity other = insert(identity().toIdentity(T0));
    Identity retired = live.withStatus(IdentityStatus.RETIRED, "decommissioned", T0.plusSeconds(10));

    assertThat(writeResult((Tx t) -> t.identities().update(retired))).isTrue();

    assertThat(read((Tx t) -> t.identities().findById(live.id()))).contains(retired);
    assertThat(read((Tx t) -> t.identities().count())).isEqualTo(2L);
    assertThat(ids(read((Tx t) -> t.identities().search(IdentityQuery.all(10))).items()))
        .containsExactlyElementsOf(sortedIds(live, other));
    assertThat(read((Tx t) -> t.identities().search(query(null, null, IdentityStatus.RETIRED, null, null, null, null)))
        .items()).containsExactly(retired);
  }

  @Test
  void identityUpdate_changedLabels_labelSearchSeesOnlyNewLabels() {
    Identity v1 = insert(identity().label("env", "dev").label("old", "x").toIdentity(T0));
    Identity v2 = v1.withProfile(new Identity.Profile(v1.name(), null, null, null, Map.of("env", "prod")),
        T0.plusSeconds(1));
    assertThat(writeResult((Tx t) -> t.identities().update(v2))).isTrue();

    assertThat(searchIds(query(null, null, null, "env", "dev", null, null))).isEmpty();
    assertThat(searchIds(query(null, null, null, "old", "x", null, null))).isEmpty();
    assertThat(searchIds(query(null, null, null, "env", "prod", null, null))).containsExactly(v1.id().value());
  }

  @Test
  void identityCount_emptyStore_isZeroAndCountsEveryInsert() {
    assertThat(read((Tx t) -> t.identities().count())).isZero();

    insert(identity().toIdentity(T0));
    insert(identity().status(IdentityStatus.RETIRED, "gone").toIdentity(T0));
    insert(identity().status(IdentityStatus.SUSPENDED, "paused").toIdentity(T0));

    assertThat(read((Tx t) -> t.identities().count())).isEqualTo(3L);
  }

  @Test
  void transaction_readsItsOwnWrites_beforeCommit() {
    Identity identity = identity().toIdentity(T0);

    List<Object> seen = writeResult((Tx t) -> {
      t.identities().insert(identity);
      AuditEvent e = t.audit().append(record("identity.create", identity.id().value()), T0);
      List<Object> out = new ArrayList<>();
      out.add(t.identities().findById(identity.id()).orElseThrow());
      out.add(t.identities().count());
      out.add(t.identities().search(IdentityQuery.all(10)).items());
      out.add(t.audit().head());
      out.add(e);
      return out;
    });

    AuditEvent appended = (AuditEvent) seen.get(4);
    assertThat(seen.get(0)).isEqualTo(identity);
    assertThat(seen.get(1)).isEqualTo(1L);
    assertThat(seen.get(2)).isEqualTo(List.of(identity));
    assertThat(seen.get(3)).isEqualTo(new ChainHead(1, appended.hash()));
  }

  // ---- subject links --------------------------------------------------------------------------------

  @Test
  void insertLink_thenFindLink_returnsLinkWithItsTime() {
    Identity identity = insert(identity().toIdentity(T0));
    FederatedSubject subject = new FederatedSubject("https://token.actions.githubusercontent.com",
        "repo:acme/billing:ref:refs/heads/main");
    SubjectLink link = new SubjectLink(subject, identity.id(), T0.plusMillis(5));

    write(t -> t.identities().insertLink(link));

    assertThat(read((Tx t) -> t.identities().findLink(subject))).contains(link);
    assertThat(read((Tx t) -> t.identities().linksOf(identity.id()))).containsExactly(link);
  }

  @Test
  void findLink_unknownSubject_returnsEmpty() {
    Identity identity = insert(identity().toIdentity(T0));
    write(t -> t.identities().insertLink(new SubjectLink(subject("a"), identity.id(), T0)));

    assertThat(read((Tx t) -> t.identities().findLink(subject("b")))).isEmpty();
    assertThat(read((Tx t) -> t.identities().findLink(new FederatedSubject("https://other.example", "a")))).isEmpty();
  }

  @Test
  void linksOf_identityWithSeveralSubjects_returnsExactlyItsLinks() {
    Identity a = insert(identity().toIdentity(T0));
    Identity b = insert(identity().toIdentity(T0));
    SubjectLink a1 = new SubjectLink(subject("a1"), a.id(), T0);
    SubjectLink a2 = new SubjectLink(new FederatedSubject("https://other.example", "a1"), a.id(), T0.plusSeconds(1));
    SubjectLink b1 = new SubjectLink(subject("b1"), b.id(), T0);
    write(t -> {
      t.identities().insertLink(a1);
      t.identities().insertLink(a2);
      t.identities().insertLink(b1);
    });

    assertThat(read((Tx t) -> t.identities().linksOf(a.id()))).containsExactlyInAnyOrder(a1, a2);
    assertThat(read((Tx t) -> t.identities().linksOf(b.id()))).containsExactly(b1);
    assertThat(read((Tx t) -> t.identities().linksOf(TestIdentities.newId()))).isEmpty();
  }

  @Test
  void insertLink_subjectAlreadyLinked_throwsUniqueViolationAndKeepsFirstLink() {
    Identity first = insert(identity().toIdentity(T0));
    Identity second = insert(identity().toIdentity(T0));
    SubjectLink link = new SubjectLink(subject("s"), first.id(), T0);
    write(t -> t.identities().insertLink(link));

    assertThatThrownBy(() -> write(t -> t.identities().insertLink(new SubjectLink(subject("s"), second.id(), T0))))
        .isInstanceOf(UniqueViolation.class);
    assertThatThrownBy(() -> write(t -> t.identities().insertLink(new SubjectLink(subject("s"), first.id(), T0))))
        .isInstanceOf(UniqueViolation.class);

    assertThat(read((Tx t) -> t.identities().findLink(subject("s")))).contains(link);
    assertThat(read((Tx t) -> t.identities().linksOf(second.id()))).isEmpty();
  }

  @Test
  void insertLink_subjectLinkedToRetiredIdentity_throwsUniqueViolation() {
    Identity old = insert(identity().toIdentity(T0));
    SubjectLink link = new SubjectLink(subject("s"), old.id(), T0);
    write(t -> t.identities().insertLink(link));
    assertThat(writeResult((Tx t) -> t.identities().update(old.withStatus(IdentityStatus.RETIRED, "gone", T0)))).isTrue();
    Identity fresh = insert(identity().toIdentity(T0));

    assertThatThrownBy(() -> write(t -> t.identities().insertLink(new SubjectLink(subject("s"), fresh.id(), T0))))
        .isInstanceOf(UniqueViolation.class);

    assertThat(read((Tx t) -> t.identities().findLink(subject("s")))).contains(link);
    assertThat(read((Tx t) -> t.identities().linksOf(fresh.id()))).isEmpty();
  }

  @Test
  void insertLink_sameSubjectUnderAnotherIssuer_isADistinctLink() {
    Identity a = insert(identity().toIdentity(T0));
    Identity b = insert(identity().toIdentity(T0));
    SubjectLink la = new SubjectLink(new FederatedSubject("https://issuer-a.example", "same"), a.id(), T0);
    SubjectLink lb = new SubjectLink(new FederatedSubject("https://issuer-b.example", "same"), b.id(), T0);

    write(t -> {
      t.identities().insertLink(la);
      t.identities().insertLink(lb);
    });

    assertThat(read((Tx t) -> t.identities().findLink(la.subject()))).contains(la);
    assertThat(read((Tx t) -> t.identities().findLink(lb.subject()))).contains(lb);
  }

  @Test
  void relink_fromRetiredToSuccessor_movesTheLink() {
    Identity old = insert(identity().status(IdentityStatus.RETIRED, "gone").toIdentity(T0));
    Identity successor = insert(identity().predecessor(old.id()).toIdentity(T0.plusSeconds(1)));
    write(t -> t.identities().insertLink(new SubjectLink(subject("s"), old.id(), T0)));

    write(t -> t.identities().relink(subject("s"), old.id(), successor.id()));

    SubjectLink moved = read((Tx t) -> t.identities().findLink(subject("s"))).orElseThrow();
    assertThat(moved.identityId()).isEqualTo(successor.id());
    assertThat(moved.subject()).isEqualTo(subject("s"));
    assertThat(read((Tx t) -> t.identities().linksOf(old.id()))).isEmpty();
    assertThat(read((Tx t) -> t.identities().linksOf(successor.id()))).containsExactly(moved);
  }

  @Test
  void relink_fromAnIdentityTheSubjectIsNotLinkedTo_throwsAndLeavesLinkUnchanged() {
    Identity owner = insert(identity().toIdentity(T0));
    Identity stranger = insert(identity().toIdentity(T0));
    Identity target = insert(identity().toIdentity(T0));
    SubjectLink link = new SubjectLink(subject("s"), owner.id(), T0);
    write(t -> t.identities().insertLink(link));

    assertThatThrownBy(() -> write(t -> t.identities().relink(subject("s"), stranger.id(), target.id())))
        .isInstanceOf(IllegalStateException.class);

    assertThat(read((Tx t) -> t.identities().findLink(subject("s")))).contains(link);
  }

  // ---- identity search ------------------------------------------------------------------------------

  @Test
  void search_byKind_returnsOnlyThatKind() {
    Identity w1 = insert(identity().kind(IdentityKind.WORKLOAD).toIdentity(T0));
    Identity w2 = insert(identity().kind(IdentityKind.WORKLOAD).toIdentity(T0));
    insert(identity().kind(IdentityKind.PIPELINE).toIdentity(T0));

    assertThat(searchIds(query(IdentityKind.WORKLOAD, null, null, null, null, null, null)))
        .containsExactlyElementsOf(sortedIds(w1, w2));
    assertThat(searchIds(query(IdentityKind.DEVICE, null, null, null, null, null, null))).isEmpty();
  }

  @Test
  void search_byOwnerTeam_returnsOnlyThatTeamsIdentities() {
    Identity p = insert(identity().toIdentity(T0));
    Identity q = insert(TestIdentities.workload().owner(PLATFORM).backupTeam(PAYMENTS).toIdentity(T0));

    assertThat(searchIds(query(null, PAYMENTS, null, null, null, null, null))).containsExactly(p.id().value());
    assertThat(searchIds(query(null, PLATFORM, null, null, null, null, null))).containsExactly(q.id().value());
  }

  @Test
  void search_byStatus_returnsOnlyThatStatus() {
    Identity active = insert(identity().toIdentity(T0));
    Identity suspended = insert(identity().status(IdentityStatus.SUSPENDED, "incident").toIdentity(T0));
    Identity retired = insert(identity().status(IdentityStatus.RETIRED, "gone").toIdentity(T0));

    assertThat(searchIds(query(null, null, IdentityStatus.ACTIVE, null, null, null, null)))
        .containsExactly(active.id().value());
    assertThat(searchIds(query(null, null, IdentityStatus.SUSPENDED, null, null, null, null)))
        .containsExactly(suspended.id().value());
    assertThat(searchIds(query(null, null, IdentityStatus.RETIRED, null, null, null, null)))
        .containsExactly(retired.id().value());
  }

  @Test
  void search_byLabel_matchesKeyAndValueExactly() {
    Identity prod = insert(identity().label("env", "prod").label("tier", "1").toIdentity(T0));
    insert(identity().label("env", "production").toIdentity(T0));
    insert(identity().label("env", "Prod").toIdentity(T0));
    insert(identity().label("stage", "prod").toIdentity(T0));
    insert(identity().toIdentity(T0));

    assertThat(searchIds(query(null, null, null, "env", "prod", null, null))).containsExactly(prod.id().value());
    assertThat(searchIds(query(null, null, null, "tier", "1", null, null))).containsExactly(prod.id().value());
    assertThat(searchIds(query(null, null, null, "env", "pro", null, null))).isEmpty();
  }

  @Test
  void search_byTenant_matchesExactly() {
    Identity acme = insert(identity().tenant("acme").toIdentity(T0));
    insert(identity().tenant("acme-eu").toIdentity(T0));
    insert(identity().toIdentity(T0));

    assertThat(searchIds(query(null, null, null, null, null, "acme", null))).containsExactly(acme.id().value());
    assertThat(searchIds(query(null, null, null, null, null, "ACME", null))).isEmpty();
  }

  @Test
  void search_byNamePrefix_isCaseSensitivePrefix() {
    Identity billingApi = insert(identity().name("billing-api").toIdentity(T0));
    Identity billingWorker = insert(identity().name("billing-worker").toIdentity(T0));
    insert(identity().name("Billing-admin").toIdentity(T0));
    insert(identity().name("old-billing").toIdentity(T0));

    assertThat(searchIds(query(null, null, null, null, null, null, "billing")))
        .containsExactlyElementsOf(sortedIds(billingApi, billingWorker));
    assertThat(searchIds(query(null, null, null, null, null, null, "billing-w")))
        .containsExactly(billingWorker.id().value());
    assertThat(searchIds(query(null, null, null, null, null, null, "billing-api"))).containsExactly(billingApi.id().value());
    assertThat(searchIds(query(null, null, null, null, null, null, "billing-api-v2"))).isEmpty();
  }

  @Test
  void search_namePrefixWithWildcardCharacters_matchesThemLiterally() {
    Identity percentUnderscore = insert(identity().name("100%_off").toIdentity(T0));
    Identity percentX = insert(identity().name("100%Xoff").toIdentity(T0));
    insert(identity().name("100X_off").toIdentity(T0));
    insert(identity().name("1000_off").toIdentity(T0));
    Identity underscore = insert(identity().name("a_b").toIdentity(T0));
    insert(identity().name("axb").toIdentity(T0));
    Identity backslash = insert(identity().name("back\\slash").toIdentity(T0));
    insert(identity().name("backXslash").toIdentity(T0));

    assertThat(searchIds(query(null, null, null, null, null, null, "100%_")))
        .containsExactly(percentUnderscore.id().value());
    assertThat(searchIds(query(null, null, null, null, null, null, "100%")))
        .containsExactlyElementsOf(sortedIds(percentUnderscore, percentX));
    assertThat(searchIds(query(null, null, null, null, null, null, "a_"))).containsExactly(underscore.id().value());
    assertThat(searchIds(query(null, null, null, null, null, null, "%"))).isEmpty();
    assertThat(searchIds(query(null, null, null, null, null, null, "_"))).isEmpty();
    assertThat(searchIds(query(null, null, null, null, null, null, "back\\"))).containsExactly(backslash.id().value());
  }

  @Test
  void search_everyFilterCombined_returnsOnlyRowsMatchingAll() {
    Identity match = insert(identity().kind(IdentityKind.PIPELINE).tenant("acme").name("deploy-main")
        .label("env", "prod").toIdentity(T0));
    insert(identity().kind(IdentityKind.WORKLOAD).tenant("acme").name("deploy-main").label("env", "prod").toIdentity(T0));
    insert(identity().kind(IdentityKind.PIPELINE).tenant("other").name("deploy-main").label("env", "prod").toIdentity(T0));
    insert(identity().kind(IdentityKind.PIPELINE).tenant("acme").name("build-main").label("env", "prod").toIdentity(T0));
    insert(identity().kind(IdentityKind.PIPELINE).tenant("acme").name("deploy-main").label("env", "dev").toIdentity(T0));
    insert(TestIdentities.pipeline().owner(PLATFORM).backupTeam(PAYMENTS).tenant("acme").name("deploy-main")
        .label("env", "prod").toIdentity(T0));
    insert(identity().kind(IdentityKind.PIPELINE).tenant("acme").name("deploy-main").label("env", "prod")
        .status(IdentityStatus.SUSPENDED, "paused").toIdentity(T0));

    IdentityQuery q = new IdentityQuery(IdentityKind.PIPELINE, PAYMENTS, IdentityStatus.ACTIVE, "env", "prod", "acme",
        "deploy", null, 10);

    assertThat(read((Tx t) -> t.identities().search(q)).items()).containsExactly(match);
  }

  @Test
  void search_allRows_orderedByIdAndPagedWithLastIdAsCursor() {
    List<Identity> all = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      all.add(insert(identity().toIdentity(T0)));
    }
    List<String> expected = sortedIds(all.toArray(Identity[]::new));

    Page<Identity> p1 = read((Tx t) -> t.identities().search(IdentityQuery.all(3)));
    Page<Identity> p2 = read((Tx t) -> t.identities().search(IdentityQuery.all(3).after(IdentityId.parse(p1.nextCursor()))));
    Page<Identity> p3 = read((Tx t) -> t.identities().search(IdentityQuery.all(3).after(IdentityId.parse(p2.nextCursor()))));

    assertThat(ids(p1.items())).containsExactlyElementsOf(expected.subList(0, 3));
    assertThat(p1.nextCursor()).isEqualTo(expected.get(2));
    assertThat(ids(p2.items())).containsExactlyElementsOf(expected.subList(3, 6));
    assertThat(p2.nextCursor()).isEqualTo(expected.get(5));
    assertThat(ids(p3.items())).containsExactly(expected.get(6));
    assertThat(p3.nextCursor()).isNull();
  }

  @Test
  void search_lastPageExactlyFull_hasNoCursor() {
    List<Identity> all = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      all.add(insert(identity().toIdentity(T0)));
    }

    Page<Identity> page = read((Tx t) -> t.identities().search(IdentityQuery.all(4)));
    Page<Identity> empty = read((Tx t) -> t.identities().search(IdentityQuery.all(4)
        .after(IdentityId.parse(sortedIds(all.toArray(Identity[]::new)).get(3)))));

    assertThat(ids(page.items())).containsExactlyElementsOf(sortedIds(all.toArray(Identity[]::new)));
    assertThat(page.nextCursor()).isNull();
    assertThat(empty.items()).isEmpty();
    assertThat(empty.nextCursor()).isNull();
  }

  @Test
  void search_filteredPaging_cursorSkipsNonMatchingRows() {
    List<Identity> prod = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      prod.add(insert(identity().label("env", "prod").toIdentity(T0)));
      insert(identity().label("env", "dev").toIdentity(T0));
    }
    IdentityQuery q = query(null, null, null, "env", "prod", null, null);
    IdentityQuery paged = new IdentityQuery(null, null, null, "env", "prod", null, null, null, 2);

    List<String> seen = pageThrough(paged, page -> {});

    assertThat(seen).containsExactlyElementsOf(sortedIds(prod.toArray(Identity[]::new)));
    assertThat(searchIds(q)).containsExactlyElementsOf(seen);
  }

  @Test
  void search_rowsInsertedBetweenPages_noDuplicatesAndNothingExistingSkipped() {
    List<Identity> existing = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      existing.add(insert(identity().toIdentity(T0)));
    }
    Set<String> expected = new TreeSet<>(ids(existing));
    List<String> cursors = new ArrayList<>();

    List<String> seen = pageThrough(IdentityQuery.all(4), page -> {
      String cursor = page.nextCursor();
      cursors.add(cursor);
      for (int i = 0; i < 3; i++) {
        Identity added = insert(identity().toIdentity(T0));
        if (added.id().value().compareTo(cursor) > 0) {
          expected.add(added.id().value()); // keyset paging must show rows inserted after the cursor
        }
      }
    });

    assertThat(cursors).isNotEmpty();
    assertThat(seen).doesNotHaveDuplicates();
    assertThat(seen).isSorted();
    assertThat(seen).containsAll(ids(existing));
    assertThat(seen).containsExactlyElementsOf(expected);
  }

  @Test
  void search_afterCursor_excludesTheCursorRow() {
    Identity a = insert(identity().toIdentity(T0));
    Identity b = insert(identity().toIdentity(T0));
    List<String> sorted = sortedIds(a, b);

    Page<Identity> page = read((Tx t) -> t.identities().search(IdentityQuery.all(10).after(IdentityId.parse(sorted.get(0)))));

    assertThat(ids(page.items())).containsExactly(sorted.get(1));
    assertThat(page.nextCursor()).isNull();
  }

  // ---- operators and teams --------------------------------------------------------------------------

  @Test
  void operatorInsert_rolesAndTeams_roundTripExactly() {
    Operator admin = TestOperators.operator().name("Ada Admin").roles(Role.ADMIN, Role.SECURITY_OFFICER)
        .teams(PAYMENTS, PLATFORM).build(T0);
    Operator auditor = TestOperators.operator().name("Aud").roles(Role.AUDITOR).build(T0);
    Operator plain = TestOperators.operator().name("Plain").build(T0);
    write(t -> {
      t.operators().insert(admin);
      t.operators().insert(auditor);
      t.operators().insert(plain);
    });

    assertThat(read((Tx t) -> t.operators().findById(admin.id()))).contains(admin);
    assertThat(read((Tx t) -> t.operators().findById(auditor.id()))).contains(auditor);
    assertThat(read((Tx t) -> t.operators().findById(plain.id()))).contains(plain);
    assertThat(read((Tx t) -> t.operators().findById(admin.id())).orElseThrow().roles())
        .containsExactlyInAnyOrder(Role.ADMIN, Role.SECURITY_OFFICER);
    assertThat(read((Tx t) -> t.operators().findById(admin.id())).orElseThrow().teams())
        .containsExactlyInAnyOrder(PAYMENTS, PLATFORM);
    assertThat(read((Tx t) -> t.operators().findById(TestOperators.newId()))).isEmpty();
    assertThat(read((Tx t) -> t.operators().count())).isEqualTo(3L);
  }

  @Test
  void operatorInsert_duplicateId_throwsUniqueViolationAndKeepsOriginal() {
    Operator original = TestOperators.operator().name("first").build(T0);
    write(t -> t.operators().insert(original));

    assertThatThrownBy(() -> write(t -> t.operators().insert(
        TestOperators.operator().id(original.id()).name("second").build(T0)))).isInstanceOf(UniqueViolation.class);

    assertThat(read((Tx t) -> t.operators().findById(original.id()))).contains(original);
    assertThat(read((Tx t) -> t.operators().count())).isEqualTo(1L);
  }

  @Test
  void operatorUpdate_nextVersion_replacesRolesTeamsAndStatus() {
    Operator v1 = TestOperators.operator().roles(Role.SERVICE_DESK).teams(PAYMENTS).build(T0);
    write(t -> t.operators().insert(v1));
    Operator v2 = v1.withRoles(Set.of(Role.SUPERVISOR), T0.plusSeconds(1));
    Operator v3 = v2.withTeams(Set.of(PLATFORM), T0.plusSeconds(2));
    Operator v4 = v3.withStatus(OperatorStatus.DISABLED, T0.plusSeconds(3));

    assertThat(writeResult((Tx t) -> t.operators().update(v2))).isTrue();
    assertThat(writeResult((Tx t) -> t.operators().update(v3))).isTrue();
    assertThat(writeResult((Tx t) -> t.operators().update(v4))).isTrue();

    assertThat(read((Tx t) -> t.operators().findById(v1.id()))).contains(v4);
    assertThat(read((Tx t) -> t.operators().anyMemberOf(PAYMENTS))).isFalse();
    assertThat(read((Tx t) -> t.operators().anyMemberOf(PLATFORM))).isTrue();
  }

  @Test
  void operatorUpdate_staleVersion_returnsFalseAndChangesNothing() {
    Operator v1 = TestOperators.operator().roles(Role.SERVICE_DESK).teams(PAYMENTS).build(T0);
    write(t -> t.operators().insert(v1));
    Operator v2 = v1.withRoles(Set.of(Role.SUPERVISOR), T0.plusSeconds(1));
    assertThat(writeResult((Tx t) -> t.operators().update(v2))).isTrue();

    boolean stale = writeResult((Tx t) -> t.operators().update(v1.withTeams(Set.of(PLATFORM), T0.plusSeconds(2))));
    boolean unknown = writeResult((Tx t) -> t.operators().update(
        TestOperators.operator().build(T0).withStatus(OperatorStatus.DISABLED, T0)));

    assertThat(stale).isFalse();
    assertThat(unknown).isFalse();
    assertThat(read((Tx t) -> t.operators().findById(v1.id()))).contains(v2);
    assertThat(read((Tx t) -> t.operators().anyMemberOf(PLATFORM))).isFalse();
    assertThat(read((Tx t) -> t.operators().count())).isEqualTo(1L);
  }

  @Test
  void operatorList_orderedByIdAndPagedWithLastIdAsCursor() {
    List<Operator> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      all.add(TestOperators.operator().build(T0));
    }
    write(t -> all.forEach(t.operators()::insert));
    List<String> expected = all.stream().map(o -> o.id().value()).sorted().toList();

    Page<Operator> p1 = read((Tx t) -> t.operators().list(null, 2));
    Page<Operator> p2 = read((Tx t) -> t.operators().list(OperatorId.parse(p1.nextCursor()), 2));
    Page<Operator> p3 = read((Tx t) -> t.operators().list(OperatorId.parse(p2.nextCursor()), 2));
    Page<Operator> whole = read((Tx t) -> t.operators().list(null, 5));

    assertThat(p1.items()).extracting(o -> o.id().value()).containsExactlyElementsOf(expected.subList(0, 2));
    assertThat(p1.nextCursor()).isEqualTo(expected.get(1));
    assertThat(p2.items()).extracting(o -> o.id().value()).containsExactlyElementsOf(expected.subList(2, 4));
    assertThat(p3.items()).extracting(o -> o.id().value()).containsExactly(expected.get(4));
    assertThat(p3.nextCursor()).isNull();
    assertThat(whole.items()).extracting(o -> o.id().value()).containsExactlyElementsOf(expected);
    assertThat(whole.nextCursor()).isNull();
  }

  @Test
  void operatorAnyMemberOf_teamWithAndWithoutMembers_answersExactly() {
    write(t -> {
      t.teams().insert(new Team(new TeamId("empty-team"), "Empty", T0));
      t.operators().insert(TestOperators.operator().teams(PAYMENTS).build(T0));
    });

    assertThat(read((Tx t) -> t.operators().anyMemberOf(PAYMENTS))).isTrue();
    assertThat(read((Tx t) -> t.operators().anyMemberOf(PLATFORM))).isFalse();
    assertThat(read((Tx t) -> t.operators().anyMemberOf(new TeamId("empty-team")))).isFalse();
  }

  @Test
  void teamInsert_thenFindAndList_returnsEveryTeam() {
    Team security = new Team(new TeamId("security-ops"), "Security \u00d6ps", T0.plusSeconds(3));

    write(t -> t.teams().insert(security));

    assertThat(read((Tx t) -> t.teams().findById(new TeamId("security-ops")))).contains(security);
    assertThat(read((Tx t) -> t.teams().findById(new TeamId("nobody")))).isEmpty();
    assertThat(read((Tx t) -> t.teams().list())).containsExactlyInAnyOrder(security, new Team(PAYMENTS, "Payments", T0),
        new Team(PLATFORM, "Platform", T0));
  }

  @Test
  void teamInsert_duplicateId_throwsUniqueViolationAndKeepsOriginal() {
    assertThatThrownBy(() -> write(t -> t.teams().insert(new Team(PAYMENTS, "Other name", T0.plusSeconds(9)))))
        .isInstanceOf(UniqueViolation.class);

    assertThat(read((Tx t) -> t.teams().findById(PAYMENTS))).contains(new Team(PAYMENTS, "Payments", T0));
    assertThat(read((Tx t) -> t.teams().list())).hasSize(2);
  }

  // ---- operator tokens ------------------------------------------------------------------------------

  @Test
  void tokenInsert_thenFindByIdAndHash_everyFieldRoundTrips() {
    Operator op = insertOperator();
    byte[] hash = randomBytes(32);
    OperatorToken token = new OperatorToken("tok_" + RANDOM.nextInt(1_000_000), op.id(), hash, "laptop",
        T0, T0.plus(Duration.ofDays(30)), null, null, null);
    write(t -> t.operatorTokens().insert(token));

    OperatorToken byId = read((Tx t) -> t.operatorTokens().findById(token.id())).orElseThrow();
    OperatorToken byHash = read((Tx t) -> t.operatorTokens().findByHash(hash.clone())).orElseThrow();

    for (OperatorToken read : List.of(byId, byHash)) {
      assertThat(read.id()).isEqualTo(token.id());
      assertThat(read.operatorId()).isEqualTo(op.id());
      assertThat(read.hash()).isEqualTo(hash);
      assertThat(read.description()).isEqualTo("laptop");
      assertThat(read.createdAt()).isEqualTo(T0);
      assertThat(read.expiresAt()).isEqualTo(T0.plus(Duration.ofDays(30)));
      assertThat(read.revokedAt()).isNull();
      assertThat(read.lastUsedAt()).isNull();
      assertThat(read.stepUpAt()).isNull();
    }
  }

  @Test
  void tokenFind_unknownHashOrId_returnsEmpty() {
    Operator op = insertOperator();
    write(t -> t.operatorTokens().insert(token(op.id())));

    assertThat(read((Tx t) -> t.operatorTokens().findByHash(randomBytes(32)))).isEmpty();
    assertThat(read((Tx t) -> t.operatorTokens().findById("tok_unknown"))).isEmpty();
  }

  @Test
  void tokenInsert_duplicateHash_throwsUniqueViolation() {
    Operator op = insertOperator();
    OperatorToken first = token(op.id());
    write(t -> t.operatorTokens().insert(first));
    OperatorToken sameHash = new OperatorToken(first.id() + "x", op.id(), first.hash(), null, T0,
        T0.plusSeconds(60), null, null, null);

    assertThatThrownBy(() -> write(t -> t.operatorTokens().insert(sameHash))).isInstanceOf(UniqueViolation.class);

    assertThat(read((Tx t) -> t.operatorTokens().findById(sameHash.id()))).isEmpty();
    assertThat(read((Tx t) -> t.operatorTokens().listFor(op.id()))).extracting(OperatorToken::id).containsExactly(first.id());
  }

  @Test
  void tokenListFor_returnsOnlyThatOperatorsTokens() {
    Operator a = insertOperator();
    Operator b = insertOperator();
    OperatorToken a1 = token(a.id());
    OperatorToken a2 = token(a.id());
    OperatorToken b1 = token(b.id());
    write(t -> {
      t.operatorTokens().insert(a1);
      t.operatorTokens().insert(a2);
      t.operatorTokens().insert(b1);
    });

    assertThat(read((Tx t) -> t.operatorTokens().listFor(a.id()))).extracting(OperatorToken::id)
        .containsExactlyInAnyOrder(a1.id(), a2.id());
    assertThat(read((Tx t) -> t.operatorTokens().listFor(b.id()))).extracting(OperatorToken::id).containsExactly(b1.id());
    assertThat(read((Tx t) -> t.operatorTokens().listFor(TestOperators.newId()))).isEmpty();
  }

  @Test
  void tokenRevoke_onlyOnce_keepsFirstRevocationTime() {
    Operator op = insertOperator();
    OperatorToken token = token(op.id());
    write(t -> t.operatorTokens().insert(token));

    boolean first = writeResult((Tx t) -> t.operatorTokens().revoke(token.id(), T0.plusSeconds(10)));
    boolean second = writeResult((Tx t) -> t.operatorTokens().revoke(token.id(), T0.plusSeconds(20)));
    boolean unknown = writeResult((Tx t) -> t.operatorTokens().revoke("tok_unknown", T0.plusSeconds(20)));

    assertThat(first).isTrue();
    assertThat(second).isFalse();
    assertThat(unknown).isFalse();
    OperatorToken read = read((Tx t) -> t.operatorTokens().findById(token.id())).orElseThrow();
    assertThat(read.revokedAt()).isEqualTo(T0.plusSeconds(10));
    assertThat(read.revoked()).isTrue();
  }

  @Test
  void tokenRecordUseAndStepUp_setOnlyTheirOwnFields() {
    Operator op = insertOperator();
    OperatorToken token = token(op.id());
    OperatorToken other = token(op.id());
    write(t -> {
      t.operatorTokens().insert(token);
      t.operatorTokens().insert(other);
    });

    write(t -> t.operatorTokens().recordUse(token.id(), T0.plusSeconds(61)));
    write(t -> t.operatorTokens().recordStepUp(token.id(), T0.plusSeconds(62)));

    OperatorToken read = read((Tx t) -> t.operatorTokens().findById(token.id())).orElseThrow();
    assertThat(read.lastUsedAt()).isEqualTo(T0.plusSeconds(61));
    assertThat(read.stepUpAt()).isEqualTo(T0.plusSeconds(62));
    assertThat(read.revokedAt()).isNull();
    assertThat(read.expiresAt()).isEqualTo(token.expiresAt());
    assertThat(read.hash()).isEqualTo(token.hash());
    OperatorToken untouched = read((Tx t) -> t.operatorTokens().findById(other.id())).orElseThrow();
    assertThat(untouched.lastUsedAt()).isNull();
    assertThat(untouched.stepUpAt()).isNull();
  }

  @Test
  void tokenClearStepUps_clearsEveryTokenOfTheOperator_countsThoseThatHadOne_othersUntouched() {
    Operator op = insertOperator();
    Operator someoneElse = insertOperator();
    OperatorToken steppedUp = token(op.id());
    OperatorToken alsoSteppedUp = token(op.id());
    OperatorToken never = token(op.id());
    OperatorToken others = token(someoneElse.id());
    write(t -> {
      for (OperatorToken token : List.of(steppedUp, alsoSteppedUp, never, others)) {
        t.operatorTokens().insert(token);
      }
      t.operatorTokens().recordStepUp(steppedUp.id(), T0.plusSeconds(5));
      t.operatorTokens().recordStepUp(alsoSteppedUp.id(), T0.plusSeconds(6));
      t.operatorTokens().recordStepUp(others.id(), T0.plusSeconds(7));
      t.operatorTokens().recordUse(steppedUp.id(), T0.plusSeconds(8));
    });

    int cleared = writeResult(t -> t.operatorTokens().clearStepUps(op.id()));
    int again = writeResult(t -> t.operatorTokens().clearStepUps(op.id()));

    assertThat(cleared).isEqualTo(2);
    assertThat(again).isZero();
    for (OperatorToken token : List.of(steppedUp, alsoSteppedUp, never)) {
      assertThat(read((Tx t) -> t.operatorTokens().findById(token.id())).orElseThrow().stepUpAt()).isNull();
    }
    OperatorToken read = read((Tx t) -> t.operatorTokens().findById(steppedUp.id())).orElseThrow();
    assertThat(read.lastUsedAt()).isEqualTo(T0.plusSeconds(8));
    assertThat(read.revokedAt()).isNull();
    assertThat(read((Tx t) -> t.operatorTokens().findById(others.id())).orElseThrow().stepUpAt())
        .isEqualTo(T0.plusSeconds(7));
  }

  // ---- TOTP factors ---------------------------------------------------------------------------------

  @Test
  void totpPut_thenFind_everyFieldRoundTrips() {
    Operator op = insertOperator();
    byte[] sealed = randomBytes(49);
    write(t -> t.totp().put(new TotpFactor(op.id(), sealed, false, -1, T0)));

    TotpFactor read = read((Tx t) -> t.totp().find(op.id())).orElseThrow();

    assertThat(read.operatorId()).isEqualTo(op.id());
    assertThat(read.sealedSeed()).isEqualTo(sealed);
    assertThat(read.confirmed()).isFalse();
    assertThat(read.lastUsedStep()).isEqualTo(-1L);
    assertThat(read.createdAt()).isEqualTo(T0);
    assertThat(read((Tx t) -> t.totp().find(TestOperators.newId()))).isEmpty();
  }

  @Test
  void totpPut_existingFactor_replacesIt() {
    Operator op = insertOperator();
    write(t -> t.totp().put(new TotpFactor(op.id(), randomBytes(49), false, -1, T0)));
    byte[] replacement = randomBytes(49);

    write(t -> t.totp().put(new TotpFactor(op.id(), replacement, true, 12345, T0.plusSeconds(5))));

    TotpFactor read = read((Tx t) -> t.totp().find(op.id())).orElseThrow();
    assertThat(read.sealedSeed()).isEqualTo(replacement);
    assertThat(read.confirmed()).isTrue();
    assertThat(read.lastUsedStep()).isEqualTo(12345L);
    assertThat(read.createdAt()).isEqualTo(T0.plusSeconds(5));
  }

  @Test
  void totpDelete_removesTheFactor() {
    Operator op = insertOperator();
    write(t -> t.totp().put(new TotpFactor(op.id(), randomBytes(49), true, 7, T0)));

    write(t -> t.totp().delete(op.id()));

    assertThat(read((Tx t) -> t.totp().find(op.id()))).isEmpty();
  }

  @Test
  void totpAdvanceStep_onlyMovesForward() {
    Operator op = insertOperator();
    write(t -> t.totp().put(new TotpFactor(op.id(), randomBytes(49), true, 100, T0)));

    boolean same = writeResult((Tx t) -> t.totp().advanceStep(op.id(), 100));
    boolean backwards = writeResult((Tx t) -> t.totp().advanceStep(op.id(), 99));
    boolean forward = writeResult((Tx t) -> t.totp().advanceStep(op.id(), 101));
    boolean replayOfNew = writeResult((Tx t) -> t.totp().advanceStep(op.id(), 101));
    boolean jump = writeResult((Tx t) -> t.totp().advanceStep(op.id(), 150));

    assertThat(same).isFalse();
    assertThat(backwards).isFalse();
    assertThat(forward).isTrue();
    assertThat(replayOfNew).isFalse();
    assertThat(jump).isTrue();
    TotpFactor read = read((Tx t) -> t.totp().find(op.id())).orElseThrow();
    assertThat(read.lastUsedStep()).isEqualTo(150L);
    assertThat(read.confirmed()).isTrue();
  }

  @Test
  void totpAdvanceStep_noFactor_returnsFalseAndCreatesNothing() {
    Operator op = insertOperator();

    boolean advanced = writeResult((Tx t) -> t.totp().advanceStep(op.id(), 5));

    assertThat(advanced).isFalse();
    assertThat(read((Tx t) -> t.totp().find(op.id()))).isEmpty();
  }

  @Test
  void totpLockAndFind_returnsTheFactorOrEmpty() {
    Operator op = insertOperator();
    byte[] sealed = randomBytes(49);
    write(t -> t.totp().put(new TotpFactor(op.id(), sealed, true, 42, T0)));

    TotpFactor read = writeResult((Tx t) -> t.totp().lockAndFind(op.id())).orElseThrow();

    assertThat(read.sealedSeed()).isEqualTo(sealed);
    assertThat(read.lastUsedStep()).isEqualTo(42L);
    assertThat(writeResult((Tx t) -> t.totp().lockAndFind(TestOperators.newId()))).isEmpty();
  }

  /**
   * Step-up counts earlier failures from the audit log after taking this lock; a store whose lock does not
   * make the second transaction wait, or whose second transaction does not then see the first one's commit,
   * would let concurrent guesses past the limit.
   */
  @Test
  void totpLockAndFind_secondTransactionWaitsForFirstAndThenSeesItsCommit() throws Exception {
    Operator op = insertOperator();
    write(t -> t.totp().put(new TotpFactor(op.id(), randomBytes(49), true, 1, T0)));
    CountDownLatch firstHoldsLock = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> first = pool.submit(() -> write(t -> {
        t.totp().lockAndFind(op.id()).orElseThrow();
        t.audit().append(record("first", op.id().value()), T0);
        firstHoldsLock.countDown();
        awaitUninterruptibly(releaseFirst);
      }));
      assertThat(firstHoldsLock.await(30, TimeUnit.SECONDS)).isTrue();
      Future<List<String>> second = pool.submit(() -> writeResult((Tx t) -> {
        t.totp().lockAndFind(op.id()).orElseThrow();
        return t.audit().query(AuditQuery.forTarget(op.id().value(), 10)).stream().map(AuditEvent::action).toList();
      }));

      assertThatThrownBy(() -> second.get(300, TimeUnit.MILLISECONDS))
          .as("the second transaction must wait for the first one's lock")
          .isInstanceOf(java.util.concurrent.TimeoutException.class);
      releaseFirst.countDown();
      first.get(30, TimeUnit.SECONDS);
      assertThat(second.get(30, TimeUnit.SECONDS)).containsExactly("first");
    } finally {
      releaseFirst.countDown();
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---- audit chain ----------------------------------------------------------------------------------

  @Test
  void auditHead_emptyStore_isGenesis() {
    assertThat(head()).isEqualTo(ChainHead.EMPTY);
    assertThat(head()).isEqualTo(new ChainHead(0, "0".repeat(64)));
    assertThat(scanAll()).isEmpty();
  }

  @Test
  void auditAppend_sequenceIsContiguousFromOneWithPrevHashLinks() {
    List<AuditEvent> appended = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      appended.add(writeResult((Tx t) -> t.audit().append(record("test.event", "target-" + n), T0.plusSeconds(n))));
    }

    List<AuditEvent> stored = scanAll();

    assertThat(stored).extracting(AuditEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(stored.get(0).prevHash()).isEqualTo(AuditChain.GENESIS);
    for (int i = 1; i < stored.size(); i++) {
      assertThat(stored.get(i).prevHash()).isEqualTo(stored.get(i - 1).hash());
    }
    for (AuditEvent e : stored) {
      assertThat(e.hash()).isEqualTo(AuditChain.recompute(e));
    }
    assertThat(stored).isEqualTo(appended);
    assertThat(head()).isEqualTo(new ChainHead(5, stored.get(4).hash()));
  }

  @Test
  void auditAppend_severalInOneTransaction_chainInOrder() {
    List<AuditEvent> appended = writeResult((Tx t) -> List.of(
        t.audit().append(record("a", "x"), T0),
        t.audit().append(record("b", "x"), T0),
        t.audit().append(record("c", "x"), T0)));

    assertThat(appended).extracting(AuditEvent::seq).containsExactly(1L, 2L, 3L);
    assertThat(appended.get(1).prevHash()).isEqualTo(appended.get(0).hash());
    assertThat(appended.get(2).prevHash()).isEqualTo(appended.get(1).hash());
    assertThat(scanAll()).isEqualTo(appended);
    assertThat(head()).isEqualTo(new ChainHead(3, appended.get(2).hash()));
  }

  @Test
  void auditAppend_storedEventEqualsReturnedEvent_detailsAndMillisecondTimeExact() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("k", "v");
    nested.put("inner", List.of(1L, 2L, -3L));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("s", "quote \" backslash \\ newline \n tab \t unicode \u00fc \uD83D\uDE00 control \u0001");
    details.put("n", 9_007_199_254_740_993L);
    details.put("neg", -7L);
    details.put("flag", true);
    details.put("none", null);
    details.put("empty_list", List.of());
    details.put("empty_map", Map.of());
    details.put("list", List.of("a", "b"));
    details.put("nested", nested);
    AuditRecord r = new AuditRecord("op_actor", "identity.update", "nhi_target", details, Outcome.DENIED, "req-42");
    Instant withNanos = T0.plusNanos(456_789);

    AuditEvent appended = writeResult((Tx t) -> t.audit().append(r, withNanos));
    AuditEvent stored = scanAll().get(0);

    assertThat(stored).isEqualTo(appended);
    assertThat(stored.time()).isEqualTo(T0);
    assertThat(stored.details()).isEqualTo(details);
    assertThat(stored.detailsJson()).isEqualTo(appended.detailsJson());
    assertThat(stored.actor()).isEqualTo("op_actor");
    assertThat(stored.action()).isEqualTo("identity.update");
    assertThat(stored.target()).isEqualTo("nhi_target");
    assertThat(stored.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(stored.requestId()).isEqualTo("req-42");
    assertThat(AuditChain.recompute(stored)).isEqualTo(stored.hash());
  }

  @Test
  void auditAppend_acrossTransactions_continuesTheChainFromTheHead() {
    AuditEvent first = writeResult((Tx t) -> t.audit().append(record("a", "x"), T0));

    AuditEvent second = writeResult((Tx t) -> t.audit().append(record("b", "x"), T0.plusSeconds(1)));

    assertThat(second.seq()).isEqualTo(2L);
    assertThat(second.prevHash()).isEqualTo(first.hash());
    assertThat(verify().ok()).isTrue();
    assertThat(verify().eventsChecked()).isEqualTo(2L);
  }

  @Test
  void auditQuery_byTargetActorAndAction_returnsMatchingInSequenceOrder() {
    appendAll(
        new AuditRecord("op_a", "identity.create", "nhi_1", Map.of(), Outcome.SUCCESS, "r1"),
        new AuditRecord("op_b", "identity.update", "nhi_1", Map.of(), Outcome.SUCCESS, "r2"),
        new AuditRecord("op_a", "identity.update", "nhi_2", Map.of(), Outcome.SUCCESS, "r3"),
        new AuditRecord("op_b", "identity.create", "nhi_2", Map.of(), Outcome.DENIED, "r4"),
        new AuditRecord("op_a", "identity.update", "nhi_1", Map.of(), Outcome.SUCCESS, "r5"));

    assertThat(seqs(new AuditQuery("nhi_1", null, null, null, null, 0, 100))).containsExactly(1L, 2L, 5L);
    assertThat(seqs(new AuditQuery(null, "op_a", null, null, null, 0, 100))).containsExactly(1L, 3L, 5L);
    assertThat(seqs(new AuditQuery(null, null, "identity.update", null, null, 0, 100))).containsExactly(2L, 3L, 5L);
    assertThat(seqs(new AuditQuery("nhi_1", "op_a", "identity.update", null, null, 0, 100))).containsExactly(5L);
    assertThat(seqs(new AuditQuery("nhi_", null, null, null, null, 0, 100))).isEmpty();
    assertThat(seqs(new AuditQuery(null, null, "identity", null, null, 0, 100))).isEmpty();
  }

  @Test
  void auditQuery_timeRange_includesFromAndExcludesTo() {
    for (int i = 0; i < 5; i++) {
      int n = i;
      write(t -> t.audit().append(record("tick", "x"), T0.plusSeconds(n)));
    }

    assertThat(seqs(new AuditQuery(null, null, null, T0.plusSeconds(1), T0.plusSeconds(3), 0, 100)))
        .containsExactly(2L, 3L);
    assertThat(seqs(new AuditQuery(null, null, null, T0.plusSeconds(3), null, 0, 100))).containsExactly(4L, 5L);
    assertThat(seqs(new AuditQuery(null, null, null, null, T0.plusSeconds(1), 0, 100))).containsExactly(1L);
    assertThat(seqs(new AuditQuery(null, null, null, T0.plusMillis(1), T0.plusMillis(999), 0, 100))).isEmpty();
  }

  @Test
  void auditQuery_pagedByAfterSeqAndLimit_walksEveryMatchOnce() {
    for (int i = 0; i < 7; i++) {
      int n = i;
      write(t -> t.audit().append(record(n % 2 == 0 ? "even" : "odd", "x"), T0.plusSeconds(n)));
    }
    List<Long> walked = new ArrayList<>();
    while (true) {
      List<AuditEvent> page = read((Tx t) -> t.audit().query(new AuditQuery(null, null, "even", null, null, 0, 2)
          .afterSeq(walkedLast(walked))));
      if (page.isEmpty()) {
        break;
      }
      assertThat(page.size()).isLessThanOrEqualTo(2);
      page.forEach(e -> walked.add(e.seq()));
    }

    assertThat(walked).containsExactly(1L, 3L, 5L, 7L);
    assertThat(seqs(new AuditQuery(null, null, null, null, null, 5, 100))).containsExactly(6L, 7L);
    assertThat(seqs(new AuditQuery(null, null, null, null, null, 0, 3))).containsExactly(1L, 2L, 3L);
  }

  @Test
  void auditScan_smallBatches_streamsEveryEventAfterSeqInOrder() {
    for (int i = 0; i < 7; i++) {
      int n = i;
      write(t -> t.audit().append(record("e" + n, "x"), T0));
    }
    List<Long> all = new ArrayList<>();
    List<Long> tail = new ArrayList<>();
    List<Long> none = new ArrayList<>();

    read((Tx t) -> {
      t.audit().scan(0, 2, e -> all.add(e.seq()));
      t.audit().scan(4, 3, e -> tail.add(e.seq()));
      t.audit().scan(7, 2, e -> none.add(e.seq()));
      return null;
    });

    assertThat(all).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(tail).containsExactly(5L, 6L, 7L);
    assertThat(none).isEmpty();
  }

  @Test
  void auditChain_afterMixedWrites_verifiesAgainstHead() {
    Identity identity = identity().toIdentity(T0);
    write(t -> {
      t.identities().insert(identity);
      t.audit().append(record("identity.create", identity.id().value()), T0);
    });
    write(t -> t.audit().append(record("identity.update", identity.id().value()), T0.plusSeconds(1)));

    VerificationResult result = verify();

    assertThat(result).isEqualTo(VerificationResult.valid(2));
  }

  // ---- rollback -------------------------------------------------------------------------------------

  @Test
  void transactionThatThrows_leavesNoTraceAndPropagatesTheSameException() {
    Identity existing = insert(identity().name("existing").toIdentity(T0));
    write(t -> t.audit().append(record("seed", "x"), T0));
    StoreState before = StoreState.capture(store);
    RuntimeException boom = new IllegalStateException("boom");
    Identity fresh = identity().toIdentity(T0);
    Operator op = TestOperators.operator().teams(PAYMENTS).build(T0);

    assertThatThrownBy(() -> write(t -> {
      t.teams().insert(new Team(new TeamId("rolled-back"), "Rolled back", T0));
      t.identities().insert(fresh);
      t.identities().insertLink(new SubjectLink(subject("rolled"), fresh.id(), T0));
      t.identities().update(existing.withProfile(profileNamed(existing, "renamed"), T0.plusSeconds(1)));
      t.operators().insert(op);
      t.operatorTokens().insert(token(op.id()));
      t.totp().put(new TotpFactor(op.id(), randomBytes(49), true, 3, T0));
      t.audit().append(record("identity.create", fresh.id().value()), T0);
      t.audit().append(record("identity.update", existing.id().value()), T0);
      throw boom;
    })).isSameAs(boom);

    assertThat(StoreState.capture(store)).isEqualTo(before);
    assertThat(read((Tx t) -> t.identities().findById(fresh.id()))).isEmpty();
    assertThat(read((Tx t) -> t.identities().findById(existing.id()))).contains(existing);
    assertThat(read((Tx t) -> t.identities().findLink(subject("rolled")))).isEmpty();
    assertThat(read((Tx t) -> t.operators().count())).isZero();
    assertThat(read((Tx t) -> t.teams().findById(new TeamId("rolled-back")))).isEmpty();
    assertThat(head().seq()).isEqualTo(1L);
    assertThat(scanAll()).hasSize(1);
  }

  @Test
  void transactionThatThrows_nextAppendReusesTheUncommittedSequenceNumber() {
    AuditEvent first = writeResult((Tx t) -> t.audit().append(record("a", "x"), T0));
    assertThatThrownBy(() -> write(t -> {
      t.audit().append(record("lost", "x"), T0);
      throw new IllegalArgumentException("abort");
    })).isInstanceOf(IllegalArgumentException.class).hasMessage("abort");

    AuditEvent second = writeResult((Tx t) -> t.audit().append(record("b", "x"), T0));

    assertThat(second.seq()).isEqualTo(2L);
    assertThat(second.prevHash()).isEqualTo(first.hash());
    assertThat(scanAll()).extracting(AuditEvent::action).containsExactly("a", "b");
    assertThat(verify()).isEqualTo(VerificationResult.valid(2));
  }

  // ---- concurrency ----------------------------------------------------------------------------------

  @Test
  void concurrentTransactions_appendsAndCreates_yieldContiguousValidChain() throws Exception {
    int threads = 4;
    int perThread = 20;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<IdentityId>>> futures = new ArrayList<>();
    try {
      for (int th = 0; th < threads; th++) {
        int thread = th;
        futures.add(pool.submit(() -> {
          start.await();
          List<IdentityId> created = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            String actor = "op_thread" + thread;
            if (i % 2 == 0) {
              Identity identity = identity().name("t" + thread + "-" + i).toIdentity(T0);
              Instant at = T0.plusMillis(i);
              write(t -> {
                t.identities().insert(identity);
                t.audit().append(new AuditRecord(actor, "identity.create", identity.id().value(), Map.of(),
                    Outcome.SUCCESS, "r"), at);
              });
              created.add(identity.id());
            } else {
              write(t -> t.audit().append(new AuditRecord(actor, "ping", "", Map.of("i", (long) 0), Outcome.SUCCESS,
                  "r"), T0));
            }
          }
          return created;
        }));
      }
      start.countDown();
      List<IdentityId> created = new ArrayList<>();
      for (Future<List<IdentityId>> f : futures) {
        created.addAll(f.get(120, TimeUnit.SECONDS));
      }

      List<AuditEvent> events = scanAll();
      int total = threads * perThread;
      assertThat(events).extracting(AuditEvent::seq)
          .containsExactlyElementsOf(IntStream.rangeClosed(1, total).mapToObj(i -> (long) i).toList());
      assertThat(verify()).isEqualTo(VerificationResult.valid(total));
      assertThat(head()).isEqualTo(new ChainHead(total, events.get(total - 1).hash()));
      assertThat(read((Tx t) -> t.identities().count())).isEqualTo((long) created.size());
      assertThat(created).hasSize(threads * perThread / 2);
      Map<String, Long> createEventsPerTarget = events.stream().filter(e -> e.action().equals("identity.create"))
          .collect(Collectors.groupingBy(AuditEvent::target, Collectors.counting()));
      assertThat(createEventsPerTarget).hasSize(created.size());
      assertThat(createEventsPerTarget.values()).containsOnly(1L);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  // ---- helpers --------------------------------------------------------------------------------------

  /** An identity fixture owned by {@link #PAYMENTS} with {@link #PLATFORM} as backup. */
  protected static TestIdentities.Builder identity() {
    return TestIdentities.workload().owner(PAYMENTS).backupTeam(PLATFORM);
  }

  protected final void write(Consumer<Tx> work) {
    store.inTransaction(t -> {
      work.accept(t);
      return null;
    });
  }

  protected final <T> T writeResult(Function<Tx, T> work) {
    return store.inTransaction(work);
  }

  protected final <T> T read(Function<Tx, T> work) {
    return store.read(work);
  }

  protected final Identity insert(Identity identity) {
    write(t -> t.identities().insert(identity));
    return identity;
  }

  private Operator insertOperator() {
    Operator op = TestOperators.operator().build(T0);
    write(t -> t.operators().insert(op));
    return op;
  }

  private static OperatorToken token(OperatorId operator) {
    return new OperatorToken("tok_" + HexFormat.of().formatHex(randomBytes(8)), operator, randomBytes(32), null,
        T0, T0.plus(Duration.ofDays(1)), null, null, null);
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static FederatedSubject subject(String value) {
    return new FederatedSubject("https://issuer.example", value);
  }

  private static Identity.Profile profileNamed(Identity i, String name) {
    return new Identity.Profile(name, i.description(), i.tenant(), i.contact(), i.labels());
  }

  private static AuditRecord record(String action, String target) {
    return new AuditRecord("op_conformance", action, target, Map.of("k", "v"), Outcome.SUCCESS, "req-1");
  }

  private void appendAll(AuditRecord... records) {
    for (AuditRecord r : records) {
      write(t -> t.audit().append(r, T0));
    }
  }

  private static IdentityQuery query(IdentityKind kind, TeamId owner, IdentityStatus status, String labelKey,
      String labelValue, String tenant, String namePrefix) {
    return new IdentityQuery(kind, owner, status, labelKey, labelValue, tenant, namePrefix, null, IdentityQuery.MAX_LIMIT);
  }

  private List<String> searchIds(IdentityQuery q) {
    Page<Identity> page = read((Tx t) -> t.identities().search(q));
    assertThat(page.nextCursor()).isNull();
    return ids(page.items());
  }

  /** Walks every page of {@code q}, calling {@code betweenPages} after each page that has a next cursor. */
  private List<String> pageThrough(IdentityQuery q, Consumer<Page<Identity>> betweenPages) {
    List<String> seen = new ArrayList<>();
    IdentityQuery next = q;
    for (int guard = 0; guard < 1000; guard++) {
      IdentityQuery current = next;
      Page<Identity> page = read((Tx t) -> t.identities().search(current));
      assertThat(page.items().size()).isLessThanOrEqualTo(q.limit());
      seen.addAll(ids(page.items()));
      if (page.nextCursor() == null) {
        return seen;
      }
      assertThat(page.nextCursor()).isEqualTo(page.items().get(page.items().size() - 1).id().value());
      betweenPages.accept(page);
      next = q.after(IdentityId.parse(page.nextCursor()));
    }
    throw new AssertionError("paging did not end after 1000 pages");
  }

  private static List<String> ids(List<Identity> identities) {
    return identities.stream().map(i -> i.id().value()).toList();
  }

  private static List<String> sortedIds(Identity... identities) {
    return java.util.Arrays.stream(identities).map(i -> i.id().value()).sorted(Comparator.naturalOrder()).toList();
  }

  private List<Long> seqs(AuditQuery q) {
    return read((Tx t) -> t.audit().query(q)).stream().map(AuditEvent::seq).toList();
  }

  private static long walkedLast(List<Long> walked) {
    return walked.isEmpty() ? 0 : walked.get(walked.size() - 1);
  }

  private ChainHead head() {
    return read((Tx t) -> t.audit().head());
  }

  private List<AuditEvent> scanAll() {
    List<AuditEvent> out = new ArrayList<>();
    read((Tx t) -> {
      t.audit().scan(0, 1000, out::add);
      return null;
    });
    return out;
  }

  private VerificationResult verify() {
    return read((Tx t) -> {
      AuditVerifier v = new AuditVerifier();
      t.audit().scan(0, 1000, v::accept);
      return v.finish(t.audit().head());
    });
  }
}
