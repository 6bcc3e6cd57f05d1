package dev.bindery.server.http;

import static dev.bindery.server.http.BodySpec.Type.INTEGER;
import static dev.bindery.server.http.BodySpec.Type.STRING;
import static dev.bindery.server.http.BodySpec.Type.STRING_ARRAY;
import static dev.bindery.server.http.BodySpec.Type.STRING_MAP;
import static dev.bindery.server.http.BodySpec.clearable;
import static dev.bindery.server.http.BodySpec.object;
import static dev.bindery.server.http.BodySpec.optional;
import static dev.bindery.server.http.BodySpec.required;
import static dev.bindery.server.http.BodySpec.version;

import dev.bindery.audit.AuditEvent;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.Page;
import dev.bindery.common.RejectedException;
import dev.bindery.history.IdentityHistory;
import dev.bindery.identity.BackupOwner;
import dev.bindery.identity.CreateResult;
import dev.bindery.identity.FederatedSubject;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityKind;
import dev.bindery.identity.IdentityQuery;
import dev.bindery.identity.IdentityService;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.identity.NewIdentity;
import dev.bindery.identity.Ownership;
import dev.bindery.identity.Scope;
import dev.bindery.identity.SubjectLink;
import dev.bindery.identity.TeamId;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/identities}: the registry of machine identities (docs/api.md, "Identities"). */
public final class IdentityRoutes {
  static final String BASE = "/api/v1/identities";
  private static final String TAG = "identities";

  private static final BodySpec SUBJECT = BodySpec.of(
      required("issuer", STRING, "issuer of the external subject"),
      required("subject", STRING, "the subject within that issuer"));
  private static final BodySpec CREATE = BodySpec.of(
      required("kind", STRING, "service_account, workload, pipeline, device, agent or integration"),
      required("name", STRING, "display name, at most 200 characters"),
      optional("description", STRING, "free text"),
      optional("tenant", STRING, "tenant label"),
      optional("contact", STRING, "contact address"),
      optional("labels", STRING_MAP, "key/value labels"),
      required("owner_team", STRING, "owning team id"),
      required("backup_owner", STRING, "team:<team id> or operator:<operator id>"),
      optional("scopes", STRING_ARRAY, "OAuth scopes the identity may be granted"),
      optional("assurance_level", INTEGER, "1, 2 or 3 (default 1): how strong a proof re-binding its credentials "
          + "needs"),
      object("external_subject", false, SUBJECT, "external (issuer, subject) that makes the create idempotent"))
      .assignsId();
  private static final BodySpec REPROVISION = new BodySpec(CREATE.fields().stream()
      .map(f -> f.name().equals("external_subject") ? object("external_subject", true, SUBJECT,
          "the subject of the retired identity to re-provision") : f).toList(), true);
  private static final BodySpec PATCH = BodySpec.of(
      optional("name", STRING, "new name (cannot be cleared)"),
      clearable("description", STRING, "null clears"),
      clearable("tenant", STRING, "null clears"),
      clearable("contact", STRING, "null clears"),
      clearable("labels", STRING_MAP, "replaces all labels; null clears"),
      version());

  private final IdentityService identities;
  private final IdentityHistory history;

  /** @param history the identity's history, merged with its change requests' and support actions' events */
  public IdentityRoutes(IdentityService identities, IdentityHistory history) {
    this.identities = java.util.Objects.requireNonNull(identities);
    this.history = java.util.Objects.requireNonNull(history);
  }

  public List<Route> routes() {
    return List.of(
        Route.post(BASE, "createIdentity").tag(TAG).access(Access.IDENTITY_CREATE).status(201)
            .summary("Create an identity (idempotent with external_subject: 200 with the existing one)")
            .body(CREATE).handle(this::create),
        Route.post(BASE + "/reprovision", "reprovisionIdentity").tag(TAG).access(Access.ADMIN_STEP_UP).status(201)
            .summary("Create the successor of a retired identity and move its subject to it")
            .body(REPROVISION).handle(this::reprovision),
        Route.get(BASE, "listIdentities").tag(TAG).summary("List identities")
            .query("kind", "string", "identity kind").query("owner_team", "string", "owning team")
            .query("status", "string", "active, suspended, locked or retired").query("label", "string", "key=value")
            .query("tenant", "string", "tenant").query("name_prefix", "string", "case-sensitive name prefix")
            .query("limit", "integer", "1-500, default 50").query("cursor", "string", "next_cursor of the previous page")
            .handle(this::list),
        Route.get(BASE + "/by-subject", "getIdentityBySubject").tag(TAG).summary("Find the identity of a subject")
            .query("issuer", "string", "issuer").query("subject", "string", "subject").handle(this::bySubject),
        Route.get(BASE + "/{id}", "getIdentity").tag(TAG).summary("Read an identity (ETag: its version)")
            .handle(this::get),
        Route.patch(BASE + "/{id}", "updateIdentity").tag(TAG).access(Access.IDENTITY_OWNER)
            .summary("Change the profile (JSON merge patch)").body(PATCH).handle(this::patch),
        Route.post(BASE + "/{id}/suspend", "suspendIdentity").tag(TAG).access(Access.IDENTITY_OWNER_OR_SECURITY_OFFICER)
            .summary("Suspend").body(BodySpec.of(optional("reason", STRING, "why"), version())).handle(this::suspend),
        Route.post(BASE + "/{id}/resume", "resumeIdentity").tag(TAG).access(Access.IDENTITY_OWNER_OR_SECURITY_OFFICER)
            .summary("Resume a suspended identity").body(BodySpec.of(version())).handle(this::resume),
        Route.post(BASE + "/{id}/retire", "retireIdentity").tag(TAG).access(Access.IDENTITY_OWNER_STEP_UP)
            .summary("Retire (terminal)").body(BodySpec.of(required("reason", STRING, "why"), version()))
            .handle(this::retire),
        Route.put(BASE + "/{id}/owners", "transferIdentityOwnership").tag(TAG).access(Access.IDENTITY_OWNER_STEP_UP)
            .summary("Transfer ownership").body(BodySpec.of(required("owner_team", STRING, "new owning team"),
                required("backup_owner", STRING, "team:<id> or operator:<id>"), version()))
            .handle(this::owners),
        Route.put(BASE + "/{id}/scopes", "setIdentityScopes").tag(TAG).access(Access.ADMIN_OR_SECURITY_OFFICER)
            .summary("Replace the scopes").body(BodySpec.of(required("scopes", STRING_ARRAY, "the new scopes"), version()))
            .handle(this::scopes),
        Route.put(BASE + "/{id}/assurance", "setIdentityAssuranceLevel").tag(TAG).access(Access.IDENTITY_ASSURANCE)
            .summary("Raise (admin or owner) or lower (security officer with step-up) the assurance level")
            .body(BodySpec.of(required("level", INTEGER, "1, 2 or 3"), optional("reason", STRING, "why, kept in the "
                + "audit log"), version()))
            .handle(this::assurance),
        Route.post(BASE + "/{id}/lock", "lockIdentity").tag(TAG).access(Access.ADMIN_OR_SECURITY_OFFICER)
            .summary("Lock for security review: no tokens, renewals, enrolments or change requests until unlocked")
            .body(BodySpec.of(required("reason", STRING, "why"), version())).handle(this::lock),
        Route.post(BASE + "/{id}/unlock", "unlockIdentity").tag(TAG).access(Access.SECURITY_OFFICER_STEP_UP)
            .summary("Unlock a locked identity: it becomes active")
            .body(BodySpec.of(required("reason", STRING, "why"), version())).handle(this::unlock),
        Route.get(BASE + "/{id}/subjects", "listIdentitySubjects").tag(TAG).summary("External subjects linked")
            .handle(this::subjects),
        Route.post(BASE + "/{id}/subjects", "linkIdentitySubject").tag(TAG).access(Access.IDENTITY_OWNER).status(201)
            .summary("Link an external subject").body(SUBJECT).handle(this::link),
        Route.get(BASE + "/{id}/history", "identityHistory").tag(TAG).summary(
            "Audit events of this identity, its change requests and its support actions")
            .query("limit", "integer", "1-1000, default 50").query("cursor", "string", "next_cursor of the previous page")
            .handle(this::history));
  }

  private void create(Call call) {
    NewIdentity request = newIdentity(call.body());
    CreateResult result = identities.create(call.caller(), request);
    call.etag(result.identity().version());
    if (result.created()) {
      call.ctx().header("Location", BASE + "/" + result.identity().id().value());
      call.json(201, Views.identity(result.identity()));
    } else {
      call.json(200, Views.identity(result.identity()));
    }
  }

  private void reprovision(Call call) {
    Identity successor = identities.reprovision(call.caller(), newIdentity(call.body()));
    call.etag(successor.version());
    call.ctx().header("Location", BASE + "/" + successor.id().value());
    call.json(201, Views.identity(successor));
  }

  private static NewIdentity newIdentity(Body b) {
    List<String> scopes = b.strings("scopes");
    Body subject = b.object("external_subject");
    Long level = b.integer("assurance_level");
    return new NewIdentity(IdentityKind.parse("kind", b.string("kind")), b.string("name"), b.string("description"),
        b.string("tenant"), b.string("contact"), b.stringMap("labels"), ownership(b),
        scopes == null ? null : Scope.parseAll(scopes),
        subject == null ? null : new FederatedSubject(subject.string("issuer"), subject.string("subject")),
        level == null ? Identity.DEFAULT_ASSURANCE_LEVEL : assuranceLevel("assurance_level", level));
  }

  /** 1, 2 or 3, checked as the JSON number it is (a huge number must not wrap into range). */
  private static int assuranceLevel(String field, long value) {
    if (value < Identity.MIN_ASSURANCE_LEVEL || value > Identity.MAX_ASSURANCE_LEVEL) {
      throw RejectedException.invalid(field, "'" + field + "' must be 1, 2 or 3");
    }
    return (int) value;
  }

  private static Ownership ownership(Body b) {
    return new Ownership(TeamId.parse("owner_team", b.string("owner_team")),
        BackupOwner.parse("backup_owner", b.string("backup_owner")));
  }

  private void list(Call call) {
    String label = call.query("label");
    String labelKey = null;
    String labelValue = null;
    if (label != null) {
      int eq = label.indexOf('=');
      if (eq <= 0) {
        throw new RejectedException(ErrorCode.INVALID_QUERY, "label filter must be key=value", "label");
      }
      labelKey = label.substring(0, eq);
      labelValue = label.substring(eq + 1);
    }
    String cursor = Cursors.decode(call.query("cursor"));
    IdentityQuery q = new IdentityQuery(
        call.query("kind", v -> IdentityKind.parse("kind", v)),
        call.query("owner_team", v -> TeamId.parse("owner_team", v)),
        call.query("status", v -> IdentityStatus.parse("status", v)),
        labelKey, labelValue, call.query("tenant"), call.query("name_prefix"),
        cursor == null ? null : cursorId(cursor), call.limit(50, IdentityQuery.MAX_LIMIT));
    Page<Identity> page = identities.search(call.caller(), q);
    call.json(Views.page(page.items(), Views::identity, Cursors.encode(page.nextCursor())));
  }

  /** A filter value the core rejects as a field is a bad query here. */
  private static <T> T queryValue(java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (RejectedException e) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, e.getMessage(), e.field());
    }
  }

  private static IdentityId cursorId(String position) {
    try {
      return IdentityId.parse(position);
    } catch (RejectedException e) {
      throw new RejectedException(ErrorCode.INVALID_CURSOR, "cursor is not one this server returned", "cursor");
    }
  }

  private void bySubject(Call call) {
    String issuer = call.query("issuer");
    String subject = call.query("subject");
    if (issuer == null || subject == null) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "both issuer and subject are required",
          issuer == null ? "issuer" : "subject");
    }
    FederatedSubject s = queryValue(() -> new FederatedSubject(issuer, subject));
    Identity i = identities.getBySubject(call.caller(), s);
    call.etag(i.version());
    call.json(Views.identity(i));
  }

  private static IdentityId id(Call call) {
    return IdentityId.parse(call.path("id"));
  }

  private void get(Call call) {
    Identity i = identities.get(call.caller(), id(call));
    call.etag(i.version());
    call.json(Views.identity(i));
  }

  private void patch(Call call) {
    IdentityId id = id(call);
    Body b = call.body();
    long version = call.expectedVersion(b);
    if (b.has("name") && b.string("name") == null) {
      throw RejectedException.invalid("name", "'name' cannot be cleared");
    }
    // Merge patch (RFC 7396) over the profile the caller read: the service re-checks the version, so the
    // read-then-write below cannot lose a concurrent change.
    Identity current = identities.get(call.caller(), id);
    Identity.Profile p = current.profile();
    Identity.Profile next = new Identity.Profile(
        b.has("name") ? b.string("name") : p.name(),
        b.has("description") ? b.string("description") : p.description(),
        b.has("tenant") ? b.string("tenant") : p.tenant(),
        b.has("contact") ? b.string("contact") : p.contact(),
        b.has("labels") ? (b.stringMap("labels") == null ? Map.of() : b.stringMap("labels")) : p.labels());
    respond(call, identities.updateProfile(call.caller(), id, version, next));
  }

  private void suspend(Call call) {
    IdentityId id = id(call);
    Body b = call.body();
    respond(call, identities.suspend(call.caller(), id, call.expectedVersion(b), b.string("reason")));
  }

  private void resume(Call call) {
    IdentityId id = id(call);
    Body b = call.body();
    respond(call, identities.resume(call.caller(), id, call.expectedVersion(b)));
  }

  private void retire(Call call) {
    IdentityId id = id(call);
    Body b = call.body();
    respond(call, identities.retire(call.caller(), id, call.expectedVersion(b), b.string("reason")));
  }

  private void owners(Call call) {
    IdentityId id = id(call);
    Body b = call.body();
    long version = call.expectedVersion(b);
    respond(call, identities.transferOwnership(call.caller(), id, version, ownership(b)));
  }

  private void scopes(Call call) {
    IdentityId id = id(call);
    Body b = call.body();
    long version = call.expectedVersion(b);
    respond(call, identities.setScopes(call.caller(), id, version, Scope.parseAll(b.strings("scopes"))));
  }

  private void assurance(Call call) {
    IdentityId id = id(call);
    Body b = call.body();
    long version = call.expectedVersion(b);
    int level = assuranceLevel("level", b.integer("level"));
    respond(call, identities.setAssuranceLevel(call.caller(), id, version, level, b.string("reason")));
  }

  private void lock(Call call) {
    IdentityId id = id(call);
    Body b = call.body();
    respond(call, identities.lock(call.caller(), id, call.expectedVersion(b), b.string("reason")));
  }

  private void unlock(Call call) {
    IdentityId id = id(call);
    Body b = call.body();
    respond(call, identities.unlock(call.caller(), id, call.expectedVersion(b), b.string("reason")));
  }

  private static void respond(Call call, Identity i) {
    call.etag(i.version());
    call.json(Views.identity(i));
  }

  private void subjects(Call call) {
    List<SubjectLink> links = identities.subjects(call.caller(), id(call));
    call.json(Views.items(links, Views::link));
  }

  private void link(Call call) {
    IdentityId id = id(call);
    Body b = call.body();
    SubjectLink link = identities.link(call.caller(), id, new FederatedSubject(b.string("issuer"), b.string("subject")));
    call.json(201, Views.link(link));
  }

  private void history(Call call) {
    IdentityId id = id(call);
    int limit = call.limit(50, 1000);
    long after = Cursors.decodeSeq(call.query("cursor"));
    List<AuditEvent> events = history.history(call.caller(), id, after, limit);
    String next = events.size() == limit ? Cursors.encode(Long.toString(events.get(events.size() - 1).seq())) : null;
    call.json(Views.page(events, Views::auditEvent, next));
  }
}
