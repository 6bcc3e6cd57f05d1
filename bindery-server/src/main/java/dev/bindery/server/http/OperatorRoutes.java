package dev.bindery.server.http;

import static dev.bindery.server.http.BodySpec.Type.INTEGER;
import static dev.bindery.server.http.BodySpec.Type.STRING;
import static dev.bindery.server.http.BodySpec.Type.STRING_ARRAY;
import static dev.bindery.server.http.BodySpec.optional;
import static dev.bindery.server.http.BodySpec.required;
import static dev.bindery.server.http.BodySpec.version;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.Page;
import dev.bindery.common.RandomIds;
import dev.bindery.common.RejectedException;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.IssuedToken;
import dev.bindery.operator.Operator;
import dev.bindery.operator.OperatorId;
import dev.bindery.operator.OperatorService;
import dev.bindery.operator.OperatorStatus;
import dev.bindery.operator.Role;
import dev.bindery.operator.TotpEnrolment;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/operators} and {@code /api/v1/operator-tokens}: operators, their roles and teams, their API
 * tokens, TOTP enrolment and step-up (docs/api.md, "Operators, teams, tokens, step-up").
 */
public final class OperatorRoutes {
  static final String BASE = "/api/v1/operators";
  private static final String TAG = "operators";
  private static final Pattern TOKEN_ID = RandomIds.pattern("tok_");

  private final OperatorService operators;

  public OperatorRoutes(OperatorService operators) {
    this.operators = operators;
  }

  public List<Route> routes() {
    BodySpec versionOnly = BodySpec.of(version());
    return List.of(
        // "me" routes first: Javalin takes the first registered match, and "me" is not an operator id.
        Route.get(BASE + "/me", "getCurrentOperator").tag(TAG).summary("The calling operator").handle(this::me),
        Route.post(BASE + "/me/totp", "enrolTotp").tag(TAG).access(Access.SELF).status(201)
            .summary("Start TOTP enrolment; the secret is shown once").body(BodySpec.empty()).handle(this::enrolTotp),
        Route.post(BASE + "/me/totp/recover", "recoverTotp").tag(TAG).access(Access.SELF).status(201)
            .summary("Start the enrolment of a new TOTP factor with the support desk's temporary code; the secret is "
                + "shown once")
            .body(BodySpec.of(required("code", STRING, "the temporary TOTP enrolment code, bnd_tre_...")))
            .handle(this::recoverTotp),
        Route.post(BASE + "/me/totp/confirm", "confirmTotp").tag(TAG).access(Access.SELF).status(204)
            .summary("Confirm TOTP enrolment with a first code")
            .body(BodySpec.of(required("code", STRING, "6-digit TOTP code"))).handle(this::confirmTotp),
        Route.post(BASE + "/me/step-up", "stepUp").tag(TAG).access(Access.SELF)
            .summary("Prove a TOTP code; sensitive actions pass for the step-up window")
            .body(BodySpec.of(required("code", STRING, "6-digit TOTP code"))).handle(this::stepUp),
        Route.post(BASE, "createOperator").tag(TAG).access(Access.ADMIN).status(201)
            .summary("Create an operator and its first token (roles need a step-up)")
            .body(BodySpec.of(required("name", STRING, "display name"),
                optional("roles", STRING_ARRAY,
                    "admin, security_officer, service_desk, supervisor, auditor, leak_reporter"),
                optional("teams", STRING_ARRAY, "team ids"),
                optional("token_expires_in_days", INTEGER, "1-365, default 30")).assignsId())
            .handle(this::create),
        Route.get(BASE, "listOperators").tag(TAG).summary("List operators")
            .query("limit", "integer", "1-500, default 50").query("cursor", "string", "next_cursor of the previous page")
            .handle(this::list),
        Route.get(BASE + "/{id}", "getOperator").tag(TAG).summary("Read an operator (ETag: its version)")
            .handle(this::get),
        Route.post(BASE + "/{id}/roles", "grantRole").tag(TAG).access(Access.ADMIN_STEP_UP).summary("Grant a role")
            .body(BodySpec.of(required("role", STRING, "the role"), version())).handle(this::grantRole),
        Route.delete(BASE + "/{id}/roles/{role}", "revokeRole").tag(TAG).access(Access.ADMIN_STEP_UP)
            .summary("Revoke a role (If-Match required)").handle(this::revokeRole),
        Route.post(BASE + "/{id}/teams", "addTeamMembership").tag(TAG).access(Access.ADMIN)
            .summary("Add the operator to a team")
            .body(BodySpec.of(required("team", STRING, "team id"), version())).handle(this::addTeam),
        Route.delete(BASE + "/{id}/teams/{team}", "removeTeamMembership").tag(TAG).access(Access.ADMIN)
            .summary("Remove the operator from a team (If-Match required)").handle(this::removeTeam),
        Route.post(BASE + "/{id}/disable", "disableOperator").tag(TAG).access(Access.ADMIN)
            .summary("Disable: the operator's tokens stop working").body(versionOnly)
            .handle(c -> setStatus(c, OperatorStatus.DISABLED)),
        Route.post(BASE + "/{id}/enable", "enableOperator").tag(TAG).access(Access.ADMIN).summary("Enable")
            .body(versionOnly).handle(c -> setStatus(c, OperatorStatus.ACTIVE)),
        Route.get(BASE + "/{id}/tokens", "listOperatorTokens").tag(TAG).access(Access.SELF_OR_ADMIN)
            .summary("The operator's tokens (never their values)").handle(this::tokens),
        Route.post(BASE + "/{id}/tokens", "issueOperatorToken").tag(TAG).access(Access.SELF_OR_ADMIN).status(201)
            .summary("Issue a token; its value is shown once")
            .body(BodySpec.of(optional("description", STRING, "what the token is for"),
                optional("expires_in_days", INTEGER, "1-365, default 30")))
            .handle(this::issueToken),
        Route.delete("/api/v1/operator-tokens/{token_id}", "revokeOperatorToken").tag(TAG)
            .access(Access.SELF_OR_ADMIN).status(204).summary("Revoke a token").handle(this::revokeToken));
  }

  private static OperatorId id(Call call) {
    return OperatorId.parse(call.path("id"));
  }

  private static void respond(Call call, Operator op) {
    call.etag(op.version());
    call.json(Views.operator(op));
  }

  private void me(Call call) {
    respond(call, operators.get(call.caller(), call.caller().operatorId()));
  }

  private void enrolTotp(Call call) {
    call.body(); // "{}" or nothing: any field is refused
    enrolment(call, operators.enrolTotp(call.caller()));
  }

  private void recoverTotp(Call call) {
    enrolment(call, operators.recoverTotp(call.caller(), call.body().string("code")));
  }

  private static void enrolment(Call call, TotpEnrolment e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("secret", e.seedBase32().reveal());
    m.put("otpauth_uri", e.otpauthUri().reveal());
    call.json(201, m);
  }

  private void confirmTotp(Call call) {
    operators.confirmTotp(call.caller(), call.body().string("code"));
    call.noContent();
  }

  private void stepUp(Call call) {
    Instant until = operators.stepUp(call.caller(), call.body().string("code"));
    call.json(Map.of("step_up_valid_until", Json.time(until)));
  }

  private void create(Call call) {
    Body b = call.body();
    Set<Role> roles = EnumSet.noneOf(Role.class);
    List<String> roleNames = b.strings("roles");
    if (roleNames != null) {
      roleNames.forEach(r -> roles.add(Role.parse("roles", r)));
    }
    Set<TeamId> teams = new HashSet<>();
    List<String> teamNames = b.strings("teams");
    if (teamNames != null) {
      teamNames.forEach(t -> teams.add(TeamId.parse("teams", t)));
    }
    Duration lifetime = days(b, "token_expires_in_days");
    IssuedToken issued = operators.create(call.caller(), b.string("name"), roles, teams, lifetime);
    Operator op = operators.get(call.caller(), issued.token().operatorId());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("operator", Views.operator(op));
    m.put("token", Views.issuedToken(issued));
    call.ctx().header("Location", BASE + "/" + op.id().value());
    call.json(201, m);
  }

  private static Duration days(Body b, String field) {
    Long days = b.integer(field);
    if (days == null) {
      return OperatorService.DEFAULT_TOKEN_LIFETIME;
    }
    if (days < 1 || days > OperatorService.MAX_TOKEN_LIFETIME.toDays()) {
      throw RejectedException.invalid(field, "'" + field + "' must be between 1 and "
          + OperatorService.MAX_TOKEN_LIFETIME.toDays());
    }
    return Duration.ofDays(days);
  }

  private void list(Call call) {
    String cursor = Cursors.decode(call.query("cursor"));
    OperatorId after;
    try {
      after = cursor == null ? null : OperatorId.parse(cursor);
    } catch (RejectedException e) {
      throw new RejectedException(ErrorCode.INVALID_CURSOR, "cursor is not one this server returned", "cursor");
    }
    Page<Operator> page = operators.list(call.caller(), after, call.limit(50, 500));
    call.json(Views.page(page.items(), Views::operator, Cursors.encode(page.nextCursor())));
  }

  private void get(Call call) {
    respond(call, operators.get(call.caller(), id(call)));
  }

  private void grantRole(Call call) {
    OperatorId id = id(call);
    Body b = call.body();
    long version = call.expectedVersion(b);
    respond(call, operators.grantRole(call.caller(), id, version, Role.parse("role", b.string("role"))));
  }

  private void revokeRole(Call call) {
    OperatorId id = id(call);
    Role role = Role.parse("role", call.path("role"));
    respond(call, operators.revokeRole(call.caller(), id, call.expectedVersion(null), role));
  }

  private void addTeam(Call call) {
    OperatorId id = id(call);
    Body b = call.body();
    long version = call.expectedVersion(b);
    respond(call, operators.addTeam(call.caller(), id, version, TeamId.parse("team", b.string("team"))));
  }

  private void removeTeam(Call call) {
    OperatorId id = id(call);
    TeamId team = TeamId.parse("team", call.path("team"));
    respond(call, operators.removeTeam(call.caller(), id, call.expectedVersion(null), team));
  }

  private void setStatus(Call call, OperatorStatus status) {
    OperatorId id = id(call);
    Body b = call.body();
    respond(call, operators.setStatus(call.caller(), id, call.expectedVersion(b), status));
  }

  private void tokens(Call call) {
    call.json(Views.items(operators.tokens(call.caller(), id(call)), Views::token));
  }

  private void issueToken(Call call) {
    OperatorId id = id(call);
    Body b = call.body();
    IssuedToken issued = operators.issueToken(call.caller(), id, b.string("description"), days(b, "expires_in_days"));
    call.json(201, Views.issuedToken(issued));
  }

  private void revokeToken(Call call) {
    String tokenId = call.path("token_id");
    if (!TOKEN_ID.matcher(tokenId).matches()) {
      throw new RejectedException(ErrorCode.INVALID_IDENTIFIER, "not a token identifier");
    }
    operators.revokeToken(call.caller(), tokenId);
    call.noContent();
  }
}
