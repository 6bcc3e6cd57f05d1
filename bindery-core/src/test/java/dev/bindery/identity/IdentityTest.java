package dev.bindery.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentityTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final Ownership OWNERSHIP =
      new Ownership(new TeamId("payments"), BackupOwner.team(new TeamId("platform")));

  private static Identity identity(String name, Map<String, String> labels, Set<Scope> scopes) {
    return new Identity(IdentityId.generate(new SecureRandom()), IdentityKind.WORKLOAD, name, null, null, null, labels,
        OWNERSHIP, scopes, 1, IdentityStatus.ACTIVE, null, null, 1, T0, T0);
  }

  private static void assertRejected(ThrowingCallable call, ErrorCode code, String field) {
    assertThatThrownBy(call).isInstanceOfSatisfying(RejectedException.class, e -> {
      assertThat(e.code()).isEqualTo(code);
      assertThat(e.field()).isEqualTo(field);
    });
  }

  // ---- labels -------------------------------------------------------------------------------------

  @Test
  void labels_validKeysAndValues_keptSortedAndUnmodifiable() {
    Map<String, String> in = new LinkedHashMap<>();
    in.put("z", "last");
    in.put("app.kubernetes.io/name", "billing");
    in.put("0", "");
    in.put("a" + "-".repeat(62), "v".repeat(255));

    Map<String, String> out = Labels.validate(in);

    assertThat(out).containsExactly(Map.entry("0", ""), Map.entry("a" + "-".repeat(62), "v".repeat(255)),
        Map.entry("app.kubernetes.io/name", "billing"), Map.entry("z", "last"));
    assertThatThrownBy(() -> out.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void labels_null_isEmpty() {
    assertThat(Labels.validate(null)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Env", "-env", ".env", "_env", "env key", "env=prod", "env:prod", "\u00e9t\u00e9"})
  void labels_invalidKey_rejected(String key) {
    assertRejected(() -> Labels.validate(Map.of(key, "v")), ErrorCode.INVALID_FIELD, "labels");
  }

  @Test
  void labels_keyOf64Characters_rejected() {
    assertRejected(() -> Labels.validate(Map.of("a".repeat(64), "v")), ErrorCode.INVALID_FIELD, "labels");
    assertThat(Labels.validate(Map.of("a".repeat(63), "v"))).containsOnlyKeys("a".repeat(63));
  }

  @Test
  void labels_valueTooLongOrWithControlCharacters_rejected() {
    assertRejected(() -> Labels.validate(Map.of("k", "v".repeat(256))), ErrorCode.INVALID_FIELD, "labels");
    assertRejected(() -> Labels.validate(Map.of("k", "line\nbreak")), ErrorCode.INVALID_FIELD, "labels");
    assertRejected(() -> Labels.validate(Map.of("k", "tab\t")), ErrorCode.INVALID_FIELD, "labels");
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("k", null);
    assertRejected(() -> Labels.validate(nullValue), ErrorCode.INVALID_FIELD, "labels");
  }

  @Test
  void labels_moreThan64_rejected() {
    Map<String, String> labels64 = IntStream.range(0, 64).boxed()
        .collect(Collectors.toMap(i -> "k" + i, i -> "v"));
    Map<String, String> labels65 = new HashMap<>(labels64);
    labels65.put("k64", "v");

    assertThat(Labels.validate(labels64)).hasSize(64);
    assertRejected(() -> Labels.validate(labels65), ErrorCode.INVALID_FIELD, "labels");
  }

  @Test
  void identity_labelsAreValidatedAtConstruction() {
    assertRejected(() -> identity("n", Map.of("Bad", "v"), Set.of()), ErrorCode.INVALID_FIELD, "labels");
  }

  // ---- scopes ------------------------------------------------------------------------------------

  @Test
  void scope_everyRfc6749Character_accepted() {
    StringBuilder all = new StringBuilder();
    for (char c = 0x21; c <= 0x7e; c++) {
      if (c != '"' && c != '\\') {
        all.append(c);
      }
    }

    assertThat(new Scope(all.toString()).value()).hasSize(92);
    assertThat(new Scope("s".repeat(128)).value()).hasSize(128);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "quote\"", "back\\slash", "tab\t", "caf\u00e9", "del\u007f"})
  void scope_outsideRfc6749Syntax_rejected(String value) {
    assertRejected(() -> new Scope(value), ErrorCode.INVALID_FIELD, "scopes");
  }

  @Test
  void scope_129Characters_rejected() {
    assertRejected(() -> new Scope("s".repeat(129)), ErrorCode.INVALID_FIELD, "scopes");
  }

  @Test
  void scopeParseAll_duplicatesCollapseAndMoreThan100Rejected() {
    List<String> hundred = IntStream.range(0, 100).mapToObj(i -> "s" + i).toList();
    List<String> hundredAndOne = IntStream.range(0, 101).mapToObj(i -> "s" + i).toList();

    assertThat(Scope.parseAll(List.of("b", "a", "b"))).containsExactlyInAnyOrder(new Scope("a"), new Scope("b"));
    assertThat(Scope.parseAll(hundred)).hasSize(100);
    assertRejected(() -> Scope.parseAll(hundredAndOne), ErrorCode.INVALID_FIELD, "scopes");
  }

  // ---- text fields ---------------------------------------------------------------------------------

  @Test
  void text_requiredName_trimmedAndBoundedAt200() {
    assertThat(identity("  billing  ", null, null).name()).isEqualTo("billing");
    assertThat(identity("n".repeat(200), null, null).name()).hasSize(200);
    assertRejected(() -> identity("n".repeat(201), null, null), ErrorCode.INVALID_FIELD, "name");
    assertRejected(() -> identity("   ", null, null), ErrorCode.MISSING_FIELD, "name");
    assertRejected(() -> identity(null, null, null), ErrorCode.MISSING_FIELD, "name");
  }

  @Test
  void text_optionalFields_boundedBlankBecomesNullControlsRejected() {
    assertThat(Text.optional("description", "   ", 10)).isNull();
    assertThat(Text.optional("description", null, 10)).isNull();
    assertThat(Text.optional("description", "a\nb\tc", 10)).isEqualTo("a\nb\tc");
    assertRejected(() -> Text.optional("description", "x".repeat(11), 10), ErrorCode.INVALID_FIELD, "description");
    assertRejected(() -> Text.optional("description", "bell\u0007", 10), ErrorCode.INVALID_FIELD, "description");
    assertRejected(() -> Text.optional("description", "del\u007f", 10), ErrorCode.INVALID_FIELD, "description");
    assertRejected(() -> Text.optional("description", "c\rr", 10), ErrorCode.INVALID_FIELD, "description");
  }

  @Test
  void identity_textLimits_descriptionTenantContact() {
    Consumer<Object[]> build = f -> new Identity(IdentityId.generate(new SecureRandom()), IdentityKind.AGENT, "n",
        (String) f[0], (String) f[1], (String) f[2], null, OWNERSHIP, null, 1, IdentityStatus.ACTIVE, null, null, 1,
        T0, T0);

    build.accept(new Object[] {"d".repeat(2000), "t".repeat(200), "c".repeat(320)});
    assertRejected(() -> build.accept(new Object[] {"d".repeat(2001), null, null}), ErrorCode.INVALID_FIELD,
        "description");
    assertRejected(() -> build.accept(new Object[] {null, "t".repeat(201), null}), ErrorCode.INVALID_FIELD, "tenant");
    assertRejected(() -> build.accept(new Object[] {null, null, "c".repeat(321)}), ErrorCode.INVALID_FIELD, "contact");
  }

  // ---- ownership and lifecycle ----------------------------------------------------------------------

  @Test
  void ownership_backupTeamEqualToOwningTeam_rejected() {
    assertRejected(() -> new Ownership(new TeamId("payments"), BackupOwner.team(new TeamId("payments"))),
        ErrorCode.INVALID_FIELD, "backup_owner");
  }

  @Test
  void backupOwner_parse_teamOrOperatorOnly() {
    assertThat(BackupOwner.parse("backup_owner", "team:platform")).isEqualTo(BackupOwner.team(new TeamId("platform")));
    assertThat(BackupOwner.parse("backup_owner", "operator:op_abcdefghijklmnopqrstuvwxyz").wire())
        .isEqualTo("operator:op_abcdefghijklmnopqrstuvwxyz");
    for (String bad : new String[] {"platform", "team:", "team:Platform", "operator:admin", "group:x", ":x"}) {
      assertRejected(() -> BackupOwner.parse("backup_owner", bad), ErrorCode.INVALID_FIELD, "backup_owner");
    }
    assertRejected(() -> BackupOwner.parse("backup_owner", null), ErrorCode.INVALID_FIELD, "backup_owner");
  }

  @Test
  void withStatus_activeSuspendedBothWays_versionIncrements() {
    Identity active = identity("n", null, null);

    Identity suspended = active.withStatus(IdentityStatus.SUSPENDED, "incident 42", T0.plusSeconds(1));
    Identity resumed = suspended.withStatus(IdentityStatus.ACTIVE, "ignored", T0.plusSeconds(2));

    assertThat(suspended.status()).isEqualTo(IdentityStatus.SUSPENDED);
    assertThat(suspended.statusReason()).isEqualTo("incident 42");
    assertThat(suspended.version()).isEqualTo(2L);
    assertThat(resumed.status()).isEqualTo(IdentityStatus.ACTIVE);
    assertThat(resumed.statusReason()).isNull();
    assertThat(resumed.version()).isEqualTo(3L);
    assertThat(resumed.id()).isEqualTo(active.id());
    assertThat(resumed.updatedAt()).isEqualTo(T0.plusSeconds(2));
    assertThat(resumed.createdAt()).isEqualTo(T0);
  }

  @Test
  void withStatus_retireWithoutReason_rejected() {
    Identity active = identity("n", null, null);

    assertRejected(() -> active.withStatus(IdentityStatus.RETIRED, null, T0), ErrorCode.MISSING_FIELD, "reason");
    assertRejected(() -> active.withStatus(IdentityStatus.RETIRED, "  ", T0), ErrorCode.MISSING_FIELD, "reason");
  }

  @Test
  void withStatus_fromRetired_rejectedAsTerminal() {
    Identity retired = identity("n", null, null).withStatus(IdentityStatus.RETIRED, "gone", T0);

    for (IdentityStatus next : IdentityStatus.values()) {
      assertRejected(() -> retired.withStatus(next, "again", T0), ErrorCode.IDENTITY_RETIRED, null);
    }
  }

  @Test
  void withStatus_sameStatus_rejectedAsInvalidTransition() {
    Identity active = identity("n", null, null);

    assertRejected(() -> active.withStatus(IdentityStatus.ACTIVE, null, T0), ErrorCode.INVALID_TRANSITION, null);
  }

  @Test
  void lock_fromActiveOrSuspended_reasonRequiredAndOnlyUnlockOrRetireLeaveIt() {
    Identity active = identity("n", null, null);
    Identity suspended = active.withStatus(IdentityStatus.SUSPENDED, "maintenance", T0);

    Identity locked = active.lock("abuse limit", T0.plusSeconds(1));

    assertThat(locked.status()).isEqualTo(IdentityStatus.LOCKED);
    assertThat(locked.statusReason()).isEqualTo("abuse limit");
    assertThat(locked.version()).isEqualTo(2L);
    assertThat(suspended.lock("incident", T0).status()).isEqualTo(IdentityStatus.LOCKED);
    assertRejected(() -> active.lock(null, T0), ErrorCode.MISSING_FIELD, "reason");
    assertRejected(() -> locked.lock("again", T0), ErrorCode.IDENTITY_LOCKED, null);
    assertRejected(() -> locked.withStatus(IdentityStatus.ACTIVE, null, T0), ErrorCode.IDENTITY_LOCKED, null);
    assertRejected(() -> locked.withStatus(IdentityStatus.SUSPENDED, "x", T0), ErrorCode.IDENTITY_LOCKED, null);
    assertRejected(() -> active.withStatus(IdentityStatus.LOCKED, "x", T0), ErrorCode.INVALID_TRANSITION, null);
    assertThat(locked.withStatus(IdentityStatus.RETIRED, "gone", T0).status()).isEqualTo(IdentityStatus.RETIRED);
    Identity unlocked = locked.unlock(T0.plusSeconds(2));
    assertThat(unlocked.status()).isEqualTo(IdentityStatus.ACTIVE);
    assertThat(unlocked.statusReason()).isNull();
    assertThat(unlocked.version()).isEqualTo(3L);
    assertRejected(() -> active.unlock(T0), ErrorCode.INVALID_TRANSITION, null);
    assertRejected(() -> suspended.unlock(T0), ErrorCode.INVALID_TRANSITION, null);
    Identity retired = active.withStatus(IdentityStatus.RETIRED, "gone", T0);
    assertRejected(() -> retired.lock("x", T0), ErrorCode.IDENTITY_RETIRED, null);
    assertRejected(() -> retired.unlock(T0), ErrorCode.IDENTITY_RETIRED, null);
  }

  @Test
  void assuranceLevel_oneToThreeDefaultOneAndEveryWitherKeepsIt() {
    Identity one = identity("n", null, null);
    Identity three = one.withAssuranceLevel(3, T0.plusSeconds(1));

    assertThat(one.assuranceLevel()).isEqualTo(Identity.DEFAULT_ASSURANCE_LEVEL).isEqualTo(1);
    assertThat(three.assuranceLevel()).isEqualTo(3);
    assertThat(three.version()).isEqualTo(2L);
    assertThat(three.withProfile(three.profile(), T0).assuranceLevel()).isEqualTo(3);
    assertThat(three.withScopes(Set.of(), T0).assuranceLevel()).isEqualTo(3);
    assertThat(three.withOwnership(OWNERSHIP, T0).assuranceLevel()).isEqualTo(3);
    assertThat(three.lock("x", T0).unlock(T0).assuranceLevel()).isEqualTo(3);
    assertRejected(() -> three.withAssuranceLevel(3, T0), ErrorCode.INVALID_TRANSITION, null);
    for (int bad : new int[] {0, 4, -1}) {
      assertRejected(() -> one.withAssuranceLevel(bad, T0), ErrorCode.INVALID_FIELD, "assurance_level");
      assertRejected(() -> new Identity(IdentityId.generate(new SecureRandom()), IdentityKind.WORKLOAD, "n", null,
          null, null, null, OWNERSHIP, null, bad, IdentityStatus.ACTIVE, null, null, 1, T0, T0),
          ErrorCode.INVALID_FIELD, "assurance_level");
    }
    assertThat(IdentityStatus.parse("status", "locked")).isEqualTo(IdentityStatus.LOCKED);
  }

  @Test
  void withProfile_keepsIdAndIncrementsVersion() {
    Identity v1 = identity("before", Map.of("env", "dev"), Set.of(new Scope("a")));

    Identity v2 = v1.withProfile(new Identity.Profile("after", "d", "t", "c", Map.of("env", "prod")), T0.plusSeconds(5));

    assertThat(v2.id()).isEqualTo(v1.id());
    assertThat(v2.version()).isEqualTo(2L);
    assertThat(v2.name()).isEqualTo("after");
    assertThat(v2.labels()).containsExactly(Map.entry("env", "prod"));
    assertThat(v2.scopes()).containsExactly(new Scope("a"));
  }

  @Test
  void identity_versionBelowOne_rejected() {
    assertThatThrownBy(() -> new Identity(IdentityId.generate(new SecureRandom()), IdentityKind.WORKLOAD, "n", null,
        null, null, null, OWNERSHIP, null, 1, IdentityStatus.ACTIVE, null, null, 0, T0, T0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("version starts at 1");
  }

  @Test
  void teamId_slugRules() {
    assertThat(new TeamId("ab").value()).isEqualTo("ab");
    assertThat(new TeamId("a" + "-".repeat(62)).value()).hasSize(63);
    for (String bad : new String[] {"a", "-ab", "Ab", "a_b", "a" + "b".repeat(63), "a b"}) {
      assertRejected(() -> new TeamId(bad), ErrorCode.INVALID_FIELD, "team");
    }
  }
}
