package dev.bindery.cli.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.ApiCommand;
import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.PageOptions;
import dev.bindery.cli.VersionOption;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.http.ContractViolation;
import dev.bindery.cli.http.Json;
import dev.bindery.cli.output.Columns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bindery operator ...}: the people who run Bindery, their roles, teams, API tokens and TOTP
 * step-up. Token values and TOTP secrets are printed only by the commands whose answer carries them, once.
 */
@Command(name = "operator", description = "Manage operators, their roles, teams, API tokens and TOTP.",
    subcommands = {
        OperatorCommands.Me.class, OperatorCommands.Create.class, OperatorCommands.ListOperators.class,
        OperatorCommands.Get.class, OperatorCommands.Grant.class, OperatorCommands.RevokeRole.class,
        OperatorCommands.AddTeam.class, OperatorCommands.RemoveTeam.class, OperatorCommands.Disable.class,
        OperatorCommands.Enable.class, OperatorCommands.TokenCreate.class, OperatorCommands.TokenList.class,
        OperatorCommands.TokenRevoke.class, OperatorCommands.TotpEnrol.class,
        OperatorCommands.TotpConfirm.class, OperatorCommands.TotpRecover.class, OperatorCommands.StepUp.class})
public final class OperatorCommands extends ClientGroup {
  static final String SHOWN_ONCE =
      "the token value is shown only this once: store it now, Bindery keeps only its hash";

  public OperatorCommands(ClientContext context) {
    super(context);
  }

  @Command(name = "me", description = "Show the operator the token belongs to (GET /api/v1/operators/me).")
  static final class Me extends ApiCommand {
    @Override
    protected int run() {
      printer().resource(api().send(ApiRequest.get("operators", "me")).json());
      return ExitCodes.OK;
    }
  }

  @Command(name = "create", description = {
      "Create an operator and its first API token (POST /api/v1/operators; admin).",
      "The token value is printed once."})
  static final class Create extends ApiCommand {
    @Option(names = "--name", required = true, description = "Operator name.")
    String name;

    @Option(names = "--role", paramLabel = "ROLE",
        description = "admin, security_officer, service_desk, supervisor or auditor; repeatable.")
    List<String> roles = new ArrayList<>();

    @Option(names = "--team", paramLabel = "TEAM", description = "Team membership; repeatable.")
    List<String> teams = new ArrayList<>();

    @Option(names = "--token-expires-in-days", paramLabel = "DAYS", description = "Lifetime of the token.")
    Integer tokenExpiresInDays;

    @Override
    protected int run() {
      ObjectNode body = Json.object();
      body.put("name", name);
      if (!roles.isEmpty()) {
        roles.forEach(body.putArray("roles")::add);
      }
      if (!teams.isEmpty()) {
        teams.forEach(body.putArray("teams")::add);
      }
      if (tokenExpiresInDays != null) {
        body.put("token_expires_in_days", tokenExpiresInDays);
      }
      JsonNode created = api().send(ApiRequest.post("operators").body(body)).json();
      if (printer().isJson()) {
        printer().resource(created);
      } else {
        printer().resource(created.path("operator"));
        printer().raw("");
        printer().raw("api token:");
        printer().resource(created.path("token"));
      }
      printer().note(SHOWN_ONCE);
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", description = "List operators (GET /api/v1/operators).")
  static final class ListOperators extends ApiCommand {
    @Mixin PageOptions page;

    @Override
    protected int run() {
      printer().list(api().send(page.applyTo(ApiRequest.get("operators"))).json(), Columns.OPERATORS);
      return ExitCodes.OK;
    }
  }

  @Command(name = "get", description = "Show one operator (GET /api/v1/operators/{id}).")
  static final class Get extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "Operator id (op_...).")
    String id;

    @Override
    protected int run() {
      printer().resource(api().send(ApiRequest.get("operators", id)).json());
      return ExitCodes.OK;
    }
  }

  /** A change to an operator, sent with the operator's version in If-Match. */
  abstract static class OperatorChange extends ApiCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "Operator id.")
    String id;

    @Mixin VersionOption version;

    protected int change(ApiRequest request) {
      long expected = versionToMatch(version.version, "operators", id);
      printer().resource(api().send(request.ifMatch(expected)).json());
      return ExitCodes.OK;
    }
  }

  @Command(name = "grant", description = "Grant a role (POST /api/v1/operators/{id}/roles; admin + step-up).")
  static final class Grant extends OperatorChange {
    @Parameters(index = "1", paramLabel = "ROLE", description = "The role to grant.")
    String role;

    @Override
    protected int run() {
      return change(ApiRequest.post("operators", id, "roles").body(Json.object().put("role", role)));
    }
  }

  @Command(name = "revoke-role",
      description = "Take a role away (DELETE /api/v1/operators/{id}/roles/{role}; admin + step-up).")
  static final class RevokeRole extends OperatorChange {
    @Parameters(index = "1", paramLabel = "ROLE", description = "The role to revoke.")
    String role;

    @Override
    protected int run() {
      return change(ApiRequest.delete("operators", id, "roles", role));
    }
  }

  @Command(name = "add-team", description = "Add the operator to a team (POST /api/v1/operators/{id}/teams).")
  static final class AddTeam extends OperatorChange {
    @Parameters(index = "1", paramLabel = "TEAM", description = "Team id.")
    String team;

    @Override
    protected int run() {
      return change(ApiRequest.post("operators", id, "teams").body(Json.object().put("team", team)));
    }
  }

  @Command(name = "remove-team",
      description = "Remove the operator from a team (DELETE /api/v1/operators/{id}/teams/{team}).")
  static final class RemoveTeam extends OperatorChange {
    @Parameters(index = "1", paramLabel = "TEAM", description = "Team id.")
    String team;

    @Override
    protected int run() {
      return change(ApiRequest.delete("operators", id, "teams", team));
    }
  }

  @Command(name = "disable", description = {
      "Disable an operator (POST /api/v1/operators/{id}/disable): its tokens stop working."})
  static final class Disable extends OperatorChange {
    @Override
    protected int run() {
      return change(ApiRequest.post("operators", id, "disable").body(Json.object()));
    }
  }

  @Command(name = "enable", description = "Enable a disabled operator (POST /api/v1/operators/{id}/enable).")
  static final class Enable extends OperatorChange {
    @Override
    protected int run() {
      return change(ApiRequest.post("operators", id, "enable").body(Json.object()));
    }
  }

  /** Commands about an operator's tokens; without an operator id they act on the caller. */
  abstract static class TokenCommand extends ApiCommand {
    @Parameters(arity = "0..1", paramLabel = "OPERATOR_ID",
        description = "Operator id; default: the operator the token belongs to.")
    String operatorId;

    protected String operatorIdOrCaller() {
      if (operatorId != null) {
        return operatorId;
      }
      JsonNode me = api().send(ApiRequest.get("operators", "me")).json();
      if (!me.path("id").isTextual()) {
        throw new ContractViolation("GET /api/v1/operators/me answered without an id");
      }
      return me.path("id").asText();
    }
  }

  @Command(name = "token-create", description = {
      "Issue an API token (POST /api/v1/operators/{id}/tokens; self or admin).",
      "The token value is printed once."})
  static final class TokenCreate extends TokenCommand {
    @Option(names = "--description", description = "What the token is for.")
    String description;

    @Option(names = "--expires-in-days", paramLabel = "DAYS", description = "Lifetime of the token.")
    Integer expiresInDays;

    @Override
    protected int run() {
      ObjectNode body = Json.object();
      if (description != null) {
        body.put("description", description);
      }
      if (expiresInDays != null) {
        body.put("expires_in_days", expiresInDays);
      }
      printer().resource(api().send(ApiRequest.post("operators", operatorIdOrCaller(), "tokens").body(body))
          .json());
      printer().note(SHOWN_ONCE);
      return ExitCodes.OK;
    }
  }

  @Command(name = "token-list",
      description = "List an operator's API tokens, without values (GET /api/v1/operators/{id}/tokens).")
  static final class TokenList extends TokenCommand {
    @Override
    protected int run() {
      printer().list(api().send(ApiRequest.get("operators", operatorIdOrCaller(), "tokens")).json(),
          Columns.TOKENS);
      return ExitCodes.OK;
    }
  }

  @Command(name = "token-revoke", description = "Revoke an API token (DELETE /api/v1/operator-tokens/{id}).")
  static final class TokenRevoke extends ApiCommand {
    @Parameters(paramLabel = "TOKEN_ID", description = "Token id (tok_...), not the token value.")
    String tokenId;

    @Override
    protected int run() {
      api().send(ApiRequest.delete("operator-tokens", tokenId));
      printer().done("token " + tokenId + " revoked");
      return ExitCodes.OK;
    }
  }

  @Command(name = "totp-enrol", description = {
      "Start TOTP enrolment for yourself (POST /api/v1/operators/me/totp).",
      "The secret and otpauth URI are printed once; confirm with totp-confirm."})
  static final class TotpEnrol extends ApiCommand {
    @Override
    protected int run() {
      printer().resource(api().send(ApiRequest.post("operators", "me", "totp").body(Json.object())).json());
      printer().note("the TOTP secret is shown only this once: add it to your authenticator now,"
          + " then run 'bindery operator totp-confirm CODE'");
      return ExitCodes.OK;
    }
  }

  @Command(name = "totp-recover", sortOptions = false, description = {
      "Start the enrolment of a new TOTP factor with the support desk's temporary code, after a factor_reenrol"
          + " (POST /api/v1/operators/me/totp/recover). Run it with your own token.",
      "The code (bnd_tre_...) reached your teams' webhook, never the desk; it works once. The new secret is printed"
          + " once; confirm with totp-confirm."})
  static final class TotpRecover extends ApiCommand {
    private static final int MAX_CODE_LENGTH = 128;

    @Option(names = "--code-file", paramLabel = "FILE", description = "File holding the code (preferred).")
    Path codeFile;

    @Option(names = "--code", paramLabel = "CODE",
        description = "The code itself (visible in the process list and shell history; prefer --code-file).")
    String code;

    @Override
    protected int run() {
      if ((code == null) == (codeFile == null)) {
        throw CliFailure.usage("give the code with --code-file FILE or --code CODE (one of them)");
      }
      String value;
      try {
        value = code != null ? code : Files.readString(codeFile, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw CliFailure.usage("cannot read code file " + codeFile + ": "
            + CliFailure.reason(e));
      }
      String trimmed = value.strip();
      if (trimmed.isEmpty() || trimmed.length() > MAX_CODE_LENGTH
          || trimmed.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
        // never echo the value: it is a secret until used
        throw CliFailure.usage((code != null ? "--code" : "code file " + codeFile)
            + " does not hold a code (empty, too long, or has spaces or control characters)");
      }
      printer().resource(api().send(ApiRequest.post("operators", "me", "totp", "recover")
          .body(Json.object().put("code", trimmed))).json());
      printer().note("the TOTP secret is shown only this once: add it to your authenticator now,"
          + " then run 'bindery operator totp-confirm CODE'");
      return ExitCodes.OK;
    }
  }

  @Command(name = "totp-confirm",
      description = "Finish TOTP enrolment with a current code (POST /api/v1/operators/me/totp/confirm).")
  static final class TotpConfirm extends ApiCommand {
    @Parameters(paramLabel = "CODE", description = "The 6-digit code your authenticator shows.")
    String code;

    @Override
    protected int run() {
      api().send(ApiRequest.post("operators", "me", "totp", "confirm").body(Json.object().put("code", code)));
      printer().done("TOTP enrolment confirmed");
      return ExitCodes.OK;
    }
  }

  @Command(name = "step-up", description = {
      "Prove a TOTP code to unlock sensitive actions for a while",
      "(POST /api/v1/operators/me/step-up)."})
  static final class StepUp extends ApiCommand {
    @Parameters(paramLabel = "CODE", description = "The 6-digit code your authenticator shows.")
    String code;

    @Override
    protected int run() {
      JsonNode answer = api().send(ApiRequest.post("operators", "me", "step-up")
          .body(Json.object().put("code", code))).json();
      printer().outcome(answer, "step-up valid until " + answer.path("step_up_valid_until").asText("-"));
      return ExitCodes.OK;
    }
  }
}
